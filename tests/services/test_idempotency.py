"""IdempotencyService: request fingerprints, run-once-and-replay, per-user keys, pruning; and payments through it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.exceptions import ConflictError, IdempotencyKeyMismatchError
from apps.core.models.idempotency import IdempotencyKey
from apps.core.models.payments import Payment, PaymentStatus
from apps.core.models.shopping import OrderStatus
from apps.core.services.idempotency import IdempotencyService, IdempotentRequest, canonical_json, request_fingerprint
from apps.core.services.payments.gateways import SandboxGateway
from tests.factories import ProductFactory, UserFactory
from tests.factories_shop import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def idempotency(container) -> IdempotencyService:
    return container.idempotency_service()


def make_product() -> object:
    """An action that makes a row (a product), counting its calls on the function object."""
    make_product.calls += 1
    return ProductFactory()


make_product.calls = 0


def run_once(service, user, request):
    return service.run(user, request, resource_type="product", perform=make_product, load=lambda pk: pk)


# --- fingerprints ------------------------------------------------------------------------------
def test_the_fingerprint_is_of_method_path_and_canonical_body():
    base = request_fingerprint("POST", "/api/orders/1/payments/", {"method": "card", "note": "é"})
    assert request_fingerprint("post", "/api/orders/1/payments/", {"note": "é", "method": "card"}) == base
    assert request_fingerprint("PUT", "/api/orders/1/payments/", {"method": "card", "note": "é"}) != base
    assert request_fingerprint("POST", "/api/orders/2/payments/", {"method": "card", "note": "é"}) != base
    assert request_fingerprint("POST", "/api/orders/1/payments/", {"method": "wallet", "note": "é"}) != base
    assert len(base) == 64


@pytest.mark.parametrize("empty", [None, "", {}])
def test_no_body_is_the_empty_object(empty):
    assert canonical_json(empty) == "{}"


def test_the_migration_fingerprint_of_old_checkout_keys_matches_the_service():
    from importlib import import_module

    migration = import_module("apps.core.migrations.0005_idempotency_requests")
    assert migration.EMPTY_POST_ORDERS == request_fingerprint("POST", "/api/orders/", None)


# --- run ---------------------------------------------------------------------------------------
def test_run_performs_once_then_replays(idempotency, customer):
    request = IdempotentRequest.of("k-1", "POST", "/api/things/", {"a": 1})
    calls = make_product.calls
    first, created = run_once(idempotency, customer, request)
    replay, replayed_created = run_once(idempotency, customer, request)
    assert (created, replayed_created) == (True, False)
    assert replay == first.pk  # what `load` returned for the stored id
    assert make_product.calls == calls + 1
    record = IdempotencyKey.objects.get()
    assert (record.method, record.path, record.resource_type, record.resource_id) == (
        "POST", "/api/things/", "product", first.pk,
    )  # fmt: skip


def test_same_key_other_request_is_a_mismatch(idempotency, customer):
    run_once(idempotency, customer, IdempotentRequest.of("k-1", "POST", "/api/things/", {"a": 1}))
    with pytest.raises(IdempotencyKeyMismatchError) as raised:
        run_once(idempotency, customer, IdempotentRequest.of("k-1", "POST", "/api/things/", {"a": 2}))
    assert raised.value.code == "idempotency_key_mismatch"
    assert raised.value.attr == "Idempotency-Key"


def test_keys_are_per_user(idempotency, customer):
    request = IdempotentRequest.of("shared", "POST", "/api/things/", None)
    _, mine = run_once(idempotency, customer, request)
    _, theirs = run_once(idempotency, UserFactory(), request)
    assert (mine, theirs) == (True, True)


def test_without_a_key_it_just_performs(idempotency, customer):
    assert run_once(idempotency, customer, None)[1] is True
    assert run_once(idempotency, customer, None)[1] is True
    assert not IdempotencyKey.objects.exists()


def test_a_failed_action_leaves_no_key(idempotency, customer):
    def fail():
        raise ConflictError("nope")

    request = IdempotentRequest.of("k-1", "POST", "/api/things/", None)
    with pytest.raises(ConflictError):
        idempotency.run(customer, request, resource_type="product", perform=fail, load=lambda pk: pk)
    assert not IdempotencyKey.objects.exists()


def test_a_key_row_without_a_resource_is_in_use(idempotency, customer):
    request = IdempotentRequest.of("k-1", "POST", "/api/things/", None)
    IdempotencyKey.objects.create(
        user=customer, key="k-1", fingerprint=request.fingerprint, method="POST", path="/api/things/",
        resource_type="product",
    )  # fmt: skip
    with pytest.raises(ConflictError) as raised:
        run_once(idempotency, customer, request)
    assert raised.value.code == "idempotency_key_in_use"


# --- prune -------------------------------------------------------------------------------------
def test_prune_deletes_only_keys_older_than_the_age(idempotency, customer):
    for key, age_h in (("old", 30), ("older", 100), ("fresh", 1)):
        run_once(idempotency, customer, IdempotentRequest.of(key, "POST", "/api/things/", None))
        IdempotencyKey.objects.filter(key=key).update(created_at=timezone.now() - timedelta(hours=age_h))
    assert idempotency.prune(timedelta(hours=24)) == 2
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]
    assert idempotency.prune(timedelta(hours=24)) == 0
    with pytest.raises(ValueError, match="negative"):
        idempotency.prune(timedelta(hours=-1))


def test_a_pruned_key_is_a_new_key(idempotency, customer):
    request = IdempotentRequest.of("k-1", "POST", "/api/things/", None)
    run_once(idempotency, customer, request)
    idempotency.prune(timedelta(0))
    assert run_once(idempotency, customer, request)[1] is True


# --- payments ----------------------------------------------------------------------------------
def test_payment_retry_replays_without_charging_again(container, customer):
    gateway = SandboxGateway(outcome="decline")
    service = container.payment_service(gateway=gateway, state_machine=container.order_state_machine(gateway=gateway))
    order = OrderFactory(user=customer, total="25.00")
    OrderLineFactory(order=order, unit_price="25.00", line_total="25.00")
    path = f"/api/orders/{order.pk}/payments/"
    first, created = service.pay(
        customer, order.pk, method="card", idempotency=IdempotentRequest.of("pay-1", "POST", path, {"method": "card"})
    )
    replay, replayed_created = service.pay(
        customer, order.pk, method="card", idempotency=IdempotentRequest.of("pay-1", "POST", path, {"method": "card"})
    )
    assert (created, replayed_created) == (True, False)
    assert replay.pk == first.pk
    assert first.status == PaymentStatus.FAILED
    assert Payment.objects.count() == 1  # the declined charge was not retried under the same key
    with pytest.raises(IdempotencyKeyMismatchError):
        service.pay(
            customer, order.pk, method="wallet",
            idempotency=IdempotentRequest.of("pay-1", "POST", path, {"method": "wallet"}),
        )  # fmt: skip
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
