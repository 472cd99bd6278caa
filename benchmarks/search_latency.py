"""Latency of uncached searches on a seeded catalog: full text, typo-corrected and junk (not part of the suite).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nexus_bench .venv/bin/python benchmarks/search_latency.py

Needs PostgreSQL holding a catalog made by `manage.py seed_catalog --products N`. Each search is
the first page of `ProductService.list_page` (count included) with nothing cached, run in this
process on one connection, `--repeat` times per query after one warm-up run; it prints p50/p95/max
in ms per kind of query and over all of them. The typo queries take real words of the catalog's
names (line words, brands, nouns) and damage them within their typo budget; the junk ones are
random tokens, e-mail addresses and `%` words, which must find nothing.
"""

import argparse
import os
import random
import statistics
import string
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nexus_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.apps import apps as django_apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache.backends.dummy import DummyCache  # noqa: E402
from django.db import connection  # noqa: E402

from apps.core.infra.versioned_cache import VersionedCache  # noqa: E402
from apps.core.services.catalog import CatalogCache, ProductLister  # noqa: E402
from apps.core.services.catalog.product_search import typo_budget  # noqa: E402
from apps.core.services.catalog.products import ProductFilters  # noqa: E402


def damaged(word: str, rng: random.Random) -> str:
    """`word` with as many typos as its budget allows (swaps, substitutions, deletions)."""
    chars = list(word)
    for _ in range(typo_budget(word)):
        i = rng.randrange(1, len(chars) - 1)
        kind = rng.choice("swap sub del".split())
        if kind == "swap":
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif kind == "sub":
            chars[i] = rng.choice(string.ascii_lowercase)
        else:
            del chars[i]
    return "".join(chars)


def queries(rng: random.Random, per_kind: int) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT word FROM core_search_word WHERE length(word) >= 5 ORDER BY word")
        words = [row[0] for row in cursor.fetchall()]
    picked = rng.sample(words, min(per_kind, len(words)))
    token = lambda n: "".join(rng.choices(string.ascii_lowercase + string.digits, k=n))  # noqa: E731
    return {
        "full text (a name word)": picked,
        "typo corrected": [damaged(w, rng) for w in picked],
        "junk (finds nothing)": [
            *(f"nothing{token(6)}" for _ in range(per_kind // 3)),
            *(f"{token(6)}@example.com" for _ in range(per_kind // 3)),
            *(f"{token(3)}%{token(3)}" for _ in range(per_kind - 2 * (per_kind // 3))),
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-kind", type=int, default=40, help="queries of each kind")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query")
    args = parser.parse_args()
    cache = VersionedCache(DummyCache("bench", {}), 1)
    service = django_apps.get_app_config("core").container.product_service(
        lister=ProductLister(cache, settings.PRODUCT_COUNT_EXACT_LIMIT), catalog_cache=CatalogCache(cache)
    )
    print(f"{service.list_page(ProductFilters(), page=1, page_size=1).count} public products")
    everything: list[float] = []
    empty_typos = 0
    for kind, texts in queries(random.Random(7), args.per_kind).items():
        times = []
        for text in texts:
            page = service.list_page(ProductFilters(search=text), page=1, page_size=20)  # warm-up
            empty_typos += kind.startswith("typo") and page.count == 0
            for _ in range(args.repeat):
                began = time.perf_counter()
                service.list_page(ProductFilters(search=text), page=1, page_size=20)
                times.append((time.perf_counter() - began) * 1000)
        everything += times
        print(f"{kind:26} {_stats(times)}")
    print(f"{'all searches':26} {_stats(everything)}")
    print(f"typo queries that found nothing: {empty_typos}")


def _stats(ms: list[float]) -> str:
    p95 = statistics.quantiles(ms, n=20)[-1]
    return f"n={len(ms):4}  p50 {statistics.median(ms):6.1f} ms  p95 {p95:6.1f} ms  max {max(ms):6.1f} ms"


if __name__ == "__main__":
    main()
