"""A versioned key-value cache: entries grouped in namespaces that a write invalidates at once.

Entries live under `list:<namespace>:<sha256(params)>` and carry the version ("<epoch>.<generation>")
they were built under. Writers never delete keys: after their transaction commits they replace the
namespace's generation, so every entry built under the old generation becomes unreachable at once
(one SET, no key scans) and is overwritten or expires. A lookup reads the generation, the
cache-wide epoch and the entry in one round trip.

What is stored is opaque here: the services store domain values (counts), the HTTP layer stores
rendered bodies (apps.core.controllers.http_cache). Which namespaces exist and which writes change
them is the services' business (e.g. apps.core.services.catalog.cache).

The cache is an optimisation. Every call tolerates an unreachable Redis (django-redis's
IGNORE_EXCEPTIONS turns failures into misses), and the caller's builder then runs every time.
A bump lost while Redis was unreachable cannot resurrect old entries: the process that saw the
outage replaces the cache-wide epoch (`CACHE_EPOCH_KEY`), part of every entry's version, once
Redis answers again (`replace_epoch`, a receiver of apps.core.infra.redis_breaker.cache_recovered).
"""

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.cache import BaseCache
from django.db import transaction

from apps.core.infra.redis_breaker import cache_recovered

T = TypeVar("T")

FORMAT = "v2"
"""Part of every entry's version: bump it when what is stored changes shape. Entries written by other
code (an older release during a rolling deploy, whose entries held `(body, etag)` tuples) then read
as misses instead of being served as something they are not."""

CACHE_EPOCH_KEY = "list:epoch"
"""Cache key of the epoch every entry's version embeds; replaced after an outage of the cache."""


def normalize_params(params: Mapping[str, Any]) -> str:
    """Canonical JSON of validated parameters: sorted keys, values as strings, Nones dropped."""
    clean = {k: str(v) for k, v in params.items() if v is not None}
    return json.dumps(clean, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class CacheKey:
    """Where a cached value lives: a namespace (what a write invalidates) and the parameters it was made from.

    Attributes:
        namespace: e.g. "products" (product lists), "product" (product details).
        params: validated, defaulted values (order and None values do not matter).
    """

    namespace: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def with_params(self, **extra: Any) -> "CacheKey":
        """The same namespace with more parameters (e.g. the base URL a body's links are built on)."""
        return CacheKey(self.namespace, {**self.params, **extra})

    @property
    def storage_key(self) -> str:
        """The cache key: `list:<namespace>:<sha256 of the normalized params>`."""
        return f"list:{self.namespace}:{hashlib.sha256(normalize_params(self.params).encode()).hexdigest()}"


@dataclass(frozen=True)
class Lookup:
    """What one lookup found: the current value (a hit), or the version a fresh value is stored under.

    Attributes:
        key: what was looked up.
        version: "<epoch>.<generation>", or None when the namespace has no generation yet (and the
            lookup was not allowed to create one) or the cache is unreachable.
        value: the current value, or None on a miss.
    """

    key: CacheKey
    version: str | None
    value: Any = None

    @property
    def hit(self) -> bool:
        return self.value is not None


class VersionedCache:
    """Get-or-compute over Django's cache with per-namespace generations.

    Every entry is stored as `(version, value)`, the version being "<cache-wide epoch>.<namespace
    generation>", and a lookup reads the generation, the epoch and the entry in one round trip
    (`get_many`, an MGET on Redis): an entry whose version is not the current one is a miss.

    Args:
        cache: a Django cache (django-redis in production, locmem without REDIS_URL).
        timeout_s: how long an entry lives, in seconds.
    """

    def __init__(self, cache: BaseCache, timeout_s: int) -> None:
        self._cache = cache
        self._timeout_s = timeout_s
        cache_recovered.connect(self.replace_epoch)  # weak: goes with this instance

    def replace_epoch(self, **_signal) -> None:
        """Hide every entry cached so far: after an outage of the cache, a generation bump may have been lost."""
        self._cache.set(CACHE_EPOCH_KEY, uuid.uuid4().hex, None)

    def lookup(self, key: CacheKey, *, create: bool = False) -> Lookup:
        """Look `key` up (one round trip); `create` makes the namespace's generation when it has none."""
        generation_key = self._generation_key(key.namespace)
        found = self._cache.get_many([generation_key, CACHE_EPOCH_KEY, key.storage_key])
        generation = found.get(generation_key)
        epoch = found.get(CACHE_EPOCH_KEY, "0")
        if generation is None:
            if not create:
                return Lookup(key, None)
            generation = uuid.uuid4().hex
            # add() keeps a generation another process set first; re-read to agree on it.
            if not self._cache.add(generation_key, generation, None):
                generation = self._cache.get(generation_key)
                if generation is None:  # cache unreachable: do not cache at all
                    return Lookup(key, None)
            return Lookup(key, f"{FORMAT}.{epoch}.{generation}")
        version = f"{FORMAT}.{epoch}.{generation}"
        entry = found.get(key.storage_key)
        return Lookup(key, version, entry[1] if entry is not None and entry[0] == version else None)

    def get_or_compute(
        self,
        key: CacheKey,
        compute: Callable[[], T],
        *,
        lookup: Lookup | None = None,
        also_under: Iterable[CacheKey] = (),
    ) -> T:
        """The value cached under `key`, computing and storing it on a miss.

        Args:
            key: where the value lives.
            compute: makes the value (picklable); a compute that raises stores nothing.
            lookup: this request's earlier `lookup(key)`; when it holds a version it stands for the
                lookup (one cache round trip fewer on a miss).
            also_under: other keys of the same namespace the value is stored under too (e.g. the
                raw request URL, which a reader can find without validating anything).
        """
        if lookup is None or lookup.version is None or lookup.key != key:
            lookup = self.lookup(key, create=True)
        value = lookup.value if lookup.hit else compute()
        if lookup.version is not None:
            keys = [k.storage_key for k in also_under]
            if not lookup.hit:
                keys.append(key.storage_key)
            stored = (lookup.version, value)
            if len(keys) == 1:  # a plain SET: no MULTI/EXEC pipeline
                self._cache.set(keys[0], stored, self._timeout_s)
            elif keys:
                self._cache.set_many(dict.fromkeys(keys, stored), self._timeout_s)
        return value

    def invalidate(self, *namespaces: str) -> None:
        """Make every entry of these namespaces unreachable once the current transaction commits.

        Outside a transaction the bump happens at once. A reader between the write and the commit
        may re-cache old rows under the old generation only; the bump then hides them.
        """

        def bump() -> None:
            self._cache.set_many({self._generation_key(ns): uuid.uuid4().hex for ns in namespaces}, None)

        transaction.on_commit(bump)

    @staticmethod
    def _generation_key(namespace: str) -> str:
        return f"list:{namespace}:generation"
