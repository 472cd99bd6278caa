"""Webhook controllers (superusers only): `/api/webhooks/`, `/api/webhooks/{id}/`,
`/api/webhooks/{id}/deliveries/` and `/api/webhooks/{id}/deliveries/{delivery_id}/redeliver/`."""

from dependency_injector.wiring import Provide, inject
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.controllers.permissions import SuperuserOnly
from apps.core.controllers.responses import page_payload
from apps.core.serializers.common import ErrorResponseSerializer, page_of
from apps.core.serializers.events import (
    WebhookDeliveryOutputSerializer,
    WebhookInputSerializer,
    WebhookListQuerySerializer,
    WebhookOutputSerializer,
)
from apps.core.services.events import WebhookInput, WebhookService

AUTH_ERRORS = {401: ErrorResponseSerializer, 403: ErrorResponseSerializer}
TAGS = ["webhooks"]


class WebhookCollectionController(APIView):
    """`/api/webhooks/`"""

    permission_classes = [SuperuserOnly]

    @extend_schema(
        tags=TAGS,
        summary="List webhook subscriptions (superuser)",
        operation_id="webhooks_list",
        parameters=[WebhookListQuerySerializer],
        responses={
            200: page_of(WebhookOutputSerializer),
            400: ErrorResponseSerializer,
            404: ErrorResponseSerializer,
            **AUTH_ERRORS,
        },
    )
    @inject
    def get(self, request: Request, service: WebhookService = Provide[Container.webhook_service]) -> Response:
        query = WebhookListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = service.list_page(**query.validated_data)
        return Response(page_payload(request, page, lambda rows: WebhookOutputSerializer(rows, many=True).data))

    @extend_schema(
        tags=TAGS,
        summary="Subscribe a URL to events (superuser); the response carries the signing secret, once",
        request=WebhookInputSerializer,
        responses={201: WebhookOutputSerializer, 400: ErrorResponseSerializer, **AUTH_ERRORS},
    )
    @inject
    def post(self, request: Request, service: WebhookService = Provide[Container.webhook_service]) -> Response:
        body = WebhookInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        subscription = service.create(WebhookInput.from_mapping(body.validated_data))
        data = WebhookOutputSerializer(subscription, context={"show_secret": True}).data
        return Response(data, status=status.HTTP_201_CREATED)


class WebhookItemController(APIView):
    """`/api/webhooks/{id}/`"""

    permission_classes = [SuperuserOnly]

    @extend_schema(
        tags=TAGS,
        summary="Read a webhook subscription (superuser)",
        responses={200: WebhookOutputSerializer, 404: ErrorResponseSerializer, **AUTH_ERRORS},
    )
    @inject
    def get(
        self, request: Request, webhook_id: int, service: WebhookService = Provide[Container.webhook_service]
    ) -> Response:
        return Response(WebhookOutputSerializer(service.get(webhook_id)).data)

    @extend_schema(
        tags=TAGS,
        summary="Change a webhook subscription (superuser)",
        request=WebhookInputSerializer(partial=True),
        responses={
            200: WebhookOutputSerializer,
            400: ErrorResponseSerializer,
            404: ErrorResponseSerializer,
            **AUTH_ERRORS,
        },
    )
    @inject
    def patch(
        self, request: Request, webhook_id: int, service: WebhookService = Provide[Container.webhook_service]
    ) -> Response:
        body = WebhookInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        subscription = service.update(webhook_id, WebhookInput.from_mapping(body.validated_data))
        return Response(WebhookOutputSerializer(subscription).data)

    @extend_schema(
        tags=TAGS,
        summary="Delete a webhook subscription and its delivery history (superuser)",
        responses={204: None, 404: ErrorResponseSerializer, **AUTH_ERRORS},
    )
    @inject
    def delete(
        self, request: Request, webhook_id: int, service: WebhookService = Provide[Container.webhook_service]
    ) -> Response:
        service.delete(webhook_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveryCollectionController(APIView):
    """`/api/webhooks/{id}/deliveries/`"""

    permission_classes = [SuperuserOnly]

    @extend_schema(
        tags=TAGS,
        summary="A subscription's deliveries, newest first, with their attempts (superuser)",
        operation_id="webhooks_deliveries_list",
        parameters=[WebhookListQuerySerializer],
        responses={
            200: page_of(WebhookDeliveryOutputSerializer),
            400: ErrorResponseSerializer,
            404: ErrorResponseSerializer,
            **AUTH_ERRORS,
        },
    )
    @inject
    def get(
        self, request: Request, webhook_id: int, service: WebhookService = Provide[Container.webhook_service]
    ) -> Response:
        query = WebhookListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = service.deliveries_page(webhook_id, **query.validated_data)
        return Response(page_payload(request, page, lambda rows: WebhookDeliveryOutputSerializer(rows, many=True).data))


class WebhookRedeliverController(APIView):
    """`/api/webhooks/{id}/deliveries/{delivery_id}/redeliver/`"""

    permission_classes = [SuperuserOnly]

    @extend_schema(
        tags=TAGS,
        summary="Send a delivery again, now, with the same webhook-id (superuser)",
        request=None,
        responses={202: WebhookDeliveryOutputSerializer, 404: ErrorResponseSerializer, **AUTH_ERRORS},
    )
    @inject
    def post(
        self,
        request: Request,
        webhook_id: int,
        delivery_id: str,
        service: WebhookService = Provide[Container.webhook_service],
    ) -> Response:
        delivery = service.redeliver(webhook_id, delivery_id)
        return Response(WebhookDeliveryOutputSerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
