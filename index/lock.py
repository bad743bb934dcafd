"""One writer at a time: advisory ``flock`` locks.

``<data_dir>/write.lock`` (:func:`data_lock`) is held by whatever writes the store and the
search index together (:mod:`index.sync`): ingest, remove, rebuild. ``<index_dir>/write.lock``
(:func:`write_lock`) guards the index alone, for callers of :mod:`index.build` that do not go
through :mod:`index.sync`; it is always taken after the data directory's lock, never before.

The operating system releases the lock when the holder exits, even when it is
killed, so a crashed writer never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from nlp.errors import JixiaoError

__all__ = ["LOCK_NAME", "DataBusyError", "IndexBusyError", "data_lock", "write_lock"]

LOCK_NAME = "write.lock"


class IndexBusyError(JixiaoError):
    """Another process is writing the index and did not finish within the timeout."""


class DataBusyError(JixiaoError):
    """Another process is writing the data directory and did not finish within the timeout."""


@contextmanager
def write_lock(index_dir: Path, *, timeout: float = 10.0, poll: float = 0.05) -> Iterator[None]:
    """Hold the index's write lock; wait up to ``timeout`` seconds for it, then raise :class:`IndexBusyError`."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with _flock(index_dir / LOCK_NAME, timeout, poll, lambda: IndexBusyError(
        f"{index_dir}: another jixiao process is writing the search index "
        f"(waited {timeout:g} s); wait for it to finish, then try again"
    )):
        yield


@contextmanager
def data_lock(data_dir: Path, *, timeout: float = 600.0, poll: float = 0.1) -> Iterator[None]:
    """Hold the data directory's writer lock (store + index); wait up to ``timeout`` s, then raise :class:`DataBusyError`."""
    with _flock(data_dir / LOCK_NAME, timeout, poll, lambda: DataBusyError(
        f"{data_dir}: another jixiao process is writing this data directory "
        f"(waited {timeout:g} s); wait for it to finish, then try again"
    )):
        yield


@contextmanager
def _flock(path: Path, timeout: float, poll: float, busy: Callable[[], JixiaoError]) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise busy() from None
                time.sleep(poll)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
