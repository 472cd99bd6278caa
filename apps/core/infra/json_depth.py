"""JSON with bounded nesting: a deeply nested body is refused before the recursive parser sees it.

Python's `json` module parses arrays and objects recursively; a body of a few thousand `[`
raises `RecursionError` (a 500 where it escapes), and a few hundred levels that do parse make
every later recursive walk (serializers, `json.dumps`) costly. `json_depth_exceeds` answers,
without recursion and in C-speed passes over the bytes, whether a body nests deeper than a bound:

1. fast path: a body with no more than `max_depth` opening brackets in total cannot nest deeper
   (two `bytes.count` calls), which is every ordinary request body;
2. otherwise the string literals are cut out (a regex without backtracking) and every byte except
   brackets is deleted (`bytes.translate`); a run of `max_depth + 1` openers in what is left is
   found by one substring search, else the running depth is accumulated over it.

On 1 MiB (DATA_UPLOAD_MAX_MEMORY_SIZE) of nested brackets this takes milliseconds;
`tests/services/infra/test_json_depth.py` prints the figure.
"""

import json
import re
from itertools import accumulate
from typing import Any

MAX_JSON_DEPTH = 64  # arrays/objects inside each other; the API's bodies nest 3 levels at most

_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_OBJECTS_AS_ARRAYS = bytes.maketrans(b"{}", b"[]")
_STEP = [0] * 256
_STEP[ord("[")] = 1
_STEP[ord("]")] = -1


class JSONTooDeepError(ValueError):
    """A JSON text nests arrays/objects deeper than allowed. `max_depth` is the bound it broke."""

    def __init__(self, max_depth: int) -> None:
        super().__init__(f"JSON nested deeper than {max_depth} levels.")
        self.max_depth = max_depth


def json_depth_exceeds(raw: bytes, max_depth: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON text `raw` (UTF-8 bytes, valid or not) nests arrays/objects deeper than `max_depth`.

    Brackets inside string literals do not count. Malformed text is judged on its brackets alone
    (the parser rejects it afterwards anyway). Never recurses; linear in len(raw).
    """
    if raw.count(b"[") + raw.count(b"{") <= max_depth:
        return False
    brackets = _STRING.sub(b"", raw).translate(_OBJECTS_AS_ARRAYS, _NOT_BRACKETS)
    if b"[" * (max_depth + 1) in brackets:  # the usual attack: a run of openers, found by one C search
        return True
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > max_depth


def loads_bounded(raw: bytes | str, max_depth: int = MAX_JSON_DEPTH, **kwargs: Any) -> Any:
    """`json.loads(raw, **kwargs)` for text nesting at most `max_depth` levels.

    Raises:
        JSONTooDeepError: the text nests deeper (nothing was parsed), or the parser recursed too deep.
        ValueError: not JSON (`json.JSONDecodeError`), or not UTF-8 (`UnicodeDecodeError`).
    """
    data = raw.encode() if isinstance(raw, str) else raw
    if json_depth_exceeds(data, max_depth):
        raise JSONTooDeepError(max_depth)
    try:
        return json.loads(raw, **kwargs)
    except RecursionError:  # cannot happen after the check above; kept as the last line of defence
        raise JSONTooDeepError(max_depth) from None
