"""Fixtures of the events service tests."""

import pytest


@pytest.fixture
def webhook_sender(container, settings):
    """A sender allowed to reach the loopback receiver, without jitter."""
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOK_RETRY_JITTER = 0.0
    return container.webhook_sender()
