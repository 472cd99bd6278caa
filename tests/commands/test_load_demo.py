"""`manage.py load_demo` (behind `make run`): a catalog from products.json plus the demo accounts."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from apps.core.management.commands.load_demo import DEMO_ADMIN, DEMO_CUSTOMER
from apps.core.models.accounts import User
from apps.core.models.catalog import Product

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_dir(tmp_path):
    record = {"title": "Demo Lamp", "category": "home-decoration", "price": 12.5, "stock": 3, "sku": "DEMO-1"}
    (tmp_path / "products.json").write_text(json.dumps([record]), encoding="utf-8")
    return tmp_path


def test_load_demo_loads_the_catalog_and_the_accounts_idempotently(data_dir, api_client):
    for _ in range(2):
        out = StringIO()
        call_command("load_demo", "--data-dir", str(data_dir), stdout=out)
    assert Product.objects.get().sku == "DEMO-1"
    assert "admin@nexus.example" in out.getvalue()
    admin, customer = User.objects.get(email=DEMO_ADMIN[0]), User.objects.get(email=DEMO_CUSTOMER[0])
    assert (admin.is_staff, admin.is_superuser, customer.is_staff) == (True, True, False)
    for email, password in (DEMO_ADMIN, DEMO_CUSTOMER):
        response = api_client.post("/api/auth/token/", {"email": email, "password": password}, format="json")
        assert response.status_code == 200
    assert User.objects.count() == 2
