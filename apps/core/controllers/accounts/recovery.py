"""E-mailed links: password reset (request, confirm) and e-mail verification (verify, re-send)."""

from dependency_injector.wiring import Provide, inject
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.controllers.throttles import AccountEmailThrottle
from apps.core.serializers.accounts import (
    EmailTokenInputSerializer,
    PasswordResetConfirmInputSerializer,
    PasswordResetInputSerializer,
)
from apps.core.serializers.common import ErrorResponseSerializer
from apps.core.services.accounts import EmailVerificationService, PasswordResetService

LINK_REFUSED = OpenApiResponse(
    ErrorResponseSerializer, description="`invalid_token`: the link is forged, already used or expired; or a bad field."
)


class PasswordResetController(APIView):
    """`/api/auth/password/reset/` — 202 whatever the e-mail: never tells whether an account exists."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AccountEmailThrottle]

    @extend_schema(
        tags=["auth"],
        summary="Ask for a password reset link by e-mail",
        description="Always 202 for a well-formed e-mail, whether or not an account has it. The link is single-use "
        "and expires after PASSWORD_RESET_TIMEOUT_S seconds.",
        request=PasswordResetInputSerializer,
        responses={202: None, 400: ErrorResponseSerializer, 429: ErrorResponseSerializer},
    )
    @inject
    def post(
        self, request: Request, service: PasswordResetService = Provide[Container.password_reset_service]
    ) -> Response:
        body = PasswordResetInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        service.request_reset(body.validated_data["email"])
        return Response(status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmController(APIView):
    """`/api/auth/password/reset/confirm/`"""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["auth"],
        summary="Set a new password from a reset link",
        description="Every refresh token of the user is revoked; the link cannot be used again.",
        request=PasswordResetConfirmInputSerializer,
        responses={204: None, 400: LINK_REFUSED},
    )
    @inject
    def post(
        self, request: Request, service: PasswordResetService = Provide[Container.password_reset_service]
    ) -> Response:
        body = PasswordResetConfirmInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        service.confirm_reset(**body.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailVerifyController(APIView):
    """`/api/auth/email/verify/`"""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=["auth"],
        summary="Confirm an e-mail address from a verification link",
        request=EmailTokenInputSerializer,
        responses={204: None, 400: LINK_REFUSED},
    )
    @inject
    def post(
        self,
        request: Request,
        service: EmailVerificationService = Provide[Container.email_verification_service],
    ) -> Response:
        body = EmailTokenInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        service.verify(**body.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailVerifyResendController(APIView):
    """`/api/auth/email/verify/resend/` — a new verification link for the signed-in user."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [AccountEmailThrottle]

    @extend_schema(
        tags=["auth"],
        summary="E-mail me a new verification link",
        description="202; nothing is sent when the address is already verified.",
        request=None,
        responses={202: None, 401: ErrorResponseSerializer, 429: ErrorResponseSerializer},
    )
    @inject
    def post(
        self,
        request: Request,
        service: EmailVerificationService = Provide[Container.email_verification_service],
    ) -> Response:
        service.send_link(request.user)
        return Response(status=status.HTTP_202_ACCEPTED)
