"""drf-spectacular postprocessing: responses every operation can give whatever its handler says.

Contract fuzzing (tests/contract) found them undocumented:
- 401 on any operation that accepts a JWT, public reads included: a malformed or expired
  `Authorization` header is refused before permissions are looked at;
- 429 on every operation: every view is throttled (anon/user rates, plus login and sign-up);
- 413 on every operation with a request body (DATA_UPLOAD_MAX_MEMORY_SIZE).
Each is the error envelope (`ErrorResponse`).
"""

ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
_DESCRIPTIONS = {
    "401": "Missing, malformed, expired or revoked credentials.",
    "413": "The request body is larger than the server accepts.",
    "429": "Too many requests; retry after the number of seconds in Retry-After.",
}


def _error(status: str) -> dict:
    return {"content": {"application/json": {"schema": ERROR_REF}}, "description": _DESCRIPTIONS[status]}


def add_common_error_responses(result: dict, generator, request, public) -> dict:
    """POSTPROCESSING_HOOKS entry: add the 401/413/429 envelopes where they can happen."""
    if "ErrorResponse" not in result.get("components", {}).get("schemas", {}):
        return result
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "put", "patch", "post", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            if any("jwtAuth" in requirement for requirement in operation.get("security", [])):
                responses.setdefault("401", _error("401"))
            if "requestBody" in operation:
                responses.setdefault("413", _error("413"))
            responses.setdefault("429", _error("429"))
    return result
