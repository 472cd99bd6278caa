"""apps.core.infra.json_depth: the nesting bound, without recursion and cheaply."""

import json
import time

import pytest

from apps.core.infra.json_depth import JSONTooDeepError, json_depth_exceeds, loads_bounded


def nested(depth: int, opener: bytes = b"[", closer: bytes = b"]") -> bytes:
    return opener * depth + closer * depth


@pytest.mark.parametrize(
    ("raw", "too_deep"),
    [
        (b"{}", False),
        (nested(8), False),
        (nested(8, b"[", b"]") * 1000, False),  # many brackets, shallow
        (nested(9), True),
        (b'{"a":' * 9 + b"1" + b"}" * 9, True),
        (b"[{" * 4 + b"1" + b"}]" * 4, False),
        (b"[{" * 5 + b"}]" * 5, True),  # objects and arrays count alike
        (b'["' + b"[" * 100 + b'"]', False),  # brackets inside a string
        (b'["\\"' + b"[" * 100 + b'"]', False),  # ... after an escaped quote
        (b'["\\\\"' + b"[" * 100 + b"]", True),  # an escaped backslash ends the string
        (b"[" * 100, True),  # malformed: judged on its brackets
        (b"]" * 100, False),
    ],
)
def test_json_depth_exceeds(raw, too_deep):
    assert json_depth_exceeds(raw, 8) is too_deep


def test_loads_bounded_parses_or_refuses():
    assert loads_bounded('{"a": [1, [2]]}', 3) == {"a": [1, [2]]}
    with pytest.raises(JSONTooDeepError, match="deeper than 2 levels"):
        loads_bounded(b"[[[1]]]", 2)
    with pytest.raises(json.JSONDecodeError):
        loads_bounded(b"{not json")


def test_cost_on_a_mebibyte_of_brackets_is_printed():
    """A benchmark: prints the time of the check on 1 MiB bodies (no timed assertion)."""
    bodies = {
        "openers": b"[" * 2**20,
        "[1, nesting": b"[1," * (2**20 // 3),
        "shallow pairs": nested(60) * (2**20 // 120),
        "strings": b'["' + b"[" * (2**20 - 4) + b'"]',
    }
    for name, body in bodies.items():
        started = time.perf_counter()
        result = json_depth_exceeds(body, 64)
        print(f"\njson_depth_exceeds on 1 MiB of {name}: {(time.perf_counter() - started) * 1000:.1f} ms -> {result}")
        assert result is (name in {"openers", "[1, nesting"})
