"""`manage.py load_demo` (behind `make run`): a catalog from products.json plus the demo accounts."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from apps.core.management.commands.load_demo import DEMO_ADMIN, DEMO_CUSTOMER
from apps.core.models.accounts import User
from apps.core.models.catalog import Product
from apps.core.models.shopping import Order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(media_root):
    """Demo images land in the test's own MEDIA_ROOT, never in the repository's media/."""
    return media_root


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


def test_load_demo_again_leaves_sales_and_admin_edits_alone(data_dir):
    call_command("load_demo", "--data-dir", str(data_dir), stdout=StringIO())
    Product.objects.filter(sku="DEMO-1").update(stock=1, price="15.00", name="Demo Lamp (edited)")
    (data_dir / "products.json").write_text(
        json.dumps(
            [
                {"title": "Demo Lamp", "category": "home-decoration", "price": 12.5, "stock": 3, "sku": "DEMO-1"},
                {"title": "Demo Vase", "category": "home-decoration", "price": 20, "stock": 4, "sku": "DEMO-2"},
            ]
        ),
        encoding="utf-8",
    )
    out = StringIO()
    call_command("load_demo", "--data-dir", str(data_dir), stdout=out)
    lamp = Product.objects.get(sku="DEMO-1")
    assert (lamp.stock, str(lamp.price), lamp.name) == (1, "15.00", "Demo Lamp (edited)")
    assert Product.objects.get(sku="DEMO-2").stock == 4  # missing rows are still inserted
    assert "1 created, 1 already present (left as they are), 0 skipped" in out.getvalue()


def test_load_demo_twice_on_the_real_demo_data_changes_no_product(settings):
    data_dir = Path(settings.DUMMYJSON_DIR)
    if not (data_dir / "products.json").exists():
        pytest.skip(f"{data_dir} is absent (set NEXUS_SHARED_DIR)")
    call_command("load_demo", stdout=StringIO())
    before = list(Product.objects.order_by("sku").values_list("sku", "stock", "price", "updated_at"))
    orders = Order.objects.count()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert list(Product.objects.order_by("sku").values_list("sku", "stock", "price", "updated_at")) == before
    assert Order.objects.count() == orders
    assert "0 created, 194 already present" in out.getvalue()
    assert "updated" not in out.getvalue()
