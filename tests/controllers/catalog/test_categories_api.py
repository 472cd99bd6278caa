"""Categories through HTTP: public reads, admin writes, the tree, soft delete and its 409."""

import pytest
from django.utils import timezone

from apps.core.models.catalog import Category
from tests.factories import CategoryFactory, ProductFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db

LIST = "/api/categories/"
FIELDS = {"id", "name", "slug", "description", "parent", "image_url", "created_at", "updated_at"}


def detail(category_id: int) -> str:
    return f"/api/categories/{category_id}/"


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


# --- list -----------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["api_client", "customer_client", "admin_client"])
def test_list_is_public_and_ordered_by_name(request, who):
    CategoryFactory(name="Shoes")
    CategoryFactory(name="Audio")
    CategoryFactory(name="Laptops")
    response = request.getfixturevalue(who).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert [row["name"] for row in body["results"]] == ["Audio", "Laptops", "Shoes"]
    assert set(body["results"][0]) == FIELDS


def test_list_shows_parent_ids(api_client):
    root = CategoryFactory(name="Computers")
    CategoryFactory(name="Laptops", parent=root)
    rows = {row["name"]: row for row in api_client.get(LIST).json()["results"]}
    assert rows["Computers"]["parent"] is None
    assert rows["Laptops"]["parent"] == root.pk


def test_list_parent_filter_by_id_and_slug_gives_direct_children(api_client):
    root = CategoryFactory(name="Computers", slug="computers")
    laptops = CategoryFactory(name="Laptops", parent=root)
    CategoryFactory(name="Desktops", parent=root)
    CategoryFactory(name="Ultrabooks", parent=laptops)  # grandchild: not a direct child
    CategoryFactory(name="Shoes")
    assert names(api_client.get(LIST, {"parent": root.pk})) == ["Desktops", "Laptops"]
    assert names(api_client.get(LIST, {"parent": "computers"})) == ["Desktops", "Laptops"]
    assert names(api_client.get(LIST, {"parent": laptops.pk})) == ["Ultrabooks"]


@pytest.mark.parametrize("value", ["no-such-slug", "999999", "99999999999999999999999"])
def test_list_unknown_parent_is_an_empty_page(api_client, value):
    CategoryFactory()
    body = api_client.get(LIST, {"parent": value}).json()
    assert (body["count"], body["results"]) == (0, [])


@pytest.mark.parametrize("value", ["has space", "semi;colon", "x" * 141])
def test_list_bad_parent_is_400_naming_it(api_client, value):
    assert_envelope(api_client.get(LIST, {"parent": value}), 400, attr="parent")


def test_list_hides_soft_deleted_categories(api_client):
    CategoryFactory(name="Visible")
    CategoryFactory(name="Gone", deleted_at=timezone.now())
    assert names(api_client.get(LIST)) == ["Visible"]


def test_list_paginates(api_client):
    for n in range(25):
        CategoryFactory(name=f"Cat {n:02d}")
    first = api_client.get(LIST).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (25, 20, None)
    assert "page=2" in first["next"]
    second = api_client.get(LIST, {"page": 2}).json()
    assert [r["name"] for r in second["results"]] == [f"Cat {n:02d}" for n in range(20, 25)]
    assert second["next"] is None
    assert second["previous"] is not None
    assert_envelope(api_client.get(LIST, {"page": 3}), 404)
    assert len(api_client.get(LIST, {"page_size": 500}).json()["results"]) == 25


@pytest.mark.parametrize(("param", "value"), [("page", "0"), ("page", "x"), ("page_size", "0"), ("page_size", "-1")])
def test_list_bad_paging_is_400_naming_the_parameter(api_client, param, value):
    assert_envelope(api_client.get(LIST, {param: value}), 400, attr=param)


