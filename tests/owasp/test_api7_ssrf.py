"""OWASP API7:2023 Server Side Request Forgery — not applicable.

No endpoint fetches a URL, host or file named by the client: the API takes ids, decimals and
text only; images are not uploaded or fetched by URL; the payment provider calls us (webhook),
we never call an address given in a request. The one outbound channel, e-mail, goes to the
configured EMAIL_HOST only. This test pins that: no request field of the schema is a URI.
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
    assert urls == []
