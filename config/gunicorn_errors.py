"""gunicorn's own error answers in the API's JSON error envelope.

gunicorn rejects some requests before Django sees them: a request line over
`limit_request_line` (414), too many or too large headers (431), a malformed request line,
method, version, header or chunk (400), and a few more (see `gunicorn.workers.base.Worker.handle_error`).
It answers those with a small HTML page written by `gunicorn.util.write_error`. `install()`
(called by docker/gunicorn.conf.py) replaces that function, so clients get the same
`{"type", "errors": [{"code", "detail", "attr"}]}` body as from every other error, with
`Content-Type: application/json`. gunicorn's status, reason phrase and message are kept.

Nothing here imports Django (nor does apps.core.envelope): it runs in gunicorn's master before the
application is loaded.
"""

from gunicorn import util

from apps.core.envelope import error_envelope, render_envelope

CODE_BY_STATUS = {
    400: "bad_request",
    403: "permission_denied",
    414: "uri_too_long",
    417: "expectation_failed",
    431: "request_header_fields_too_large",
    500: "error",
    501: "not_implemented",
}


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """Drop-in for `gunicorn.util.write_error`: the same response, with the JSON envelope as body.

    Args:
        sock: the client socket.
        status_int: HTTP status (e.g. 414).
        reason: the status line's reason phrase (e.g. "URI Too Long").
        mesg: gunicorn's explanation (e.g. "Request Line is too large (8200 > 8190)").
    """
    body = render_envelope(error_envelope(status_int, CODE_BY_STATUS.get(status_int, "error"), mesg or reason))
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin1") + body)


def install() -> None:
    """Make gunicorn write its error answers with `write_json_error` (idempotent)."""
    util.write_error = write_json_error
