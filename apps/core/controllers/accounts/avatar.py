"""`/api/auth/me/avatar/`: the signed-in user's picture (multipart `image`, same rules as product images)."""

from dependency_injector.wiring import Provide, inject
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.infra.images import MediaFiles
from apps.core.serializers.accounts import UserOutputSerializer
from apps.core.serializers.catalog import ImageUploadSerializer
from apps.core.serializers.common import ErrorResponseSerializer


class AvatarController(APIView):
    """`/api/auth/me/avatar/`"""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=["auth"],
        summary="Set the current user's avatar (JPEG, PNG or WebP)",
        request={"multipart/form-data": ImageUploadSerializer},
        responses={
            200: UserOutputSerializer,
            400: ErrorResponseSerializer,
            401: ErrorResponseSerializer,
            413: ErrorResponseSerializer,
        },
    )
    @inject
    def put(self, request: Request, media: MediaFiles = Provide[Container.media_files]) -> Response:
        body = ImageUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        media.replace_upload(request.user, "avatar", body.validated_data["image"], folder="avatars")
        return Response(UserOutputSerializer(request.user).data)
