"""`/api/shipping-methods/` (public reads, staff writes) and `/api/tax-rates/` (staff)."""

from dependency_injector.wiring import Provide, inject
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.controllers.permissions import PUBLIC_READ_AUTH, model_permissions
from apps.core.serializers.common import ErrorResponseSerializer
from apps.core.serializers.shipping import (
    ShippingMethodInputSerializer,
    ShippingMethodListQuerySerializer,
    ShippingMethodOutputSerializer,
    TaxRateInputSerializer,
    TaxRateOutputSerializer,
)
from apps.core.services.shipping import ShippingMethodService, TaxRateService

WRITE_ERRORS = {400: ErrorResponseSerializer, 401: ErrorResponseSerializer, 403: ErrorResponseSerializer}
ITEM_ERRORS = {404: ErrorResponseSerializer, **WRITE_ERRORS}


class ShippingMethodCollectionController(APIView):
    """`/api/shipping-methods/`"""

    permission_classes = [model_permissions("shippingmethod", public_reads=True)]

    @extend_schema(
        tags=["shipping"],
        summary="List shipping methods (optionally those serving a country)",
        auth=PUBLIC_READ_AUTH,
        parameters=[ShippingMethodListQuerySerializer],
        responses={200: ShippingMethodOutputSerializer(many=True), 400: ErrorResponseSerializer},
    )
    @inject
    def get(self, request: Request, service: ShippingMethodService = Provide[Container.shipping_method_service]):
        query = ShippingMethodListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        methods = service.list(country=query.validated_data.get("country"))
        return Response(ShippingMethodOutputSerializer(methods, many=True).data)

    @extend_schema(
        tags=["shipping"],
        summary="Create a shipping method (staff)",
        request=ShippingMethodInputSerializer,
        responses={201: ShippingMethodOutputSerializer, **WRITE_ERRORS},
    )
    @inject
    def post(self, request: Request, service: ShippingMethodService = Provide[Container.shipping_method_service]):
        body = ShippingMethodInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        method = service.save(None, body.validated_data)
        return Response(ShippingMethodOutputSerializer(method).data, status=status.HTTP_201_CREATED)


class ShippingMethodItemController(APIView):
    """`/api/shipping-methods/{id}/`"""

    permission_classes = [model_permissions("shippingmethod", public_reads=False)]

    @extend_schema(
        tags=["shipping"],
        summary="Change a shipping method (staff)",
        request=ShippingMethodInputSerializer(partial=True),
        responses={200: ShippingMethodOutputSerializer, **ITEM_ERRORS},
    )
    @inject
    def patch(
        self,
        request: Request,
        method_id: int,
        service: ShippingMethodService = Provide[Container.shipping_method_service],
    ):
        body = ShippingMethodInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        given = {k: v for k, v in body.validated_data.items() if k in request.data}
        method = service.save(service.get(method_id), given)
        return Response(ShippingMethodOutputSerializer(method).data)

    @extend_schema(
        tags=["shipping"],
        summary="Retire a shipping method (staff; soft delete)",
        responses={204: None, **ITEM_ERRORS},
    )
    @inject
    def delete(
        self,
        request: Request,
        method_id: int,
        service: ShippingMethodService = Provide[Container.shipping_method_service],
    ):
        service.soft_delete(method_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TaxRateCollectionController(APIView):
    """`/api/tax-rates/`"""

    permission_classes = [model_permissions("taxrate", public_reads=False)]

    @extend_schema(
        tags=["tax"],
        summary="List tax rates (staff)",
        responses={200: TaxRateOutputSerializer(many=True), 401: ErrorResponseSerializer, 403: ErrorResponseSerializer},
    )
    @inject
    def get(self, request: Request, service: TaxRateService = Provide[Container.tax_rate_service]):
        return Response(TaxRateOutputSerializer(service.list(), many=True).data)

    @extend_schema(
        tags=["tax"],
        summary="Create a tax rate (staff)",
        request=TaxRateInputSerializer,
        responses={201: TaxRateOutputSerializer, 409: ErrorResponseSerializer, **WRITE_ERRORS},
    )
    @inject
    def post(self, request: Request, service: TaxRateService = Provide[Container.tax_rate_service]):
        body = TaxRateInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rate = service.save(None, {**body.validated_data, "country": str(body.validated_data["country"])})
        return Response(TaxRateOutputSerializer(rate).data, status=status.HTTP_201_CREATED)


class TaxRateItemController(APIView):
    """`/api/tax-rates/{id}/`"""

    permission_classes = [model_permissions("taxrate", public_reads=False)]

    @extend_schema(
        tags=["tax"],
        summary="Change a tax rate (staff)",
        request=TaxRateInputSerializer(partial=True),
        responses={200: TaxRateOutputSerializer, 409: ErrorResponseSerializer, **ITEM_ERRORS},
    )
    @inject
    def patch(self, request: Request, rate_id: int, service: TaxRateService = Provide[Container.tax_rate_service]):
        body = TaxRateInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        given = {k: str(v) if k == "country" else v for k, v in body.validated_data.items() if k in request.data}
        return Response(TaxRateOutputSerializer(service.save(service.get(rate_id), given)).data)

    @extend_schema(tags=["tax"], summary="Delete a tax rate (staff)", responses={204: None, **ITEM_ERRORS})
    @inject
    def delete(self, request: Request, rate_id: int, service: TaxRateService = Provide[Container.tax_rate_service]):
        service.delete(rate_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
