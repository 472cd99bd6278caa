"""Fixtures of the events service tests: services from the container."""

import pytest


@pytest.fixture
def event_service(container):
    return container.event_service()


@pytest.fixture
def outbox_relay(container):
    return container.outbox_relay()


@pytest.fixture
def webhook_sender(container, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True  # the receiver listens on loopback
    settings.WEBHOOK_RETRY_JITTER = 0.0
    return container.webhook_sender()
