"""Regenerate the Postman collection and environment (docs/postman/) from the project's OpenAPI schema.

    make postman            # the same as: .venv/bin/python tools/postman/generate.py docs/postman

Two steps: `manage.py spectacular` writes the schema (test settings, no database needed), then
tools/postman/build.js converts it with openapi-to-postmanv2 (installed by `make install` from
tools/postman/package-lock.json) and makes the result deterministic and runnable with newman.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
REPO = TOOLS.parent.parent
COLLECTION_FILE = "nexus-commerce.postman_collection.json"
ENVIRONMENT_FILE = "nexus-commerce.postman_environment.json"
REGENERATE_COMMAND = "make postman"


class PostmanToolsMissing(RuntimeError):
    """node, or the npm tools of tools/postman/ (`make install` installs them), are not available."""


def node_binary() -> str:
    """Path of `node`; raises PostmanToolsMissing when node is absent or the npm tools are not installed."""
    node = shutil.which("node")
    if node is None:
        raise PostmanToolsMissing("node is not installed (Debian: apt-get install nodejs npm)")
    if not (TOOLS / "node_modules" / "openapi-to-postmanv2").is_dir():
        raise PostmanToolsMissing(f"the Postman tools are not installed: run `make install` (npm ci --prefix {TOOLS})")
    return node


def write_schema(path: Path) -> None:
    """Write the OpenAPI schema as JSON to `path` (`manage.py spectacular` with the test settings)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "spectacular", "--format", "openapi-json", "--file", str(path)],
        cwd=REPO,
        env=env,
        check=True,
        timeout=300,
    )


def generate(out_dir: Path) -> tuple[Path, Path]:
    """Write the collection and environment files into `out_dir`; returns their paths (collection, environment).

    Raises PostmanToolsMissing without node or the npm tools; CalledProcessError when a step fails.
    """
    node = node_binary()
    with tempfile.TemporaryDirectory(prefix="nexus-postman-") as tmp:
        schema = Path(tmp) / "openapi.json"
        write_schema(schema)
        subprocess.run([node, str(TOOLS / "build.js"), str(schema), str(out_dir)], check=True, timeout=300)
    return out_dir / COLLECTION_FILE, out_dir / ENVIRONMENT_FILE


def main() -> None:
    """Command line: `generate.py [output directory]` (default docs/postman)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=REPO / "docs" / "postman")
    args = parser.parse_args()
    try:
        generate(args.out_dir)
    except PostmanToolsMissing as exc:
        sys.exit(f"{REGENERATE_COMMAND}: {exc}")


if __name__ == "__main__":
    main()
