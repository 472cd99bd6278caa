"""Option types, product variants and the low-stock list.

`/api/option-types/`, `/api/option-types/{id}/`, `/api/option-types/{id}/values/`,
`/api/products/{id}/variants/`, `/api/products/{id}/variants/{variant_id}/`, `/api/inventory/low-stock/`.
(Option values are deleted in the admin, which refuses values variants use.)
"""

from dependency_injector.wiring import Provide, inject
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.controllers.permissions import PUBLIC_READ_AUTH, model_permissions
from apps.core.controllers.responses import page_payload
from apps.core.serializers.catalog import (
    LowStockVariantSerializer,
    OptionTypeInputSerializer,
    OptionTypeOutputSerializer,
    OptionTypePatchSerializer,
    OptionValueInputSerializer,
    OptionValueOutputSerializer,
    VariantInputSerializer,
    VariantOutputSerializer,
)
from apps.core.serializers.common import ErrorResponseSerializer, PageQuerySerializer, page_of
from apps.core.services.catalog import (
    LowStockService,
    OptionTypeInput,
    OptionTypeService,
    ProductService,
    VariantInput,
    VariantService,
)

E = ErrorResponseSerializer
WRITE_ERRORS = {400: E, 401: E, 403: E}
ITEM_ERRORS = {404: E, **WRITE_ERRORS}


def _given(body, request: Request) -> dict:
    """The validated fields the client actually sent (a PATCH leaves the others unchanged)."""
    return {k: v for k, v in body.validated_data.items() if k in request.data}


class OptionTypeCollectionController(APIView):
    """`/api/option-types/`"""

    permission_classes = [model_permissions("optiontype", public_reads=True)]

    @extend_schema(
        tags=["variants"],
        summary="List option types with their values (in position order)",
        auth=PUBLIC_READ_AUTH,
        responses={200: OptionTypeOutputSerializer(many=True)},
    )
    @inject
    def get(self, request: Request, service: OptionTypeService = Provide[Container.option_type_service]):
        return Response(OptionTypeOutputSerializer(service.list(), many=True).data)

    @extend_schema(
        tags=["variants"],
        summary="Create an option type, optionally with its values in order (staff)",
        request=OptionTypeInputSerializer,
        responses={201: OptionTypeOutputSerializer, 409: E, **WRITE_ERRORS},
    )
    @inject
    def post(self, request: Request, service: OptionTypeService = Provide[Container.option_type_service]):
        body = OptionTypeInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        option_type = service.create(OptionTypeInput.from_mapping(body.validated_data))
        return Response(OptionTypeOutputSerializer(option_type).data, status=status.HTTP_201_CREATED)


