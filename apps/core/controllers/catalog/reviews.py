"""`/api/products/{id}/reviews/`: public reading, writing by buyers."""

from dependency_injector.wiring import Provide, inject
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.controllers.responses import page_payload
from apps.core.serializers.catalog import ReviewInputSerializer, ReviewOutputSerializer
from apps.core.serializers.common import ErrorResponseSerializer, PageQuerySerializer, page_of
from apps.core.services.catalog import ReviewService


class ProductReviewCollectionController(APIView):
    """`/api/products/{id}/reviews/`"""

    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(
        tags=["reviews"],
        summary="List a product's reviews, newest first",
        operation_id="products_reviews_list",
        parameters=[PageQuerySerializer],
        responses={200: page_of(ReviewOutputSerializer), 400: ErrorResponseSerializer, 404: ErrorResponseSerializer},
    )
    @inject
    def get(self, request: Request, product_id: int, service: ReviewService = Provide[Container.review_service]):
        query = PageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = service.list_page(
            product_id, page=query.validated_data["page"], page_size=query.validated_data["page_size"]
        )
        return Response(page_payload(request, result, lambda rows: ReviewOutputSerializer(rows, many=True).data))

    @extend_schema(
        tags=["reviews"],
        summary="Review a product I bought",
        description="Only a user with a paid, shipped or delivered order holding the product may review it; "
        "one review per user and product.",
        request=ReviewInputSerializer,
        responses={
            201: ReviewOutputSerializer,
            400: ErrorResponseSerializer,
            401: ErrorResponseSerializer,
            403: OpenApiResponse(ErrorResponseSerializer, description="`not_a_buyer`."),
            404: ErrorResponseSerializer,
            409: OpenApiResponse(ErrorResponseSerializer, description="`already_reviewed`."),
        },
    )
    @inject
    def post(self, request: Request, product_id: int, service: ReviewService = Provide[Container.review_service]):
        body = ReviewInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        review = service.create(request.user, product_id, **body.validated_data)
        return Response(ReviewOutputSerializer(review).data, status=status.HTTP_201_CREATED)
