"""Order controllers: `/api/orders/`, `/api/orders/{id}/`, `/api/orders/{id}/cancel/`,
`/api/orders/{id}/payments/`. Customers see their own orders (another's id is a 404); admins see all."""

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
from apps.core.controllers.shopping.checkout import address_input, checkout_input
from apps.core.serializers.common import ErrorResponseSerializer, PageQuerySerializer, page_of
from apps.core.serializers.payments import PaymentInputSerializer, PaymentOutputSerializer
from apps.core.serializers.shopping import (
    OrderInputSerializer,
    OrderListQuerySerializer,
    OrderOutputSerializer,
    OrderStatusInputSerializer,
)
from apps.core.services.accounts import EmailVerificationService
from apps.core.services.payments import PaymentService
from apps.core.services.shopping import OrderService
from apps.core.services.shopping.order_placement import OrderInput

AUTH_ERRORS = {401: ErrorResponseSerializer}


# Reads need a login (the service shows a customer only their own orders); a status change (PATCH)
# needs `core.change_order` (order managers, superusers). Anonymous: 401; others: 403.
ORDER_ITEM_PERMISSIONS = [IsAuthenticated, model_permissions("order", public_reads=True)]


class OrderCollectionController(APIView):
    """`/api/orders/`"""

    @extend_schema(
        tags=["orders"],
        summary="List orders (mine; all for admins), newest first",
        operation_id="orders_list",
        parameters=[OrderListQuerySerializer],
        responses={
            200: page_of(OrderOutputSerializer),
            400: ErrorResponseSerializer,
            404: ErrorResponseSerializer,
            **AUTH_ERRORS,
        },
    )
    @inject
    def get(self, request: Request, service: OrderService = Provide[Container.order_service]) -> Response:
        query = OrderListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        result = service.list_page(
            request.user, status=params.get("status"), page=params["page"], page_size=params["page_size"]
        )
        return Response(page_payload(request, result, lambda rows: OrderOutputSerializer(rows, many=True).data))

    @extend_schema(
        tags=["orders"],
        summary="Place an order from my cart",
        description="Prices the cart exactly as `POST /api/checkout/quote/` does for the same inputs, snapshots "
        "prices, addresses, shipping method and voucher, takes the voucher's use, deducts stock and empties the "
        "cart in one transaction. When a line's product `requires_shipping`, `shipping_address` and "
        "`shipping_method` are required. Not enough stock for any line: 409 and nothing changes (the cart is kept).",
        parameters=[IDEMPOTENCY_KEY],
        request=OrderInputSerializer,
        responses={
            201: OpenApiResponse(OrderOutputSerializer, description="The order was placed."),
            200: OpenApiResponse(
                OrderOutputSerializer, description="Replay: the order an earlier request with this key placed."
            ),
            400: OpenApiResponse(
                ErrorResponseSerializer,
                description="Empty cart; a malformed Idempotency-Key; `shipping_required` (attr `shipping_address` or "
                "`shipping_method`: a line requires shipping); an unknown or invalid address (attr "
                "`shipping_address`, `billing_address` or the field); a method that does not exist or "
                "`country_not_served` (attr `shipping_method`); a refused voucher (attr `voucher_code`, codes "
                "`voucher_not_found`, `voucher_inactive`, `voucher_not_started`, `voucher_expired`, "
                "`voucher_used_up`, `voucher_customer_limit`, `voucher_min_subtotal`).",
            ),
            401: ErrorResponseSerializer,
            403: OpenApiResponse(
                ErrorResponseSerializer,
                description="`email_not_verified`: REQUIRE_VERIFIED_EMAIL_TO_ORDER is on and the e-mail is unverified.",
            ),
            409: OpenApiResponse(
                ErrorResponseSerializer,
                description="`insufficient_stock` or `product_unavailable` for a line (nothing changed), or "
                "`idempotency_key_in_use`.",
            ),
            422: MISMATCH,
        },
    )
    @inject
    def post(
        self,
        request: Request,
        service: OrderService = Provide[Container.order_service],
        verification: EmailVerificationService = Provide[Container.email_verification_service],
    ) -> Response:
        verification.check_may_order(request.user)
        body = OrderInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        order, created = service.place_order(
            request.user, order_input(body.validated_data), idempotency=idempotent_request(request)
        )
        return Response(OrderOutputSerializer(order).data, status=created_or_replayed(created))


def order_input(data: dict) -> OrderInput:
    """An `OrderInput` from validated order fields (address objects become `AddressInput`s)."""
    quote = checkout_input(data)
    return OrderInput(
        shipping_address=quote.shipping_address,
        billing_address=address_input(data.get("billing_address")),
        shipping_method=quote.shipping_method,
        voucher_code=quote.voucher_code,
    )


