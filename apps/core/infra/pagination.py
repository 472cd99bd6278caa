"""Page value objects and page-number arithmetic shared by every list service."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.core import signing

from apps.core.exceptions import InvalidInputError, NotFoundError

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list.

    Attributes:
        items: the rows of this page, in order.
        count: rows matching the filters over all pages.
        number: 1-based page number (None in cursor mode).
        size: the page size asked for (1..PAGE_SIZE_MAX).
        next_cursor / previous_cursor: opaque keyset cursors, when the list supports them.
        more: whether rows follow this page, when the list found out (else count decides).
        extra: additional envelope keys (e.g. {"count_is_estimate": True}).
    """

    items: Sequence[T]
    count: int
    number: int | None
    size: int
    next_cursor: str | None = None
    previous_cursor: str | None = None
    more: bool | None = None
    extra: dict = field(default_factory=dict)

    @property
    def has_next(self) -> bool:
        if self.number is None:
            return self.next_cursor is not None
        if self.more is not None:
            return self.more
        return self.number * self.size < self.count

    @property
    def has_previous(self) -> bool:
        if self.number is None:
            return self.previous_cursor is not None
        return self.number > 1


def page_bounds(count: int, *, page: int, page_size: int) -> tuple[int, int]:
    """Return the (offset, limit) slice for a 1-based page.

    Raises:
        NotFoundError: the page is past the last one (page 1 always exists, even when empty).
    """
    offset = (page - 1) * page_size
    if page > 1 and offset >= count:
        raise NotFoundError("Invalid page: that page contains no results.", code="invalid_page", attr="page")
    return offset, page_size


def paginate(queryset, *, page: int, page_size: int) -> Page:
    """Count the queryset and slice out one page (two queries).

    Raises:
        NotFoundError: the page is past the last one.
    """
    count = queryset.count()
    offset, limit = page_bounds(count, page=page, page_size=page_size)
    return Page(items=list(queryset[offset : offset + limit]), count=count, number=page, size=page_size)


CURSOR_SALT = "nexus.pagination.cursor"


def encode_cursor(payload: dict) -> str:
    """An opaque, signed, URL-safe token for a keyset position (`payload` must be JSON-able)."""
    return signing.dumps(payload, salt=CURSOR_SALT, compress=True)


def decode_cursor(token: str) -> dict:
    """The payload of a token made by `encode_cursor`.

    Raises:
        InvalidInputError: the token was not made by this server (bad signature) or is malformed;
            code "invalid_cursor", attr "cursor".
    """
    try:
        payload = signing.loads(token, salt=CURSOR_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        payload = None
    if not isinstance(payload, dict):
        raise InvalidInputError("Invalid cursor.", code="invalid_cursor", attr="cursor")
    return payload
