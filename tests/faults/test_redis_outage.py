"""Fault: Redis stops mid-run and comes back with its data (a restart of a persistent Redis).

Observed through a live gunicorn wired to a private redis-server:
- during the outage every endpoint answers correctly from the database (no 5xx), quickly: the
  circuit breaker (apps.core.infra.redis_breaker) turns each cache call into an instant miss;
- a product renamed during the outage loses its list cache generation bump (Redis was down),
  yet after Redis is back no pre-outage page is served: the recovery epoch hides them;
- caching resumes: new list pages land in Redis again.
"""

import pickle
import time

import redis

from apps.core.infra.redis_breaker import breaker_of
from apps.core.infra.versioned_cache import CACHE_EPOCH_KEY, FORMAT, CacheKey, VersionedCache
from tests.contract.seed import ADMIN, CUSTOMER
from tests.live import (
    base_env,
    breaker_cache,
    dedicated_database,
    free_port,
    gunicorn,
    http,
    login,
    redis_server,
    wait_until,
)

RENAMED = "Renamed while Redis was down"
PUBLIC_READS = [
    "/api/products/",
    "/api/products/?search=fuzz&ordering=-price",
    "/api/products/?category=electronics&in_stock=true",
    "/api/categories/",
]


def _list_keys(client: redis.Redis) -> list[bytes]:
    return [key for key in client.keys("*list:products:*") if not key.endswith(b":generation")]


def test_redis_outage_serves_from_database_and_never_stale_after(tmp_path):
    with (
        redis_server(tmp_path) as cache_server,
        dedicated_database(tmp_path, "fault_redis") as database_url,
    ):
        env = base_env(
            DATABASE_URL=database_url,
            REDIS_URL=cache_server.url,
            REDIS_CIRCUIT_OPEN_S="1",
            THROTTLE_RATE_ANON="100000/min",
            THROTTLE_RATE_USER="100000/min",
        )
        # One worker: the worker that sees the outage is the one that serves after it.
        with gunicorn(env, tmp_path, workers=1) as server:
            base = server.url
            admin = login(base, *ADMIN)
            customer = login(base, *CUSTOMER)
            products = http("GET", f"{base}/api/products/?page_size=100").body["results"]
            product_id = products[0]["id"]
            authenticated_reads = [
                (f"/api/products/{product_id}/", None),
                ("/api/categories/1/", None),
                ("/api/auth/me/", customer),
                (f"/api/products/{product_id}/", admin),
            ]
            paths = http("GET", f"{base}/api/schema/?format=json").body["paths"]
            for path in ("/api/cart/", "/api/orders/", "/api/wishlist/"):  # shopping, once merged
                if path in paths:
                    authenticated_reads.append((path, customer))
            if "/api/products/{product_id}/reviews/" in paths:
                authenticated_reads.append((f"/api/products/{product_id}/reviews/", None))

            # Warm the cache.
            before = {path: http("GET", f"{base}{path}").body for path in PUBLIC_READS}
            http("GET", f"{base}/api/products/{product_id}/")
            client = redis.Redis.from_url(cache_server.url)
            warm_keys = _list_keys(client)
            assert warm_keys, "list pages were not cached"
            warm_values = {key: client.get(key) for key in warm_keys}
            generation_before = client.get(next(k for k in client.keys("*list:products:generation")))
            client.close()

            # --- outage ---------------------------------------------------------------------------
            cache_server.stop(save=True)
            outage_replies = []
            for path in PUBLIC_READS:
                outage_replies.append((path, http("GET", f"{base}{path}")))
            for path, token in authenticated_reads:
                outage_replies.append((path, http("GET", f"{base}{path}", token=token)))
            outage_replies.append(("/api/auth/token/", http("POST", f"{base}/api/auth/token/", body=dict(
                zip(("email", "password"), CUSTOMER, strict=True)))))  # fmt: skip
            renamed = http(
                "PATCH",
                f"{base}/api/products/{product_id}/",
                body={"name": RENAMED},
                token=admin,
            )
            outage_replies.append(("PATCH product", renamed))
            after_write = http("GET", f"{base}/api/products/?page_size=100")
            outage_replies.append(("/api/products/ after write", after_write))
            ready = http("GET", f"{base}/readyz")

            errors = [(path, r.status) for path, r in outage_replies if not 200 <= r.status < 300]
            slowest = max(r.elapsed_s for _, r in outage_replies)
            print(
                f"redis outage: {len(outage_replies)} requests, {len(errors)} errors, slowest {slowest * 1000:.0f} ms"
            )
            assert errors == []
            assert slowest < 5  # far below any timeout: a down cache costs at most one connect attempt
            for path, reply in outage_replies[: len(PUBLIC_READS)]:  # as before the outage, from the database
                assert reply.body == before[path]
            assert renamed.body["name"] == RENAMED
            assert RENAMED in {p["name"] for p in after_write.body["results"]}
            assert ready.status == 200
            assert ready.body == {"status": "ok", "database": "ok", "cache": "error"}

            # --- recovery: Redis comes back with its pre-outage data --------------------------------
            outage_end = time.monotonic()
            cache_server.start()
            client = redis.Redis.from_url(cache_server.url)
            assert client.get(next(k for k in client.keys("*list:products:generation"))) == generation_before
            assert set(warm_keys) <= set(_list_keys(client))  # the stale pages really are back in Redis

            stale_pages = []

            def fresh_and_cached() -> bool:
                body = http("GET", f"{base}/api/products/?page_size=100").body
                if RENAMED not in {p["name"] for p in body["results"]}:
                    stale_pages.append(body)
                # cached again: a new entry, or an entry rewritten (entries carry their version; keys may not)
                keys = _list_keys(client)
                return bool(set(keys) - set(warm_keys)) or any(client.get(k) != warm_values[k] for k in warm_keys)

            resumed = wait_until(fresh_and_cached, timeout_s=10, interval_s=0.2)
            assert stale_pages == []  # no pre-outage page was served after Redis came back
            assert resumed
            print(f"redis recovery: caching resumed {time.monotonic() - outage_end:.2f} s after restart")
            detail = http("GET", f"{base}/api/products/{product_id}/")
            assert detail.body["name"] == RENAMED
            for path in PUBLIC_READS:
                assert http("GET", f"{base}{path}").status == 200
            assert http("GET", f"{base}/readyz").body["cache"] == "ok"
            client.close()