class OrderItemController(APIView):
    """`/api/orders/{id}/`"""

    permission_classes = ORDER_ITEM_PERMISSIONS

    @extend_schema(
        tags=["orders"],
        summary="Read an order",
        responses={200: OrderOutputSerializer, 404: ErrorResponseSerializer, **AUTH_ERRORS},
    )
    @inject
    def get(self, request: Request, order_id: int, service: OrderService = Provide[Container.order_service]):
        return Response(OrderOutputSerializer(service.get(request.user, order_id)).data)

    @extend_schema(
        tags=["orders"],
        summary="Move an order to another status (staff)",
        description="pending → paid → processing → shipped → delivered (paid → shipped allowed); cancelled from "
        "pending, paid or processing (stock and voucher use go back, a settled payment is refunded). "
        "`tracking_number` and `carrier` are recorded with a move to `shipped` (400 with any other status). "
        "`expired`, `partially_refunded` and `refunded` are the shop's own moves (expiry job, refunds): asking "
        "for them, like any illegal transition, is a 409.",
        request=OrderStatusInputSerializer,
        responses={
            200: OrderOutputSerializer,
            400: ErrorResponseSerializer,
            403: ErrorResponseSerializer,
            404: ErrorResponseSerializer,
            409: ErrorResponseSerializer,
            **AUTH_ERRORS,
        },
    )
    @inject
    def patch(self, request: Request, order_id: int, service: OrderService = Provide[Container.order_service]):
        body = OrderStatusInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(OrderOutputSerializer(service.set_status(order_id, **body.validated_data)).data)


class OrderCancelController(APIView):
    """`/api/orders/{id}/cancel/`"""

    @extend_schema(
        tags=["orders"],
        summary="Cancel an order",
        description="Allowed from pending, paid or processing (a settled payment is refunded); the stock and "
        "the voucher use go back once. Otherwise 409.",
        request=None,
        responses={
            200: OrderOutputSerializer,
            404: ErrorResponseSerializer,
            409: ErrorResponseSerializer,
            **AUTH_ERRORS,
        },
    )
    @inject
    def post(self, request: Request, order_id: int, service: OrderService = Provide[Container.order_service]):
        return Response(OrderOutputSerializer(service.cancel(request.user, order_id)).data)


class OrderPaymentCollectionController(APIView):
    """`/api/orders/{id}/payments/`"""

    @extend_schema(
        tags=["payments"],
        summary="List the payments of my order (any order for admins)",
        operation_id="orders_payments_list",
        parameters=[PageQuerySerializer],
        responses={
            200: page_of(PaymentOutputSerializer),
            400: ErrorResponseSerializer,
            404: ErrorResponseSerializer,
            **AUTH_ERRORS,
        },
    )
    @inject
    def get(self, request: Request, order_id: int, service: PaymentService = Provide[Container.payment_service]):
        query = PageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = service.list_page(
            request.user, order_id, page=query.validated_data["page"], page_size=query.validated_data["page_size"]
        )
        return Response(page_payload(request, result, lambda rows: PaymentOutputSerializer(rows, many=True).data))

    @extend_schema(
        tags=["payments"],
        summary="Pay my pending order",
        description="Charges the order's total through the configured gateway. A settled payment moves the "
        "order to `paid`; a declined one is returned with `status: failed` and the order stays pending.",
        parameters=[IDEMPOTENCY_KEY],
        request=PaymentInputSerializer,
        responses={
            201: PaymentOutputSerializer,
            200: OpenApiResponse(
                PaymentOutputSerializer, description="Replay: the payment an earlier request with this key made."
            ),
            400: ErrorResponseSerializer,
            404: ErrorResponseSerializer,
            409: OpenApiResponse(
                ErrorResponseSerializer,
                description="`order_not_payable` (not pending: paid, cancelled, expired...), `order_expired` "
                "(its payment deadline `expires_at` passed), `payment_in_progress` or `idempotency_key_in_use`.",
            ),
            422: MISMATCH,
            503: OpenApiResponse(ErrorResponseSerializer, description="The payment provider is unreachable."),
            **AUTH_ERRORS,
        },
    )
    @inject
    def post(self, request: Request, order_id: int, service: PaymentService = Provide[Container.payment_service]):
        body = PaymentInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        payment, created = service.pay(
            request.user, order_id, method=body.validated_data["method"], idempotency=idempotent_request(request)
        )
        return Response(PaymentOutputSerializer(payment).data, status=created_or_replayed(created))
