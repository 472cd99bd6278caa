"""Order serializers. No input serializer carries a price, amount, total, user or (for
customers) status: those come from the server."""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.models.shopping import Order, OrderLine, OrderStatus
from apps.core.serializers.common import PageQuerySerializer, WholePatchSerializer, decimal_string, utc_timestamp
from apps.core.serializers.shopping.checkout import AddressRefField, CheckoutInputSerializer


class OrderInputSerializer(CheckoutInputSerializer):
    """`POST /api/orders/`: the quote's fields plus a billing address (default: the shipping one).

    All optional for the serializer; when a line requires shipping the service requires
    `shipping_address` and `shipping_method` (400 naming them).
    """

    billing_address = AddressRefField(required=False, allow_null=True, default=None)


class OrderAddressSerializer(serializers.Serializer):
    """An address as the order keeps it (a snapshot: later edits of the address book do not change it)."""

    full_name = serializers.CharField(read_only=True)
    company = serializers.CharField(read_only=True)
    line1 = serializers.CharField(read_only=True)
    line2 = serializers.CharField(read_only=True)
    city = serializers.CharField(read_only=True)
    postal_code = serializers.CharField(read_only=True)
    region = serializers.CharField(read_only=True)
    country = serializers.CharField(read_only=True, help_text="ISO 3166-1 alpha-2.")
    phone = serializers.CharField(read_only=True, help_text="E.164, or empty.")


class OrderShippingMethodSerializer(serializers.Serializer):
    """The shipping method as the order keeps it: `id` is null when the method was deleted since."""

    id = serializers.IntegerField(read_only=True, allow_null=True)
    name = serializers.CharField(read_only=True)


class OrderLineVariantSerializer(serializers.Serializer):
    """The variant a line holds: its id, the SKU and options (`{"size": "XL"}`) it had at checkout."""

    id = serializers.IntegerField(read_only=True)
    sku = serializers.CharField(read_only=True)
    options = serializers.DictField(child=serializers.CharField(), read_only=True)


MONEY = {"max_digits": 12, "decimal_places": 2, "read_only": True}


class OrderLineOutputSerializer(serializers.ModelSerializer):
    """A line as snapshotted at checkout: `id` is what refunds name; `product` is the product's id; name,
    SKU, price and tax are copies.

    `line_total = unit_price x quantity` (before the discount); `tax_amount` is the tax on the
    line after its share of the discount, at `tax_rate` (a fraction, "0.2000").
    """

    product = serializers.IntegerField(source="product_id", read_only=True)
    variant = serializers.SerializerMethodField()
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=4, read_only=True)
    tax_amount = serializers.DecimalField(**MONEY)

    class Meta:
        model = OrderLine
        fields = (
            "id",
            "product",
            "variant",
            "product_name",
            "sku",
            "unit_price",
            "quantity",
            "line_total",
            "tax_rate",
            "tax_amount",
        )
        read_only_fields = fields

    @extend_schema_field(OrderLineVariantSerializer(allow_null=True))
    def get_variant(self, line: OrderLine) -> dict | None:
        """`{id, sku, options}` from the line's snapshot, or null when the variant row is gone."""
        if line.variant_id is None:
            return None
        return {"id": line.variant_id, "sku": line.sku, "options": line.variant_options or {}}


class OrderOutputSerializer(serializers.ModelSerializer):
    """An order with its lines (`items`); money as decimal strings in `currency`."""

    items = OrderLineOutputSerializer(source="lines", many=True, read_only=True)
    user = serializers.IntegerField(source="user_id", read_only=True)
    shipping_address = OrderAddressSerializer(read_only=True, allow_null=True)
    billing_address = OrderAddressSerializer(read_only=True, allow_null=True)
    shipping_method = serializers.SerializerMethodField()
    subtotal = serializers.DecimalField(**MONEY)
    discount_total = serializers.DecimalField(**MONEY)
    shipping_total = serializers.DecimalField(**MONEY)
    tax_total = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)

    class Meta:
        model = Order
        fields = (
            "id",
            "number",
            "status",
            "items",
            "subtotal",
            "discount_total",
            "shipping_total",
            "tax_total",
            "total",
            "currency",
            "shipping_address",
            "billing_address",
            "shipping_method",
            "voucher_code",
            "user",
            "created_at",
            "updated_at",
            "paid_at",
            "shipped_at",
            "delivered_at",
            "cancelled_at",
            "processing_at",
            "expired_at",
            "expires_at",
            "tracking_number",
            "carrier",
        )
        read_only_fields = fields

    @extend_schema_field(OrderShippingMethodSerializer(allow_null=True))
    def get_shipping_method(self, order: Order) -> dict | None:
        """`{id, name}` as snapshotted (id null when the method was deleted), or null when none was chosen."""
        if order.shipping_method_id is None and not order.shipping_method_name:
            return None
        return {"id": order.shipping_method_id, "name": order.shipping_method_name}

    def to_representation(self, instance: Order) -> dict:
        """The order; an address snapshot that is empty (none given) reads as null.

        Built directly while Meta.fields are the ones `_fast_order` knows (the same JSON as DRF's
        generic path, which tests compare): DRF builds ~60 field objects per order, a sixth of a
        checkout's CPU. A field added to Meta.fields switches back to the generic path.
        """
        if self.Meta.fields == _ORDER_FIELDS and OrderLineOutputSerializer.Meta.fields == _LINE_FIELDS:
            return _fast_order(instance)
        return self.generic_representation(instance)

    def generic_representation(self, instance: Order) -> dict:
        """DRF's generic path (what `to_representation` must equal)."""
        data = super().to_representation(instance)
        for name in ("shipping_address", "billing_address"):
            if not getattr(instance, name):
                data[name] = None
        return data