# --- create ---------------------------------------------------------------------------------
def test_create_as_admin_generates_the_slug(admin_client):
    response = admin_client.post(LIST, {"name": "Home & Garden", "description": "Outdoors."}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == FIELDS
    assert (body["name"], body["slug"], body["description"], body["parent"]) == (
        "Home & Garden",
        "home-garden",
        "Outdoors.",
        None,
    )
    assert Category.objects.filter(pk=body["id"], slug="home-garden").exists()


def test_create_same_name_twice_gets_a_distinct_slug(admin_client):
    first = admin_client.post(LIST, {"name": "Audio"}, format="json").json()
    second = admin_client.post(LIST, {"name": "Audio"}, format="json").json()
    assert (first["slug"], second["slug"]) == ("audio", "audio-2")


def test_create_with_explicit_slug_and_parent(admin_client):
    root = CategoryFactory()
    response = admin_client.post(LIST, {"name": "Laptops", "slug": "my-laptops", "parent": root.pk}, format="json")
    assert response.status_code == 201
    assert (response.json()["slug"], response.json()["parent"]) == ("my-laptops", root.pk)


def test_create_taken_slug_is_400(admin_client):
    CategoryFactory(slug="audio")
    assert_envelope(admin_client.post(LIST, {"name": "X", "slug": "audio"}, format="json"), 400, attr="slug")


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": "X", "slug": "not a slug"}, "slug"),
        ({"name": "X", "parent": 0}, "parent"),
        ({"name": "X", "parent": "abc"}, "parent"),
        ({"name": "X", "parent": 987654}, "parent"),
    ],
)
def test_create_bad_body_is_400_naming_the_field(admin_client, body, attr):
    assert_envelope(admin_client.post(LIST, body, format="json"), 400, attr=attr)


def test_create_under_a_deleted_parent_is_400(admin_client):
    gone = CategoryFactory(deleted_at=timezone.now())
    assert_envelope(admin_client.post(LIST, {"name": "X", "parent": gone.pk}, format="json"), 400, attr="parent")


def test_create_anonymous_is_401_and_customer_403(api_client, customer_client):
    assert_envelope(api_client.post(LIST, {"name": "X"}, format="json"), 401, code="not_authenticated")
    assert_envelope(customer_client.post(LIST, {"name": "X"}, format="json"), 403, code="permission_denied")
    assert not Category.objects.exists()


# --- detail ---------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["api_client", "customer_client", "admin_client"])
def test_detail_is_public(request, who):
    category = CategoryFactory(name="Audio")
    response = request.getfixturevalue(who).get(detail(category.pk))
    assert response.status_code == 200
    assert response.json()["name"] == "Audio"
    assert set(response.json()) == FIELDS


def test_detail_unknown_or_deleted_is_404(api_client, admin_client):
    gone = CategoryFactory(deleted_at=timezone.now())
    assert_envelope(api_client.get(detail(987654)), 404, code="not_found")
    assert_envelope(api_client.get(detail(10**20)), 404)
    assert_envelope(admin_client.delete(detail(10**20)), 404)
    assert_envelope(api_client.get(detail(gone.pk)), 404)
    assert_envelope(admin_client.get(detail(gone.pk)), 404)


# --- update ---------------------------------------------------------------------------------
def test_put_replaces_the_category(admin_client):
    root = CategoryFactory()
    category = CategoryFactory(name="Old", slug="old", description="old")
    response = admin_client.put(
        detail(category.pk), {"name": "New", "slug": "new", "description": "new", "parent": root.pk}, format="json"
    )
    assert response.status_code == 200
    category.refresh_from_db()
    assert (category.name, category.slug, category.description, category.parent_id) == ("New", "new", "new", root.pk)


def test_put_requires_the_name(admin_client):
    category = CategoryFactory()
    assert_envelope(admin_client.put(detail(category.pk), {"description": "x"}, format="json"), 400, attr="name")


def test_patch_changes_only_the_given_fields(admin_client):
    category = CategoryFactory(name="Audio", slug="audio", description="keep")
    response = admin_client.patch(detail(category.pk), {"name": "Sound"}, format="json")
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["slug"], response.json()["description"]) == (
        "Sound",
        "audio",
        "keep",
    )


