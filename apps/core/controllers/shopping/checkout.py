"""`/api/checkout/quote/`: what the cart would cost with an address, a shipping method and a voucher."""

from dependency_injector.wiring import Provide, inject
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.serializers.common import ErrorResponseSerializer
from apps.core.serializers.shopping.checkout import CheckoutInputSerializer, QuoteOutputSerializer
from apps.core.services.shipping import AddressInput
from apps.core.services.shopping.checkout import CheckoutInput, CheckoutService


class CheckoutQuoteController(APIView):
    """`/api/checkout/quote/`"""

    @extend_schema(
        tags=["checkout"],
        summary="Price my cart for an address, a shipping method and a voucher (nothing is reserved)",
        request=CheckoutInputSerializer,
        responses={200: QuoteOutputSerializer, 400: ErrorResponseSerializer, 401: ErrorResponseSerializer},
    )
    @inject
    def post(self, request: Request, service: CheckoutService = Provide[Container.checkout_service]) -> Response:
        body = CheckoutInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        checkout = service.quote(request.user, checkout_input(body.validated_data))
        return Response(QuoteOutputSerializer(checkout.quote).data)


def address_input(address: int | dict | None) -> int | AddressInput | None:
    """A validated `AddressRefField` value: an id stays an id, an object becomes an `AddressInput`."""
    if isinstance(address, dict):
        phone = address.get("phone")
        return AddressInput(**{**address, "country": str(address["country"]), "phone": phone.as_e164 if phone else ""})
    return address


def checkout_input(data: dict) -> CheckoutInput:
    """A `CheckoutInput` from validated checkout fields (an address object becomes an `AddressInput`)."""
    return CheckoutInput(
        shipping_address=address_input(data.get("shipping_address")),
        shipping_method=data.get("shipping_method"),
        voucher_code=data.get("voucher_code") or None,
    )
