"""`manage.py createsuperuser --noinput` with DJANGO_SUPERUSER_EMAIL / DJANGO_SUPERUSER_PASSWORD."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.core.models.accounts import User

pytestmark = pytest.mark.django_db


def test_createsuperuser_noinput_reads_email_and_password_from_the_environment(monkeypatch, api_client):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Root@Example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Root-pass-2026!")
    call_command("createsuperuser", "--noinput", stdout=StringIO())
    user = User.objects.get()
    assert user.email == "root@example.com"
    assert (user.is_staff, user.is_superuser, user.is_active) == (True, True, True)
    assert user.check_password("Root-pass-2026!")
    response = api_client.post(
        "/api/auth/token/", {"email": "root@example.com", "password": "Root-pass-2026!"}, format="json"
    )
    assert response.status_code == 200


def test_createsuperuser_noinput_refuses_a_taken_email(monkeypatch):
    User.objects.create_user(email="root@example.com", password="x")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "ROOT@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Root-pass-2026!")
    with pytest.raises(CommandError, match="already taken"):
        call_command("createsuperuser", "--noinput", stdout=StringIO(), stderr=StringIO())
    assert User.objects.count() == 1


def test_createsuperuser_noinput_without_email_fails(monkeypatch):
    monkeypatch.delenv("DJANGO_SUPERUSER_EMAIL", raising=False)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Root-pass-2026!")
    with pytest.raises(CommandError):
        call_command("createsuperuser", "--noinput", stdout=StringIO(), stderr=StringIO())
    assert not User.objects.exists()