def test_circuit_breaker_opens_on_a_down_cache():
    """Against an unreachable Redis the first call opens the circuit; the rest never touch the network."""
    backend = breaker_cache(f"redis://127.0.0.1:{free_port()}/0")
    started = time.monotonic()
    results = [backend.get(f"k{n}") for n in range(50)]
    elapsed = time.monotonic() - started
    print(f"50 reads against a down Redis: {elapsed * 1000:.0f} ms")
    assert results == [None] * 50
    assert breaker_of(backend).is_open


def test_the_epoch_is_replaced_when_redis_returns_even_without_another_call(tmp_path):
    """The process that lost a bump replaces the epoch on its own: its breaker probes in the background.

    Otherwise the epoch would wait for this process's next cache call, and other processes, which
    never saw the outage, would serve pre-outage pages until then. The breaker only announces the
    recovery (`cache_recovered`); the VersionedCache, subscribed to it, replaces its epoch.
    """
    with redis_server(tmp_path) as cache_server:
        backend = breaker_cache(cache_server.url, open_s=0.2)
        versioned = VersionedCache(backend, timeout_s=60)  # subscribed while it lives
        raw = redis.Redis.from_url(cache_server.url)
        epoch_key = backend.client.make_key(CACHE_EPOCH_KEY)
        backend.set(CACHE_EPOCH_KEY, "before", timeout=None)
        cache_server.stop(save=True)  # Redis goes away with its data
        backend.set("list:products:generation", "lost bump", timeout=None)  # fails: the circuit opens
        breaker = breaker_of(backend)
        assert breaker.failed
        assert backend.get(CACHE_EPOCH_KEY) is None  # refused at once, not sent
        cache_server.start()  # back, with the old epoch
        assert raw.get(epoch_key) is not None
        replaced = wait_until(lambda: pickle.loads(raw.get(epoch_key)) != "before", timeout_s=5)
        assert replaced  # no call was made on `backend` since the failure
        assert wait_until(lambda: not breaker.failed, timeout_s=2)
        epoch = pickle.loads(raw.get(epoch_key))
        assert backend.get(CACHE_EPOCH_KEY) == epoch  # calls go through again
        assert versioned.lookup(CacheKey("products"), create=True).version.startswith(f"{FORMAT}.{epoch}.")
        assert wait_until(lambda: not breaker._prober.is_alive(), timeout_s=2)
        raw.close()
