"""Image controllers: `/api/products/{id}/images/`, `/api/products/{id}/images/{image_id}/`,
`/api/categories/{id}/image/`. Uploads are multipart; the PATCH of an image is JSON."""

from dependency_injector.wiring import Provide, inject
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.controllers.permissions import PUBLIC_READ_AUTH, model_permissions
from apps.core.serializers.catalog import (
    CategoryOutputSerializer,
    ImageUploadSerializer,
    ProductImageInputSerializer,
    ProductImageOutputSerializer,
    ProductImagePatchSerializer,
)
from apps.core.serializers.common import ErrorResponseSerializer
from apps.core.services.catalog import CategoryImageService, ProductImageInput, ProductImageService, ProductService

WRITE_ERRORS = {
    400: ErrorResponseSerializer,
    401: ErrorResponseSerializer,
    403: ErrorResponseSerializer,
    404: ErrorResponseSerializer,
}
UPLOAD_ERRORS = {**WRITE_ERRORS, 413: ErrorResponseSerializer}


class ProductImageCollectionController(APIView):
    """`/api/products/{id}/images/`"""

    permission_classes = [model_permissions("productimage", public_reads=True)]
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=["products"],
        summary="List a product's images (by position)",
        auth=PUBLIC_READ_AUTH,
        responses={200: ProductImageOutputSerializer(many=True), 404: ErrorResponseSerializer},
    )
    @inject
    def get(
        self,
        request: Request,
        product_id: int,
        service: ProductImageService = Provide[Container.product_image_service],
    ) -> Response:
        images = service.list(product_id, include_inactive=ProductService.sees_unpublished(request.user))
        return Response(ProductImageOutputSerializer(images, many=True).data)

    @extend_schema(
        tags=["products"],
        summary="Upload a product image, JPEG, PNG or WebP (admin)",
        request={"multipart/form-data": ProductImageInputSerializer},
        responses={201: ProductImageOutputSerializer, **UPLOAD_ERRORS},
    )
    @inject
    def post(
        self,
        request: Request,
        product_id: int,
        service: ProductImageService = Provide[Container.product_image_service],
    ) -> Response:
        body = ProductImageInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        image = service.create(product_id, data.pop("image"), ProductImageInput.from_mapping(data))
        return Response(ProductImageOutputSerializer(image).data, status=status.HTTP_201_CREATED)


class ProductImageItemController(APIView):
    """`/api/products/{id}/images/{image_id}/`"""

    permission_classes = [model_permissions("productimage", public_reads=False)]

    @extend_schema(
        tags=["products"],
        summary="Change an image's alt text, position or main flag (admin)",
        request=ProductImagePatchSerializer,
        responses={200: ProductImageOutputSerializer, **WRITE_ERRORS},
    )
    @inject
    def patch(
        self,
        request: Request,
        product_id: int,
        image_id: int,
        service: ProductImageService = Provide[Container.product_image_service],
    ) -> Response:
        body = ProductImagePatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        image = service.update(product_id, image_id, ProductImageInput.from_mapping(body.validated_data))
        return Response(ProductImageOutputSerializer(image).data)

    @extend_schema(
        tags=["products"],
        summary="Delete an image and its files (admin); the next one becomes main",
        responses={204: None, 401: ErrorResponseSerializer, 403: ErrorResponseSerializer, 404: ErrorResponseSerializer},
    )
    @inject
    def delete(
        self,
        request: Request,
        product_id: int,
        image_id: int,
        service: ProductImageService = Provide[Container.product_image_service],
    ) -> Response:
        service.delete(product_id, image_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CategoryImageController(APIView):
    """`/api/categories/{id}/image/`"""

    permission_classes = [model_permissions("category", public_reads=False)]
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=["categories"],
        summary="Set a category's image, JPEG, PNG or WebP (admin)",
        request={"multipart/form-data": ImageUploadSerializer},
        responses={200: CategoryOutputSerializer, **UPLOAD_ERRORS},
    )
    @inject
    def put(
        self,
        request: Request,
        category_id: int,
        service: CategoryImageService = Provide[Container.category_image_service],
    ) -> Response:
        body = ImageUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(CategoryOutputSerializer(service.replace(category_id, body.validated_data["image"])).data)
