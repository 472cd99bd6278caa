"""Facet controller: `/api/products/facets/`."""

from dependency_injector.wiring import Provide, inject
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from apps.core.containers import Container
from apps.core.controllers.http_cache import ResponseCache
from apps.core.controllers.permissions import PUBLIC_READ_AUTH, model_permissions
from apps.core.controllers.responses import render_json
from apps.core.serializers.catalog.facets import FacetQuerySerializer, FacetsOutputSerializer
from apps.core.serializers.common import ErrorResponseSerializer
from apps.core.services.catalog import FacetService, ProductFilters


class ProductFacetsController(APIView):
    """`/api/products/facets/`"""

    permission_classes = [model_permissions("product", public_reads=True)]

    @extend_schema(
        tags=["products"],
        summary="Facet counts of the products matching the list's filters",
        description=(
            "Takes the product list's filter parameters, option type slugs included (`size=M,L&color=black`: "
            "values are option value slugs or values, case-insensitive). Each facet's counts ignore that "
            "facet's own filter. Facets over more than PRODUCT_FACET_EXACT_LIMIT products are scaled up from "
            "a sample of the catalog and flagged `count_is_estimate`."
        ),
        auth=PUBLIC_READ_AUTH,
        operation_id="products_facets",
        parameters=[FacetQuerySerializer],
        responses={200: FacetsOutputSerializer, 400: ErrorResponseSerializer},
    )
    @inject
    def get(
        self,
        request: Request,
        service: FacetService = Provide[Container.facet_service],
        response_cache: ResponseCache = Provide[Container.response_cache],
    ):
        query = FacetQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = ProductFilters(**query.validated_data)

        def render() -> bytes:
            return render_json(FacetsOutputSerializer(service.facets(filters)).data)

        # Also under the exact URL: CachedProductReadMiddleware answers the next anonymous hit before DRF runs.
        return response_cache.respond(request, service.response_key(filters), render, url_alias=True)
