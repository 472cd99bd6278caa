"""The scheduled jobs of apps/core/tasks.py, run as beat runs them (through the events hook runner)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.models.idempotency import IdempotencyKey
from apps.core.services.events.tasks import run_hook
from apps.core.tasks import prune_idempotency_keys
from tests.factories_shop import IdempotencyKeyFactory

pytestmark = pytest.mark.django_db


def key(age: timedelta, name: str) -> IdempotencyKey:
    row = IdempotencyKeyFactory(key=name)
    IdempotencyKey.objects.filter(pk=row.pk).update(created_at=timezone.now() - age)
    return row


def test_prune_idempotency_keys_deletes_only_keys_past_the_ttl(settings):
    settings.IDEMPOTENCY_KEY_TTL_H = 24
    old, fresh = key(timedelta(hours=25), "old"), key(timedelta(hours=23), "fresh")
    assert prune_idempotency_keys() == 1
    assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not IdempotencyKey.objects.filter(pk=old.pk).exists()


def test_beat_runs_the_prune_hook_by_its_name():
    key(timedelta(days=3), "stale")
    run_hook("prune-idempotency-keys")
    assert not IdempotencyKey.objects.exists()
