"""Searching the project index: a pure library call that returns frozen dataclasses.

Query language (whoosh's, with our analyzer): words are ANDed (``创业 担保``),
``OR`` / ``NOT`` / parentheses combine them, ``"quoted text"`` is an exact phrase,
``field:word`` searches one field (``name``, ``targets``, ``funds_use``,
``indicators``, ``department``, ``code``). A run of Chinese without spaces is cut
into words that must all appear (in any field); the same run kept whole also
scores, and matches a project code exactly.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Sequence

from whoosh import index as whoosh_index
from whoosh.highlight import ContextFragmenter, Formatter, Highlighter, get_text
from whoosh.qparser import MultifieldParser, syntax
from whoosh.qparser.plugins import Plugin
from whoosh.query import And, NullQuery, NumericRange, Or, Query, Term
from whoosh.searching import Searcher
from whoosh.sorting import FieldFacet, MultiFacet, ScoreFacet

from index.analyzer import nonspace_offsets
from index.build import current_generation, read_info
from index.phrase import AdjacentPhrase
from index.schema import FIELD_BOOSTS, FULLTEXT_FIELDS
from nlp.errors import JixiaoError
from nlp.tokenize import STOPWORDS_ZH, SegmentMode, token_spans

__all__ = [
    "HIGHLIGHT_END",
    "HIGHLIGHT_START",
    "TIERS",
    "Highlight",
    "QueryError",
    "SearchHit",
    "SearchResult",
    "SortKey",
    "YearRange",
    "parse_years",
    "search_projects",
]

#: marks around a matched word inside a highlight snippet
HIGHLIGHT_START = "«"
HIGHLIGHT_END = "»"

TIERS = ("产出", "效益", "满意度", "成本")


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


@dataclass(frozen=True)
class SearchResult:
    query: str
    total: int  #: matching projects (all pages)
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

_SEARCH_FIELDS = tuple(FIELD_BOOSTS)
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
    for span in token_spans(text, mode=SegmentMode.PRECISE):
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
        if not field.format.supports("positions"):
            return parser.term_query(fieldname, self.text, Term, boost=self.boost)
        return AdjacentPhrase(fieldname, self.pieces, self.offsets, boost=self.boost)


class _SplitWords(Plugin):
    """Turn a word made of several (创业担保贷款) into ``创业担保贷款-as-a-phrase OR (创业 AND 担保 AND 贷款)``.

    Runs before the words are spread over the fields, so each piece may match in a
    different field; the phrase scores extra where the word appears as written
    (and matches a project code exactly).
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
                    each = syntax.AndGroup([_word(w, node) for w in pieces])
                    whole.startchar, whole.endchar = node.startchar, node.endchar
                    group[i] = syntax.OrGroup([whole, each], boost=node.boost)
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
        if name not in _SEARCH_FIELDS:
            raise QueryError(
                f"{qstring!r}: unknown field {name!r}; use one of {', '.join(_SEARCH_FIELDS)} (or no field)"
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
    return q


def _only_null(q: Query) -> bool:
    return all(leaf is NullQuery for leaf in q.leaves())


# ---------------------------------------------------------------- searching


class _MarkFormatter(Formatter):
    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"{HIGHLIGHT_START}{get_text(text, token, replace)}{HIGHLIGHT_END}"


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
        if tier not in TIERS:
            raise QueryError(f"--tier {tier!r}: use one of {', '.join(TIERS)}")
        parts.append(Term("tiers", tier))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)


def _relevance(score: Any) -> float:
    """The relevance score of a hit; when sorted by (field, score) whoosh gives the sort key (…, -score)."""
    if isinstance(score, tuple):
        return -float(score[-1])
    return float(score or 0.0)


def _hit(hit: Any) -> SearchHit:
    f = hit.fields()
    highlights = []
    for name in FULLTEXT_FIELDS:
        text = " ".join(hit.highlights(name, top=2).split())
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
        score=round(_relevance(hit.score), 4),
        highlights=tuple(highlights),
    )


def _open(index_dir: Path, attempts: int = 3) -> whoosh_index.Index:
    for attempt in range(attempts):
        generation = current_generation(index_dir)
        read_info(generation)
        try:
            return whoosh_index.open_dir(str(generation))
        except (OSError, whoosh_index.EmptyIndexError):
            if attempt == attempts - 1:  # swapped and removed by a rebuild between the two reads
                raise
    raise AssertionError("unreachable")


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

    :param dept: keep projects whose department name contains this text.
    :param tier: keep projects with at least one indicator of this 一级 tier.
    """
    if limit < 1 or page < 1:
        raise QueryError("--limit and --page must be at least 1")
    ix = _open(index_dir)
    try:
        q = parse_query(query, ix.schema)
        with ix.searcher() as searcher:
            flt = _filter(searcher, years, dept, tier)
            if flt is NullQuery:
                return SearchResult(query=query, total=0, page=page, limit=limit, hits=())
            kwargs: dict[str, Any] = {"filter": flt} if flt is not None else {}
            if sort is not SortKey.SCORE:
                key = "year" if sort is SortKey.YEAR else "budget_wan"
                kwargs["sortedby"] = MultiFacet([FieldFacet(key, reverse=True), ScoreFacet()])
            results = searcher.search_page(q, page, pagelen=limit, terms=True, **kwargs)
            results.results.highlighter = Highlighter(
                fragmenter=ContextFragmenter(maxchars=80, surround=24), formatter=_MarkFormatter()
            )
            total = len(results.results)
            hits = tuple(_hit(h) for h in results) if page <= results.pagecount else ()  # whoosh clamps the page
    finally:
        ix.close()
    return SearchResult(query=query, total=total, page=page, limit=limit, hits=hits)
