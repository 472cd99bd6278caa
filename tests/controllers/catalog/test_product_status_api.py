"""Product status and SEO through HTTP (contract "Product status and SEO")."""

import pytest
from django.contrib.auth.models import Group

from apps.core.models.catalog import Product
from tests.conftest import client_for
from tests.controllers.catalog.products_http import LIST, detail, make, skus
from tests.factories import CategoryFactory, UserFactory
from tests.helpers import assert_envelope

pytestmark = pytest.mark.django_db

STATUSES = ("draft", "active", "inactive", "discontinued")


def publish(product_id: int) -> str:
    return f"/api/products/{product_id}/publish/"


@pytest.fixture
def one_of_each():
    """One product per status, newest first in STATUSES order."""
    return {status: make(status.upper(), status=status, age_days=n) for n, status in enumerate(STATUSES)}


@pytest.fixture
def catalog_manager_client():
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="catalog_managers"))
    return client_for(user)


# --- writes ---------------------------------------------------------------------------------
def test_create_with_status_and_seo_fields(admin_client, api_client):
    body = {
        "name": "Desk Lamp",
        "sku": "LAMP-1",
        "price": "19.99",
        "category": CategoryFactory().pk,
        "status": "draft",
        "meta_title": "Desk Lamp | Nexus",
        "meta_description": "A bright desk lamp.",
    }
    response = admin_client.post(LIST, body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["status"], created["is_active"]) == ("draft", False)
    assert (created["meta_title"], created["meta_description"]) == ("Desk Lamp | Nexus", "A bright desk lamp.")
    assert api_client.get(detail(created["id"])).status_code == 404
    staff_view = admin_client.get(detail(created["id"])).json()
    assert (staff_view["status"], staff_view["meta_title"]) == ("draft", "Desk Lamp | Nexus")


def test_create_without_status_is_active(admin_client):
    body = {"name": "Lamp", "sku": "L", "price": "1.00", "category": CategoryFactory().pk}
    assert admin_client.post(LIST, body, format="json").json()["status"] == "active"


@pytest.mark.parametrize(("is_active", "status"), [(False, "inactive"), (True, "active")])
def test_a_write_of_is_active_maps_to_a_status(admin_client, is_active, status):
    product = make("P", status="draft")
    response = admin_client.patch(detail(product.pk), {"is_active": is_active}, format="json")
    assert (response.json()["status"], response.json()["is_active"]) == (status, is_active)


def test_status_and_is_active_that_disagree_are_a_400(admin_client):
    product = make("P")
    response = admin_client.patch(detail(product.pk), {"status": "draft", "is_active": True}, format="json")
    assert_envelope(response, 400, attr="is_active", code="status_conflict")
    assert Product.objects.get(pk=product.pk).status == "active"


def test_an_unknown_status_is_a_400(admin_client):
    response = admin_client.patch(detail(make("P").pk), {"status": "archived"}, format="json")
    assert_envelope(response, 400, attr="status", code="invalid_choice")


