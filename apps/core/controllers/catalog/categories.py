"""Category controllers: `/api/categories/` and `/api/categories/{id}/`."""

from dependency_injector.wiring import Provide, inject
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.controllers.http_cache import ResponseCache
from apps.core.controllers.permissions import PUBLIC_READ_AUTH, model_permissions
from apps.core.controllers.responses import page_payload, render_json
from apps.core.serializers.catalog import CategoryInputSerializer, CategoryListQuerySerializer, CategoryOutputSerializer
from apps.core.serializers.common import ErrorResponseSerializer, page_of
from apps.core.services.catalog import CategoryInput, CategoryService

WRITE_ERRORS = {400: ErrorResponseSerializer, 401: ErrorResponseSerializer, 403: ErrorResponseSerializer}


class CategoryCollectionController(APIView):
    """`/api/categories/`"""

    permission_classes = [model_permissions("category", public_reads=True)]

    @extend_schema(
        tags=["categories"],
        summary="List categories",
        auth=PUBLIC_READ_AUTH,
        operation_id="categories_list",
        parameters=[CategoryListQuerySerializer],
        responses={200: page_of(CategoryOutputSerializer), 400: ErrorResponseSerializer, 404: ErrorResponseSerializer},
    )
    @inject
    def get(
        self,
        request: Request,
        service: CategoryService = Provide[Container.category_service],
        response_cache: ResponseCache = Provide[Container.response_cache],
    ):
        query = CategoryListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = {"parent": query.validated_data.get("parent"), **query.validated_data}

        def render() -> bytes:
            page = service.list_page(**params)
            return render_json(page_payload(request, page, lambda rows: CategoryOutputSerializer(rows, many=True).data))

        return response_cache.respond(request, service.list_key(**params), render, links=True)

    @extend_schema(
        tags=["categories"],
        summary="Create a category (admin)",
        request=CategoryInputSerializer,
        responses={201: CategoryOutputSerializer, **WRITE_ERRORS},
    )
    @inject
    def post(self, request: Request, service: CategoryService = Provide[Container.category_service]) -> Response:
        body = CategoryInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        category = service.create(CategoryInput.from_mapping(body.validated_data))
        return Response(CategoryOutputSerializer(category).data, status=status.HTTP_201_CREATED)


class CategoryItemController(APIView):
    """`/api/categories/{id}/`"""

    permission_classes = [model_permissions("category", public_reads=True)]

    @extend_schema(
        tags=["categories"],
        summary="Read a category",
        auth=PUBLIC_READ_AUTH,
        responses={200: CategoryOutputSerializer, 404: ErrorResponseSerializer},
    )
    @inject
    def get(
        self, request: Request, category_id: int, service: CategoryService = Provide[Container.category_service]
    ) -> Response:
        return Response(CategoryOutputSerializer(service.get(category_id)).data)

    @extend_schema(
        tags=["categories"],
        summary="Replace a category (admin)",
        request=CategoryInputSerializer,
        responses={200: CategoryOutputSerializer, 404: ErrorResponseSerializer, **WRITE_ERRORS},
    )
    @inject
    def put(
        self, request: Request, category_id: int, service: CategoryService = Provide[Container.category_service]
    ) -> Response:
        return self._update(request, category_id, service, partial=False)

    @extend_schema(
        tags=["categories"],
        summary="Change some fields of a category (admin)",
        request=CategoryInputSerializer(partial=True),
        responses={200: CategoryOutputSerializer, 404: ErrorResponseSerializer, **WRITE_ERRORS},
    )
    @inject
    def patch(
        self, request: Request, category_id: int, service: CategoryService = Provide[Container.category_service]
    ) -> Response:
        return self._update(request, category_id, service, partial=True)

    @extend_schema(
        tags=["categories"],
        summary="Delete a category (admin); 409 while it holds live products",
        responses={
            204: None,
            404: ErrorResponseSerializer,
            409: ErrorResponseSerializer,
            401: ErrorResponseSerializer,
            403: ErrorResponseSerializer,
        },
    )
    @inject
    def delete(
        self, request: Request, category_id: int, service: CategoryService = Provide[Container.category_service]
    ) -> Response:
        service.soft_delete(category_id)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @staticmethod
    def _update(request: Request, category_id: int, service: CategoryService, *, partial: bool) -> Response:
        body = CategoryInputSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        category = service.update(category_id, CategoryInput.from_mapping(body.validated_data))
        return Response(CategoryOutputSerializer(category).data)
