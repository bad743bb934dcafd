"""Demo workflow: ingest the bundled samples, audit what was stored, run one search."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.ingest import IngestOutcome, IngestSummary, ProgressFn
from index.store import Store
from nlp.errors import JixiaoError
from service.ingest import ingest_and_index, index_dir

__all__ = ["DEMO_DIR", "DEMO_QUERY", "DemoSummary", "bundled_samples_dir", "demo_data_dir", "demo_summary"]

DEMO_QUERY = "创业担保贷款"

#: where the demo keeps the samples: a data directory of its own inside the user's
DEMO_DIR = "demo"


def demo_data_dir(data_dir: Path, *, into_store: bool = False) -> Path:
    """The data directory the demo writes: ``<data_dir>/demo``, or ``data_dir`` itself with ``into_store``."""
    return data_dir if into_store else data_dir / DEMO_DIR


def bundled_samples_dir() -> Path:
    """The sample disclosures shipped with the sources (``samples/`` of the source checkout)."""
    import nlp

    candidates = [Path(__file__).resolve().parent.parent / "samples", Path(nlp.__file__).resolve().parent.parent / "samples"]
    for candidate in candidates:
        if any(candidate.glob("*.txt")):
            return candidate
    raise JixiaoError(
        f"bundled samples not found (looked in {candidates[0]}); install from a source checkout"
        " with 'pip install -e .', or ingest your own files with 'jixiao ingest PATH'"
    )


@dataclass(frozen=True)
class DemoSummary:
    """What the demo did: the ingest, an audit of what was stored and one search."""

    samples: Path
    data_dir: Path
    outcomes: tuple[IngestOutcome, ...]  #: one per sample file
    totals: IngestSummary
    audit: Any  #: models.audit.AuditResult over the stored samples (default profile)
    search: Any  #: index.search.SearchResult of :data:`DEMO_QUERY`


def demo_summary(data_dir: Path, *, query: str = DEMO_QUERY, models_dir: Path | None = None,
                 on_progress: ProgressFn | None = None) -> DemoSummary:
    """Ingest the bundled samples into ``data_dir``, audit them and run one search (no printing).

    :param models_dir: the data directory whose classifier the audit uses (default ``data_dir``).
    """
    from index.search import search_projects
    from models.audit import audit_documents, load_settings, load_tier_model

    samples = bundled_samples_dir()
    run = ingest_and_index([samples], data_dir, models_dir=models_dir, on_progress=on_progress)
    if run.sync_error is not None:
        raise run.sync_error
    stems = {o.doc for o in run.outcomes if o.ok}
    with Store.open(data_dir, write=False) as store:
        docs = [d for d in store.iter_documents() if d.document.file in stems]
    result = audit_documents(docs, load_settings("default", None), model=load_tier_model(models_dir or data_dir))
    hits = search_projects(index_dir(data_dir), query, limit=3)
    return DemoSummary(samples=samples, data_dir=data_dir, outcomes=run.outcomes, totals=run.summary,
                       audit=result, search=hits)
