"""The API's JSON parser: DRF's `JSONParser` that refuses deeply nested bodies with a 400.

Set as REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"], so every endpoint that reads `request.data`
(and every throttle that does, like the login e-mail throttle) answers a body of thousands of
nested arrays with `400 parse_error` in the error envelope instead of a RecursionError 500.
"""

import codecs

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding
from rest_framework.utils import json

from apps.core.infra.json_depth import MAX_JSON_DEPTH, loads_bounded


class BoundedJSONParser(JSONParser):
    """DRF's `JSONParser` for bodies nesting at most `max_depth` arrays/objects (apps.core.infra.json_depth)."""

    max_depth = MAX_JSON_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        """Parse a file-like object of bytes into Python data, as DRF does, with the depth bound.

        Raises:
            ParseError: the body nests deeper than `max_depth` (checked before parsing), is not
                JSON, holds NaN/Infinity (STRICT_JSON), or is not in the declared charset.
        """
        encoding = get_encoding(parser_context or {})
        try:
            text = codecs.getreader(encoding)(stream).read()
            return loads_bounded(text, self.max_depth, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:  # JSONTooDeepError, JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise ParseError(f"JSON parse error - {exc}") from None
