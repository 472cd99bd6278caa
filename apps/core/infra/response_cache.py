"""Versioned response cache for public, user-independent reads (lists and details).

Entries live under `list:<namespace>:<sha256(params)>` and carry the version ("<epoch>.<generation>")
they were built under. Writers never delete keys: after their transaction commits they replace the
namespace's generation, so every entry built under the old generation becomes unreachable at
once (one SET, no key scans) and is overwritten or expires. A lookup reads the generation, the
cache-wide epoch and the entry in one round trip.

The cache is an optimisation. Every call tolerates an unreachable Redis (django-redis's
IGNORE_EXCEPTIONS turns failures into misses), and the caller's builder then runs every time.
A bump lost while Redis was unreachable cannot resurrect old pages: the process that saw the
outage replaces the cache-wide epoch (`apps.core.infra.redis_breaker.CACHE_EPOCH_KEY`), part of every entry's
version, once Redis answers again.
"""

import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import BaseCache
from django.db import transaction

from apps.core.infra.redis_breaker import CACHE_EPOCH_KEY

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class CachedBody:
    """A rendered response body and its strong ETag (quoted sha256 prefix of the body)."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> "CachedBody":
        return cls(body=body, etag=f'"{hashlib.sha256(body).hexdigest()[:32]}"')


@dataclass(frozen=True)
class Probe:
    """What one cache lookup found: the entry (a hit) or the version a fresh build is stored under.

    Made by `ListCache.probe` (e.g. in a middleware) and handed to `get_or_build` for the same
    namespace and params later in the same request, which then skips its own lookup.

    Attributes:
        namespace / params: what was looked up.
        version: "<epoch>.<generation>", or None when the namespace has no generation yet or the
            cache is unreachable (`get_or_build` then looks up again).
        hit: the current entry, or None on a miss.
    """

    namespace: str
    params: Mapping[str, Any]
    version: str | None
    hit: CachedBody | None


def normalize_params(params: Mapping[str, Any]) -> str:
    """Canonical JSON of validated query params: sorted keys, values as strings, Nones dropped."""
    clean = {k: str(v) for k, v in params.items() if v is not None}
    return json.dumps(clean, sort_keys=True, separators=(",", ":"))


class ListCache:
    """Get-or-build over Django's cache with per-namespace generations.

    Every entry is stored as `(version, value)` under `list:<namespace>:<sha256(params)>`, the
    version being "<cache-wide epoch>.<namespace generation>", and a lookup reads the generation,
    the epoch and the entry in one round trip (`get_many`, an MGET on Redis): an entry whose
    version is not the current one is a miss. Bumping the
    generation after a write therefore hides every entry of the namespace at once, exactly like
    generation-prefixed keys, at one Redis round trip per hit instead of two.

    Args:
        cache: a Django cache (django-redis in production, locmem without REDIS_URL).
        timeout_s: how long a cached entry lives, in seconds.
    """

    def __init__(self, cache: BaseCache, timeout_s: int) -> None:
        self._cache = cache
        self._timeout_s = timeout_s

    def get_or_build(
        self,
        namespace: str,
        params: Mapping[str, Any],
        build: Callable[[], bytes],
        *,
        aliases: Iterable[Mapping[str, Any]] = (),
        probe: Probe | None = None,
    ) -> CachedBody:
        """Return the cached body for (namespace, params), building and storing it on a miss.

        Args:
            namespace: e.g. "products", "product", "categories".
            params: validated, defaulted request parameters (order does not matter).
            build: renders the response body (bytes) from the database.
            aliases: other parameter sets the same body is also stored under (e.g. the raw request
                URL, which `peek` can then find without validating anything).
            probe: this request's earlier `probe` of the same namespace and params; when it holds a
                version it stands for the lookup (one cache round trip fewer on a miss).

        Returns:
            The body and its ETag. A build that raises caches nothing.
        """
        if probe is None or probe.version is None or (probe.namespace, probe.params) != (namespace, params):
            probe = self._probe(namespace, params, create=True)
        entry = probe.hit if probe.hit is not None else CachedBody.of(build())
        if probe.version is not None:
            stored = (probe.version, (entry.body, entry.etag))
            keys = [self._key(namespace, a) for a in aliases]
            if probe.hit is None:
                keys.append(self._key(namespace, params))
            if len(keys) == 1:  # a plain SET: no MULTI/EXEC pipeline
                self._cache.set(keys[0], stored, self._timeout_s)
            elif keys:
                self._cache.set_many(dict.fromkeys(keys, stored), self._timeout_s)
        return entry

    def peek(self, namespace: str, params: Mapping[str, Any]) -> CachedBody | None:
        """The body stored for (namespace, params) under the current version, or None (one round trip)."""
        return self.probe(namespace, params).hit

    def probe(self, namespace: str, params: Mapping[str, Any]) -> Probe:
        """Look (namespace, params) up without building anything (one round trip); see `Probe`."""
        return self._probe(namespace, params, create=False)

    def _probe(self, namespace: str, params: Mapping[str, Any], *, create: bool) -> Probe:
        """`_lookup` of a body entry, as a Probe (`create`: make the namespace's generation when missing)."""
        version, hit = self._lookup(namespace, params, create=create)
        return Probe(namespace, params, version, CachedBody(*hit) if hit is not None else None)

    def get_or_compute(self, namespace: str, params: Mapping[str, Any], compute: Callable[[], T]) -> T:
        """Like `get_or_build` for any picklable value (e.g. a count), invalidated with the namespace."""
        version, hit = self._lookup(namespace, params)
        if hit is not None:
            return hit
        value = compute()
        if version is not None:
            self._cache.set(self._key(namespace, params), (version, value), self._timeout_s)
        return value

    def invalidate(self, *namespaces: str) -> None:
        """Make every cached entry of these namespaces unreachable once the current transaction commits.

        Outside a transaction the bump happens at once. A reader between the write and the
        commit may re-cache old rows under the old generation only; the bump then hides them.
        """

        def bump() -> None:
            self._cache.set_many({self._generation_key(ns): uuid.uuid4().hex for ns in namespaces}, None)

        transaction.on_commit(bump)

    def _lookup(self, namespace: str, params: Mapping[str, Any], *, create: bool = True) -> tuple[str | None, Any]:
        """(current version "<epoch>.<generation>" or None when the cache is unreachable, entry value or None)."""
        generation_key, key = self._generation_key(namespace), self._key(namespace, params)
        found = self._cache.get_many([generation_key, CACHE_EPOCH_KEY, key])
        generation = found.get(generation_key)
        if generation is None:
            if not create:
                return None, None
            generation = uuid.uuid4().hex
            # add() keeps a generation another process set first; re-read to agree on it.
            if not self._cache.add(generation_key, generation, None):
                generation = self._cache.get(generation_key)
                if generation is None:  # cache unreachable: do not cache at all
                    return None, None
            return f"{found.get(CACHE_EPOCH_KEY, '0')}.{generation}", None
        version = f"{found.get(CACHE_EPOCH_KEY, '0')}.{generation}"
        entry = found.get(key)
        if entry is not None and entry[0] == version:
            return version, entry[1]
        return version, None

    @staticmethod
    def _key(namespace: str, params: Mapping[str, Any]) -> str:
        return f"list:{namespace}:{hashlib.sha256(normalize_params(params).encode()).hexdigest()}"

    @staticmethod
    def _generation_key(namespace: str) -> str:
        return f"list:{namespace}:generation"
