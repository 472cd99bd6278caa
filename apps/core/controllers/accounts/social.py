"""Social sign-in: `/api/auth/social/google/` and `/api/auth/social/facebook/`."""

from dependency_injector.wiring import Provide, inject
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.controllers.throttles import LoginClientThrottle
from apps.core.serializers.accounts.auth import (
    FacebookSignInInputSerializer,
    GoogleSignInInputSerializer,
    SocialSignInOutputSerializer,
)
from apps.core.serializers.common import ErrorResponseSerializer
from apps.core.services.accounts import SocialSignInService

RESPONSES = {
    200: SocialSignInOutputSerializer,
    400: ErrorResponseSerializer,
    401: OpenApiResponse(
        ErrorResponseSerializer,
        description="`invalid_social_token` (malformed, forged, unknown key, wrong audience, expired), "
        "`social_email_missing`, or `social_email_not_verified` (the address belongs to an account).",
    ),
    429: ErrorResponseSerializer,
    503: OpenApiResponse(ErrorResponseSerializer, description="`provider_unavailable`: the provider was unreachable."),
}


class SocialSignInController(APIView):
    """Shared by the providers' views: validate the body, sign in, answer the pair and `created`."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [LoginClientThrottle]
    provider = ""
    body_class: type = GoogleSignInInputSerializer
    token_field = ""

    @inject
    def post(
        self, request: Request, service: SocialSignInService = Provide[Container.social_sign_in_service]
    ) -> Response:
        body = self.body_class(data=request.data)
        body.is_valid(raise_exception=True)
        pair, created = service.sign_in(self.provider, body.validated_data[self.token_field])
        return Response(
            SocialSignInOutputSerializer({"access": pair.access, "refresh": pair.refresh, "created": created}).data
        )


@extend_schema_view(
    post=extend_schema(
        tags=["auth"],
        summary="Sign in with a Google ID token",
        request=GoogleSignInInputSerializer,
        responses=RESPONSES,
    )
)
class GoogleSignInController(SocialSignInController):
    """`/api/auth/social/google/`"""

    provider, body_class, token_field = "google", GoogleSignInInputSerializer, "id_token"


@extend_schema_view(
    post=extend_schema(
        tags=["auth"],
        summary="Sign in with a Facebook access token",
        request=FacebookSignInInputSerializer,
        responses=RESPONSES,
    )
)
class FacebookSignInController(SocialSignInController):
    """`/api/auth/social/facebook/`"""

    provider, body_class, token_field = "facebook", FacebookSignInInputSerializer, "access_token"
