"""`/api/vouchers/` and `/api/vouchers/{id}/` (staff)."""

from dependency_injector.wiring import Provide, inject
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.controllers.permissions import model_permissions
from apps.core.controllers.responses import page_payload
from apps.core.serializers.common import ErrorResponseSerializer, PageQuerySerializer, page_of
from apps.core.serializers.promotions import VoucherInputSerializer, VoucherOutputSerializer
from apps.core.services.promotions import VoucherService

ERRORS = {400: ErrorResponseSerializer, 401: ErrorResponseSerializer, 403: ErrorResponseSerializer}
ITEM_ERRORS = {404: ErrorResponseSerializer, **ERRORS}


class VoucherCollectionController(APIView):
    """`/api/vouchers/`"""

    permission_classes = [model_permissions("voucher", public_reads=False)]

    @extend_schema(
        tags=["vouchers"],
        summary="List vouchers (staff)",
        operation_id="vouchers_list",
        parameters=[PageQuerySerializer],
        responses={200: page_of(VoucherOutputSerializer), **ITEM_ERRORS},
    )
    @inject
    def get(self, request: Request, service: VoucherService = Provide[Container.voucher_service]) -> Response:
        query = PageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = service.list_page(**query.validated_data)
        return Response(page_payload(request, page, lambda rows: VoucherOutputSerializer(rows, many=True).data))

    @extend_schema(
        tags=["vouchers"],
        summary="Create a voucher (staff)",
        request=VoucherInputSerializer,
        responses={201: VoucherOutputSerializer, 409: ErrorResponseSerializer, **ERRORS},
    )
    @inject
    def post(self, request: Request, service: VoucherService = Provide[Container.voucher_service]) -> Response:
        body = VoucherInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        voucher = service.save(None, body.validated_data)
        return Response(VoucherOutputSerializer(voucher).data, status=status.HTTP_201_CREATED)


class VoucherItemController(APIView):
    """`/api/vouchers/{id}/`"""

    permission_classes = [model_permissions("voucher", public_reads=False)]

    @extend_schema(
        tags=["vouchers"], summary="Read a voucher (staff)", responses={200: VoucherOutputSerializer, **ITEM_ERRORS}
    )
    @inject
    def get(self, request: Request, voucher_id: int, service: VoucherService = Provide[Container.voucher_service]):
        return Response(VoucherOutputSerializer(service.get(voucher_id)).data)

    @extend_schema(
        tags=["vouchers"],
        summary="Change a voucher (staff)",
        request=VoucherInputSerializer(partial=True),
        responses={200: VoucherOutputSerializer, 409: ErrorResponseSerializer, **ITEM_ERRORS},
    )
    @inject
    def patch(self, request: Request, voucher_id: int, service: VoucherService = Provide[Container.voucher_service]):
        body = VoucherInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        given = {k: v for k, v in body.validated_data.items() if k in request.data}
        return Response(VoucherOutputSerializer(service.save(service.get(voucher_id), given)).data)

    @extend_schema(
        tags=["vouchers"],
        summary="Delete an unused voucher (staff; a used one: 409, deactivate it)",
        responses={204: None, 409: ErrorResponseSerializer, **ITEM_ERRORS},
    )
    @inject
    def delete(self, request: Request, voucher_id: int, service: VoucherService = Provide[Container.voucher_service]):
        service.delete(voucher_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
