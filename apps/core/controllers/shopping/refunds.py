"""Refund controller: `/api/orders/{id}/refunds/`. Staff (order managers) refund; the owner and staff read."""

from dependency_injector.wiring import Provide, inject
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.controllers.idempotency import IDEMPOTENCY_KEY, MISMATCH, created_or_replayed, idempotent_request
from apps.core.controllers.permissions import model_permissions
from apps.core.controllers.responses import page_payload
from apps.core.serializers.common import ErrorResponseSerializer, PageQuerySerializer, page_of
from apps.core.serializers.shopping import RefundInputSerializer, RefundOutputSerializer
from apps.core.services.shopping import RefundLineRequest, RefundRequest, RefundService


class OrderRefundCollectionController(APIView):
    """`/api/orders/{id}/refunds/`"""

    # Reads: the order's owner or staff who see every order (the service decides; others get a 404).
    # POST needs `core.add_refund` (order managers, superusers): anonymous 401, others 403.
    permission_classes = [IsAuthenticated, model_permissions("refund", public_reads=True)]

    @extend_schema(
        tags=["refunds"],
        summary="List the refunds of my order (any order for order managers)",
        operation_id="orders_refunds_list",
        parameters=[PageQuerySerializer],
        responses={
            200: page_of(RefundOutputSerializer),
            400: ErrorResponseSerializer,
            401: ErrorResponseSerializer,
            404: ErrorResponseSerializer,
        },
    )
    @inject
    def get(self, request: Request, order_id: int, service: RefundService = Provide[Container.refund_service]):
        query = PageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = service.list_page(
            request.user, order_id, page=query.validated_data["page"], page_size=query.validated_data["page_size"]
        )
        return Response(page_payload(request, result, lambda rows: RefundOutputSerializer(rows, many=True).data))

    @extend_schema(
        tags=["refunds"],
        summary="Refund a paid order, per line and quantity (staff)",
        description="Gives back, through the order's payment gateway, each line's paid amount per unit × "
        "quantity (the line total as stored on the order, less its share of the discount, plus its tax when tax "
        "was added on top of the prices), plus what was paid for shipping (with its tax) when `shipping` "
        "is true (once per order). `restock` puts the units back in stock. The order becomes "
        "`partially_refunded`, or `refunded` once everything paid was given back. Refunds never exceed what "
        "was paid, also when sent concurrently. A refund the gateway declines is a 409 and changes nothing.",
        parameters=[IDEMPOTENCY_KEY],
        request=RefundInputSerializer,
        responses={
            201: OpenApiResponse(RefundOutputSerializer, description="The refund was made."),
            200: OpenApiResponse(
                RefundOutputSerializer, description="Replay: the refund an earlier request with this key made."
            ),
            400: OpenApiResponse(
                ErrorResponseSerializer,
                description="attr `lines`: nothing to refund, a line of another order or named twice, more units "
                "than are left to refund (`exceeds_refundable`); attr `shipping`: shipping refunded before.",
            ),
            401: ErrorResponseSerializer,
            403: ErrorResponseSerializer,
            404: ErrorResponseSerializer,
            409: OpenApiResponse(
                ErrorResponseSerializer,
                description="`order_not_refundable` (not paid, or no settled payment), `refund_declined` by the "
                "gateway (nothing changed), or `idempotency_key_in_use`.",
            ),
            422: MISMATCH,
            503: OpenApiResponse(ErrorResponseSerializer, description="The payment provider is unreachable."),
        },
    )
    @inject
    def post(self, request: Request, order_id: int, service: RefundService = Provide[Container.refund_service]):
        body = RefundInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        refund, created = service.refund(
            request.user,
            order_id,
            RefundRequest(
                lines=tuple(RefundLineRequest(line=item["line"], quantity=item["quantity"]) for item in data["lines"]),
                restock=data["restock"],
                shipping=data["shipping"],
                reason=data["reason"],
            ),
            idempotency=idempotent_request(request),
        )
        return Response(RefundOutputSerializer(refund).data, status=created_or_replayed(created))
