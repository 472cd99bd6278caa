"""The contract fuzzer's filter_failure hook drops only refusals a schema cannot state."""

import json
from types import SimpleNamespace

import pytest

from tests.contract.hooks import RULES_A_SCHEMA_CANNOT_STATE, filter_failure


def reply(status: int, *errors: tuple[str, str | None]) -> SimpleNamespace:
    body = {"type": "validation_error", "errors": [{"code": c, "detail": "...", "attr": a} for c, a in errors]}
    return SimpleNamespace(status_code=status, content=json.dumps(body).encode())


def kept(check: str, response) -> bool:
    return filter_failure(None, SimpleNamespace(code=check), None, response)


@pytest.mark.parametrize("code", sorted(RULES_A_SCHEMA_CANNOT_STATE))
def test_a_schema_valid_request_refused_by_a_state_rule_is_dropped(code):
    assert not kept("ST202", reply(400, (code, "x")))


@pytest.mark.parametrize(
    "errors",
    [
        [("invalid", "min_price")],  # a schema-valid decimal the API cannot read: the schema is wrong
        [("blank", "name")],
        [("max_digits", "price")],
        [("empty_cart", None), ("invalid", "idempotency_key")],  # one shape error is enough to keep it
    ],
)
def test_a_refusal_of_the_value_itself_is_kept(errors):
    assert kept("ST202", reply(400, *errors))


def test_other_checks_statuses_and_bodies_are_kept():
    assert kept("ST201", reply(200))  # negative data accepted
    assert kept("ST202", reply(422, ("empty_cart", None)))
    assert kept("ST202", SimpleNamespace(status_code=400, content=b"<html>Bad Request</html>"))
