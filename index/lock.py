"""One writer at a time for the search index: an advisory ``flock`` on ``<index_dir>/write.lock``.

The operating system releases the lock when the holder exits, even when it is
killed, so a crashed writer never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from nlp.errors import JixiaoError

__all__ = ["LOCK_NAME", "IndexBusyError", "write_lock"]

LOCK_NAME = "write.lock"


class IndexBusyError(JixiaoError):
    """Another process is writing the index and did not finish within the timeout."""


@contextmanager
def write_lock(index_dir: Path, *, timeout: float = 10.0, poll: float = 0.05) -> Iterator[None]:
    """Hold the index's write lock; wait up to ``timeout`` seconds for it, then raise :class:`IndexBusyError`."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusyError(
                        f"{index_dir}: another jixiao process is writing the search index "
                        f"(waited {timeout:g} s); wait for it to finish, then try again"
                    ) from None
                time.sleep(poll)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
