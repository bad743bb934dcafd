"""Searching the project index: a pure library call that returns frozen dataclasses.

The query language is :mod:`index.query`'s, the snippets :mod:`index.snippet`'s.

Speed: the query is evaluated over the index's numpy postings (:mod:`index.fastquery`,
every match counted, the same BM25F scoring as whoosh); whoosh then supplies the stored
fields of the shown hits only. A query form the postings do not cover (a prefix or
wildcard such as ``养老*`` or ``就?``, a range) is answered by whoosh itself, with its
block-max collector: there the number of matches is counted exactly only when the query
may match at most :data:`EXACT_COUNT_MAX` projects. :class:`ProjectSearcher` keeps the
index open between searches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index
from whoosh.query import And, AndMaybe, AndNot, Not, NullQuery, NumericRange, Or, Phrase, Query, Term
from whoosh.searching import Searcher
from whoosh.sorting import FieldFacet, MultiFacet, ScoreFacet

from index.build import IndexVersionError, current_generation, read_info
from index.fastquery import RowFilter, Unsupported, rank
from index.postings import TIER_BITS, Postings, Segment, open_postings
from index.query import QueryError, parse_query, query_words
from index.schema import FULLTEXT_FIELDS
from index.snippet import HIGHLIGHT_END, HIGHLIGHT_START, snippet
from nlp.errors import JixiaoError

__all__ = [
    "HIGHLIGHT_END",
    "HIGHLIGHT_START",
    "TIERS",
    "EXACT_COUNT_MAX",
    "Highlight",
    "ProjectSearcher",
    "QueryError",
    "SearchHit",
    "SearchResult",
    "SortKey",
    "YearRange",
    "parse_query",
    "parse_years",
    "query_words",
    "search_projects",
    "snippet",
    "upper_estimate",
]

TIERS = ("产出", "效益", "满意度", "成本")

#: a query that may match more projects than this (:func:`upper_estimate`) gets that estimate as its
#: total (``total_exact`` false): counting means visiting every match again, which costs more than
#: the ranked search itself
EXACT_COUNT_MAX = 1000


class SortKey(str, Enum):
    SCORE = "score"  #: best match first
    YEAR = "year"  #: newest first, then best match
    BUDGET = "budget"  #: largest budget first, then best match


@dataclass(frozen=True)
class YearRange:
    first: int
    last: int


@dataclass(frozen=True)
class Highlight:
    """A snippet of one field with the matched words between :data:`HIGHLIGHT_START` and :data:`HIGHLIGHT_END`."""

    field: str
    text: str


@dataclass(frozen=True)
class SearchHit:
    project_id: str
    doc: str
    department: str | None
    year: int | None
    section: str
    project_seq: int | None
    project_name: str
    project_code: str | None
    budget_wan: float | None
    score: float
    highlights: tuple[Highlight, ...]
    n_findings: int = 0  #: audit findings of the project when it was indexed (default profile)
    findings_model: str | None = None  #: the classifier version behind the M01 findings counted in n_findings


@dataclass(frozen=True)
class SearchResult:
    query: str
    total: int  #: matching projects (all pages); when not ``total_exact``, an upper estimate (:func:`upper_estimate`)
    total_exact: bool
    page: int
    limit: int
    hits: tuple[SearchHit, ...]


_YEARS_RE = re.compile(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?")


def parse_years(text: str) -> YearRange:
    """``"2021"`` or ``"2021-2024"`` → :class:`YearRange`."""
    m = _YEARS_RE.fullmatch(text)
    if not m:
        raise QueryError(f"--year {text!r}: expected a year (2021) or a range (2021-2024)")
    first = int(m.group(1))
    last = int(m.group(2) or first)
    if last < first:
        raise QueryError(f"--year {text!r}: the range ends before it starts; write {last}-{first}")
    return YearRange(first, last)


# ---------------------------------------------------------------- searching


def _check_tier(tier: str | None) -> None:
    if tier and tier not in TIERS:
        raise QueryError(f"--tier {tier!r}: use one of {', '.join(TIERS)}")


def _row_filter(years: YearRange | None, dept: str | None, tier: str | None) -> RowFilter | None:
    """The filters as a row mask over a postings segment (the same tests as :func:`_filter`)."""
    if years is None and not dept and not tier:
        return None

    def keep(seg: Segment) -> np.ndarray:
        mask = np.ones(seg.n_rows, dtype=bool)
        if years is not None:
            year = np.asarray(seg.array("year"))
            mask &= (year >= years.first) & (year <= years.last)
        if dept:
            ids = [i for i, name in enumerate(seg.dept_names) if dept in name]
            mask &= np.isin(np.asarray(seg.array("dept")), ids)
        if tier:
            mask &= (np.asarray(seg.array("tiers")) & TIER_BITS[tier]) != 0
        return mask

    return keep


def _filter(searcher: Searcher, years: YearRange | None, dept: str | None, tier: str | None) -> Query | None:
    parts: list[Query] = []
    if years is not None:
        parts.append(NumericRange("year", years.first, years.last))
    if dept:
        names = [t.decode("utf-8") for t in searcher.lexicon("department_exact")]
        matching = [n for n in names if dept in n]
        if matching:
            parts.append(Or([Term("department_exact", n) for n in matching]))
        else:
            return NullQuery  # no department matches: nothing can be found
    if tier:
        parts.append(Term("tiers", tier))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)


def _relevance(score: Any) -> float:
    """The relevance score of a hit; when sorted by (field, score) whoosh gives the sort key (…, -score)."""
    if isinstance(score, tuple):
        return -float(score[-1])
    return float(score or 0.0)


def _hit(f: dict[str, Any], score: float, words: frozenset[str]) -> SearchHit:
    """A hit from the stored fields of a project."""
    highlights = []
    for name in FULLTEXT_FIELDS:
        text = snippet(f.get(name) or "", words)
        if text:
            highlights.append(Highlight(name, text))
    return SearchHit(
        project_id=f["project_id"],
        doc=f["doc"],
        department=f.get("department_exact") or None,
        year=f.get("year"),
        section=f.get("section", ""),
        project_seq=f.get("project_seq"),
        project_name=f.get("name", ""),
        project_code=f.get("code"),
        budget_wan=f.get("budget_wan"),
        score=round(score, 4),
        highlights=tuple(highlights),
        n_findings=int(f.get("n_findings") or 0),
        findings_model=f.get("findings_model"),
    )


def _open(index_dir: Path, attempts: int = 3) -> tuple[Path, whoosh_index.Index]:
    for attempt in range(attempts):
        generation = current_generation(index_dir)
        read_info(generation)
        try:
            return generation, whoosh_index.open_dir(str(generation))
        except (OSError, whoosh_index.EmptyIndexError):
            if attempt == attempts - 1:  # swapped and removed by a rebuild between the two reads
                raise
    raise AssertionError("unreachable")


class ProjectSearcher:
    """The project index opened once for many searches (a service, a benchmark, a REPL).

    Each :meth:`search` first checks that the index is still the live one: a rebuild
    (new generation) or an update (new segments) since the last search reopens it, so
    results are never staler than one search. Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, index_dir: Path, *, use_postings: bool = True) -> None:
        """:param use_postings: False answers every query with whoosh's matchers alone (to compare them)."""
        self.index_dir = index_dir
        self.use_postings = use_postings
        self._generation: Path | None = None
        self._ix: whoosh_index.Index | None = None
        self._searcher: Searcher | None = None
        self._postings: Postings | None = None

    def __enter__(self) -> ProjectSearcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        if self._ix is not None:
            self._ix.close()
        self._generation = self._ix = self._searcher = self._postings = None

    def _live(self) -> Searcher:
        if self._searcher is not None and current_generation(self.index_dir) == self._generation:
            if not self._searcher.up_to_date():
                self._searcher = self._searcher.refresh()
            if self._postings is None or not self._postings.is_current():
                self._postings = open_postings(self._generation)
            return self._searcher
        self.close()
        self._generation, self._ix = _open(self.index_dir)
        self._searcher = self._ix.searcher()
        self._postings = open_postings(self._generation)
        return self._searcher

    def search(
        self,
        query: str,
        *,
        years: YearRange | None = None,
        dept: str | None = None,
        tier: str | None = None,
        limit: int = 10,
        page: int = 1,
        sort: SortKey = SortKey.SCORE,
    ) -> SearchResult:
        """One page of ranked hits for ``query``; see :func:`search_projects`."""
        if limit < 1 or page < 1:
            raise QueryError("--limit and --page must be at least 1")
        _check_tier(tier)
        try:
            searcher = self._live()
        except JixiaoError:
            raise
        except Exception as exc:  # whoosh's files or the postings cannot be read
            self.close()
            raise IndexVersionError(
                f"{self.index_dir}: the search index is damaged ({type(exc).__name__}: {exc}); run 'jixiao index rebuild'"
            ) from None
        q = parse_query(query, searcher.schema)
        words = query_words(q)
        if self._postings is not None and self.use_postings:
            row_filter = _row_filter(years, dept, tier)
            try:
                try:
                    ranked = rank(q, self._postings, row_filter=row_filter, limit=page * limit, sort=sort.value)
                except FileNotFoundError:  # a writer merged the segments away since they were opened
                    self._postings = open_postings(self._generation)  # type: ignore[arg-type]
                    if self._postings is None:
                        raise Unsupported("no postings") from None
                    ranked = rank(q, self._postings, row_filter=row_filter, limit=page * limit, sort=sort.value)
            except Unsupported:
                pass
            except (ValueError, OSError, EOFError) as exc:  # a postings file cut short or overwritten
                self.close()
                raise IndexVersionError(
                    f"{self.index_dir}: the search index is damaged ({type(exc).__name__}: {exc}); run 'jixiao index"
                    " rebuild'"
                ) from None
            else:
                hits = []
                for pid, score in list(zip(ranked.project_ids, ranked.scores))[(page - 1) * limit:]:
                    docnum = searcher.document_number(project_id=pid)
                    if docnum is not None:  # else removed by a writer since the postings were read
                        hits.append(_hit(searcher.stored_fields(docnum), score, words))
                return SearchResult(query=query, total=ranked.total, total_exact=True, page=page, limit=limit,
                                    hits=tuple(hits))
        return self._search_whoosh(searcher, q, words, years=years, dept=dept, tier=tier, limit=limit, page=page,
                                   sort=sort, query=query)

    def _search_whoosh(self, searcher: Searcher, q: Query, words: frozenset[str], *, years: YearRange | None,
                       dept: str | None, tier: str | None, limit: int, page: int, sort: SortKey,
                       query: str) -> SearchResult:
        flt = _filter(searcher, years, dept, tier)
        if flt is NullQuery:
            return SearchResult(query=query, total=0, total_exact=True, page=page, limit=limit, hits=())
        kwargs: dict[str, Any] = {"filter": flt} if flt is not None else {}
        if sort is not SortKey.SCORE:
            key = "year" if sort is SortKey.YEAR else "budget_wan"
            kwargs["sortedby"] = MultiFacet([FieldFacet(key, reverse=True), ScoreFacet()])
        # A query that may match few projects is scored in one pass that also counts them; otherwise
        # block-max scoring skips the blocks of postings that cannot reach the top N, and the total is
        # an upper estimate. (Not search_page: it always counts every match in a second pass.)
        estimate = upper_estimate(q, searcher.reader())
        exact = estimate <= EXACT_COUNT_MAX
        collector = searcher.collector(limit=page * limit, optimize=not exact, **kwargs)
        if exact:
            _no_pruning(collector)
        searcher.search_with_collector(q, collector)
        results = collector.results()
        total = len(results) if exact else estimate
        hits = tuple(_hit(h.fields(), _relevance(h.score), words) for h in results[(page - 1) * limit:page * limit])
        return SearchResult(query=query, total=total, total_exact=exact, page=page, limit=limit, hits=hits)


