"""The README's layout section names only paths that exist, and every domain package of the layers."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("models", "services", "serializers", "controllers")


def _layout_section() -> str:
    """The README's `## Layout` section, up to the next `## ` heading."""
    return (ROOT / "README.md").read_text().split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]


def test_layout_paths_exist():
    paths = [
        line.split()[0] for line in _layout_section().split("```", 2)[1].splitlines() if line and not line[0].isspace()
    ]
    assert len(paths) > 5
    missing = [path for path in paths if not (ROOT / path).exists()]
    assert not missing, f"README.md's layout names paths that are gone: {missing}; update its Layout section."


def test_layout_names_every_domain():
    section = _layout_section()
    domains = {
        path.name
        for layer in LAYERS
        for path in (ROOT / "apps/core" / layer).iterdir()
        if (path / "__init__.py").exists()
    }
    unnamed = sorted(domain for domain in domains if not re.search(rf"`{domain}`", section))
    assert not unnamed, f"README.md's Layout section does not list the domains {unnamed}; add them."
