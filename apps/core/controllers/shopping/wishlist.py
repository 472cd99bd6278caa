"""`/api/wishlist/` and `/api/wishlist/{product_id}/`: the user's own saved products."""

from dependency_injector.wiring import Provide, inject
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.controllers.responses import page_payload
from apps.core.serializers.catalog import ProductOutputSerializer
from apps.core.serializers.common import ErrorResponseSerializer, PageQuerySerializer, page_of
from apps.core.serializers.shopping import WishlistInputSerializer
from apps.core.services.shopping import WishlistService

AUTH_ERRORS = {401: ErrorResponseSerializer}


class WishlistCollectionController(APIView):
    """`/api/wishlist/`"""

    @extend_schema(
        tags=["wishlist"],
        summary="List my wishlist (products, most recently added first)",
        operation_id="wishlist_list",
        parameters=[PageQuerySerializer],
        responses={
            200: page_of(ProductOutputSerializer),
            400: ErrorResponseSerializer,
            404: ErrorResponseSerializer,
            **AUTH_ERRORS,
        },
    )
    @inject
    def get(self, request: Request, service: WishlistService = Provide[Container.wishlist_service]) -> Response:
        query = PageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = service.list_page(
            request.user, page=query.validated_data["page"], page_size=query.validated_data["page_size"]
        )
        return Response(page_payload(request, result, lambda rows: ProductOutputSerializer(rows, many=True).data))

    @extend_schema(
        tags=["wishlist"],
        summary="Add a product to my wishlist",
        request=WishlistInputSerializer,
        responses={
            201: OpenApiResponse(ProductOutputSerializer, description="Added."),
            200: OpenApiResponse(ProductOutputSerializer, description="It was already on the wishlist."),
            400: ErrorResponseSerializer,
            **AUTH_ERRORS,
        },
    )
    @inject
    def post(self, request: Request, service: WishlistService = Provide[Container.wishlist_service]) -> Response:
        body = WishlistInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        product, created = service.add(request.user, body.validated_data["product"])
        return Response(
            ProductOutputSerializer(product).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class WishlistItemController(APIView):
    """`/api/wishlist/{product_id}/`"""

    @extend_schema(
        tags=["wishlist"],
        summary="Remove a product from my wishlist",
        responses={204: None, 404: ErrorResponseSerializer, **AUTH_ERRORS},
    )
    @inject
    def delete(
        self, request: Request, product_id: int, service: WishlistService = Provide[Container.wishlist_service]
    ) -> Response:
        service.remove(request.user, product_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
