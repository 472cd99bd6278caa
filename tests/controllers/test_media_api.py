"""Uploaded files served by the app at MEDIA_URL (local storage): cache headers, nosniff, no escapes."""

import pytest

from tests.factories import ProductFactory
from tests.image_files import image_bytes, upload

pytestmark = pytest.mark.django_db


def test_uploaded_file_is_served_with_long_cache_and_nosniff(admin_client, api_client, media_root):
    body = admin_client.post(
        f"/api/products/{ProductFactory().pk}/images/", {"image": upload(image_bytes())}, format="multipart"
    ).json()
    response = api_client.get(body["url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in response["Cache-Control"]
    assert "max-age=31536000" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert api_client.get(body["thumbnail_url"])["Content-Type"] == "image/webp"


@pytest.mark.parametrize("path", ["/media/missing.jpg", "/media/../config/settings/base.py", "/media/products/"])
def test_missing_files_and_escapes_are_refused(api_client, media_root, path):
    response = api_client.get(path)
    assert response.status_code in (400, 404)
    assert response["Content-Type"] == "application/json"


def test_media_answers_only_reads(api_client, media_root):
    assert api_client.post("/media/anything.jpg").status_code == 405
