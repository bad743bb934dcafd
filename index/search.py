"""Searching the project index: a pure library call that returns frozen dataclasses.

Query language (whoosh's, with our analyzer): words are ANDed (``创业 担保``),
``OR`` / ``NOT`` / parentheses combine them, ``"quoted text"`` is an exact phrase,
``field:word`` searches one field (``name``, ``code``, ``department`` or ``text``,
which holds everything). A run of Chinese without spaces is cut into words that must
all appear; the same run kept whole also scores, and matches a project code exactly.

Speed: the query is evaluated over the index's numpy postings (:mod:`index.fastquery`,
every match counted, the same BM25F scoring as whoosh); whoosh then supplies the stored
fields of the shown hits only. A query form the postings do not cover (a wildcard
other than a trailing ``*``, a range) is answered by whoosh itself, with its block-max
collector: there the number of matches is counted exactly only when the query may match
at most :data:`EXACT_COUNT_MAX` projects. :class:`ProjectSearcher` keeps the index open
between searches; snippets tokenise only the stored lines that contain a query word.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from whoosh import index as whoosh_index
from whoosh.highlight import ContextFragmenter, Formatter, Highlighter, get_text, top_fragments
from whoosh.qparser import MultifieldParser, syntax
from whoosh.qparser.plugins import Plugin
from whoosh.query import And, AndMaybe, AndNot, Not, NullQuery, NumericRange, Or, Phrase, Query, Term
from whoosh.searching import Searcher
from whoosh.sorting import FieldFacet, MultiFacet, ScoreFacet

from index.analyzer import make_analyzer, nonspace_offsets, value_runs
from index.build import current_generation, read_info
from index.fastquery import RowFilter, Unsupported, rank
from index.phrase import AdjacentPhrase
from index.postings import TIER_BITS, Postings, Segment, open_postings
from index.schema import FIELD_BOOSTS, FULLTEXT_FIELDS, QUERY_FIELDS
from nlp.errors import JixiaoError
from nlp.tokenize import STOPWORDS_ZH, SegmentMode, normalize_text, token_spans

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

#: marks around a matched word inside a highlight snippet
HIGHLIGHT_START = "«"
HIGHLIGHT_END = "»"

TIERS = ("产出", "效益", "满意度", "成本")

#: a query that may match more projects than this (:func:`upper_estimate`) gets that estimate as its
#: total (``total_exact`` false): counting means visiting every match again, which costs more than
#: the ranked search itself
EXACT_COUNT_MAX = 1000


class QueryError(JixiaoError):
    """The search query or one of its options cannot be understood."""


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


# ---------------------------------------------------------------- query parsing

_SEARCH_FIELDS = tuple(FIELD_BOOSTS)  # searched when a word names no field
_FIELD_PREFIX_RE = re.compile(r'(?:^|[\s(])([A-Za-z_]+):(?!//)')
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


def _pieces(text: str) -> tuple[list[str], list[int]]:
    """The smallest words of ``text`` and their non-space offsets from its start.

    PRECISE words, where a word longer than two characters is replaced by the
    two-character dictionary words that cover it from the left (创业担保贷款 → 创业,
    担保, 贷款): those are in the index whatever the segmentation of the document was.
    """
    offsets = nonspace_offsets(text)
    search = token_spans(text, mode=SegmentMode.SEARCH)
    words: list[str] = []
    starts: list[int] = []
    precise = token_spans(text, mode=SegmentMode.PRECISE)
    runs = value_runs(precise, offsets)
    spans, skip_to = [], -1
    for i, span in enumerate(precise):
        if i in runs:
            skip_to, whole = runs[i]
            spans.append(whole)  # a value (≥90%) stays one word
        elif i > skip_to:
            spans.append(span)
    for span in spans:
        inner = [s for s in search if span.start <= s.start and s.end <= span.end and s.end - s.start == 2]
        if span.end - span.start <= 2 or not inner:
            cover = [span]
        else:
            cover, pos = [], span.start
            for s in sorted(inner, key=lambda s: s.start):
                if s.start >= pos:
                    cover.append(s)
                    pos = s.end
        for s in cover:
            word = s.text.lower()
            if word not in STOPWORDS_ZH:
                words.append(word)
                starts.append(offsets[s.start])
    return words, [p - starts[0] for p in starts] if starts else []


class _PiecesPhrase(syntax.TextNode):
    """The pieces of one query word, adjacent as in the word (any field), or the word itself (keyword fields)."""

    def __init__(self, text: str, pieces: list[str], offsets: list[int]) -> None:
        super().__init__(text)
        self.pieces = pieces
        self.offsets = offsets

    def query(self, parser: Any) -> Query:
        fieldname = self.fieldname or parser.fieldname
        field = parser.schema[fieldname]
        if fieldname != "name":
            # the phrase is checked in the (short) name only: checking it in the long text field
            # for every project that has the pieces was most of the time of a search
            return None
        return AdjacentPhrase(fieldname, self.pieces, self.offsets, boost=self.boost)


class _SplitWords(Plugin):
    """Turn a word made of several (创业担保贷款) into ``(创业 AND 担保 AND 贷款) ANDMAYBE "创业担保贷款"``,
    or ``code:创业担保贷款``.

    Runs before the words are spread over the fields, so each piece may match in a
    different field; the phrase scores extra where the word appears as written, and
    the whole word matches a project code exactly.
    """

    def filters(self, parser: Any) -> list[tuple[Any, int]]:
        return [(self._split, 105)]

    def _split(self, parser: Any, group: Any) -> Any:
        for i, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                group[i] = self._split(parser, node)
            elif isinstance(node, syntax.WordNode) and node.fieldname is None:
                pieces, offsets = _pieces(node.text)
                if len(pieces) > 1:
                    whole = _PiecesPhrase(node.text, pieces, offsets)
                    whole.startchar, whole.endchar = node.startchar, node.endchar
                    each = syntax.AndGroup([_word(w, node) for w in pieces])
                    code = _word(node.text, node)
                    code.set_fieldname("code")
                    # the phrase is only tried on projects that have every piece: far cheaper than an OR
                    group[i] = syntax.OrGroup([syntax.AndMaybeGroup([each, whole]), code], boost=node.boost)
        return group


def _word(text: str, like: Any) -> Any:
    w = syntax.WordNode(text)
    w.startchar, w.endchar = like.startchar, like.endchar
    return w


def _make_phrase(qstring: str, schema: Any, fieldname: str, words: list[str], slop: int = 1,
                 boost: float = 1.0, char_ranges: Sequence[tuple[int, int]] | None = None) -> Query:
    if len(words) == 1:
        return Term(fieldname, words[0], boost=boost)
    field = schema[fieldname] if fieldname in schema else None
    if not char_ranges or field is None or not field.format.supports("positions"):
        return And([Term(fieldname, w) for w in words], boost=boost)
    offsets = nonspace_offsets(qstring)
    first = offsets[char_ranges[0][0]]
    return AdjacentPhrase(fieldname, words, [offsets[s] - first for s, _ in char_ranges], boost=boost,
                          char_ranges=list(char_ranges))


def _check_syntax(qstring: str) -> None:
    if not qstring.strip():
        raise QueryError("empty query; give at least one word, e.g. jixiao search 养老保险")
    if qstring.count('"') % 2:
        raise QueryError(f"{qstring!r}: unbalanced double quote; close the phrase with \" or remove the quote")
    depth = 0
    for ch in qstring:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth != 0:
        raise QueryError(f"{qstring!r}: unbalanced parentheses; every ( needs a matching )")
    outside = re.sub(r'"[^"]*"', " ", qstring)
    for name in _FIELD_PREFIX_RE.findall(outside):
        if name not in QUERY_FIELDS:
            raise QueryError(
                f"{qstring!r}: unknown field {name!r}; use one of {', '.join(QUERY_FIELDS)} (or no field)"
            )
    words = outside.replace("(", " ").replace(")", " ").split()
    plain = _FIELD_PREFIX_RE.sub(" ", qstring.replace('"', " "))
    if not any(t.text.lower() not in STOPWORDS_ZH and t.text not in _OPERATORS
               for t in token_spans(plain, mode=SegmentMode.PRECISE)):
        raise QueryError(f"{qstring!r}: no searchable words (only punctuation or stop words such as 的, 和)")
    if words and (words[0] in _OPERATORS - {"NOT"} or words[-1] in _OPERATORS):
        raise QueryError(f"{qstring!r}: {words[0] if words[0] in _OPERATORS else words[-1]} needs a word on each side")
    for a, b in zip(words, words[1:]):
        if a in _OPERATORS and b in _OPERATORS - {"NOT"}:
            raise QueryError(f"{qstring!r}: '{a} {b}': two operators in a row; put a word between them")


def parse_query(qstring: str, schema: Any) -> Query:
    """The whoosh query for ``qstring``; :class:`QueryError` if it is malformed or has no searchable word."""
    _check_syntax(qstring)
    parser = MultifieldParser(list(_SEARCH_FIELDS), schema, fieldboosts=FIELD_BOOSTS)
    parser.add_plugin(_SplitWords())
    parser.phraseclass = functools.partial(_make_phrase, qstring, schema)
    q = parser.parse(qstring)
    if q is NullQuery or not list(q.leaves()) or _only_null(q):
        raise QueryError(f"{qstring!r}: no searchable words (only punctuation or stop words such as 的, 和)")
    return _name_as_bonus(q)


def _words_of(q: Query) -> tuple[str, ...] | None:
    if isinstance(q, Term):
        return (str(q.text),)
    if isinstance(q, Phrase):
        return tuple(q.words)
    return None


def _name_as_bonus(q: Query) -> Query:
    """Move the ``name`` clauses that the parser spread a word into out of the matching part.

    ``text`` holds the name too, so ``name:w OR text:w`` matches exactly the projects
    ``text:w`` matches: the query becomes ``<query over text and code> ANDMAYBE (name
    clauses)``. The scores are the same (a name match still adds its boosted score) but
    the name postings are only read for projects that already match, which keeps the
    matcher tree of a long query half as deep.
    """
    bonus: list[Query] = []

    def is_name(node: Query) -> bool:
        return all(getattr(leaf, "fieldname", None) == "name" for leaf in node.leaves())

    def walk(node: Query, positive: bool) -> Query:
        if isinstance(node, Or):
            texts = {_words_of(sub) for sub in node.subqueries if getattr(sub, "fieldname", None) == "text"}
            keep = []
            for sub in node.subqueries:
                if getattr(sub, "fieldname", None) == "name" and _words_of(sub) in texts:
                    if positive:
                        bonus.append(sub)
                else:
                    keep.append(walk(sub, positive))
            return keep[0] if len(keep) == 1 else node.__class__(keep, boost=node.boost)
        if isinstance(node, AndMaybe) and is_name(node.b):
            if positive:
                bonus.append(node.b)
            return walk(node.a, positive)
        if isinstance(node, AndNot):
            return node.__class__(walk(node.a, positive), walk(node.b, False))
        if isinstance(node, Not):
            return node.__class__(walk(node.query, False))
        if isinstance(node, (And, AndMaybe)):
            if isinstance(node, And):
                return node.__class__([walk(sub, positive) for sub in node.subqueries], boost=node.boost)
            return node.__class__(walk(node.a, positive), walk(node.b, positive))
        return node

    core = walk(q, True)
    if not bonus:
        return core
    return AndMaybe(core, bonus[0] if len(bonus) == 1 else Or(bonus))


def _only_null(q: Query) -> bool:
    return all(leaf is NullQuery for leaf in q.leaves())


# ---------------------------------------------------------------- snippets


class _MarkFormatter(Formatter):
    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"{HIGHLIGHT_START}{get_text(text, token, replace)}{HIGHLIGHT_END}"


_HIGHLIGHTER = Highlighter(fragmenter=ContextFragmenter(maxchars=80, surround=24), formatter=_MarkFormatter())
_SNIPPET_ANALYZER = make_analyzer()
_TEXT_FIELDS = ("name", "text", "department")


def query_words(q: Query) -> frozenset[str]:
    """The words a hit may be highlighted for: every word of ``q`` outside a ``NOT``."""
    words: set[str] = set()

    def walk(node: Query) -> None:
        if isinstance(node, Not):
            return
        if isinstance(node, AndNot):
            walk(node.a)
            return
        if isinstance(node, Term) and node.fieldname in _TEXT_FIELDS:
            words.add(str(node.text))
        elif isinstance(node, Phrase) and node.fieldname in _TEXT_FIELDS:
            words.update(node.words)
        for child in node.children():
            walk(child)

    walk(q)
    return frozenset(words)


class _Tok:
    """A token as whoosh's highlighter reads it (lighter than ``whoosh.analysis.Token``)."""

    __slots__ = ("text", "startchar", "endchar", "matched", "boost")

    def __init__(self, text: str, startchar: int, endchar: int, matched: bool) -> None:
        self.text, self.startchar, self.endchar, self.matched, self.boost = text, startchar, endchar, matched, 1.0

    def copy(self) -> _Tok:
        return _Tok(self.text, self.startchar, self.endchar, self.matched)


