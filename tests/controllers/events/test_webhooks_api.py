"""`/api/webhooks/...`: superuser CRUD, the SSRF 400, secret shown once, deliveries page, redelivery."""

import pytest
from django.contrib.auth.models import Group

from apps.core.models.events import DeliveryStatus, EventType, WebhookSubscription
from tests.conftest import client_for
from tests.events_support import webhook_receiver
from tests.factories import AdminFactory, UserFactory
from tests.factories_events import WebhookDeliveryFactory, WebhookSubscriptionFactory

pytestmark = pytest.mark.django_db

BODY = {"url": "https://93.184.216.34/hooks", "events": ["order.placed", "order.paid"]}


@pytest.fixture
def superuser_client():
    return client_for(AdminFactory(is_superuser=True))


def test_create_returns_the_secret_once(superuser_client):
    created = superuser_client.post("/api/webhooks/", BODY, format="json")
    assert created.status_code == 201
    assert set(created.data) == {"id", "url", "events", "is_active", "secret"}
    assert created.data["secret"].startswith("whsec_")
    assert created.data["is_active"] is True
    again = superuser_client.get(f"/api/webhooks/{created.data['id']}/")
    assert again.status_code == 200
    assert again.data["secret"] is None
    assert again.data["events"] == ["order.placed", "order.paid"]


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/x", "http://169.254.169.254/", "http://10.0.0.5/"])
def test_create_with_an_internal_url_is_400_naming_url(superuser_client, url):
    response = superuser_client.post("/api/webhooks/", {**BODY, "url": url}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "url"
    assert response.json()["errors"][0]["code"] == "unsafe_url"


def test_internal_urls_are_accepted_when_allowed(superuser_client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    assert (
        superuser_client.post("/api/webhooks/", {**BODY, "url": "http://127.0.0.1:9/x"}, format="json").status_code
        == 201
    )


def test_create_with_an_unknown_event_is_400_naming_events(superuser_client):
    response = superuser_client.post("/api/webhooks/", {**BODY, "events": ["order.teleported"]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"].startswith("events")


def test_patch_rechecks_the_url_and_changes_fields(superuser_client):
    subscription = WebhookSubscriptionFactory()
    url = f"/api/webhooks/{subscription.pk}/"
    assert superuser_client.patch(url, {"url": "http://192.168.1.1/"}, format="json").status_code == 400
    response = superuser_client.patch(url, {"is_active": False, "events": ["stock.low"]}, format="json")
    assert response.status_code == 200
    assert (response.data["is_active"], response.data["events"], response.data["secret"]) == (
        False,
        ["stock.low"],
        None,
    )


def test_list_is_a_page_and_delete_removes(superuser_client):
    subscriptions = WebhookSubscriptionFactory.create_batch(3)
    page = superuser_client.get("/api/webhooks/", {"page_size": 2})
    assert page.status_code == 200
    assert page.data["count"] == 3
    assert [row["id"] for row in page.data["results"]] == [s.pk for s in subscriptions[:2]]
    assert page.data["next"] is not None
    assert superuser_client.delete(f"/api/webhooks/{subscriptions[0].pk}/").status_code == 204
    assert superuser_client.get(f"/api/webhooks/{subscriptions[0].pk}/").status_code == 404
    assert WebhookSubscription.objects.count() == 2


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", 401), ("customer", 403), ("staff", 403)], ids=["anon", "customer", "staff"]
)
def test_only_superusers_may_use_webhooks(api_client, customer_client, who, expected):
    staff = UserFactory(is_staff=True)  # staff with every role but not a superuser
    staff.groups.set(Group.objects.filter(name__in=["catalog_managers", "order_managers", "marketing"]))
    client = {"anonymous": api_client, "customer": customer_client, "staff": client_for(staff)}[who]
    assert client.get("/api/webhooks/").status_code == expected
    assert client.post("/api/webhooks/", BODY, format="json").status_code == expected


def test_deliveries_page_shows_attempt_history(superuser_client):
    delivery = WebhookDeliveryFactory(status=DeliveryStatus.FAILED, attempts=1, response_status=500)
    delivery.attempt_rows.create(response_status=500, response_body="boom")
    WebhookDeliveryFactory()  # another subscription's
    response = superuser_client.get(f"/api/webhooks/{delivery.subscription_id}/deliveries/")
    assert response.status_code == 200
    assert response.data["count"] == 1
    [row] = response.data["results"]
    assert row["id"] == str(delivery.pk)
    assert row["event_id"] == str(delivery.event_id)
    assert row["event"] == EventType.ORDER_PLACED
    assert (row["status"], row["attempts"], row["response_status"]) == ("failed", 1, 500)
    assert [a["response_body"] for a in row["attempt_log"]] == ["boom"]


def test_deliveries_of_an_unknown_webhook_is_404(superuser_client):
    assert superuser_client.get("/api/webhooks/999999/deliveries/").status_code == 404


def test_redeliver_is_202_and_sends_again_with_the_same_webhook_id(
    superuser_client, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    with webhook_receiver() as receiver:
        subscription = WebhookSubscriptionFactory(url=receiver.url)
        delivery = WebhookDeliveryFactory(subscription=subscription, status=DeliveryStatus.FAILED, next_attempt_at=None)
        with django_capture_on_commit_callbacks(execute=True):
            response = superuser_client.post(f"/api/webhooks/{subscription.pk}/deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 202
    assert receiver.ids() == [str(delivery.event_id)]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED


def test_redeliver_of_another_webhooks_delivery_is_404(superuser_client):
    delivery = WebhookDeliveryFactory()
    other = WebhookSubscriptionFactory()
    response = superuser_client.post(f"/api/webhooks/{other.pk}/deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 404
