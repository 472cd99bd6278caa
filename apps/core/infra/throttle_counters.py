"""Fixed-window hit counters for the throttles: one atomic round trip on Redis, add + incr + get elsewhere."""

from django.core.cache.backends.base import BaseCache
from django_redis.cache import RedisCache, omit_exception
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

# What django-redis's DefaultClient turns into ConnectionInterrupted.
_REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError, ResponseError)


@omit_exception(return_value=None)
def _hit_window(cache: RedisCache, key: str, previous_key: str, ttl_s: int) -> tuple[int, int] | None:
    """INCR key, EXPIRE key ttl_s NX, GET previous_key: one non-transactional pipeline.

    A django-redis backend method in all but name: `omit_exception` reads the backend's
    IGNORE_EXCEPTIONS (and logging) settings, as it does for RedisCache's own methods, so a failure
    (Redis down, the circuit of apps.core.infra.redis_breaker open) answers None.
    EXPIRE NX (Redis 7+) lets the first hit of a window set its lifetime. INCR is atomic, so
    concurrent callers each see a distinct count. Both keys get the cache's KEY_PREFIX.

    Raises:
        ConnectionInterrupted: Redis did not answer (turned into None unless IGNORE_EXCEPTIONS is off).
    """
    client = cache.client.get_client(write=True)
    current_key = cache.client.make_key(key)
    try:
        pipeline = client.pipeline(transaction=False)
        pipeline.incr(current_key)
        pipeline.expire(current_key, ttl_s, nx=True)
        pipeline.get(cache.client.make_key(previous_key))
        current, _, previous = pipeline.execute()
    except _REDIS_ERRORS as exc:
        raise ConnectionInterrupted(connection=client) from exc
    return int(current), int(previous or 0)


def count_hit(cache: BaseCache, key: str, previous_key: str, ttl_s: int) -> tuple[int, int] | None:
    """Count one hit under `key` and read the count under `previous_key` (fixed-window counters).

    On a django-redis cache (its DefaultClient or a subclass): one atomic round trip (a pipeline,
    see `_hit_window`). Elsewhere (locmem without REDIS_URL): `add(key, 0)`, `incr(key)`,
    `get(previous_key)`; each is atomic (locmem holds its lock), so counts stay exact in a process.

    Args:
        cache: a Django cache backend.
        key: the current window's counter (e.g. `throttle_anon_<ident>:<window number>`).
        previous_key: the previous window's counter; only read.
        ttl_s: lifetime of a new counter, seconds.

    Returns:
        (current, previous): the current counter after this hit (>= 1) and the previous window's
        count (0 when absent or expired); or None when the cache is unreachable (a django-redis
        cache with IGNORE_EXCEPTIONS; the circuit open). The failure is logged only where
        django-redis logs every ignored one (DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS, off here).
    """
    if isinstance(getattr(cache, "client", None), DefaultClient):  # also through django.core.cache.cache's proxy
        return _hit_window(cache, key, previous_key, ttl_s)
    cache.add(key, 0, ttl_s)
    current = cache.incr(key)
    if current is None:  # a cache that ignores failures
        return None
    return current, cache.get(previous_key) or 0
