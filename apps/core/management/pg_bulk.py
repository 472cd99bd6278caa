"""Bulk-load helpers for PostgreSQL (`seed_catalog`): rebuilding dropped indexes on several connections."""

import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
from django.db import connection
from tqdm import tqdm


def build_indexes(indexes: list[tuple[str, str]], jobs: int, progress: tqdm) -> None:
    """Create the indexes on `jobs` connections at once, the slow GIN ones first (one each)."""
    ordered = sorted(indexes, key=lambda item: " gin " not in item[1].lower())
    lanes = [ordered[k::jobs] for k in range(max(jobs, 1))]

    def build(lane: list[tuple[str, str]]) -> None:
        with psycopg.connect(**connection.get_connection_params(), autocommit=True) as own:
            own.execute("SET statement_timeout = 0")
            own.execute("SET maintenance_work_mem = '512MB'")
            for name, definition in lane:
                began = time.monotonic()
                own.execute(definition)
                progress.write(f"  {name}: {time.monotonic() - began:.1f}s")

    with ThreadPoolExecutor(max_workers=len(lanes)) as pool:
        for future in [pool.submit(build, lane) for lane in lanes if lane]:
            future.result()
