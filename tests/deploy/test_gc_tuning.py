"""apps.core.infra.gc_tuning: a serving process freezes its start-up heap and collects generation 0 less often."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROBE = """
import gc, json, sys
before = len(gc.get_objects())
import config.{module}
from django.urls import get_resolver
print(json.dumps({{"frozen": gc.get_freeze_count(), "tracked": len(gc.get_objects()), "before": before,
                  "threshold": gc.get_threshold(), "urls_loaded": "url_patterns" in get_resolver().__dict__}}))
"""


def probe(code: str) -> dict:
    """Run `code` in a fresh interpreter with the test settings; the JSON object it printed last."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", ["wsgi", "asgi"])
def test_the_entry_point_freezes_what_start_up_built(module):
    state = probe(PROBE.format(module=module))
    assert state["frozen"] > 50_000  # Django, DRF, the container and every view module
    assert state["tracked"] < 1_000  # what a full collection still walks: next to nothing
    assert state["threshold"][0] == 5_000
    assert state["urls_loaded"] is True  # the view modules were imported before the freeze, not by a request


CELERY_PROBE = """
import gc, json
import django
import config.celery
django.setup()
from celery.signals import worker_process_init
frozen_before = gc.get_freeze_count()
worker_process_init.send(sender=None)  # what a prefork child receives once its tasks are loaded
print(json.dumps({"before": frozen_before, "frozen": gc.get_freeze_count(), "tracked": len(gc.get_objects()),
                  "threshold": gc.get_threshold()}))
"""


def test_a_celery_worker_child_freezes_its_start_up_heap():
    state = probe(CELERY_PROBE)
    assert state["before"] == 0  # importing the app freezes nothing by itself
    assert state["frozen"] > 50_000
    assert state["tracked"] < 1_000
    assert state["threshold"][0] == 5_000
