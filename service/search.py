"""Search workflow: one page of hits, as records; a searcher kept open per thread for a server."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.search import ProjectSearcher, SearchResult, SortKey, parse_years
from nlp.errors import JixiaoError
from service.ingest import index_dir

__all__ = ["SORT_KEYS", "EmptyExplanation", "explain_empty", "search", "search_record", "Searchers", "make_searchable"]

SORT_KEYS = tuple(s.value for s in SortKey)


def _arguments(year: str | None, sort: str) -> dict[str, Any]:
    if sort not in SORT_KEYS:
        raise JixiaoError(f"--sort must be one of score, year, budget (got {sort!r})")
    return {"years": parse_years(year) if year else None, "sort": SortKey(sort)}


def make_searchable(data_dir: Path) -> str | None:
    """Before a search: compare the index with the store and bring the index in step when this process
    may write the data directory now. Returns a line for people when they differed (None when in step):
    what was repaired, or — read-only, or another writer running — that results may be incomplete."""
    from index.store import DB_NAME, Store
    from index.sync import index_state, repair
    from service.ingest import findings_counter

    if not (data_dir / DB_NAME).exists():
        return None
    with Store.open(data_dir, write=False) as store:
        before = index_state(store, index_dir(data_dir))
    problem = before.describe()
    if problem is None:
        return None
    done = repair(data_dir, findings=findings_counter(data_dir))
    if done is not None:
        what = "rebuilt it" if done.rebuilt else f"indexed {len(done.indexed)}, removed {len(done.removed)} documents"
        return f"note: {problem}; {what} before searching"
    return (f"warning: {problem}; results may be incomplete until a running ingest finishes or"
            " 'jixiao index rebuild' runs")


def search(data_dir: Path, query: str, *, year: str | None = None, dept: str | None = None, tier: str | None = None,
           limit: int = 10, page: int = 1, sort: str = "score", searcher: ProjectSearcher | None = None) -> SearchResult:
    """One page of ranked hits; ``searcher`` reuses an open index (else it is opened for this call)."""
    args = _arguments(year, sort)
    if searcher is not None:
        return searcher.search(query, dept=dept, tier=tier, limit=limit, page=page, **args)
    with ProjectSearcher(index_dir(data_dir)) as opened:
        return opened.search(query, dept=dept, tier=tier, limit=limit, page=page, **args)


@dataclass(frozen=True)
class EmptyExplanation:
    """Why a filtered search found nothing: how many projects match the words alone, and for each filter
    (``("year", "2024")``…) how many of those it removes on its own."""

    unfiltered: int
    unfiltered_exact: bool
    removed: tuple[tuple[str, str, int], ...]


def explain_empty(data_dir: Path, query: str, *, year: str | None = None, dept: str | None = None,
                  tier: str | None = None) -> EmptyExplanation | None:
    """For a search with filters and no hit: the counts that show which filter emptied it (None without filters)."""
    filters = [(name, value) for name, value in (("year", year), ("dept", dept), ("tier", tier)) if value]
    if not filters:
        return None
    with ProjectSearcher(index_dir(data_dir)) as opened:
        base = search(data_dir, query, limit=1, searcher=opened)
        removed = []
        for name, value in filters:
            alone = search(data_dir, query, limit=1, searcher=opened, **{name: value})
            removed.append((name, value, max(base.total - alone.total, 0)))
    return EmptyExplanation(base.total, base.total_exact, tuple(removed))


_HIT_KEYS = ("project_id", "doc", "department", "year", "section", "project_seq", "project_name", "project_code",
             "budget_wan", "score", "n_findings", "findings_model")


def search_record(result: SearchResult) -> dict[str, Any]:
    """``{"query", "total", "total_exact", "hits"}``: what ``search --json`` prints (README "Search")."""
    return {
        "query": result.query,
        "total": result.total,
        "total_exact": result.total_exact,
        "hits": [
            {**{k: getattr(h, k) for k in _HIT_KEYS}, "highlights": [{"field": x.field, "text": x.text} for x in h.highlights]}
            for h in result.hits
        ],
    }


class Searchers:
    """One open :class:`ProjectSearcher` per thread (whoosh searchers are not shared between threads)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._local = threading.local()
        self._all: list[ProjectSearcher] = []
        self._lock = threading.Lock()

    def get(self) -> ProjectSearcher:
        s = getattr(self._local, "searcher", None)
        if s is None:
            s = ProjectSearcher(index_dir(self.data_dir))
            self._local.searcher = s
            with self._lock:
                self._all.append(s)
        return s

    def close(self) -> None:
        with self._lock:
            for s in self._all:
                s.close()
            self._all.clear()
