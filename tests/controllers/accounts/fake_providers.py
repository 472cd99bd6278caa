"""Local stand-ins for Google's certificate endpoint and Facebook's Graph API, on 127.0.0.1.

The Google side publishes the certificate of a key pair made here, in Google's v1 format
(`{kid: PEM certificate}`), and signs ID tokens with google-auth's own signer; google-auth then
fetches and checks them exactly as against Google. The Graph side answers `debug_token` and `me`
from a table of tokens the test fills.
"""

import datetime
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt, jwt

CLIENT_ID = "shop-web.apps.googleusercontent.com"
FB_APP_ID = "4242"
FB_APP_SECRET = "fb-secret"


def _key_pair(kid: str) -> tuple[crypt.RSASigner, str]:
    """A signer for a fresh RSA key and the PEM of a self-signed certificate for it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, kid)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return crypt.RSASigner.from_string(private_pem, key_id=kid), cert.public_bytes(serialization.Encoding.PEM).decode()


class FakeProviders:
    """Both fakes on one local server: `/certs`, `/graph/debug_token`, `/graph/me`."""

    def __init__(self) -> None:
        self.signer, cert = _key_pair("key-1")
        self.stranger, _ = _key_pair("key-1")  # same kid, a key Google never published
        self.certs = {"key-1": cert}
        self.facebook_tokens: dict[str, dict] = {}  # access token -> {"app_id", "user_id", "email"}
        self.cached_certs_fetches = 0  # GETs of /certs-cached, which answers like Google (max-age)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def google_token(self, *, signer=None, **claims) -> str:
        """An ID token; claims override a valid default (verified e-mail, our audience, 1 h lifetime)."""
        now = int(time.time())
        payload = {
            "iss": "https://accounts.google.com",
            "aud": CLIENT_ID,
            "sub": "g-1001",
            "email": "ada@example.com",
            "email_verified": True,
            "iat": now,
            "exp": now + 3600,
            **claims,
        }
        return jwt.encode(signer or self.signer, payload).decode()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        fakes = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep the test output quiet
                return

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/certs":
                    self._send(200, fakes.certs)
                elif url.path == "/certs-cached":  # Google says max-age of a few hours
                    fakes.cached_certs_fetches += 1
                    self._send(200, fakes.certs, cache_control="public, max-age=3600")
                elif url.path == "/graph/debug_token":
                    self._send(200, fakes._debug(query))
                elif url.path == "/graph/me":
                    known = fakes.facebook_tokens.get(query.get("access_token", ""))
                    body = {"id": known["user_id"], "email": known.get("email")} if known else {"error": {"code": 190}}
                    self._send(200 if known else 400, {k: v for k, v in body.items() if v is not None})
                else:
                    self._send(404, {"error": "not found"})

            def _send(self, status: int, body: dict, cache_control: str | None = None) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                if cache_control:
                    self.send_header("Cache-Control", cache_control)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        return Handler

    def _debug(self, query: dict) -> dict:
        if query.get("access_token") != f"{FB_APP_ID}|{FB_APP_SECRET}":
            return {"error": {"message": "bad app token"}}
        known = self.facebook_tokens.get(query.get("input_token", ""))
        if known is None:
            return {"data": {"is_valid": False}}
        return {"data": {"is_valid": True, "app_id": known["app_id"], "user_id": known["user_id"]}}
