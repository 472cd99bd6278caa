"""OWASP API7:2023 Server Side Request Forgery.

Only one request field names an address the server will call: a webhook subscription's `url`
(superusers only, issue 14). It is resolved and refused when any address is private, loopback,
link-local, multicast or reserved, on create/update and again before every delivery
(apps/core/services/events/url_guard.py; tests/services/events/test_url_guard.py,
tests/controllers/events/test_webhooks_api.py). Otherwise the API takes ids, decimals and text;
images are not fetched by URL; e-mail goes to the configured EMAIL_HOST only. This test pins that:
no other request field of the schema is a URI.
"""

from drf_spectacular.generators import SchemaGenerator


def _fields(schema: dict) -> list[tuple[str, dict]]:
    found = []
    for name, component in schema.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):  # COMPONENT_SPLIT_REQUEST: what clients send
            for field_name, field in component.get("properties", {}).items():
                found.append((f"{name}.{field_name}", field))
    return found


def test_no_request_field_takes_a_url():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    urls = [name for name, field in _fields(schema) if field.get("format") in {"uri", "url"}]
    assert urls == ["PatchedWebhookInputRequest.url", "WebhookInputRequest.url"]  # guarded, see above
