"""Auth controllers: register, JWT pair/refresh/verify, logout of one session or all. Tokens: AuthService."""

from dependency_injector.wiring import Provide, inject
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.controllers.throttles import LoginClientThrottle, LoginEmailThrottle, RegisterThrottle
from apps.core.serializers.accounts import (
    LoginInputSerializer,
    RefreshInputSerializer,
    RegisterInputSerializer,
    TokenPairOutputSerializer,
    UserOutputSerializer,
    VerifyInputSerializer,
)
from apps.core.serializers.common import EmptySerializer, ErrorResponseSerializer
from apps.core.services.accounts import AuthService, Registration, UserService


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
    @inject
    def post(self, request: Request, service: AuthService = Provide[Container.auth_service]) -> Response:
        body = LoginInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        pair = service.login(body.validated_data["email"], body.validated_data["password"])
        return Response(TokenPairOutputSerializer(pair).data)


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
    @inject
    def post(self, request: Request, service: AuthService = Provide[Container.auth_service]) -> Response:
        body = RefreshInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(TokenPairOutputSerializer(service.refresh(body.validated_data["refresh"])).data)


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
    @inject
    def post(self, request: Request, service: AuthService = Provide[Container.auth_service]) -> Response:
        body = VerifyInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        service.verify(body.validated_data["token"])
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
    @inject
    def post(self, request: Request, service: AuthService = Provide[Container.auth_service]) -> Response:
        body = RefreshInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        service.logout(body.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllController(APIView):
    """`/api/auth/logout-all/` — revoke every refresh token of the signed-in user (every session)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["auth"],
        summary="Log out everywhere: revoke every refresh token of the current user",
        request=None,
        responses={204: None, 401: ErrorResponseSerializer},
    )
    @inject
    def post(self, request: Request, service: AuthService = Provide[Container.auth_service]) -> Response:
        service.logout_all(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
