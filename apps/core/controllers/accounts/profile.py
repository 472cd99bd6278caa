"""The signed-in user's own account: profile (`/api/auth/me/`) and password change."""

from dependency_injector.wiring import Provide, inject
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.serializers.accounts import PasswordChangeInputSerializer, ProfileInputSerializer, UserOutputSerializer
from apps.core.serializers.common import ErrorResponseSerializer
from apps.core.services.accounts import UserService


class MeController(APIView):
    """`/api/auth/me/` — the current user."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["auth"], summary="The current user", responses={200: UserOutputSerializer, 401: ErrorResponseSerializer}
    )
    def get(self, request: Request) -> Response:
        return Response(UserOutputSerializer(request.user).data)

    @extend_schema(
        tags=["auth"],
        summary="Update the current user's names and phone number",
        request=ProfileInputSerializer,
        responses={200: UserOutputSerializer, 400: ErrorResponseSerializer, 401: ErrorResponseSerializer},
    )
    @inject
    def patch(self, request: Request, service: UserService = Provide[Container.user_service]) -> Response:
        body = ProfileInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        user = service.update_profile(request.user, dict(body.validated_data))
        return Response(UserOutputSerializer(user).data)


class PasswordChangeController(APIView):
    """`/api/auth/password/change/`"""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["auth"],
        summary="Change the current user's password",
        request=PasswordChangeInputSerializer,
        responses={204: None, 400: ErrorResponseSerializer, 401: ErrorResponseSerializer},
    )
    @inject
    def post(self, request: Request, service: UserService = Provide[Container.user_service]) -> Response:
        body = PasswordChangeInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        service.change_password(request.user, **body.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)
