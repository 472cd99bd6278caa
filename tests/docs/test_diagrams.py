"""The checked-in diagrams are current: docs/erd.dot matches the models, and every PNG in docs/ was
rendered from the present text of its `.dot` source (docs/diagrams.py stamps each PNG with its hash)."""

import difflib
import importlib.util
from pathlib import Path

import pytest

DIAGRAMS_PY = Path(__file__).resolve().parents[2] / "docs" / "diagrams.py"


def _load_diagrams():
    """docs/diagrams.py as a module (docs/ is not a package: loaded by path, so nothing can shadow it)."""
    spec = importlib.util.spec_from_file_location("nexus_docs_diagrams", DIAGRAMS_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


diagrams = _load_diagrams()
SOURCES = sorted(diagrams.DOCS.glob("*.dot"))
MAX_DIFF_LINES = 80


def test_erd_matches_the_models():
    committed = diagrams.ERD_DOT.read_text()
    current = diagrams.erd_dot()
    if current != committed:
        changed = diagrams.changed_models(committed, current)
        diff = difflib.unified_diff(
            committed.splitlines(keepends=True),
            current.splitlines(keepends=True),
            "docs/erd.dot (committed)",
            "docs/erd.dot (from the models now)",
        )
        pytest.fail(
            f"docs/erd.dot is stale: models changed since it was generated ({', '.join(changed) or 'layout'}). "
            "Run `make erd` and commit docs/erd.dot and docs/erd.png. First lines of the difference:\n"
            + "".join(list(diff)[:MAX_DIFF_LINES]),
            pytrace=False,
        )


def test_changed_models_names_the_models_whose_tables_or_links_differ():
    committed = diagrams.ERD_DOT.read_text()
    edited = committed.replace(">rate<", ">rate_percent<").replace(
        "}\n",
        '  apps_core_models_shipping_parcels_Parcel -> apps_core_models_shopping_orders_Order\n  [label="order"];\n}\n',
    )
    assert diagrams.changed_models(committed, edited) == ["Order", "Parcel", "TaxRate"]
    assert diagrams.changed_models(committed, committed) == []


def test_erd_text_has_no_run_time_or_command_line():
    text = diagrams.ERD_DOT.read_text()
    assert "// Created:" not in text
    assert "// Cli Options:" not in text


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.name)
def test_png_was_rendered_from_its_source(source):
    png = source.with_suffix(".png")
    assert png.exists(), f"docs/{png.name} is missing: run `make diagrams` and commit it."
    assert diagrams.png_source_sha256(png) == diagrams.source_sha256(source), (
        f"docs/{png.name} was not rendered from the current docs/{source.name}: run `make diagrams` and commit it."
    )
    assert png.stat().st_size < diagrams.MAX_PNG_BYTES, f"docs/{png.name} is over {diagrams.MAX_PNG_BYTES} bytes."


def test_every_png_has_a_source():
    assert {path.stem for path in diagrams.DOCS.glob("*.png")} <= {path.stem for path in SOURCES}
