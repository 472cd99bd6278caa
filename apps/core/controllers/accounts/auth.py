"""Auth controllers: register, JWT pair/refresh/verify, logout, me, password change."""

from dependency_injector.wiring import Provide, inject
from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.serializers import (
    TokenObtainPairSerializer,
    TokenRefreshSerializer,
    TokenVerifySerializer,
)
from rest_framework_simplejwt.tokens import RefreshToken

from apps.core.containers import Container
from apps.core.controllers.throttles import LoginClientThrottle, LoginEmailThrottle, RegisterThrottle
from apps.core.exceptions import AuthenticationFailedError
from apps.core.serializers.accounts import (
    LoginInputSerializer,
    PasswordChangeInputSerializer,
    ProfileInputSerializer,
    RefreshInputSerializer,
    RegisterInputSerializer,
    TokenPairOutputSerializer,
    UserOutputSerializer,
    VerifyInputSerializer,
)
from apps.core.serializers.common import EmptySerializer, ErrorResponseSerializer
from apps.core.services.accounts import Registration, UserService

BAD_CREDENTIALS = "No active account found with the given credentials."
INVALID_TOKEN = "Token is invalid or expired."


def _token_error(serializer_class, data: dict) -> dict:
    """Validate a simplejwt serializer; any token problem becomes a 401 in the envelope.

    simplejwt signals a bad token in several ways: TokenError (malformed, expired, blacklisted
    refresh), ValidationError (verify: blacklisted), AuthenticationFailed (refresh: inactive
    user, which DRF would turn into a 403 on a view without authenticators) and
    User.DoesNotExist (refresh: the user was deleted). All of them mean "invalid token".
    """
    serializer = serializer_class(data=data)
    try:
        serializer.is_valid(raise_exception=True)
    except (TokenError, exceptions.ValidationError, exceptions.AuthenticationFailed, ObjectDoesNotExist):
        raise AuthenticationFailedError(INVALID_TOKEN, code="token_not_valid") from None
    return serializer.validated_data


class RegisterController(APIView):
    """`/api/auth/register/`"""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [RegisterThrottle]

    @extend_schema(
        tags=["auth"],
        summary="Create a customer account",
        request=RegisterInputSerializer,
        responses={201: UserOutputSerializer, 400: ErrorResponseSerializer, 429: ErrorResponseSerializer},
    )
    @inject
    def post(self, request: Request, service: UserService = Provide[Container.user_service]) -> Response:
        body = RegisterInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = service.register(Registration(**body.validated_data))
        return Response(UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenObtainController(APIView):
    """`/api/auth/token/` — log in. Failures are 401 and never say whether the e-mail exists."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [LoginClientThrottle, LoginEmailThrottle]

    @extend_schema(
        tags=["auth"],
        summary="Log in: get an access/refresh token pair",
        request=LoginInputSerializer,
        responses={
            200: TokenPairOutputSerializer,
            400: ErrorResponseSerializer,
            401: ErrorResponseSerializer,
            429: ErrorResponseSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        body = LoginInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        serializer = TokenObtainPairSerializer(data=body.validated_data)
        try:
            serializer.is_valid(raise_exception=True)
        except (exceptions.AuthenticationFailed, exceptions.ValidationError):  # one message for every cause
            raise AuthenticationFailedError(BAD_CREDENTIALS, code="no_active_account") from None
        return Response(serializer.validated_data)


class TokenRefreshController(APIView):
    """`/api/auth/token/refresh/` — rotate: a new pair; the old refresh token is blacklisted."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["auth"],
        summary="Exchange a refresh token for a new pair (rotation)",
        request=RefreshInputSerializer,
        responses={200: TokenPairOutputSerializer, 400: ErrorResponseSerializer, 401: ErrorResponseSerializer},
    )
    def post(self, request: Request) -> Response:
        body = RefreshInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(_token_error(TokenRefreshSerializer, body.validated_data))


class TokenVerifyController(APIView):
    """`/api/auth/token/verify/`"""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["auth"],
        summary="Check that a token is valid and not expired",
        request=VerifyInputSerializer,
        responses={200: EmptySerializer, 400: ErrorResponseSerializer, 401: ErrorResponseSerializer},
    )
    def post(self, request: Request) -> Response:
        body = VerifyInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _token_error(TokenVerifySerializer, body.validated_data)
        return Response({})


class LogoutController(APIView):
    """`/api/auth/logout/` — blacklist a refresh token so it can never be used again."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["auth"],
        summary="Log out: revoke a refresh token",
        request=RefreshInputSerializer,
        responses={204: None, 400: ErrorResponseSerializer, 401: ErrorResponseSerializer},
    )
    def post(self, request: Request) -> Response:
        body = RefreshInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            RefreshToken(body.validated_data["refresh"]).blacklist()
        except TokenError:
            raise AuthenticationFailedError(INVALID_TOKEN, code="token_not_valid") from None
        return Response(status=status.HTTP_204_NO_CONTENT)


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
