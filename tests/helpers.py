"""Assertions shared by the HTTP tests."""


def assert_envelope(response, status: int, *, attr: str | None = None, code: str | None = None) -> dict:
    """The response has `status` and the error envelope; returns its first error."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"type", "errors"}
    assert body["type"] in {"validation_error", "client_error", "server_error"}
    assert body["errors"]
    for error in body["errors"]:
        assert set(error) == {"code", "detail", "attr"}
    if attr is not None:
        assert attr in [e["attr"] for e in body["errors"]], body
    if code is not None:
        assert code in [e["code"] for e in body["errors"]], body
    return body["errors"][0]
