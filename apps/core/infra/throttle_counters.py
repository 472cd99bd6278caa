"""Fixed-window hit counters for the throttles: one atomic round trip on Redis, add + incr + get elsewhere."""

from django.core.cache.backends.base import BaseCache
from django_redis.cache import omit_exception


@omit_exception(return_value=None)
def _hit_window(cache, key: str, previous_key: str, ttl_s: int) -> tuple[int, int] | None:
    # A django-redis backend method in all but name: omit_exception reads the backend's
    # IGNORE_EXCEPTIONS (and logging) settings, as it does for RedisCache's own methods.
    return cache.client.hit_window(key, previous_key, ttl_s)


def count_hit(cache: BaseCache, key: str, previous_key: str, ttl_s: int) -> tuple[int, int] | None:
    """Count one hit under `key` and read the count under `previous_key` (fixed-window counters).

    On a django-redis cache with `CircuitBreakerClient`: one atomic round trip (`hit_window`).
    Elsewhere (locmem without REDIS_URL, a plain django-redis client): `add(key, 0)`, `incr(key)`,
    `get(previous_key)`; each is atomic (locmem holds its lock), so counts stay exact in a process.

    Args:
        cache: a Django cache backend.
        key: the current window's counter.
        previous_key: the previous window's counter; only read.
        ttl_s: lifetime of a new counter, seconds.

    Returns:
        (current, previous) counts after this hit, or None when the cache is unreachable (a
        django-redis cache with IGNORE_EXCEPTIONS; the circuit open). The failure is logged only
        where django-redis logs every ignored one (DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS, off here).
    """
    if hasattr(getattr(cache, "client", None), "hit_window"):
        return _hit_window(cache, key, previous_key, ttl_s)
    cache.add(key, 0, ttl_s)
    current = cache.incr(key)
    if current is None:  # django-redis ignored a failure
        return None
    return current, cache.get(previous_key) or 0