class OptionTypeItemController(APIView):
    """`/api/option-types/{id}/`"""

    permission_classes = [model_permissions("optiontype", public_reads=True)]

    @extend_schema(
        tags=["variants"],
        summary="Read an option type",
        auth=PUBLIC_READ_AUTH,
        responses={200: OptionTypeOutputSerializer, 404: E},
    )
    @inject
    def get(self, request: Request, type_id: int, service: OptionTypeService = Provide[Container.option_type_service]):
        return Response(OptionTypeOutputSerializer(service.get(type_id)).data)

    @extend_schema(
        tags=["variants"],
        summary="Rename an option type or change its slug (staff)",
        request=OptionTypePatchSerializer,
        responses={200: OptionTypeOutputSerializer, 409: E, **ITEM_ERRORS},
    )
    @inject
    def patch(
        self, request: Request, type_id: int, service: OptionTypeService = Provide[Container.option_type_service]
    ):
        body = OptionTypePatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        option_type = service.update(type_id, OptionTypeInput.from_mapping(_given(body, request)))
        return Response(OptionTypeOutputSerializer(option_type).data)

    @extend_schema(
        tags=["variants"],
        summary="Delete an option type and its values (staff); 409 while variants use it",
        responses={204: None, 409: E, **ITEM_ERRORS},
    )
    @inject
    def delete(
        self, request: Request, type_id: int, service: OptionTypeService = Provide[Container.option_type_service]
    ):
        service.delete(type_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OptionValueCollectionController(APIView):
    """`/api/option-types/{id}/values/`"""

    permission_classes = [model_permissions("optionvalue", public_reads=True)]

    @extend_schema(
        tags=["variants"],
        summary="Add a value to an option type (staff); without position it goes last",
        request=OptionValueInputSerializer,
        responses={201: OptionValueOutputSerializer, 409: E, **ITEM_ERRORS},
    )
    @inject
    def post(self, request: Request, type_id: int, service: OptionTypeService = Provide[Container.option_type_service]):
        body = OptionValueInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        value = service.add_value(type_id, data["value"], slug=data.get("slug"), position=data.get("position"))
        return Response(OptionValueOutputSerializer(value).data, status=status.HTTP_201_CREATED)


class VariantCollectionController(APIView):
    """`/api/products/{id}/variants/`"""

    permission_classes = [model_permissions("productvariant", public_reads=True)]

    @extend_schema(
        tags=["variants"],
        summary="List a product's variants (position order)",
        auth=PUBLIC_READ_AUTH,
        responses={200: VariantOutputSerializer(many=True), 404: E},
    )
    @inject
    def get(
        self,
        request: Request,
        product_id: int,
        service: VariantService = Provide[Container.variant_service],
        products: ProductService = Provide[Container.product_service],
    ):
        variants = service.list(product_id, include_inactive=products.sees_unpublished(request.user))
        return Response(VariantOutputSerializer(variants, many=True).data)

    @extend_schema(
        tags=["variants"],
        summary="Add a variant to a product (staff)",
        description="The product's price becomes its lowest variant price, its stock the sum of its variants' "
        "stock. A SKU taken by any product or variant is a 400 (attr sku); the options of another live variant "
        "of the product are a 409.",
        request=VariantInputSerializer,
        responses={201: VariantOutputSerializer, 409: E, **ITEM_ERRORS},
    )
    @inject
    def post(self, request: Request, product_id: int, service: VariantService = Provide[Container.variant_service]):
        body = VariantInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        variant = service.create(product_id, VariantInput.from_mapping(body.validated_data))
        return Response(VariantOutputSerializer(variant).data, status=status.HTTP_201_CREATED)


class VariantItemController(APIView):
    """`/api/products/{id}/variants/{variant_id}/`"""

    permission_classes = [model_permissions("productvariant", public_reads=False)]

    @extend_schema(
        tags=["variants"],
        summary="Change a variant (staff)",
        request=VariantInputSerializer(partial=True),
        responses={200: VariantOutputSerializer, 409: E, **ITEM_ERRORS},
    )
    @inject
    def patch(
        self,
        request: Request,
        product_id: int,
        variant_id: int,
        service: VariantService = Provide[Container.variant_service],
    ):
        body = VariantInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        variant = service.update(product_id, variant_id, VariantInput.from_mapping(_given(body, request)))
        return Response(VariantOutputSerializer(variant).data)

    @extend_schema(
        tags=["variants"],
        summary="Retire a variant (staff; soft delete); the last live variant is a 409",
        responses={204: None, 409: E, **ITEM_ERRORS},
    )
    @inject
    def delete(
        self,
        request: Request,
        product_id: int,
        variant_id: int,
        service: VariantService = Provide[Container.variant_service],
    ):
        service.soft_delete(product_id, variant_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LowStockController(APIView):
    """`/api/inventory/low-stock/`"""

    permission_classes = [model_permissions("product", public_reads=False)]

    @extend_schema(
        tags=["variants"],
        summary="Variants at or below their low-stock threshold, lowest stock first (staff)",
        parameters=[PageQuerySerializer],
        responses={200: page_of(LowStockVariantSerializer), 400: E, 401: E, 403: E, 404: E},
    )
    @inject
    def get(self, request: Request, service: LowStockService = Provide[Container.low_stock_service]):
        query = PageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = service.list_page(**query.validated_data)
        return Response(page_payload(request, page, lambda rows: LowStockVariantSerializer(rows, many=True).data))
