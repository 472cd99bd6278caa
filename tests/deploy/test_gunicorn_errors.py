"""gunicorn's own rejections answer in the JSON error envelope (config/gunicorn_errors.py).

A live gunicorn started with docker/gunicorn.conf.py, spoken to over a raw socket: these requests
never reach Django, so only gunicorn's error writer can answer them.
"""

import json
import socket

import pytest

from config.gunicorn_errors import write_json_error
from tests.live import base_env, gunicorn


def exchange(port: int, raw: bytes) -> tuple[str, dict[str, str], bytes]:
    """Send raw bytes, read until the server closes: (status line, headers, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status, *lines = head.decode("latin1").split("\r\n")
    return status, {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}, body


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with gunicorn(base_env(), tmp_path_factory.mktemp("gunicorn_errors"), workers=1) as running:
        yield running


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (b"GET /api/products/?q=" + b"x" * 9000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414, "uri_too_long"),
        (b"GET /\x00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400, "bad_request"),
        (
            b"GET / HTTP/1.1\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(150)) + b"\r\n",
            431,
            "request_header_fields_too_large",
        ),
    ],  # fmt: skip
    ids=["request-line-too-long", "malformed-request-line", "too-many-headers"],
)
def test_gunicorn_rejections_use_the_envelope(server, raw, status, code):
    status_line, headers, body = exchange(server.port, raw)
    assert status_line.startswith(f"HTTP/1.1 {status} ")
    assert headers["content-type"] == "application/json"
    assert int(headers["content-length"]) == len(body)
    envelope = json.loads(body)
    assert envelope["type"] == "client_error"
    assert [(e["code"], e["attr"]) for e in envelope["errors"]] == [(code, None)]
    assert envelope["errors"][0]["detail"]
    assert b"<html" not in body


def test_the_writer_escapes_nothing_into_markup_and_keeps_the_status():
    left, right = socket.socketpair()
    with left, right:
        write_json_error(left, 501, "Not Implemented", 'Unsupported transfer coding: "<gzip>"')
        left.shutdown(socket.SHUT_WR)
        raw = right.recv(65536)
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 501 Not Implemented\r\n")
    assert json.loads(body) == {
        "type": "server_error",
        "errors": [{"code": "not_implemented", "detail": 'Unsupported transfer coding: "<gzip>"', "attr": None}],
    }
