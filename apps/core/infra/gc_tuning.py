"""The garbage collector of a serving process: start-up objects frozen, young collections rarer.

A served process holds ~176,000 objects tracked by CPython's cyclic collector once Django, DRF,
the container and every view module are loaded; almost none of them ever become garbage. A full
(generation 2) collection walks all of them: ~130 ms on the 2-core machines we measure on, with
the GIL held, so every thread of the worker stalls that long (it happened about every 500
checkouts per worker). `gc.freeze()` after start-up moves them to the permanent generation, which
no collection walks: full collections then cost ~5 ms. CPython's own advice for forked servers
(the `gc.freeze` documentation); Instagram's Django fleet runs the same way.

Generation 0's threshold goes from 700 to `GEN0_THRESHOLD` allocations: a request makes a few
thousand container objects that die young, and CPython 3.13 raised its own default for the same
reason. Measured in-process on a checkout (benchmarks/checkout_contention.py's setup, 500 orders):
collector time per order 0.55 ms -> 0.14 ms (README, Performance: checkout).
"""

import gc

GEN0_THRESHOLD = 5_000
"""Allocations (net of deallocations) of tracked objects between two generation-0 collections."""


def settle_after_startup(gen0_threshold: int = GEN0_THRESHOLD) -> None:
    """Load what the first request would (every URL pattern's view module), then freeze the heap.

    Call once per serving process, after the application object is built (config/wsgi.py,
    config/asgi.py): each gunicorn worker imports the application after the fork.

    Args:
        gen0_threshold: generation 0's threshold (allocations); the older generations keep theirs.
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module now, not in the first request
    gc.collect()  # what start-up left as garbage is freed, not frozen
    gc.freeze()
    gc.set_threshold(gen0_threshold, *gc.get_threshold()[1:])
