"""Search relevance over the real DummyJSON catalog (194 products): expected top results, bounded
typo tolerance (none below 5 characters, one from 5 to 8, two from 9) and expected-empty searches.

Each row is (search text, SKUs the first results must be, in any order). An empty tuple means the
search must find nothing (count 0): junk, e-mail addresses, `%`, random tokens, words beyond their
typo budget. The typo rows use the PostgreSQL fallback (`corrected_search`); on SQLite every row
is skipped but the plain ones, which only need a contains match.
"""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from apps.core.models.catalog import Product

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

REAL_CATALOG = Path(settings.DUMMYJSON_DIR) / "products.json"
IPHONES = ("MOB-APP-APP-104", "MOB-APP-IPH-108", "MOB-GAD-SEL-110") + tuple(f"SMA-APP-IPH-{n}" for n in range(121, 125))
ROLEXES = (
    "MEN-ROL-ROL-095",
    "MEN-ROL-ROL-096",
    "MEN-ROL-ROL-097",
    "MEN-ROL-ROL-098",
    "WOM-ROL-ROL-191",
    "WOM-ROL-ROL-192",
)
GALAXIES = ("SMA-SAM-SAM-131", "SMA-SAM-SAM-132", "SMA-SAM-SAM-133", "TAB-SAM-SAM-160", "TAB-SAM-SAM-161")
MOTORCYCLES = ("MOT-GEN-GEN-113", "MOT-SCO-SCO-116", "MOT-SPE-SPO-117")
NOTHING: tuple[str, ...] = ()

CASES = [
    # Words of names, SKUs, prefixes, several words: full text.
    ("iphone", IPHONES),
    ("macbook", ("LAP-APP-APP-078",)),
    ("rolex", ROLEXES),
    ("mascara", ("BEA-ESS-ESS-001",)),
    ("galaxy", GALAXIES),
    ("red lipstick", ("BEA-CHI-LIP-004",)),
    ("BEA-ESS-ESS-001", ("BEA-ESS-ESS-001",)),
    ("ipho", IPHONES),
    ("rolex datejust", ("MEN-ROL-ROL-097", "WOM-ROL-ROL-192")),
    ("oppo", ("SMA-OPP-OPP-125", "SMA-OPP-OPP-126", "SMA-OPP-OPP-127")),
    ("ipad", ("TAB-APP-IPA-159",)),
    ("motorcycle", MOTORCYCLES),
    # One typo in a word of 5 to 8 characters, two from 9: corrected to a word of a name.
    ("iphnoe", IPHONES),
    ("macbok", ("LAP-APP-APP-078",)),
    ("samsnug", GALAXIES),
    ("lipstik", ("BEA-CHI-LIP-004",)),
    ("motorcyle", MOTORCYCLES),
    ("motrocylce", MOTORCYCLES),
    ("strawbery", ("GRO-BRD-STR-040",)),
    ("sunglases", ("SUN-FAS-SUN-158",)),
    ("moonphse", ("MEN-ROL-ROL-096", "WOM-ROL-ROL-191")),
    ("chiken", ("GRO-BRD-CHI-019",)),
    ("tenis racket", ("SPO-BRD-TEN-152",)),
    ("rolex datejsut", ("MEN-ROL-ROL-097", "WOM-ROL-ROL-192")),
    # Beyond the typo budget, or nothing like it in any product: nothing.
    ("ipda", NOTHING),
    ("kawasky", NOTHING),
    ("iphnoee", NOTHING),
    ("nothingapple", NOTHING),
    ("nothingwatch", NOTHING),
    ("appleq7x", NOTHING),
    ("rolexxx9", NOTHING),
    ("zzgalaxyzz", NOTHING),
    ("someone@apple.com", NOTHING),
    ("john.doe@samsung.com", NOTHING),
    ("mascara@x.io", NOTHING),
    ("lamp%zz", NOTHING),
    ("sofa%x", NOTHING),
    ("x%watch", NOTHING),
    ("watchzz%", NOTHING),
    ("q%lipstick", NOTHING),
    ("playstation", NOTHING),
    ("iphone xyzabc", NOTHING),
    ("' or 1=1 --", NOTHING),
]


@pytest.fixture(scope="module")
def catalog(django_db_setup, django_db_blocker):
    """The real catalog, loaded once for the module (committed), then truncated with its search words."""
    if not REAL_CATALOG.exists():
        pytest.skip(f"{REAL_CATALOG} is absent (set NEXUS_SHARED_DIR)")
    with django_db_blocker.unblock():
        call_command("load_catalog", str(REAL_CATALOG), stdout=StringIO())
        assert Product.objects.count() == 194
        yield
        # Only what load_catalog wrote: a flush would also drop the rows migrations made (staff roles).
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE core_product, core_category, core_search_word CASCADE")


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[text for text, _ in CASES])
def test_search_relevance(api_client, catalog, text, expected):
    body = api_client.get("/api/products/", {"search": text, "page_size": 50}).json()
    skus = [item["sku"] for item in body["results"]]
    assert body["count"] == len(skus) or len(skus) == 50
    if not expected:
        assert (body["count"], skus) == (0, [])
    else:
        assert set(skus[: len(expected)]) == set(expected), skus


def test_relevance_set_is_large_enough():
    assert len(CASES) >= 30
    assert sum(1 for _, expected in CASES if not expected) >= 10
