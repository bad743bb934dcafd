"""Ingest, remove and re-index: the write workflows, each through :mod:`index.sync`.

:mod:`index.sync` holds the data directory's one writer lock (``<data_dir>/write.lock``) around
the store write and the index update that follows it, so the store and the search index stay in
step whichever front end writes (a CLI ingest beside a running server, two uploads at once).
When the store is written but the index cannot follow, the run says so (``sync_error``) instead
of failing: what was stored stays stored, and the next write brings the index in step.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from index.ingest import IngestOutcome, IngestSummary, ProgressFn, summarize
from index.sync import IndexOutOfStepError, Removed, SyncResult, index_dir_of
from nlp.errors import JixiaoError
from nlp.records import ParsedDocument

__all__ = ["IngestRun", "ingest_and_index", "findings_counter", "rebuild_search_index", "remove_document",
           "outcome_record", "run_record", "index_dir", "sync_notes", "removed_record"]


def index_dir(data_dir: Path) -> Path:
    """Where the search index of ``data_dir`` lives."""
    return index_dir_of(data_dir)


@dataclass(frozen=True)
class IngestRun:
    """One ingest: an outcome per input file, the totals, and what happened to the search index."""

    outcomes: tuple[IngestOutcome, ...]
    summary: IngestSummary
    sync: SyncResult | None = None
    sync_error: IndexOutOfStepError | None = None  #: the store was written, the index could not follow

    @property
    def failed(self) -> list[IngestOutcome]:
        return [o for o in self.outcomes if not o.ok]


class _FindingsCounter:
    """Counts each project's findings in a default-profile audit of its document; the classifier for
    M01 is loaded on first use and its version (``model_version``) is stored with the counts."""

    def __init__(self, data_dir: Path) -> None:
        from models.audit import load_settings

        self.data_dir = data_dir
        self.settings = load_settings("default", None)
        self._model: list[Any] = []

    @property
    def model_version(self) -> str | None:
        return self._model[0].version if self._model and self._model[0] is not None else None

    def __call__(self, parsed: ParsedDocument) -> dict[str, int]:
        from models.audit import audit_documents, load_tier_model

        if not self._model:
            self._model.append(load_tier_model(self.data_dir) if self.settings.is_enabled("M01") else None)
        result = audit_documents([parsed], self.settings, model=self._model[0])
        return {ap.context.pid: len(ap.findings) for ap in result.projects}


def findings_counter(data_dir: Path) -> Callable[[ParsedDocument], dict[str, int]]:
    """``n_findings`` for the index: each project's findings in a default-profile audit of its document
    (what an audit of that one stored document reports), with the classifier version behind them."""
    return _FindingsCounter(data_dir)


def ingest_and_index(paths: Iterable[Path], data_dir: Path, *, as_name: str | None = None, replace: bool = False,
                     models_dir: Path | None = None, on_progress: ProgressFn | None = None,
                     on_index_progress: Callable[[int, int | None], None] | None = None) -> IngestRun:
    """Read, parse and store every file under ``paths``, then bring the search index in step.

    A file that cannot be read gives a failed outcome; the others are still stored and indexed.
    ``as_name`` stores a single file under that document name; ``replace`` stores even a version
    that would shrink the stored one by more than half. ``models_dir`` is the data directory whose
    classifier counts the index's findings (default ``data_dir``).
    """
    from index.sync import ingest

    run = ingest(data_dir, list(paths), as_name=as_name, replace=replace,
                 findings=findings_counter(models_dir or data_dir), on_progress=on_progress,
                 on_index_progress=on_index_progress)
    return IngestRun(tuple(run.outcomes), summarize(run.outcomes), run.sync, run.sync_error)


def remove_document(data_dir: Path, doc: str) -> Removed:
    """Delete a stored document (its key, or its key without extension) from the store, then the index.

    Raises :class:`service.errors.NotFound` when there is no such document (nothing changes) and
    :class:`index.sync.IndexOutOfStepError` when the index step fails (the store no longer has it).
    """
    from index.store import Store
    from index.sync import find_document, remove
    from service.errors import NotFound

    with Store.open(data_dir, write=False) as store:
        try:
            find_document(store, doc)
        except JixiaoError as exc:
            raise NotFound(str(exc)) from None
    return remove(data_dir, doc, findings=findings_counter(data_dir))


def removed_record(removed: Removed) -> dict[str, Any]:
    """What ``DELETE /api/documents/{doc}`` returns."""
    return {"doc": removed.doc, "deleted": True, "projects": removed.n_projects, "indicators": removed.n_indicators}


def rebuild_search_index(data_dir: Path, *, procs: int = 1, on_progress: Callable[[int, int], None] | None = None,
                         on_phase: Callable[[str], None] | None = None) -> Any:
    """Rebuild the index from the store (built aside, then swapped in); returns :class:`index.build.IndexInfo`."""
    from index.sync import rebuild

    return rebuild(data_dir, findings=findings_counter(data_dir), procs=procs, on_progress=on_progress,
                   on_phase=on_phase)


def sync_notes(run: IngestRun) -> list[str]:
    """What the ingest also repaired in the search index, for people (empty when nothing)."""
    if run.sync is None:
        return []
    notes = []
    ours = {o.doc for o in run.outcomes if o.ok}
    earlier = [d for d in run.sync.indexed if d not in ours]
    if run.sync.rebuilt and earlier:
        notes.append(f"rebuilt the search index from the store ({len(run.sync.indexed)} documents)")
    elif earlier:
        notes.append(f"also indexed {len(earlier)} stored documents the search index was missing "
                     f"({', '.join(earlier[:5])}{', …' if len(earlier) > 5 else ''})")
    if run.sync.removed:
        notes.append(f"removed {len(run.sync.removed)} documents no longer stored from the search index")
    return notes


def outcome_record(o: IngestOutcome) -> dict[str, Any]:
    """One document of the ingest JSON (fields documented in README "Ingest")."""
    return {
        "doc": o.doc,
        "path": str(o.path),
        "ok": o.ok,
        "reason": o.reason,
        "layout": o.layout.value if o.layout else None,
        "reader": o.reader,
        "department": o.department,
        "year": o.year,
        "encoding": o.encoding,
        "projects": o.n_projects,
        "indicators": o.n_indicators,
        "warnings": o.n_warnings,
        "replaced": o.replaced,
        "previous": None if o.previous is None else {"projects": o.previous.projects, "indicators": o.previous.indicators},
        "unchanged": o.unchanged,
        "refused": o.refused,
        "renamed_from": o.renamed_from,
        "issues": [
            {"file": i.file, "line": i.line, "severity": i.severity.value, "field": i.field, "message": i.message}
            for i in o.issues
        ],
    }


def run_record(run: IngestRun) -> dict[str, Any]:
    """``{"documents": [...], "summary": {...}}`` — what ``ingest --json`` prints and the upload endpoint returns."""
    return {"documents": [outcome_record(o) for o in run.outcomes], "summary": asdict(run.summary)}
