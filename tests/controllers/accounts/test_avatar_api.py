"""`PUT /api/auth/me/avatar/`: same rules as product images; user reads carry `avatar_url`."""

import pytest

from tests.image_files import image_bytes, png_header, stored_files, upload

pytestmark = pytest.mark.django_db


def test_avatar_upload_shows_in_me(customer_client, media_root, django_capture_on_commit_callbacks):
    response = customer_client.put("/api/auth/me/avatar/", {"image": upload(image_bytes())}, format="multipart")
    assert response.status_code == 200, response.content
    url = response.json()["avatar_url"]
    assert url.startswith("/media/avatars/")
    assert customer_client.get("/api/auth/me/").json()["avatar_url"] == url
    with django_capture_on_commit_callbacks(execute=True):
        customer_client.put("/api/auth/me/avatar/", {"image": upload(image_bytes("PNG"))}, format="multipart")
    assert len(stored_files(media_root)) == 1  # the replaced file is gone


def test_avatar_is_null_before_and_refuses_bombs_and_anonymous(api_client, customer_client, media_root):
    assert customer_client.get("/api/auth/me/").json()["avatar_url"] is None
    response = customer_client.put(
        "/api/auth/me/avatar/", {"image": upload(png_header(50_000, 50_000))}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "image"
    assert (
        api_client.put("/api/auth/me/avatar/", {"image": upload(image_bytes())}, format="multipart").status_code == 401
    )
    assert stored_files(media_root) == []
