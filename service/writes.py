"""One writer at a time per data directory: every workflow that changes the store or the index holds this lock.

It is the index's advisory lock (:func:`index.lock.write_lock`) taken on the data directory
itself (``<data_dir>/write.lock``), so it serialises writers across processes (a CLI ingest
beside a running server) and across the threads of one server (each holder opens its own
descriptor, and ``flock`` excludes between descriptors).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from index.lock import write_lock
from nlp.errors import JixiaoError

__all__ = ["WRITE_TIMEOUT", "writing"]

#: how long a writer waits for the one before it (an ingest of a large document takes seconds)
WRITE_TIMEOUT = 300.0


@contextmanager
def writing(data_dir: Path, *, timeout: float = WRITE_TIMEOUT) -> Iterator[None]:
    """Hold the data directory's write lock for the duration of one write workflow."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise JixiaoError(
            f"{data_dir}: cannot create the data directory ({exc.strerror or exc}); choose another --data-dir"
        ) from None
    with write_lock(data_dir, timeout=timeout):
        yield
