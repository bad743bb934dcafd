"""The store and the search index in step: every write to a data directory goes through here.

One writer at a time holds ``<data_dir>/write.lock`` (:func:`index.lock.data_lock`) around the
store write *and* the index update that follows it. The store counts its writes (its
*generation*) and stamps each document with the generation that wrote it; the index records,
for each document it holds, the generation it indexed (:class:`index.build.IndexInfo`).
Comparing the two (:func:`index_state`) tells which stored documents the index misses or has
in an older version, and which it still holds after they left the store.

A writer brings the index in step *after* its own store writes by indexing exactly that
difference (:func:`sync_index`), so whatever an earlier run left behind — killed after its
store commit, failed in the index step, or a concurrent run that committed first — is
indexed by the next one. When the index step fails, the store keeps what was written and
:class:`IndexOutOfStepError` names the documents searches will miss.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from index.build import (
    FindingsFn,
    IndexMissingError,
    IndexVersionError,
    ProgressFn,
    current_generation,
    delete_documents,
    read_info,
    rebuild_index,
    update_index,
)
from index.ingest import IngestOutcome, Parser, ingest_paths
from index.ingest import ProgressFn as IngestProgressFn
from index.lock import data_lock
from index.store import DocumentInfo, Store, writable_data_dir
from nlp.errors import JixiaoError
from nlp.parse import parse_text

__all__ = [
    "INDEX_DIR",
    "IndexOutOfStepError",
    "IndexState",
    "IngestRun",
    "Removed",
    "SyncResult",
    "index_dir_of",
    "index_state",
    "ingest",
    "rebuild",
    "remove",
    "repair",
    "sync_index",
    "writing",
]

INDEX_DIR = "index"

#: documents named in a message before "… and N more"
_SHOWN = 5


def index_dir_of(data_dir: Path) -> Path:
    return data_dir / INDEX_DIR


class IndexOutOfStepError(JixiaoError):
    """The store was written but the search index could not be brought in step with it."""

    def __init__(self, message: str, unindexed: list[str]) -> None:
        super().__init__(message)
        self.unindexed = unindexed


@dataclass(frozen=True)
class IndexState:
    """How the search index compares with the store."""

    exists: bool  #: there is a search index at all
    usable: bool  #: it can be opened and records the generations of its documents (else: rebuild)
    missing: tuple[str, ...]  #: stored documents the index lacks or holds in an older version
    extra: tuple[str, ...]  #: documents the index holds that are no longer stored
    store_generation: int
    reason: str | None = None  #: why the index is not usable

    @property
    def in_step(self) -> bool:
        return self.usable and not self.missing and not self.extra

    def describe(self) -> str | None:
        """One line for people (None when in step)."""
        if self.in_step:
            return None
        if not self.exists:
            if not self.missing:
                return None
            return f"there is no search index yet for the {len(self.missing)} stored documents"
        if not self.usable:
            return f"the search index cannot be used as it is ({self.reason})"
        parts = []
        if self.missing:
            parts.append(f"{len(self.missing)} stored documents are not searchable yet ({_names(self.missing)})")
        if self.extra:
            parts.append(f"{len(self.extra)} removed documents are still in it ({_names(self.extra)})")
        return "the search index is behind the store: " + "; ".join(parts)


def _names(docs: Iterable[str]) -> str:
    docs = list(docs)
    shown = ", ".join(docs[:_SHOWN])
    return shown + (f", … and {len(docs) - _SHOWN} more" if len(docs) > _SHOWN else "")


def index_state(store: Store, index_dir: Path) -> IndexState:
    """Compare the index under ``index_dir`` with ``store`` (reads only)."""
    stored = store.document_generations()
    generation = store.generation()
    try:
        info = read_info(current_generation(index_dir))
    except IndexMissingError:
        return IndexState(False, False, tuple(sorted(stored)), (), generation)
    except IndexVersionError as exc:
        return IndexState(True, False, tuple(sorted(stored)), (), generation, reason=str(exc))
    if info.documents is None:
        return IndexState(True, False, tuple(sorted(stored)), (), generation,
                          reason="it does not record which version of each document it holds")
    indexed = info.documents
    missing = tuple(sorted(d for d, g in stored.items() if indexed.get(d) != g))
    extra = tuple(sorted(d for d in indexed if d not in stored))
    return IndexState(True, True, missing, extra, generation)


@dataclass(frozen=True)
class SyncResult:
    """What bringing the index in step did."""

    indexed: tuple[str, ...] = ()  #: documents (re)indexed
    removed: tuple[str, ...] = ()  #: documents taken out of the index
    rebuilt: bool = False  #: the whole index was rebuilt from the store


def _out_of_step(store: Store, index_dir: Path, exc: BaseException) -> IndexOutOfStepError:
    try:
        left = list(index_state(store, index_dir).missing)
    except Exception:  # the state itself cannot be read: say what the store holds
        left = [d.doc for d in store.documents()]
    why = str(exc).rstrip(".") or type(exc).__name__
    if isinstance(exc, MemoryError):
        why = "out of memory"
    elif isinstance(exc, OSError):
        why = f"{exc.strerror or why}" + (f": {exc.filename}" if exc.filename else "")
    what = (f"{len(left)} stored documents are not searchable ({_names(left)})" if left
            else "the search index may be behind the store")
    return IndexOutOfStepError(
        f"the store is updated but the search index is not ({why}): {what}; run 'jixiao index rebuild'"
        " (the next ingest also repairs it)", left)


def sync_index(store: Store, index_dir: Path, *, findings: FindingsFn | None = None,
               on_progress: ProgressFn | None = None) -> SyncResult:
    """Bring the index in step with ``store``: index what it misses, drop what left the store.

    The caller holds the data directory's lock (:func:`writing`). Raises
    :class:`IndexOutOfStepError` (naming the documents searches will miss) when it fails.
    """
    try:
        state = index_state(store, index_dir)
        if state.in_step:
            return SyncResult()
        gens = store.document_generations()
        if not state.usable:
            if not state.exists and not gens:
                return SyncResult()
            _rebuild(store, index_dir, findings=findings, on_progress=on_progress)
            return SyncResult(indexed=tuple(sorted(gens)), rebuilt=True)
        try:
            if state.extra:
                delete_documents(index_dir, state.extra, store_generation=state.store_generation)
            if state.missing:
                docs = (d for d in (store.get_document(k) for k in state.missing) if d is not None)
                update_index(index_dir, docs, total=len(state.missing), findings=findings, on_progress=on_progress,
                             generations={k: gens[k] for k in state.missing}, store_generation=state.store_generation)
        except (JixiaoError, OSError):
            raise  # busy, or the disk: a rebuild would meet the same
        except Exception:  # the live index cannot be updated (damaged files): build a new one from the store
            _rebuild(store, index_dir, findings=findings, on_progress=on_progress)
            return SyncResult(indexed=tuple(sorted(gens)), rebuilt=True)
        return SyncResult(indexed=state.missing, removed=state.extra)
    except Exception as exc:
        raise _out_of_step(store, index_dir, exc) from exc


def _rebuild(store: Store, index_dir: Path, *, findings: FindingsFn | None, on_progress: ProgressFn | None,
             procs: int = 1, on_phase: Callable[[str], None] | None = None) -> None:
    docs: list[DocumentInfo] = store.documents()
    rebuild_index(index_dir, (d for d in (store.get_document(i.doc) for i in docs) if d is not None),
                  total=len(docs), findings=findings, on_progress=on_progress, procs=procs, on_phase=on_phase,
                  generations={i.doc: i.generation for i in docs}, store_generation=store.generation())


@contextmanager
def writing(data_dir: Path, *, lock_timeout: float = 600.0) -> Iterator[Store]:
    """The store of ``data_dir`` opened for writing, under the data directory's writer lock."""
    writable_data_dir(data_dir)
    with data_lock(data_dir, timeout=lock_timeout):
        with Store.open(data_dir) as store:
            yield store


