"""Versioned response cache for public, user-independent reads (lists and details).

Keys look like `list:<namespace>:<epoch>.<generation>:<sha256(params)>`. Writers never delete keys:
after their transaction commits they replace the namespace's generation, so every page cached
under the old generation becomes unreachable at once (one SET, no key scans) and expires.

The cache is an optimisation. Every call tolerates an unreachable Redis (django-redis's
IGNORE_EXCEPTIONS turns failures into misses), and the caller's builder then runs every time.
A bump lost while Redis was unreachable cannot resurrect old pages: the process that saw the
outage replaces the cache-wide epoch, part of every key, once Redis answers again.
"""

import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.cache import BaseCache
from django.db import transaction

from apps.core.cache import CACHE_EPOCH_KEY

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CachedBody:
    """A rendered response body and its strong ETag (quoted sha256 prefix of the body)."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> "CachedBody":
        return cls(body=body, etag=f'"{hashlib.sha256(body).hexdigest()[:32]}"')


def normalize_params(params: Mapping[str, Any]) -> str:
    """Canonical JSON of validated query params: sorted keys, values as strings, Nones dropped."""
    clean = {k: str(v) for k, v in params.items() if v is not None}
    return json.dumps(clean, sort_keys=True, separators=(",", ":"))


class ListCache:
    """Get-or-build over Django's cache with per-namespace generations.

    Args:
        cache: a Django cache (django-redis in production, locmem without REDIS_URL).
        timeout_s: seconds a cached body lives, in seconds.
    """

    def __init__(self, cache: BaseCache, timeout_s: int) -> None:
        self._cache = cache
        self._timeout_s = timeout_s

    def get_or_build(self, namespace: str, params: Mapping[str, Any], build: Callable[[], bytes]) -> CachedBody:
        """Return the cached body for (namespace, params), building and storing it on a miss.

        Args:
            namespace: e.g. "products", "product", "categories".
            params: validated, defaulted request parameters (order does not matter).
            build: renders the response body (bytes) from the database.

        Returns:
            The body and its ETag. A build that raises caches nothing.
        """
        key = self._key(namespace, params)
        if key is not None:
            hit = self._cache.get(key)
            if hit is not None:
                return CachedBody(body=hit[0], etag=hit[1])
        entry = CachedBody.of(build())
        if key is not None:
            self._cache.set(key, (entry.body, entry.etag), self._timeout_s)
        return entry

    def invalidate(self, *namespaces: str) -> None:
        """Make every cached body of these namespaces unreachable once the current transaction commits.

        Outside a transaction the bump happens at once. A reader between the write and the
        commit may re-cache old rows under the old generation only; the bump then hides them.
        """

        def bump() -> None:
            for ns in namespaces:
                self._cache.set(self._generation_key(ns), uuid.uuid4().hex, None)

        transaction.on_commit(bump)

    def _key(self, namespace: str, params: Mapping[str, Any]) -> str | None:
        # One round trip for the namespace's generation and the cache-wide epoch; the epoch is
        # replaced after a cache outage (apps/core/cache.py), when a generation bump may be lost.
        found = self._cache.get_many([self._generation_key(namespace), CACHE_EPOCH_KEY])
        generation = found.get(self._generation_key(namespace))
        if generation is None:
            generation = uuid.uuid4().hex
            # add() keeps a generation another process set first; re-read to agree on it.
            if not self._cache.add(self._generation_key(namespace), generation, None):
                generation = self._cache.get(self._generation_key(namespace))
                if generation is None:  # cache unreachable: do not cache at all
                    return None
        digest = hashlib.sha256(normalize_params(params).encode()).hexdigest()
        return f"list:{namespace}:{found.get(CACHE_EPOCH_KEY, '0')}.{generation}:{digest}"

    @staticmethod
    def _generation_key(namespace: str) -> str:
        return f"list:{namespace}:generation"
