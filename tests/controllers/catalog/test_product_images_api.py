"""A product's images through HTTP: one main image, ordering, deletes, and how product reads embed them."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ProductFactory, ProductImageFactory
from tests.image_files import image_bytes, stored_files, upload

pytestmark = pytest.mark.django_db


def post_image(client, product, **fields) -> dict:
    response = client.post(
        f"/api/products/{product.pk}/images/", {"image": upload(image_bytes()), **fields}, format="multipart"
    )
    assert response.status_code == 201, response.content
    return response.json()


def listed(client, product) -> list[dict]:
    response = client.get(f"/api/products/{product.pk}/images/")
    assert response.status_code == 200
    return response.json()


def mains(client, product) -> list[int]:
    return [image["id"] for image in listed(client, product) if image["is_main"]]


def test_first_image_is_main_until_another_is_made_main(admin_client, api_client, media_root):
    product = ProductFactory()
    first = post_image(admin_client, product, is_main="false")
    second = post_image(admin_client, product)
    assert mains(api_client, product) == [first["id"]]
    third = post_image(admin_client, product, is_main="true")
    assert mains(api_client, product) == [third["id"]]
    response = admin_client.patch(
        f"/api/products/{product.pk}/images/{second['id']}/", {"is_main": True}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["is_main"] is True
    assert mains(api_client, product) == [second["id"]]


def test_list_is_public_plain_array_by_position(admin_client, api_client, media_root):
    product = ProductFactory()
    late = post_image(admin_client, product, position=5)
    early = post_image(admin_client, product, position=1)
    after = post_image(admin_client, product)  # after the last
    assert after["position"] == 6
    assert [image["id"] for image in listed(api_client, product)] == [early["id"], late["id"], after["id"]]


def test_an_image_after_one_at_the_last_position_does_not_overflow(admin_client, media_root):
    product = ProductFactory()
    top = post_image(admin_client, product, position=2_147_483_647)
    after = post_image(admin_client, product)
    assert after["position"] == top["position"]
    assert [image["id"] for image in listed(admin_client, product)] == [top["id"], after["id"]]


def test_unmaining_the_main_promotes_the_next_and_the_only_one_stays_main(admin_client, media_root):
    product = ProductFactory()
    only = post_image(admin_client, product)
    response = admin_client.patch(f"/api/products/{product.pk}/images/{only['id']}/", {"is_main": False}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "main_required"
    other = post_image(admin_client, product)
    admin_client.patch(f"/api/products/{product.pk}/images/{only['id']}/", {"is_main": False}, format="json")
    assert mains(admin_client, product) == [other["id"]]


def test_patch_changes_alt_text_and_position(admin_client, media_root):
    product = ProductFactory()
    image = post_image(admin_client, product)
    response = admin_client.patch(
        f"/api/products/{product.pk}/images/{image['id']}/", {"alt_text": "Side view", "position": 3}, format="json"
    )
    assert (response.json()["alt_text"], response.json()["position"]) == ("Side view", 3)


def test_delete_removes_the_files_and_promotes_the_next_by_position(
    admin_client, media_root, django_capture_on_commit_callbacks
):
    product = ProductFactory()
    main = post_image(admin_client, product, position=0)
    later = post_image(admin_client, product, position=9)
    sooner = post_image(admin_client, product, position=4)
    assert len(stored_files(media_root)) == 6
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.delete(f"/api/products/{product.pk}/images/{main['id']}/")
    assert response.status_code == 204
    assert len(stored_files(media_root)) == 4
    assert main["url"].rsplit("/", 1)[1] not in {p.name for p in stored_files(media_root)}
    assert mains(admin_client, product) == [sooner["id"]]
    assert later["id"] in [image["id"] for image in listed(admin_client, product)]


def test_soft_deleting_the_product_keeps_its_files(admin_client, media_root, django_capture_on_commit_callbacks):
    product = ProductFactory()
    post_image(admin_client, product)
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.delete(f"/api/products/{product.pk}/").status_code == 204
    assert len(stored_files(media_root)) == 2


def test_item_routes_need_staff_and_a_matching_product(admin_client, customer_client, media_root):
    product = ProductFactory()
    image = post_image(admin_client, product)
    path = f"/api/products/{product.pk}/images/{image['id']}/"
    assert customer_client.patch(path, {"alt_text": "x"}, format="json").status_code == 403
    assert customer_client.delete(path).status_code == 403
    other = ProductFactory()
    assert admin_client.delete(f"/api/products/{other.pk}/images/{image['id']}/").status_code == 404
    assert admin_client.patch(path, {"position": -1}, format="json").status_code == 400


def test_images_of_an_inactive_product_are_404_for_the_public(api_client, admin_client):
    product = ProductFactory(is_active=False)
    assert api_client.get(f"/api/products/{product.pk}/images/").status_code == 404
    assert admin_client.get(f"/api/products/{product.pk}/images/").status_code == 200


# --- product reads -------------------------------------------------------------------------------
def test_list_rows_carry_main_image_and_detail_carries_images(
    admin_client, api_client, media_root, django_capture_on_commit_callbacks
):
    bare = ProductFactory()
    product = ProductFactory()
    assert api_client.get("/api/products/").status_code == 200  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        main = post_image(admin_client, product, alt_text="Front")
        extra = post_image(admin_client, product)
    rows = {row["id"]: row for row in api_client.get("/api/products/").json()["results"]}
    assert rows[bare.pk]["main_image"] is None
    assert rows[product.pk]["main_image"] == {"url": main["url"], "thumbnail_url": main["thumbnail_url"]}
    detail = api_client.get(f"/api/products/{product.pk}/").json()
    assert [image["id"] for image in detail["images"]] == [main["id"], extra["id"]]
    assert detail["main_image"]["url"] == main["url"]
    assert api_client.get(f"/api/products/{bare.pk}/").json()["images"] == []


def test_product_list_runs_no_query_per_row_for_images(api_client):
    def queries_for_list(rows: int) -> int:
        cache.clear()  # measure the uncached build
        with CaptureQueriesContext(connection) as ctx:
            body = api_client.get("/api/products/?page_size=50").json()
        assert [row["main_image"] is not None for row in body["results"]] == [True] * rows
        return len(ctx.captured_queries)

    ProductImageFactory()
    one = queries_for_list(1)
    ProductImageFactory.create_batch(12)
    assert queries_for_list(13) <= one


def test_wishlist_rows_carry_main_image_in_one_query(customer_client):
    image = ProductImageFactory()
    response = customer_client.post("/api/wishlist/", {"product": image.product_id}, format="json")
    assert response.status_code in (200, 201)
    assert response.json()["main_image"]["url"].endswith(image.image.name)
    rows = customer_client.get("/api/wishlist/").json()["results"]
    assert rows[0]["main_image"]["thumbnail_url"].endswith(image.thumbnail.name)
