"""Cart controllers: `/api/cart/`, `/api/cart/items/`, `/api/cart/items/{id}/`. Owner only."""

from dependency_injector.wiring import Provide, inject
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.serializers.common import ErrorResponseSerializer
from apps.core.serializers.shopping import (
    CartItemInputSerializer,
    CartItemOutputSerializer,
    CartItemUpdateInputSerializer,
    CartOutputSerializer,
)
from apps.core.services.shopping import CartService

AUTH_ERRORS = {401: ErrorResponseSerializer}


class CartController(APIView):
    """`/api/cart/`"""

    @extend_schema(
        tags=["cart"],
        summary="Read my cart",
        responses={200: CartOutputSerializer, **AUTH_ERRORS},
    )
    @inject
    def get(self, request: Request, service: CartService = Provide[Container.cart_service]) -> Response:
        return Response(CartOutputSerializer(service.get(request.user)).data)

    @extend_schema(
        tags=["cart"],
        summary="Empty my cart",
        responses={204: None, **AUTH_ERRORS},
    )
    @inject
    def delete(self, request: Request, service: CartService = Provide[Container.cart_service]) -> Response:
        service.clear(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CartItemCollectionController(APIView):
    """`/api/cart/items/`"""

    @extend_schema(
        tags=["cart"],
        summary="Add a variant to my cart",
        description="Send `variant` (or `product` alone for a product with exactly one live variant; several: "
        "a 400 `variant_required`; both must agree). Adding a variant already in the cart raises its quantity. "
        "A quantity below 1 or above the variant's stock, or an inactive/deleted product or variant, is a 400.",
        request=CartItemInputSerializer,
        responses={201: CartItemOutputSerializer, 400: ErrorResponseSerializer, **AUTH_ERRORS},
    )
    @inject
    def post(self, request: Request, service: CartService = Provide[Container.cart_service]) -> Response:
        body = CartItemInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        item = service.add_item(request.user, data.get("product"), data["quantity"], variant_id=data.get("variant"))
        return Response(CartItemOutputSerializer(item).data, status=status.HTTP_201_CREATED)


class CartItemController(APIView):
    """`/api/cart/items/{id}/`"""

    @extend_schema(
        tags=["cart"],
        summary="Change the quantity of a cart line",
        request=CartItemUpdateInputSerializer,
        responses={
            200: CartItemOutputSerializer,
            400: ErrorResponseSerializer,
            404: ErrorResponseSerializer,
            **AUTH_ERRORS,
        },
    )
    @inject
    def patch(self, request: Request, item_id: int, service: CartService = Provide[Container.cart_service]) -> Response:
        body = CartItemUpdateInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = service.update_item(request.user, item_id, body.validated_data["quantity"])
        return Response(CartItemOutputSerializer(item).data)

    @extend_schema(
        tags=["cart"],
        summary="Remove a line from my cart",
        responses={204: None, 404: ErrorResponseSerializer, **AUTH_ERRORS},
    )
    @inject
    def delete(
        self, request: Request, item_id: int, service: CartService = Provide[Container.cart_service]
    ) -> Response:
        service.remove_item(request.user, item_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
