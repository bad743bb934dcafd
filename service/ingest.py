"""Ingest a batch and keep the search index in step: read → store → audit counts → index.

The store write and the index update run under one lock (:func:`service.writes.writing`), so two
concurrent ingests never interleave. When the store is written but the index update fails, the
error says so and how to repair it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from index.ingest import IngestOutcome, IngestSummary, ProgressFn, ingest_paths, summarize
from index.store import Store
from nlp.errors import JixiaoError
from nlp.records import ParsedDocument
from service.writes import writing

__all__ = ["IngestRun", "ingest_and_index", "findings_counter", "update_search_index", "rebuild_search_index",
           "outcome_record", "run_record", "index_dir"]


def index_dir(data_dir: Path) -> Path:
    """Where the search index of ``data_dir`` lives."""
    return data_dir / "index"


@dataclass(frozen=True)
class IngestRun:
    """One ingest: an outcome per input file and the totals."""

    outcomes: tuple[IngestOutcome, ...]
    summary: IngestSummary

    @property
    def failed(self) -> list[IngestOutcome]:
        return [o for o in self.outcomes if not o.ok]


def findings_counter(data_dir: Path) -> Callable[[ParsedDocument], dict[str, int]]:
    """``n_findings`` for the index: each project's findings in a default-profile audit of its document
    (what an audit of that one stored document reports); the classifier for M01 is loaded on first use."""
    from models.audit import audit_documents, load_settings, load_tier_model

    settings = load_settings("default", None)
    model: list[Any] = []

    def count(parsed: ParsedDocument) -> dict[str, int]:
        if not model:
            model.append(load_tier_model(data_dir) if settings.is_enabled("M01") else None)
        result = audit_documents([parsed], settings, model=model[0])
        return {ap.context.pid: len(ap.findings) for ap in result.projects}

    return count


def update_search_index(data_dir: Path, docs: Iterable[str]) -> None:
    """Add or replace the projects of the stored documents ``docs`` in the search index."""
    from index.build import update_index

    docs = list(docs)
    if not docs:
        return
    with Store.open(data_dir) as store:
        parsed = [d for d in (store.get_document(doc) for doc in docs) if d is not None]
    try:
        update_index(index_dir(data_dir), parsed, findings=findings_counter(data_dir))
    except JixiaoError as exc:
        raise JixiaoError(f"{exc} (the store is updated; the search index is not: run 'jixiao index rebuild')") from None


def ingest_and_index(paths: Iterable[Path], data_dir: Path, *, on_progress: ProgressFn | None = None) -> IngestRun:
    """Read, parse and store every file under ``paths``, then index the documents that were stored.

    A file that cannot be read gives a failed outcome; the others are still stored and indexed.
    """
    with writing(data_dir):
        with Store.open(data_dir) as store:
            outcomes = ingest_paths(list(paths), store, on_progress=on_progress)
        update_search_index(data_dir, [o.doc for o in outcomes if o.ok])
    return IngestRun(tuple(outcomes), summarize(outcomes))


def rebuild_search_index(data_dir: Path, *, procs: int = 1, on_progress: Callable[[int, int], None] | None = None,
                         on_phase: Callable[[str], None] | None = None) -> Any:
    """Rebuild the index from the store (built aside, then swapped in); returns :class:`index.build.IndexInfo`."""
    from index.build import rebuild_index

    with writing(data_dir), Store.open(data_dir) as store:
        total = len(store.documents())
        return rebuild_index(index_dir(data_dir), store.iter_documents(), total=total, procs=procs,
                             findings=findings_counter(data_dir), on_progress=on_progress, on_phase=on_phase)


def outcome_record(o: IngestOutcome) -> dict[str, Any]:
    """One document of the ingest JSON (fields documented in README "Ingest")."""
    return {
        "doc": o.doc,
        "path": str(o.path),
        "ok": o.ok,
        "reason": o.reason,
        "layout": o.layout.value if o.layout else None,
        "department": o.department,
        "year": o.year,
        "encoding": o.encoding,
        "projects": o.n_projects,
        "indicators": o.n_indicators,
        "warnings": o.n_warnings,
        "replaced": o.replaced,
        "issues": [
            {"file": i.file, "line": i.line, "severity": i.severity.value, "field": i.field, "message": i.message}
            for i in o.issues
        ],
    }


def run_record(run: IngestRun) -> dict[str, Any]:
    """``{"documents": [...], "summary": {...}}`` — what ``ingest --json`` prints and the upload endpoint returns."""
    return {"documents": [outcome_record(o) for o in run.outcomes], "summary": asdict(run.summary)}
