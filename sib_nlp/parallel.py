"""Worker processes on one machine for ingest and analysis (``n_process`` in the settings).

On Linux the workers are *forked* from the running process after the expensive parts are loaded
(the Dutch pipeline, deduce's lookup tables, the language detector), so they start in milliseconds
and share that memory copy-on-write. Each worker does the whole per-record or per-batch work and
sends back only plain results; the parent alone writes to the store, one transaction per batch, so
a crash loses at most the batches in flight and a re-run picks them up.

Where ``fork`` is not available (Windows, macOS by default) :func:`fork_available` is False and the
callers do the work in the running process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# what the forked workers need; set by the parent just before the pool is made
_STATE: dict[str, Any] = {}


def fork_available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def worker_state() -> dict[str, Any]:
    """The objects the parent shared with its forked workers."""
    return _STATE


def run_forked(
    func: Callable[[T], R],
    items: Iterable[T],
    n_process: int,
    state: dict[str, Any],
    in_flight: int | None = None,
) -> Iterator[R]:
    """``func`` over ``items`` in ``n_process`` forked workers; results as they complete.

    ``func`` must be a module-level function; it reads ``state`` through :func:`worker_state`.
    At most ``in_flight`` items (default 2 per worker) are out at a time, so memory stays flat
    however long ``items`` is.
    """
    _STATE.clear()
    _STATE.update(state)
    limit = in_flight or 2 * n_process
    try:
        with ProcessPoolExecutor(n_process, mp_context=multiprocessing.get_context("fork")) as pool:
            pending: set[Future[R]] = set()
            for item in items:
                pending.add(pool.submit(func, item))
                if len(pending) >= limit:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for f in done:
                        yield f.result()
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    yield f.result()
    finally:
        _STATE.clear()


def chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
