"""One run at a time per store: an advisory lock file beside the DuckDB file.

DuckDB itself refuses a second writing process, but each step opens and closes
the store, so two runs started together could still interleave their steps.
:func:`run_lock` is held for a whole step or a whole run: a second run waits
up to ``wait_seconds`` and then fails with :class:`StoreLocked` and a message
a person understands. The lock is re-entrant within one process, so a run that
holds it can call steps that take it again. The operating system releases it
when the process dies, also after ``kill -9``, so a crash never leaves a stale
lock behind.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sib_nlp.io.store import StoreLocked

log = logging.getLogger(__name__)

_held: dict[str, tuple[int, int]] = {}  # lock path -> (file descriptor, depth)
_guard = threading.Lock()


def lock_path(store_path: Path | str) -> Path | None:
    p = Path(store_path)
    return None if str(p) == ":memory:" else p.with_name(p.name + ".lock")


@contextmanager
def run_lock(store_path: Path | str, wait_seconds: float = 60.0, poll: float = 0.5) -> Iterator[None]:
    """Hold the store's run lock; wait up to ``wait_seconds`` for another run to finish."""
    path = lock_path(store_path)
    if path is None:
        yield
        return
    key = str(path.resolve())
    with _guard:
        if key in _held:
            fd, depth = _held[key]
            _held[key] = (fd, depth + 1)
            reentered = True
        else:
            reentered = False
    if not reentered:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + max(wait_seconds, 0.0)
        warned = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise StoreLocked(
                        f"{store_path}: de opslag is in gebruik door een andere run (another run holds the store; "
                        f"waited {wait_seconds:g} s); wait for it to finish and try again"
                    ) from None
                if not warned:
                    log.warning("another run is using %s; waiting up to %g s", store_path, wait_seconds)
                    warned = True
                time.sleep(poll)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        with _guard:
            _held[key] = (fd, 1)
    try:
        yield
    finally:
        with _guard:
            fd, depth = _held[key]
            if depth > 1:
                _held[key] = (fd, depth - 1)
            else:
                del _held[key]
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
