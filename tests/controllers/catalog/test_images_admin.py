"""The product admin's image inline: shows thumbnails, edits and deletes through the image service."""

import pytest
from django.forms.models import model_to_dict

from apps.core.models.catalog import ProductImage
from tests.factories import ProductFactory
from tests.image_files import image_bytes, stored_files, upload

pytestmark = pytest.mark.django_db


def inline_form(product, images: list[dict], **product_changes) -> dict:
    """The change form's POST data: the product's fields plus one inline row per dict of `images`."""
    data = {k: v for k, v in model_to_dict(product).items() if v is not None}
    data.update(product_changes)
    data.update({"images-TOTAL_FORMS": str(len(images)), "images-INITIAL_FORMS": str(len(images))})
    data.update({"variants-TOTAL_FORMS": "0", "variants-INITIAL_FORMS": "0"})
    for n, row in enumerate(images):
        data.update({f"images-{n}-{key}": value for key, value in row.items()})
    return data


def row(image: ProductImage, **changes) -> dict:
    fields = {"id": image.pk, "product": image.product_id, "alt_text": image.alt_text, "position": image.position}
    if image.is_main:
        fields["is_main"] = "on"
    fields.update(changes)
    return {k: v for k, v in fields.items() if v is not None}


def test_inline_shows_thumbnails_and_deletes_files_through_the_service(
    admin_site_client, admin_client, media_root, django_capture_on_commit_callbacks
):
    product = ProductFactory()
    for _ in range(2):
        admin_client.post(f"/api/products/{product.pk}/images/", {"image": upload(image_bytes())}, format="multipart")
    main, other = ProductImage.objects.filter(product=product).order_by("position")
    page = admin_site_client.get(f"/admin/core/product/{product.pk}/change/")
    assert page.status_code == 200
    assert main.thumbnail.name.encode() in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_site_client.post(
            f"/admin/core/product/{product.pk}/change/",
            inline_form(product, [row(main, DELETE="on"), row(other, alt_text="Back")]),
        )
    assert response.status_code == 302, response.content[:3000]
    other.refresh_from_db()
    assert (other.is_main, other.alt_text) == (True, "Back")
    assert not ProductImage.objects.filter(pk=main.pk).exists()
    assert len(stored_files(media_root)) == 2
