"""Response helpers: JSON rendering and the paginated envelope (cached bodies: apps.core.controllers.http_cache)."""

from collections.abc import Callable

from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

from apps.core.infra.pagination import Page

_renderer = JSONRenderer()


def render_json(data) -> bytes:
    """Render a payload the way DRF's JSONRenderer does (UTF-8 bytes)."""
    return _renderer.render(data)


def page_links(request: Request, page: Page) -> tuple[str | None, str | None]:
    """Absolute `next` and `previous` URLs for a page (cursor links when the page has cursors)."""
    url = request.build_absolute_uri()
    if "page_size" in request.GET:  # the size used, never a larger one asked for (it was clamped)
        url = replace_query_param(url, "page_size", page.size)
    if page.number is None:
        url = remove_query_param(url, "page")
        nxt = replace_query_param(url, "cursor", page.next_cursor) if page.next_cursor else None
        prev = replace_query_param(url, "cursor", page.previous_cursor) if page.previous_cursor else None
        return nxt, prev
    nxt = replace_query_param(url, "page", page.number + 1) if page.has_next else None
    if not page.has_previous:
        prev = None
    elif page.number == 2:
        prev = remove_query_param(url, "page")
    else:
        prev = replace_query_param(url, "page", page.number - 1)
    return nxt, prev


def page_payload(request: Request, page: Page, serialize: Callable[[list], list]) -> dict:
    """The list envelope `{count, next, previous, results}` (+ any `page.extra` keys)."""
    nxt, prev = page_links(request, page)
    return {"count": page.count, "next": nxt, "previous": prev, "results": serialize(list(page.items)), **page.extra}


def base_url(request: Request) -> str:
    """The scheme and host the links of a body are built on; part of the cache key."""
    return request.build_absolute_uri("/")