def test_patch_slug_null_regenerates_it_from_the_name(admin_client):
    category = CategoryFactory(name="Sound", slug="audio")
    assert admin_client.patch(detail(category.pk), {"slug": None}, format="json").json()["slug"] == "sound"


def test_patch_parent_null_makes_it_a_root(admin_client):
    category = CategoryFactory(parent=CategoryFactory())
    assert admin_client.patch(detail(category.pk), {"parent": None}, format="json").json()["parent"] is None


def test_patch_cannot_move_a_category_under_itself_or_its_descendants(admin_client):
    root = CategoryFactory()
    child = CategoryFactory(parent=root)
    grandchild = CategoryFactory(parent=child)
    assert_envelope(admin_client.patch(detail(root.pk), {"parent": root.pk}, format="json"), 400, attr="parent")
    assert_envelope(admin_client.patch(detail(root.pk), {"parent": grandchild.pk}, format="json"), 400, code="cycle")
    root.refresh_from_db()
    assert root.parent_id is None


def test_patch_taken_slug_is_400(admin_client):
    CategoryFactory(slug="taken")
    category = CategoryFactory()
    assert_envelope(admin_client.patch(detail(category.pk), {"slug": "taken"}, format="json"), 400, attr="slug")


def test_update_unknown_or_deleted_is_404(admin_client):
    gone = CategoryFactory(deleted_at=timezone.now())
    assert_envelope(admin_client.patch(detail(987654), {"name": "x"}, format="json"), 404)
    assert_envelope(admin_client.put(detail(gone.pk), {"name": "x"}, format="json"), 404)


def test_update_anonymous_is_401_and_customer_403(api_client, customer_client):
    category = CategoryFactory(name="Same")
    for method in ("put", "patch"):
        assert_envelope(getattr(api_client, method)(detail(category.pk), {"name": "x"}, format="json"), 401)
        assert_envelope(getattr(customer_client, method)(detail(category.pk), {"name": "x"}, format="json"), 403)
    category.refresh_from_db()
    assert category.name == "Same"


# --- delete ---------------------------------------------------------------------------------
def test_delete_soft_deletes_an_empty_category(admin_client, api_client):
    category = CategoryFactory()
    response = admin_client.delete(detail(category.pk))
    assert response.status_code == 204
    assert response.content == b""
    category.refresh_from_db()
    assert category.deleted_at is not None
    assert_envelope(api_client.get(detail(category.pk)), 404)
    assert api_client.get(LIST).json()["count"] == 0
    assert_envelope(admin_client.delete(detail(category.pk)), 404)


def test_delete_with_live_products_is_409(admin_client):
    category = CategoryFactory()
    ProductFactory(category=category)
    assert_envelope(admin_client.delete(detail(category.pk)), 409, code="category_in_use")
    category.refresh_from_db()
    assert category.deleted_at is None


def test_delete_with_an_inactive_product_is_still_409(admin_client):
    category = CategoryFactory()
    ProductFactory(category=category, is_active=False)
    assert_envelope(admin_client.delete(detail(category.pk)), 409)


def test_delete_with_only_soft_deleted_products_is_allowed(admin_client):
    category = CategoryFactory()
    ProductFactory(category=category, deleted_at=timezone.now())
    assert admin_client.delete(detail(category.pk)).status_code == 204


def test_delete_with_live_sub_categories_is_409(admin_client):
    root = CategoryFactory()
    CategoryFactory(parent=root)
    assert_envelope(admin_client.delete(detail(root.pk)), 409, code="category_in_use")


def test_delete_anonymous_is_401_and_customer_403(api_client, customer_client):
    category = CategoryFactory()
    assert_envelope(api_client.delete(detail(category.pk)), 401)
    assert_envelope(customer_client.delete(detail(category.pk)), 403)
    category.refresh_from_db()
    assert category.deleted_at is None


def test_unknown_method_is_405_in_the_envelope(admin_client):
    assert_envelope(admin_client.post(detail(CategoryFactory().pk), {}, format="json"), 405)
