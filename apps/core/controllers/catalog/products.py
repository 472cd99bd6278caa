"""Product controllers: `/api/products/`, `/api/products/{id}/`, `/api/products/{id}/restore/`, `.../publish/`."""

from dependency_injector.wiring import Provide, inject
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.controllers.http_cache import ResponseCache
from apps.core.controllers.permissions import PUBLIC_READ_AUTH, model_permissions
from apps.core.controllers.responses import page_payload, render_json
from apps.core.serializers.catalog import (
    ProductDetailOutputSerializer,
    ProductInputSerializer,
    ProductListQuerySerializer,
    ProductOutputSerializer,
    ProductPageSerializer,
)
from apps.core.serializers.common import ErrorResponseSerializer
from apps.core.services.catalog import ProductFilters, ProductInput, ProductService

WRITE_ERRORS = {400: ErrorResponseSerializer, 401: ErrorResponseSerializer, 403: ErrorResponseSerializer}


class ProductCollectionController(APIView):
    """`/api/products/`"""

    permission_classes = [model_permissions("product", public_reads=True)]

    @extend_schema(
        tags=["products"],
        summary="List, filter, search and order products",
        auth=PUBLIC_READ_AUTH,
        operation_id="products_list",
        parameters=[ProductListQuerySerializer],
        responses={200: ProductPageSerializer, 400: ErrorResponseSerializer, 404: ErrorResponseSerializer},
    )
    @inject
    def get(
        self,
        request: Request,
        service: ProductService = Provide[Container.product_service],
        response_cache: ResponseCache = Provide[Container.response_cache],
    ):
        query = ProductListQuerySerializer(
            data=request.query_params, context={"staff": service.sees_unpublished(request.user)}
        )
        query.is_valid(raise_exception=True)
        params = dict(query.validated_data)
        page = {"page": params.pop("page"), "page_size": params.pop("page_size"), "cursor": params.pop("cursor", None)}
        filters = ProductFilters(**params)

        def payload() -> dict:
            result = service.list_page(filters, **page)
            return page_payload(request, result, lambda rows: ProductOutputSerializer(rows, many=True).data)

        if filters.status is not None:  # staff: unpublished rows never enter the public (URL-keyed) cache
            return Response(payload())
        return response_cache.respond(
            request, service.list_key(filters, **page), lambda: render_json(payload()), links=True, url_alias=True
        )

    @extend_schema(
        tags=["products"],
        summary="Create a product (admin)",
        request=ProductInputSerializer,
        responses={201: ProductOutputSerializer, **WRITE_ERRORS},
    )
    @inject
    def post(self, request: Request, service: ProductService = Provide[Container.product_service]) -> Response:
        body = ProductInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        product = service.create(ProductInput.from_mapping(body.validated_data))
        return Response(ProductOutputSerializer(product).data, status=status.HTTP_201_CREATED)


class ProductItemController(APIView):
    """`/api/products/{id}/`"""

    permission_classes = [model_permissions("product", public_reads=True)]

    @extend_schema(
        tags=["products"],
        summary="Read a product",
        auth=PUBLIC_READ_AUTH,
        responses={200: ProductDetailOutputSerializer, 404: ErrorResponseSerializer},
    )
    @inject
    def get(
        self,
        request: Request,
        product_id: int,
        service: ProductService = Provide[Container.product_service],
        response_cache: ResponseCache = Provide[Container.response_cache],
    ):
        if service.sees_unpublished(request.user):  # staff: inactive products too, never the public cache
            return Response(ProductDetailOutputSerializer(service.get(product_id, include_inactive=True)).data)

        def render() -> bytes:
            return render_json(ProductDetailOutputSerializer(service.get(product_id)).data)

        return response_cache.respond(request, service.detail_key(product_id), render)

    @extend_schema(
        tags=["products"],
        summary="Replace a product (admin)",
        request=ProductInputSerializer,
        responses={200: ProductOutputSerializer, 404: ErrorResponseSerializer, **WRITE_ERRORS},
    )
    @inject
    def put(
        self, request: Request, product_id: int, service: ProductService = Provide[Container.product_service]
    ) -> Response:
        return self._update(request, product_id, service, partial=False)

    @extend_schema(
        tags=["products"],
        summary="Change some fields of a product (admin)",
        request=ProductInputSerializer(partial=True),
        responses={200: ProductOutputSerializer, 404: ErrorResponseSerializer, **WRITE_ERRORS},
    )
    @inject
    def patch(
        self, request: Request, product_id: int, service: ProductService = Provide[Container.product_service]
    ) -> Response:
        return self._update(request, product_id, service, partial=True)

    @extend_schema(
        tags=["products"],
        summary="Soft-delete a product (admin)",
        responses={204: None, 404: ErrorResponseSerializer, 401: ErrorResponseSerializer, 403: ErrorResponseSerializer},
    )
    @inject
    def delete(
        self, request: Request, product_id: int, service: ProductService = Provide[Container.product_service]
    ) -> Response:
        service.soft_delete(product_id)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @staticmethod
    def _update(request: Request, product_id: int, service: ProductService, *, partial: bool) -> Response:
        body = ProductInputSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        product = service.update(product_id, ProductInput.from_mapping(body.validated_data))
        return Response(ProductOutputSerializer(product).data)


class ProductRestoreController(APIView):
    """`/api/products/{id}/restore/`"""

    permission_classes = [model_permissions("product", public_reads=False, actions={"POST": "change"})]

    @extend_schema(
        tags=["products"],
        summary="Restore a soft-deleted product (admin)",
        request=None,
        responses={
            200: ProductOutputSerializer,
            400: ErrorResponseSerializer,
            401: ErrorResponseSerializer,
            403: ErrorResponseSerializer,
            404: ErrorResponseSerializer,
        },
    )
    @inject
    def post(
        self, request: Request, product_id: int, service: ProductService = Provide[Container.product_service]
    ) -> Response:
        return Response(ProductOutputSerializer(service.restore(product_id)).data)


class ProductPublishController(APIView):
    """`/api/products/{id}/publish/`"""

    permission_classes = [model_permissions("product", public_reads=False, actions={"POST": "change"})]

    @extend_schema(
        tags=["products"],
        summary="Publish a draft or inactive product: it becomes active (admin)",
        request=None,
        responses={
            200: ProductOutputSerializer,
            401: ErrorResponseSerializer,
            403: ErrorResponseSerializer,
            404: ErrorResponseSerializer,
            409: ErrorResponseSerializer,
        },
    )
    @inject
    def post(
        self, request: Request, product_id: int, service: ProductService = Provide[Container.product_service]
    ) -> Response:
        return Response(ProductOutputSerializer(service.publish(product_id)).data)
