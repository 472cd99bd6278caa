"""The docs' diagrams: the models' ERD (django-extensions `graph_models`) and PNGs of the `.dot` sources in docs/.

    python docs/diagrams.py erd                 # docs/erd.dot from the models, then docs/erd.png (= make erd)
    python docs/diagrams.py png docs/NAME.dot   # docs/NAME.png (= make diagrams, for every source)

The `.dot` files are the checked-in truth (text, deterministic: graph_models' run time and command
line are dropped and its statements sorted). Each PNG is rendered by Graphviz's `dot` and
carries the sha256 of the source it was drawn from in a PNG `tEXt` chunk, so `tests/docs` can tell a
stale picture from a current one without Graphviz installed.
"""

import hashlib
import io
import os
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
ERD_DOT = DOCS / "erd.dot"
# The core app's tables; abstract bases are folded into the models (their fields are shown in italics).
ERD_OPTIONS = (
    "core",
    "--dot",
    "--no-inheritance",
    "--exclude-models",
    "TimeStampedModel,SoftDeleteModel,AbstractBaseUser,PermissionsMixin",
)
PNG_DPIS = (72, 60, 48)  # the first that keeps a picture under MAX_PNG_BYTES (readable, small in git)
MAX_PNG_BYTES = 300_000
SOURCE_KEY = b"nexus-source-sha256"
_COMMENT = re.compile(r"\s*//")
# The first line of a node (`  name [label=<`) or of an edge (`  name -> name`).
_STATEMENT = re.compile(r"  ([A-Za-z_][A-Za-z0-9_]*) (\[label=<|-> [A-Za-z_][A-Za-z0-9_]*)")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def erd_dot() -> str:
    """The ERD of the core app's models as Graphviz source (needs Django set up with `django_extensions`).

    Returns:
        graph_models' text in a canonical form (`canonical_dot`): the same models always give the same text.
    """
    from django.core.management import call_command

    out = io.StringIO()
    call_command("graph_models", *ERD_OPTIONS, stdout=out)
    return canonical_dot(out.getvalue())


def canonical_dot(text: str) -> str:
    """graph_models' output with its statements sorted: nodes by name, then edges by their ends.

    graph_models lists abstract bases from a set (their order changes between runs) and stamps its run
    time and command line in comments; this drops comments, blank lines and trailing blanks, keeps the
    header (graph attributes) and sorts the node and edge statements, each of which may span lines.
    """
    header, statements, footer = _split(text)
    blocks = sorted(set(statements), key=lambda block: (" -> " in block, block))
    return "\n".join([*header, *blocks, *footer]) + "\n"


def changed_models(old: str, new: str) -> list[str]:
    """Names of the models whose node or edges differ between two ERD texts (e.g. `['Order', 'Parcel']`)."""
    differing = set(_split(old)[1]) ^ set(_split(new)[1])
    names = set()
    for block in differing:
        start = _STATEMENT.match(block)
        ends = [start[1], start[2][3:]] if start[2].startswith("->") else [start[1]]
        names.update(node.rsplit("_", 1)[-1] for node in ends)  # node ids end with the model's class name
    return sorted(names)


def _split(text: str) -> tuple[list[str], list[str], list[str]]:
    """(header lines, statements (each a possibly multi-line string), closing lines) of a dot text."""
    lines = [line.rstrip() for line in text.splitlines()]
    lines = [line for line in lines if line and not _COMMENT.match(line)]
    first = next(i for i, line in enumerate(lines) if _STATEMENT.match(line))
    closing = max(i for i, line in enumerate(lines) if line == "}")
    statements: list[list[str]] = []
    for line in lines[first:closing]:
        if _STATEMENT.match(line):
            statements.append([])
        statements[-1].append(line)
    return lines[:first], ["\n".join(block) for block in statements], lines[closing:]


def source_sha256(dot_path: Path) -> str:
    """Hex sha256 of a `.dot` file's bytes: what its PNG must carry."""
    return hashlib.sha256(dot_path.read_bytes()).hexdigest()


def png_source_sha256(png_path: Path) -> str | None:
    """The source hash a PNG made by `render_png` carries, or None (not a PNG, or no such chunk)."""
    data = png_path.read_bytes()
    if not data.startswith(_PNG_SIGNATURE):
        return None
    pos = len(_PNG_SIGNATURE)
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"tEXt" and body.startswith(SOURCE_KEY + b"\0"):
            return body[len(SOURCE_KEY) + 1 :].decode("latin-1")
        pos += 12 + length  # length, type, body, CRC
    return None


def render_png(dot_path: Path) -> Path:
    """Render `NAME.dot` to `NAME.png` next to it with Graphviz, stamped with the source's sha256.

    The resolution is the highest of PNG_DPIS that gives a file under MAX_PNG_BYTES (else the lowest).

    Raises:
        FileNotFoundError: Graphviz's `dot` is not installed (Debian: `apt-get install graphviz`).
        subprocess.CalledProcessError: `dot` refused the source.
    """
    for dpi in PNG_DPIS:
        png = subprocess.run(["dot", "-Tpng", f"-Gdpi={dpi}", str(dot_path)], check=True, capture_output=True).stdout
        if len(png) < MAX_PNG_BYTES:
            break
    body = SOURCE_KEY + b"\0" + source_sha256(dot_path).encode()
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
    ihdr_end = len(_PNG_SIGNATURE) + 8 + 13 + 4  # the IHDR chunk always comes first and holds 13 bytes
    out = dot_path.with_suffix(".png")
    out.write_bytes(png[:ihdr_end] + chunk + png[ihdr_end:])
    return out


def _write_erd() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    ERD_DOT.write_text(erd_dot())
    print(f"wrote {ERD_DOT.relative_to(ROOT)} and {render_png(ERD_DOT).relative_to(ROOT)}")


def main(argv: list[str]) -> int:
    """`erd` or `png FILE.dot...`; returns the exit status."""
    if argv[:1] == ["erd"]:
        _write_erd()
        return 0
    if argv[:1] == ["png"] and len(argv) > 1:
        for name in argv[1:]:
            print(f"wrote {render_png(Path(name).resolve()).relative_to(ROOT)}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