@dataclass(frozen=True)
class IngestRun:
    """One ingest: what happened to each file, and to the index."""

    outcomes: list[IngestOutcome]
    sync: SyncResult | None = None
    sync_error: IndexOutOfStepError | None = None  #: the store was written, the index could not follow


def ingest(
    data_dir: Path,
    paths: Iterable[Path],
    *,
    as_name: str | None = None,
    replace: bool = False,
    findings: FindingsFn | None = None,
    on_progress: IngestProgressFn | None = None,
    on_index_progress: ProgressFn | None = None,
    parse: Parser = parse_text,
    lock_timeout: float = 600.0,
) -> IngestRun:
    """Store the documents under ``paths`` in ``data_dir`` and bring its search index in step.

    See :func:`index.ingest.ingest_paths` for ``as_name`` and ``replace``. An error in the index step
    does not undo the store writes; it is returned as ``sync_error``.
    """
    with writing(data_dir, lock_timeout=lock_timeout) as store:
        outcomes = ingest_paths(paths, store, on_progress=on_progress, parse=parse, as_name=as_name, replace=replace)
        try:
            result = sync_index(store, index_dir_of(data_dir), findings=findings, on_progress=on_index_progress)
        except IndexOutOfStepError as exc:
            return IngestRun(outcomes, sync_error=exc)
        return IngestRun(outcomes, sync=result)