def _no_pruning(collector: Any) -> None:
    """Make the top-N collector visit (and so count) every match.

    Without block quality whoosh still "replaces" matchers by cheaper ones that drop
    documents unable to reach the current N-th score (an ANDMAYBE becomes an AND), so
    its count would miss matches.
    """
    while hasattr(collector, "child"):
        collector = collector.child
    collector.replace = 0


def upper_estimate(q: Query, reader: Any) -> int:
    """At least as many projects as ``q`` matches, from document frequencies alone.

    An AND matches at most what its rarest part matches, an OR at most the sum of its
    parts, a phrase at most what its rarest word matches.
    """
    n = reader.doc_count_all()
    if isinstance(q, Term):
        return reader.doc_frequency(q.fieldname, q.text) if q.fieldname in reader.schema else 0
    if isinstance(q, Phrase):
        return min((reader.doc_frequency(q.fieldname, w) for w in q.words), default=0)
    if isinstance(q, And):
        return min((upper_estimate(sub, reader) for sub in q.subqueries if not isinstance(sub, Not)), default=n)
    if isinstance(q, Or):
        return min(n, sum(upper_estimate(sub, reader) for sub in q.subqueries))
    if isinstance(q, (AndMaybe, AndNot)):
        return upper_estimate(q.a, reader)
    return min(n, q.estimate_size(reader))


def search_projects(
    index_dir: Path,
    query: str,
    *,
    years: YearRange | None = None,
    dept: str | None = None,
    tier: str | None = None,
    limit: int = 10,
    page: int = 1,
    sort: SortKey = SortKey.SCORE,
) -> SearchResult:
    """Projects matching ``query`` in the index at ``index_dir``, one page of ranked hits.

    Opens the index, searches once and closes it (a command line call); keep a
    :class:`ProjectSearcher` open to search many times.

    :param dept: keep projects whose department name contains this text.
    :param tier: keep projects with at least one indicator of this 一级 tier.
    """
    with ProjectSearcher(index_dir) as searcher:
        return searcher.search(query, years=years, dept=dept, tier=tier, limit=limit, page=page, sort=sort)
