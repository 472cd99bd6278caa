"""Fixtures of the accounts HTTP tests."""

import pytest
from rest_framework.throttling import SimpleRateThrottle


@pytest.fixture
def rates(monkeypatch):
    """Set throttle rates for one test (DRF reads them from the settings dict at request time)."""

    def set_rates(**scopes: str) -> None:
        for scope, rate in scopes.items():
            monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, rate)

    return set_rates
