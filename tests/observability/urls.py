"""The project's URLs plus views that fail on purpose (tests of error handling outside DRF)."""

from django.db import OperationalError
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_POST

from config.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("secret internal detail")


def database_down(request):
    raise OperationalError("connection refused")


@require_POST
def post_only(request):
    return JsonResponse({})


urlpatterns = [
    path("test/boom/", boom),
    path("test/db-down/", database_down),
    path("test/post-only/", post_only),
    *urlpatterns,
]
