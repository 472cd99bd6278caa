"""A reset request takes as long for an unknown e-mail as for a known one (no account enumeration by timing).

The figures are printed (`pytest -s`); the only assertion on them is a generous ratio bound between
medians of interleaved runs, far above the noise of a shared machine.
"""

import statistics
import time

import pytest

from tests.controllers.accounts.helpers import RESET
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROUNDS = 40
RATIO_BOUND = 3.0


def test_reset_response_time_does_not_tell_whether_the_account_exists(
    api_client, rates, django_capture_on_commit_callbacks
):
    rates(account_email="10000/hour")
    known = UserFactory().email
    seconds: dict[str, list[float]] = {"known": [], "unknown": []}
    for n in range(ROUNDS):
        for kind, email in (("known", known), ("unknown", f"ghost{n}@example.com")):
            with django_capture_on_commit_callbacks(execute=True):  # the e-mail hand-off is timed too
                started = time.perf_counter()
                response = api_client.post(RESET, {"email": email}, format="json")
            seconds[kind].append(time.perf_counter() - started)
            assert response.status_code == 202
    medians = {kind: statistics.median(values) * 1000 for kind, values in seconds.items()}
    ratio = max(medians.values()) / min(medians.values())
    print(
        f"\nreset request median over {ROUNDS}: known {medians['known']:.2f} ms, "
        f"unknown {medians['unknown']:.2f} ms, ratio {ratio:.2f}"
    )
    assert ratio < RATIO_BOUND