@functools.lru_cache(maxsize=16384)
def _folded(line: str) -> str:
    return normalize_text(line).lower().replace(" ", "")  # a value token may span spaces (≥95 %)


@functools.lru_cache(maxsize=16384)
def _line_tokens(line: str) -> tuple[tuple[str, int, int], ...]:
    """(text, start, end) of the tokens of one line (lines repeat across copied tables: cached)."""
    return tuple((t.text, t.startchar, t.endchar)
                 for t in _SNIPPET_ANALYZER(line, positions=True, chars=True, mode="index", removestops=False))


def snippet(text: str, words: frozenset[str], *, top: int = 2) -> str:
    """Up to ``top`` fragments of ``text`` with the tokens in ``words`` marked; ``""`` if none matches.

    Only the lines that contain one of the words are tokenised (a word is a token of the
    normalised text without spaces, so a line without it as a substring cannot match).
    """
    tokens: list[Any] = []
    start = 0
    for line in text.split("\n"):
        folded = _folded(line)
        if any(w in folded for w in words):
            tokens.extend(_Tok(t, start + a, start + b, t in words) for t, a, b in _line_tokens(line))
        start += len(line) + 1
    if not any(t.matched for t in tokens):
        return ""
    fragments = _HIGHLIGHTER.fragmenter.fragment_tokens(text, _HIGHLIGHTER._merge_matched_tokens(tokens))
    fragments = top_fragments(fragments, top, _HIGHLIGHTER.scorer, _HIGHLIGHTER.order, minscore=1)
    return " ".join(_HIGHLIGHTER.formatter.format(fragments).split())


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
        searcher = self._live()
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
