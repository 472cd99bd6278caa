"""PaymentService: charging through the sandbox gateway and applying signed webhooks once."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from apps.core.exceptions import ConflictError, InvalidInputError, InvalidSignatureError, NotFoundError
from apps.core.models.payments import Payment, PaymentStatus, WebhookEvent
from apps.core.models.shopping import OrderStatus
from apps.core.services.payments.gateways import (
    ChargeRequest,
    PaymentGateway,
    SandboxGateway,
)
from apps.core.services.payments.payments import PaymentService, sign
from tests.factories_shop import OrderFactory, OrderLineFactory, PaymentFactory

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_0123456789"


@pytest.fixture
def service_with(container):
    """A PaymentService whose gateway settles with the given sandbox outcome."""

    def build(outcome: str = "succeed") -> PaymentService:
        gateway = SandboxGateway(outcome=outcome)
        machine = container.order_state_machine(gateway=gateway)
        return container.payment_service(gateway=gateway, state_machine=machine, webhook_secret=SECRET)

    return build


def pending_order(user, total="25.00"):
    order = OrderFactory(user=user, total=total)
    OrderLineFactory(order=order, unit_price=total, line_total=total)
    return order


def test_pay_settles_and_marks_order_paid(service_with, customer):
    order = pending_order(customer, "25.00")
    payment, _ = service_with("succeed").pay(customer, order.pk, method="card")
    assert payment.status == PaymentStatus.SUCCEEDED
    assert str(payment.amount) == "25.00"
    assert payment.reference.startswith("sbx_")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert order.paid_at is not None


def test_declined_payment_keeps_order_pending(service_with, customer):
    order = pending_order(customer)
    payment, _ = service_with("decline").pay(customer, order.pk, method="card")
    assert payment.status == PaymentStatus.FAILED
    assert payment.failure_reason
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    # the customer may try again
    assert service_with("succeed").pay(customer, order.pk, method="card")[0].status == PaymentStatus.SUCCEEDED


def test_pay_non_pending_order_is_conflict(service_with, customer):
    order = OrderFactory(user=customer, status=OrderStatus.PAID)
    with pytest.raises(ConflictError) as caught:
        service_with().pay(customer, order.pk, method="card")
    assert caught.value.code == "order_not_payable"


def test_pay_while_charge_pending_is_conflict(service_with, customer):
    order = pending_order(customer)
    service_with("pending").pay(customer, order.pk, method="card")
    with pytest.raises(ConflictError) as caught:
        service_with("succeed").pay(customer, order.pk, method="card")
    assert caught.value.code == "payment_in_progress"


def test_pay_other_users_order_is_not_found(service_with, customer):
    order = pending_order(OrderFactory().user)
    with pytest.raises(NotFoundError):
        service_with().pay(customer, order.pk, method="card")
    assert Payment.objects.count() == 0


def test_the_container_builds_the_gateway_the_settings_name(container, settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PAYMENT_SANDBOX_OUTCOME = "decline"
    gateway = container.payment_gateway()
    assert isinstance(gateway, SandboxGateway)
    assert gateway.charge(ChargeRequest("1.00", "USD", "card", "x", "k")).status == PaymentStatus.FAILED
    settings.PAYMENT_PROVIDER = "nope"
    with pytest.raises(ImproperlyConfigured):
        container.payment_gateway()


def test_gateway_interface_is_abstract():
    with pytest.raises(TypeError):
        PaymentGateway()


# --- webhooks ----------------------------------------------------------------------------
def event(reference: str, *, event_id: str = "evt_1", event_type: str = "payment.succeeded") -> bytes:
    return json.dumps({"id": event_id, "type": event_type, "data": {"reference": reference}}).encode()


def test_webhook_settles_pending_payment_once(service_with, customer):
    order = pending_order(customer)
    payment, _ = service_with("pending").pay(customer, order.pk, method="card")
    body = event(payment.reference)
    service = service_with()
    first = service.handle_webhook(body, sign(SECRET, body))
    again = service.handle_webhook(body, sign(SECRET, body))
    assert (first.applied, again.applied) == (True, False)
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert order.status == OrderStatus.PAID
    assert WebhookEvent.objects.count() == 1


def test_webhook_failed_event(service_with, customer):
    order = pending_order(customer)
    payment, _ = service_with("pending").pay(customer, order.pk, method="card")
    body = json.dumps(
        {"id": "evt_f", "type": "payment.failed", "data": {"reference": payment.reference, "reason": "stolen card"}}
    ).encode()
    service_with().handle_webhook(body, sign(SECRET, body))
    payment.refresh_from_db()
    assert (payment.status, payment.failure_reason) == (PaymentStatus.FAILED, "stolen card")
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


@pytest.mark.parametrize(
    "signature",
    [None, "", "sha256=", "md5=abc", "sha256=" + "0" * 64, sign("another-secret", b"x")],
    ids=["missing", "empty", "no-digest", "wrong-scheme", "wrong-digest", "wrong-secret"],
)
def test_webhook_bad_signature_changes_nothing(service_with, customer, signature):
    order = pending_order(customer)
    payment, _ = service_with("pending").pay(customer, order.pk, method="card")
    with pytest.raises(InvalidSignatureError):
        service_with().handle_webhook(event(payment.reference), signature)
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert order.status == OrderStatus.PENDING
    assert WebhookEvent.objects.count() == 0


def test_webhook_signature_covers_exact_bytes(service_with, customer):
    order = pending_order(customer)
    payment, _ = service_with("pending").pay(customer, order.pk, method="card")
    body = event(payment.reference)
    reserialized = json.dumps(json.loads(body), indent=2).encode()  # same JSON, other bytes
    with pytest.raises(InvalidSignatureError):
        service_with().handle_webhook(reserialized, sign(SECRET, body))


def test_webhook_without_configured_secret_rejects_everything(container, customer):
    service = container.payment_service(webhook_secret="")
    body = event("sbx_x")
    with pytest.raises(InvalidSignatureError):
        service.handle_webhook(body, sign("", body))


def test_webhook_unknown_reference_records_nothing(service_with):
    body = event("sbx_unknown")
    with pytest.raises(InvalidInputError):
        service_with().handle_webhook(body, sign(SECRET, body))
    assert WebhookEvent.objects.count() == 0


def test_webhook_for_cancelled_order_refunds(service_with, order_service, customer):
    order = pending_order(customer)
    payment = PaymentFactory(order=order, status=PaymentStatus.PENDING)
    order_service.cancel(customer, order.pk)  # cancelled while the charge was pending
    body = event(payment.reference)
    service_with().handle_webhook(body, sign(SECRET, body))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
