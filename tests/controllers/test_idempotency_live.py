"""`Idempotency-Key` through HTTP against a live gunicorn (PostgreSQL or SQLite, Redis, test settings).

The issue-9 scenario end to end (retry after the cart changed is the first order, 200), a key
reused with another body (422), and concurrent duplicates from parallel connections: never two
orders, every answer the first order or a 409.
"""

import threading
import uuid

import pytest

from tests.contract.seed import CUSTOMER
from tests.live import base_env, dedicated_database, gunicorn, http, login


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("idempotency_live")
    with dedicated_database(directory, "idempotency_live") as database:
        env = base_env(DATABASE_URL=database, CACHE_KEY_PREFIX=f"idem-{uuid.uuid4().hex[:8]}")
        with gunicorn(env, directory, workers=2) as running:
            yield running


@pytest.fixture(scope="module")
def token(server) -> str:
    return login(server.url, *CUSTOMER)


def product_ids(server) -> dict[str, int]:
    """Seeded products by SKU."""
    reply = http("GET", f"{server.url}/api/products/?page_size=100")
    return {p["sku"]: p["id"] for p in reply.body["results"]}


def stock_of(server, product_id: int) -> int:
    return http("GET", f"{server.url}/api/products/{product_id}/").body["stock"]


def add(server, token: str, product_id: int, quantity: int = 1) -> None:
    reply = http(
        "POST", f"{server.url}/api/cart/items/", body={"product": product_id, "quantity": quantity}, token=token
    )
    assert reply.status == 201, reply.body


def checkout(server, token: str, key: str, body: dict | None = None):
    return http("POST", f"{server.url}/api/orders/", body=body, token=token, headers={"Idempotency-Key": key})


def test_live_retry_after_the_cart_changed_returns_the_first_order(server, token):
    ids = product_ids(server)
    first_id, later_id = ids["FUZZ-009"], ids["FUZZ-010"]
    add(server, token, first_id, 2)
    stock_after_first = stock_of(server, first_id) - 2
    first = checkout(server, token, "live-K")
    assert first.status == 201, first.body
    add(server, token, later_id, 1)

    retry = checkout(server, token, "live-K")

    assert retry.status == 200, retry.body
    assert [retry.body[k] for k in ("id", "number", "total")] == [first.body[k] for k in ("id", "number", "total")]
    assert stock_of(server, first_id) == stock_after_first  # no stock moved again
    cart = http("GET", f"{server.url}/api/cart/", token=token).body
    assert [(item["product"]["id"], item["quantity"]) for item in cart["items"]] == [(later_id, 1)]
    mismatch = checkout(server, token, "live-K", {"note": "another request"})
    assert mismatch.status == 422
    assert [e["code"] for e in mismatch.body["errors"]] == ["idempotency_key_mismatch"]
    http("DELETE", f"{server.url}/api/cart/", token=token)


def test_live_concurrent_duplicates_place_one_order(server, token):
    add(server, token, product_ids(server)["FUZZ-007"], 1)
    orders_before = http("GET", f"{server.url}/api/orders/", token=token).body["count"]
    barrier = threading.Barrier(6)
    replies = []

    def send():
        barrier.wait(timeout=10)
        replies.append(checkout(server, token, "live-concurrent"))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(reply.status for reply in replies)
    print(f"\nconcurrent duplicates over HTTP: statuses={statuses}")
    assert statuses.count(201) == 1
    assert set(statuses) <= {200, 201, 409}
    placed = {reply.body["id"] for reply in replies if reply.status in (200, 201)}
    assert len(placed) == 1
    assert http("GET", f"{server.url}/api/orders/", token=token).body["count"] == orders_before + 1
