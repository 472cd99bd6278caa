"""The OpenAPI document describes every shopping endpoint with its errors."""

import pytest
from drf_spectacular.generators import SchemaGenerator

SHOP_OPERATIONS = {
    ("/api/cart/", "get"): {"200", "401"},
    ("/api/cart/", "delete"): {"204", "401"},
    ("/api/cart/items/", "post"): {"201", "400", "401"},
    ("/api/cart/items/{item_id}/", "patch"): {"200", "400", "401", "404"},
    ("/api/cart/items/{item_id}/", "delete"): {"204", "401", "404"},
    ("/api/orders/", "get"): {"200", "400", "401", "404"},
    ("/api/orders/", "post"): {"200", "201", "400", "401", "409", "422"},
    ("/api/orders/{order_id}/", "get"): {"200", "401", "404"},
    ("/api/orders/{order_id}/", "patch"): {"200", "400", "401", "403", "404", "409"},
    ("/api/orders/{order_id}/cancel/", "post"): {"200", "401", "404", "409"},
    ("/api/orders/{order_id}/payments/", "get"): {"200", "400", "401", "404"},
    ("/api/orders/{order_id}/payments/", "post"): {"200", "201", "400", "401", "404", "409", "422", "503"},
    ("/api/orders/{order_id}/refunds/", "get"): {"200", "400", "401", "404"},
    ("/api/orders/{order_id}/refunds/", "post"): {"200", "201", "400", "401", "403", "404", "409", "422", "503"},
    ("/api/payments/webhook/", "post"): {"200", "400"},
    ("/api/products/{product_id}/reviews/", "get"): {"200", "400", "404"},
    ("/api/products/{product_id}/reviews/", "post"): {"201", "400", "401", "403", "404", "409"},
    ("/api/wishlist/", "get"): {"200", "400", "401", "404"},
    ("/api/wishlist/", "post"): {"200", "201", "400", "401"},
    ("/api/wishlist/{product_id}/", "delete"): {"204", "401", "404"},
}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize(("path", "method"), list(SHOP_OPERATIONS))
def test_operation_documented_with_errors(schema, path, method):
    operation = schema["paths"][path][method]
    assert operation["tags"]
    assert operation["summary"]
    assert SHOP_OPERATIONS[(path, method)] <= set(operation["responses"])  # plus any global ones (429...)


@pytest.mark.parametrize(
    "path", ["/api/orders/", "/api/orders/{order_id}/payments/", "/api/orders/{order_id}/refunds/"]
)
def test_idempotency_key_header_documented(schema, path):
    parameters = schema["paths"][path]["post"]["parameters"]
    header = next(p for p in parameters if p["name"] == "Idempotency-Key")
    assert header["in"] == "header"
    assert header.get("required", False) is False
    assert "422" in header["description"]


def test_no_input_serializer_accepts_price_status_or_amount(schema):
    components = schema["components"]["schemas"]
    for name in (
        "CartItemInputRequest",
        "PatchedCartItemUpdateInputRequest",
        "PaymentInputRequest",
        "RefundInputRequest",
        "RefundLineInputRequest",
        "ReviewInputRequest",
        "WishlistInputRequest",
    ):
        fields = set(components[name]["properties"])
        assert not fields & {"price", "unit_price", "line_total", "amount", "total", "status", "user"}, name
