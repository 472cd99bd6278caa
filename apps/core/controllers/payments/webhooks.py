"""`/api/payments/webhook/`: payment-provider callbacks, authenticated by an HMAC signature."""

from dependency_injector.wiring import Provide, inject
from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.serializers.common import ErrorResponseSerializer
from apps.core.serializers.payments import WebhookEventSerializer, WebhookResultSerializer
from apps.core.services.payments import PaymentService


class PaymentWebhookController(APIView):
    """`/api/payments/webhook/` — no JWT: the signature over the raw body is the authentication."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["payments"],
        summary="Payment provider callback",
        description="The body is signed with HMAC-SHA256 under PAYMENT_WEBHOOK_SECRET; the header is "
        f"`{settings.PAYMENT_WEBHOOK_SIGNATURE_HEADER}: sha256=<hex digest of the raw body>`. Each event id is "
        "applied once (a redelivery answers 200 with `applied: false`). A bad or missing signature is a 400 "
        "and changes nothing.",
        auth=[],
        parameters=[
            OpenApiParameter(
                name=settings.PAYMENT_WEBHOOK_SIGNATURE_HEADER,
                location=OpenApiParameter.HEADER,
                type=OpenApiTypes.STR,
                required=True,
                description="`sha256=<hex HMAC-SHA256 of the raw body>`.",
            )
        ],
        request=WebhookEventSerializer,
        responses={
            200: WebhookResultSerializer,
            400: OpenApiResponse(
                ErrorResponseSerializer,
                description="`invalid_signature`, a body that is not an event, or an unknown payment reference.",
            ),
        },
    )
    @inject
    def post(self, request: Request, service: PaymentService = Provide[Container.payment_service]) -> Response:
        # The raw bytes, never request.data: the signature covers the body exactly as sent.
        result = service.handle_webhook(request.body, request.headers.get(settings.PAYMENT_WEBHOOK_SIGNATURE_HEADER))
        return Response(WebhookResultSerializer(result).data)