_ORDER_FIELDS = OrderOutputSerializer.Meta.fields
_LINE_FIELDS = OrderLineOutputSerializer.Meta.fields
_ADDRESS_FIELDS = tuple(OrderAddressSerializer().fields)
_ORDER_MONEY = ("subtotal", "discount_total", "shipping_total", "tax_total", "total")
_ORDER_TIMES = tuple(name for name in _ORDER_FIELDS if name.endswith("_at"))  # in Meta.fields order


def _address(snapshot: dict | None) -> dict | None:
    if not snapshot:
        return None
    fields = (name for name in _ADDRESS_FIELDS if name in snapshot)
    return {name: None if snapshot[name] is None else str(snapshot[name]) for name in fields}


def _fast_line(line: OrderLine) -> dict:
    return {
        "id": line.id,
        "product": line.product_id,
        "variant": None
        if line.variant_id is None
        else {"id": line.variant_id, "sku": line.sku, "options": line.variant_options or {}},
        "product_name": line.product_name,
        "sku": line.sku,
        "unit_price": decimal_string(line.unit_price, 2, 12),
        "quantity": line.quantity,
        "line_total": decimal_string(line.line_total, 2, 12),
        "tax_rate": decimal_string(line.tax_rate, 4, 5),
        "tax_amount": decimal_string(line.tax_amount, 2, 12),
    }


def _fast_order(order: Order) -> dict:
    money = {name: decimal_string(getattr(order, name), 2, 12) for name in _ORDER_MONEY}
    method = None
    if order.shipping_method_id is not None or order.shipping_method_name:
        method = {"id": order.shipping_method_id, "name": order.shipping_method_name}
    return {
        "id": order.id,
        "number": order.number,
        "status": order.status,
        "items": [_fast_line(line) for line in order.lines.all()],
        **money,
        "currency": order.currency,
        "shipping_address": _address(order.shipping_address),
        "billing_address": _address(order.billing_address),
        "shipping_method": method,
        "voucher_code": order.voucher_code,
        "user": order.user_id,
        **{name: utc_timestamp(getattr(order, name)) for name in _ORDER_TIMES},
        "tracking_number": order.tracking_number,
        "carrier": order.carrier,
    }


class OrderListQuerySerializer(PageQuerySerializer):
    """Query of `GET /api/orders/`: page parameters and an optional status filter."""

    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False, help_text="Only this status.")


IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]+$"  # visible ASCII


class IdempotencyHeaderSerializer(serializers.Serializer):
    """The `Idempotency-Key` header: 1-255 visible ASCII characters (a UUID is a good choice)."""

    idempotency_key = serializers.RegexField(
        IDEMPOTENCY_KEY_PATTERN,
        max_length=settings.IDEMPOTENCY_KEY_MAX_LENGTH,
        required=False,
        allow_null=True,
        error_messages={"invalid": "Use 1-255 visible ASCII characters."},
    )


class OrderStatusInputSerializer(WholePatchSerializer):
    """A staff status move; the state machine decides whether it is legal (409 if not).

    `tracking_number` and `carrier` go with a move to `shipped` only (400 with any other status).
    """

    status = serializers.ChoiceField(choices=OrderStatus.choices)
    tracking_number = serializers.CharField(
        max_length=64, required=False, help_text="The parcel's tracking number (with `status: shipped`)."
    )
    carrier = serializers.CharField(
        max_length=64, required=False, help_text="Who carries the parcel, e.g. `DHL` (with `status: shipped`)."
    )