@dataclass(frozen=True)
class Removed:
    """A document taken out of the store and the index."""

    doc: str
    n_projects: int
    n_indicators: int
    sync: SyncResult = field(default_factory=SyncResult)


def find_document(store: Store, name: str) -> DocumentInfo:
    """The stored document whose key (or key without extension) is ``name``."""
    found = store.document(name)
    if found is not None:
        return found
    from nlp.records import document_stem

    matches = [d for d in store.documents() if document_stem(d.doc) == name]
    if len(matches) == 1:
        return matches[0]
    raise JixiaoError(f"no stored document {name!r} in {store.path.parent}; the stored documents are listed by"
                      " 'jixiao projects'")


def remove(data_dir: Path, name: str, *, findings: FindingsFn | None = None, lock_timeout: float = 600.0) -> Removed:
    """Delete a document from the store and then from the index, under one writer lock.

    Raises :class:`IndexOutOfStepError` when the index step fails (the store no longer has it).
    """
    with writing(data_dir, lock_timeout=lock_timeout) as store:
        info = find_document(store, name)
        store.delete_document(info.doc)
        result = sync_index(store, index_dir_of(data_dir), findings=findings)
        return Removed(info.doc, info.n_projects, info.n_indicators, result)


def repair(data_dir: Path, *, findings: FindingsFn | None = None, lock_timeout: float = 0.0) -> SyncResult | None:
    """Bring the index in step if this process can write the data directory now; None if it cannot
    (read-only, or another writer holds the lock — that writer brings it in step itself)."""
    from index.lock import DataBusyError

    if not os.access(data_dir, os.W_OK) or not (data_dir / "jixiao.db").exists():
        return None
    try:
        with writing(data_dir, lock_timeout=lock_timeout) as store:
            return sync_index(store, index_dir_of(data_dir), findings=findings)
    except DataBusyError:
        return None


def rebuild(data_dir: Path, *, findings: FindingsFn | None = None, on_progress: ProgressFn | None = None,
            procs: int = 1, on_phase: Callable[[str], None] | None = None, lock_timeout: float = 600.0):
    """Rebuild the whole index from the store (built aside, then swapped in) under the writer lock."""
    with writing(data_dir, lock_timeout=lock_timeout) as store:
        _rebuild(store, index_dir_of(data_dir), findings=findings, on_progress=on_progress, procs=procs,
                 on_phase=on_phase)
        return read_info(current_generation(index_dir_of(data_dir)))
