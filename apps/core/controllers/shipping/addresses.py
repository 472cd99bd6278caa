"""`/api/addresses/` and `/api/addresses/{id}/`: the signed-in user's address book (own rows only)."""

from dependency_injector.wiring import Provide, inject
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.controllers.responses import page_payload
from apps.core.serializers.common import ErrorResponseSerializer, PageQuerySerializer, page_of
from apps.core.serializers.shipping import AddressInputSerializer, AddressOutputSerializer
from apps.core.services.shipping import AddressInput, AddressService

ERRORS = {400: ErrorResponseSerializer, 401: ErrorResponseSerializer}


class AddressCollectionController(APIView):
    """`/api/addresses/`"""

    @extend_schema(
        tags=["addresses"],
        summary="List my addresses",
        operation_id="addresses_list",
        parameters=[PageQuerySerializer],
        responses={200: page_of(AddressOutputSerializer), 404: ErrorResponseSerializer, **ERRORS},
    )
    @inject
    def get(self, request: Request, service: AddressService = Provide[Container.address_service]) -> Response:
        query = PageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = service.list_page(request.user, **query.validated_data)
        return Response(page_payload(request, page, lambda rows: AddressOutputSerializer(rows, many=True).data))

    @extend_schema(
        tags=["addresses"],
        summary="Add an address (validated for its country)",
        request=AddressInputSerializer,
        responses={201: AddressOutputSerializer, **ERRORS},
    )
    @inject
    def post(self, request: Request, service: AddressService = Provide[Container.address_service]) -> Response:
        body = AddressInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        address = service.create(request.user, AddressInput(**_plain(body.validated_data)))
        return Response(AddressOutputSerializer(address).data, status=status.HTTP_201_CREATED)


class AddressItemController(APIView):
    """`/api/addresses/{id}/`"""

    @extend_schema(
        tags=["addresses"],
        summary="Read one of my addresses",
        responses={200: AddressOutputSerializer, 404: ErrorResponseSerializer, **ERRORS},
    )
    @inject
    def get(
        self, request: Request, address_id: int, service: AddressService = Provide[Container.address_service]
    ) -> Response:
        return Response(AddressOutputSerializer(service.get(request.user, address_id)).data)

    @extend_schema(
        tags=["addresses"],
        summary="Change one of my addresses (the result is validated again)",
        request=AddressInputSerializer(partial=True),
        responses={200: AddressOutputSerializer, 404: ErrorResponseSerializer, **ERRORS},
    )
    @inject
    def patch(
        self, request: Request, address_id: int, service: AddressService = Provide[Container.address_service]
    ) -> Response:
        body = AddressInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        given = {k: v for k, v in _plain(body.validated_data).items() if k in request.data}
        return Response(AddressOutputSerializer(service.update(request.user, address_id, given)).data)

    @extend_schema(
        tags=["addresses"],
        summary="Delete one of my addresses (orders keep their copies)",
        responses={204: None, 404: ErrorResponseSerializer, 401: ErrorResponseSerializer},
    )
    @inject
    def delete(
        self, request: Request, address_id: int, service: AddressService = Provide[Container.address_service]
    ) -> Response:
        service.delete(request.user, address_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _plain(data: dict) -> dict:
    """Validated address fields as plain strings (the phone in E.164, the country as its code)."""
    out = dict(data)
    if "phone" in out:
        out["phone"] = out["phone"].as_e164 if out["phone"] else ""
    if "country" in out:
        out["country"] = str(out["country"])
    return out
