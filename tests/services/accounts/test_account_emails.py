"""Account e-mails leave the request path: the services record an internal outbox event (no token);
the worker-side consumer makes the link and sends it once, retried when the mail server fails."""

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from apps.core.models.events import Event, EventType, InternalEventType, ProcessedEvent, WebhookDelivery
from apps.core.services.accounts import Registration
from apps.core.services.accounts.tokens import email_verification_tokens, password_reset_tokens
from tests.controllers.accounts.mail import links_sent_to
from tests.factories import UserFactory
from tests.factories_events import WebhookSubscriptionFactory

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server unreachable")


def _reset_event(container, email: str, django_capture_on_commit_callbacks) -> tuple[Event, list]:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        container.password_reset_service().request_reset(email)
    return Event.objects.get(type=InternalEventType.PASSWORD_RESET_REQUESTED), callbacks


def test_reset_request_records_an_event_with_the_user_id_only(
    container, django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory()
    event, callbacks = _reset_event(container, user.email.upper(), django_capture_on_commit_callbacks)
    assert event.payload == {"user_id": user.pk}  # no token, no link: nothing usable is stored
    assert (len(callbacks), mailoutbox) == (1, [])  # published after commit; nothing sent by the request


def test_reset_of_an_unknown_email_records_the_same_event_and_the_worker_sends_nothing(
    container, django_capture_on_commit_callbacks, mailoutbox
):
    event, _ = _reset_event(container, "ghost@example.com", django_capture_on_commit_callbacks)
    assert event.payload == {"user_id": None}
    assert container.account_email_consumer().handle(str(event.pk)) is False
    assert mailoutbox == []
    assert not ProcessedEvent.objects.exists()


def test_consumer_makes_a_working_reset_link_and_sends_it_once(
    container, django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory()
    event, _ = _reset_event(container, user.email, django_capture_on_commit_callbacks)
    consumer = container.account_email_consumer()
    assert [consumer.handle(str(event.pk)) for _ in range(3)] == [True, False, False]  # redelivered twice
    [message] = mailoutbox
    assert (message.subject, message.to) == ("Reset your password", [user.email])
    assert [mime for _, mime in message.alternatives] == ["text/html"]
    [link] = links_sent_to(user.email)
    assert password_reset_tokens.check_token(user, link["token"])


def test_verification_on_registration_is_sent_by_the_consumer(
    container, django_capture_on_commit_callbacks, mailoutbox
):
    registration = Registration(email="new@example.com", password="Sturdy-pass-77", first_name="N", last_name="W")
    with django_capture_on_commit_callbacks(execute=False):
        user = container.user_service().register(registration)
    assert mailoutbox == []
    event = Event.objects.get(type=InternalEventType.EMAIL_VERIFICATION_REQUESTED)
    assert event.payload == {"user_id": user.pk}
    assert container.account_email_consumer().handle(str(event.pk)) is True
    [link] = links_sent_to(user.email)
    assert email_verification_tokens.check_token(user, link["token"])


def test_no_verification_mail_for_an_address_verified_before_the_worker_ran(
    container, django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory(is_verified=False)
    with django_capture_on_commit_callbacks(execute=False):
        container.email_verification_service().send_link(user)
    user.is_verified = True
    user.save()
    event = Event.objects.get(type=InternalEventType.EMAIL_VERIFICATION_REQUESTED)
    assert container.account_email_consumer().handle(str(event.pk)) is False
    assert mailoutbox == []


def test_an_already_verified_user_records_nothing(container, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        container.email_verification_service().send_link(UserFactory(is_verified=True))
    assert (callbacks, Event.objects.count()) == ([], 0)


def test_smtp_failure_records_no_receipt_so_the_retry_sends(
    container, settings, django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory()
    event, _ = _reset_event(container, user.email, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with pytest.raises(ConnectionRefusedError):
        container.account_email_consumer().handle(str(event.pk))
    assert not ProcessedEvent.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert container.account_email_consumer().handle(str(event.pk)) is True
    assert [m.to for m in mailoutbox] == [[user.email]]


def test_account_events_are_never_offered_to_webhooks(container, django_capture_on_commit_callbacks, mailoutbox):
    WebhookSubscriptionFactory(events=list(EventType.values), url="http://93.184.216.34/all")
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):  # eager Celery: publish, dispatch, e-mail
        container.password_reset_service().request_reset(user.email)
    assert not WebhookDelivery.objects.exists()
    assert [m.subject for m in mailoutbox] == ["Reset your password"]


def test_record_refuses_unknown_types(container):
    with pytest.raises(ValueError, match="Unknown event type"):
        container.event_service().record("account.something_else", {})