def test_a_status_change_shows_in_the_cached_public_reads(admin_client, api_client, django_capture_on_commit_callbacks):
    product = make("P")
    assert skus(api_client.get(LIST)) == ["P"]
    assert api_client.get(detail(product.pk)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # the cache's generation bump runs on commit
        admin_client.patch(detail(product.pk), {"status": "inactive"}, format="json")
    assert skus(api_client.get(LIST)) == []
    assert api_client.get(detail(product.pk)).status_code == 404


# --- public reads ---------------------------------------------------------------------------
def test_the_public_lists_active_products_only(api_client, one_of_each):
    assert skus(api_client.get(LIST)) == ["ACTIVE"]
    assert skus(api_client.get(LIST, {"search": "discontinued"})) == []


@pytest.mark.parametrize(
    ("status", "code"), [("active", 200), ("discontinued", 200), ("draft", 404), ("inactive", 404)]
)
def test_the_public_detail_by_status(api_client, one_of_each, status, code):
    product = one_of_each[status]
    for _ in range(2):  # uncached, then cached
        response = api_client.get(detail(product.pk))
        assert response.status_code == code
    if code == 200:
        assert response.json()["status"] == status


@pytest.mark.parametrize(("status", "code"), [("discontinued", 200), ("draft", 404)])
def test_the_public_images_of_a_product_follow_its_detail(api_client, one_of_each, status, code):
    assert api_client.get(f"/api/products/{one_of_each[status].pk}/images/").status_code == code


def test_a_discontinued_product_cannot_be_added_to_the_cart(customer_client, one_of_each):
    response = customer_client.post(
        "/api/cart/items/", {"product": one_of_each["discontinued"].pk, "quantity": 1}, format="json"
    )
    assert_envelope(response, 400, attr="product", code="not_purchasable")
    draft = customer_client.post("/api/cart/items/", {"product": one_of_each["draft"].pk, "quantity": 1}, format="json")
    assert_envelope(draft, 400, attr="product", code="product_unavailable")
    ok = customer_client.post("/api/cart/items/", {"product": one_of_each["active"].pk, "quantity": 1}, format="json")
    assert ok.status_code == 201, ok.content


# --- staff reads ----------------------------------------------------------------------------
@pytest.mark.parametrize("status", STATUSES)
def test_staff_read_every_status_by_detail(admin_client, one_of_each, status):
    response = admin_client.get(detail(one_of_each[status].pk))
    assert (response.status_code, response.json()["status"]) == (200, status)


def test_staff_filter_the_list_by_status(catalog_manager_client, one_of_each):
    get = catalog_manager_client.get
    assert skus(get(LIST, {"status": "draft"})) == ["DRAFT"]
    assert skus(get(LIST, {"status": "discontinued,inactive,draft"})) == ["DRAFT", "INACTIVE", "DISCONTINUED"]
    assert skus(get(LIST, {"status": ",".join(STATUSES)})) == ["DRAFT", "ACTIVE", "INACTIVE", "DISCONTINUED"]
    assert skus(get(LIST)) == ["ACTIVE"]  # without the filter staff see the public list
    assert skus(get(LIST, {"status": "draft,active", "search": "DRAFT"})) == ["DRAFT"]  # with a search too
    page = get(LIST, {"status": "draft,inactive", "page_size": 1}).json()
    assert (page["count"], [r["sku"] for r in page["results"]]) == (2, ["DRAFT"])
    assert "status=draft%2Cinactive" in page["next"] or "status=draft,inactive" in page["next"]


@pytest.mark.parametrize("client_name", ["api_client", "customer_client"])
def test_the_public_sending_status_is_a_400(request, one_of_each, client_name):
    client = request.getfixturevalue(client_name)
    assert_envelope(client.get(LIST, {"status": "active"}), 400, attr="status", code="staff_only")


def test_a_malformed_status_filter_is_a_400(admin_client):
    for value in ("archived", "draft,", "draft;active", "Draft"):
        assert_envelope(admin_client.get(LIST, {"status": value}), 400, attr="status")


def test_a_staff_status_list_never_reaches_the_public_cache(admin_client, api_client, one_of_each):
    url = f"{LIST}?status=draft"
    assert skus(admin_client.get(url)) == ["DRAFT"]
    assert_envelope(api_client.get(url), 400, attr="status", code="staff_only")


# --- publish --------------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["draft", "inactive"])
def test_publish_makes_a_product_public(
    catalog_manager_client, api_client, one_of_each, status, django_capture_on_commit_callbacks
):
    product = one_of_each[status]
    assert api_client.get(detail(product.pk)).status_code == 404
    assert skus(api_client.get(LIST)) == ["ACTIVE"]  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        response = catalog_manager_client.post(publish(product.pk))
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["is_active"]) == ("active", True)
    assert api_client.get(detail(product.pk)).status_code == 200
    assert product.sku in skus(api_client.get(LIST))


@pytest.mark.parametrize("status", ["active", "discontinued"])
def test_publish_of_an_active_or_discontinued_product_is_a_409(admin_client, one_of_each, status):
    assert_envelope(admin_client.post(publish(one_of_each[status].pk)), 409, code="not_publishable")
    assert Product.objects.get(pk=one_of_each[status].pk).status == status


def test_publish_needs_the_change_product_permission(api_client, customer_client, one_of_each):
    draft = one_of_each["draft"]
    assert api_client.post(publish(draft.pk)).status_code == 401
    assert_envelope(customer_client.post(publish(draft.pk)), 403)
    assert Product.objects.get(pk=draft.pk).status == "draft"


def test_publish_of_a_missing_or_deleted_product_is_a_404(admin_client):
    gone = make("GONE", status="draft", deleted_at="2026-01-01T00:00:00Z")
    assert_envelope(admin_client.post(publish(gone.pk)), 404)
    assert_envelope(admin_client.post(publish(10**9)), 404)
