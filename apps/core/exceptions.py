"""Domain errors raised by services. They know nothing about HTTP.

`apps/core/controllers/errors.py` is the one place that maps them to status codes.
"""


class ServiceError(Exception):
    """Base of every domain error.

    Args:
        detail: a human-readable sentence.
        code: a snake_case machine code (defaults to the class's `default_code`).
        attr: the input field the error is about, or None.
    """

    default_code = "error"

    def __init__(self, detail: str, *, code: str | None = None, attr: str | None = None) -> None:
        super().__init__(detail)
        self.detail, self.code, self.attr = detail, code or self.default_code, attr


class NotFoundError(ServiceError):
    """The object does not exist or is not visible to the caller (HTTP 404)."""

    default_code = "not_found"


class ConflictError(ServiceError):
    """The request conflicts with the current state of a resource (HTTP 409)."""

    default_code = "conflict"


class InvalidInputError(ServiceError):
    """The input is well-formed but breaks a business rule (HTTP 400)."""

    default_code = "invalid"


class PermissionDeniedError(ServiceError):
    """The caller is authenticated but may not do this (HTTP 403)."""

    default_code = "permission_denied"


class AuthenticationFailedError(ServiceError):
    """Credentials were wrong; the message never says which part (HTTP 401)."""

    default_code = "authentication_failed"


class UnprocessableError(ServiceError):
    """The request is understood but cannot be processed as sent (HTTP 422)."""

    default_code = "unprocessable"


class ServiceUnavailableError(ServiceError):
    """A backing service (database) is unreachable; retry later (HTTP 503)."""

    default_code = "service_unavailable"


class CategoryInUseError(ConflictError):
    """A category still has live products or live sub-categories."""

    default_code = "category_in_use"


class InsufficientStockError(ConflictError):
    """A line asks for more units than are in stock.

    Attributes:
        product_id: the product short of stock.
        available: units on hand when checked (of the variant, when `variant_id` is set).
        variant_id: the variant short of stock, or None.
    """

    default_code = "insufficient_stock"

    def __init__(
        self, detail: str, *, product_id: int, available: int, attr: str | None = None, variant_id: int | None = None
    ) -> None:
        super().__init__(detail, attr=attr)
        self.product_id, self.available, self.variant_id = product_id, available, variant_id


class OptionInUseError(ConflictError):
    """An option type or value that live variants still use cannot be deleted."""

    default_code = "option_in_use"


class DuplicateVariantError(ConflictError):
    """Another live variant of the product already has exactly these options."""

    default_code = "duplicate_variant_options"


class LastVariantError(ConflictError):
    """A product's last live variant cannot be deleted (every product has at least one)."""

    default_code = "last_variant"


class VariantRequiredError(InvalidInputError):
    """A cart line named a product with several live variants and no variant (attr "variant")."""

    default_code = "variant_required"


class EmptyCartError(InvalidInputError):
    """Checkout was asked for with nothing in the cart."""

    default_code = "empty_cart"


class ProductUnavailableError(ConflictError):
    """A cart line's product was deleted or deactivated since it was added.

    Attributes:
        product_id: the product that can no longer be bought.
        variant_id: the variant that can no longer be bought (deleted, or its product is), or None.
    """

    default_code = "product_unavailable"

    def __init__(self, detail: str, *, product_id: int, attr: str | None = None, variant_id: int | None = None) -> None:
        super().__init__(detail, attr=attr)
        self.product_id, self.variant_id = product_id, variant_id


class IllegalTransitionError(ConflictError):
    """The order state machine does not allow moving from the current status to the requested one.

    Attributes:
        current / requested: the order's status and the one asked for.
    """

    default_code = "illegal_transition"

    def __init__(self, detail: str, *, current: str, requested: str, attr: str | None = None) -> None:
        super().__init__(detail, attr=attr)
        self.current, self.requested = current, requested


class IdempotencyKeyMismatchError(UnprocessableError):
    """An `Idempotency-Key` was reused for another request (method, path or body) than the one it first came with."""

    default_code = "idempotency_key_mismatch"


class NotABuyerError(PermissionDeniedError):
    """Only a user with a paid, shipped or delivered order holding the product may review it."""

    default_code = "not_a_buyer"


class EmailNotVerifiedError(PermissionDeniedError):
    """The action needs a verified e-mail address (REQUIRE_VERIFIED_EMAIL_TO_ORDER) and the user has none."""

    default_code = "email_not_verified"


class AlreadyReviewedError(ConflictError):
    """The user already reviewed this product (one review per user and product)."""

    default_code = "already_reviewed"


class InvalidSignatureError(InvalidInputError):
    """A webhook's signature header is missing, malformed or does not match its body."""

    default_code = "invalid_signature"


class PaymentGatewayError(ServiceUnavailableError):
    """The payment provider could not be reached or answered nonsense; nothing was charged or recorded."""

    default_code = "payment_gateway_error"


class RefundDeclinedError(ConflictError):
    """The payment provider refused a refund; nothing was refunded or recorded (HTTP 409)."""

    default_code = "refund_declined"


class OrderNotRefundableError(ConflictError):
    """The order is in no status a refund applies to, or has no settled payment to refund (HTTP 409)."""

    default_code = "order_not_refundable"


class ImageRejectedError(InvalidInputError):
    """An upload is not an acceptable image (format, size, pixels or a broken file); attr is the field (HTTP 400)."""

    default_code = "invalid_image"
