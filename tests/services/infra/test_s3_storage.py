"""MEDIA_STORAGE=s3 wiring: django-storages against moto's S3 server on a loopback port (no hand-made fake)."""

import json
import os
import subprocess
import sys

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.factories import ProductFactory
from tests.image_files import image_bytes, upload

pytestmark = pytest.mark.django_db

BUCKET = "nexus-media-test"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint():
    """An S3 API on 127.0.0.1 (free port), with an empty bucket."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_endpoint):
    """STORAGES["default"] as base.py builds it for MEDIA_STORAGE=s3, pointed at the moto server."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
                "region_name": CREDENTIALS["region_name"],
                "endpoint_url": s3_endpoint,
                "querystring_auth": False,
                "file_overwrite": False,
                "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            },
        },
    }
    return boto3.client("s3", endpoint_url=s3_endpoint, **CREDENTIALS)


def objects(client) -> dict[str, dict]:
    return {o["Key"]: o for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_upload_lands_in_the_bucket_and_delete_removes_it(admin_client, s3_storage, django_capture_on_commit_callbacks):
    product = ProductFactory()
    before = set(objects(s3_storage))
    response = admin_client.post(
        f"/api/products/{product.pk}/images/", {"image": upload(image_bytes("PNG"))}, format="multipart"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    added = set(objects(s3_storage)) - before
    assert len(added) == 2
    image_key = next(key for key in added if key.endswith(".png"))
    assert body["url"] == f"{s3_storage.meta.endpoint_url}/{BUCKET}/{image_key}"
    stored = s3_storage.get_object(Bucket=BUCKET, Key=image_key)
    assert stored["CacheControl"] == "public, max-age=31536000, immutable"
    assert stored["Body"].read()[:8] == b"\x89PNG\r\n\x1a\n"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.delete(f"/api/products/{product.pk}/images/{body['id']}/").status_code == 204
    assert set(objects(s3_storage)) == before


def test_refused_upload_writes_nothing_to_the_bucket(admin_client, s3_storage):
    before = set(objects(s3_storage))
    response = admin_client.post(
        f"/api/products/{ProductFactory().pk}/images/",
        {"image": upload(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.png", "image/png")},
        format="multipart",
    )
    assert response.status_code == 400
    assert set(objects(s3_storage)) == before


def test_media_storage_s3_setting_builds_the_s3_backend_from_aws_variables():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": "shop-media",
        "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
    }
    code = "import django, json; django.setup(); from django.conf import settings; print(json.dumps(settings.STORAGES))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    default = json.loads(out)["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == "shop-media"
    assert default["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"
