"""User administration for superusers: `/api/users/` and `/api/users/{id}/`."""

from dependency_injector.wiring import Provide, inject
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.controllers.permissions import SuperuserOnly
from apps.core.controllers.responses import page_payload
from apps.core.serializers.accounts.auth import UserAccessInputSerializer, UserAdminOutputSerializer
from apps.core.serializers.common import ErrorResponseSerializer, PageQuerySerializer, page_of
from apps.core.services.accounts import AccessChange, UserAdministrationService

ERRORS = {400: ErrorResponseSerializer, 401: ErrorResponseSerializer, 403: ErrorResponseSerializer}
ITEM_ERRORS = {404: ErrorResponseSerializer, **ERRORS}


class UserCollectionController(APIView):
    """`/api/users/`"""

    permission_classes = [SuperuserOnly]

    @extend_schema(
        tags=["users"],
        summary="List accounts (superusers)",
        operation_id="users_list",
        parameters=[PageQuerySerializer],
        responses={200: page_of(UserAdminOutputSerializer), **ITEM_ERRORS},
    )
    @inject
    def get(
        self, request: Request, service: UserAdministrationService = Provide[Container.user_administration_service]
    ) -> Response:
        query = PageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = service.list_page(**query.validated_data)
        return Response(page_payload(request, page, lambda rows: UserAdminOutputSerializer(rows, many=True).data))


class UserItemController(APIView):
    """`/api/users/{id}/`"""

    permission_classes = [SuperuserOnly]

    @extend_schema(
        tags=["users"],
        summary="Read an account (superusers)",
        responses={200: UserAdminOutputSerializer, **ITEM_ERRORS},
    )
    @inject
    def get(
        self,
        request: Request,
        user_id: int,
        service: UserAdministrationService = Provide[Container.user_administration_service],
    ) -> Response:
        return Response(UserAdminOutputSerializer(service.get(user_id)).data)

    @extend_schema(
        tags=["users"],
        summary="Activate or deactivate an account, or set its staff roles (superusers)",
        description="`groups` replaces the user's roles (catalog_managers, order_managers, marketing). "
        "Deactivating revokes every refresh token of the account.",
        request=UserAccessInputSerializer,
        responses={200: UserAdminOutputSerializer, **ITEM_ERRORS},
    )
    @inject
    def patch(
        self,
        request: Request,
        user_id: int,
        service: UserAdministrationService = Provide[Container.user_administration_service],
    ) -> Response:
        body = UserAccessInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = service.update_access(request.user, user_id, AccessChange(**body.validated_data))
        return Response(UserAdminOutputSerializer(user).data)
