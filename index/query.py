"""The search query language: parsing a query string into a whoosh query.

Words are ANDed (``创业 担保``), ``OR`` / ``NOT`` / parentheses combine them,
``"quoted text"`` is an exact phrase, ``field:word`` searches one field (``name``,
``code``, ``department`` or ``text``, which holds everything). A run of Chinese without
spaces is cut into words that must all appear; the same run kept whole also scores
(:class:`index.phrase.AdjacentPhrase` in the name), and matches a project code exactly.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Sequence

from whoosh.qparser import MultifieldParser, syntax
from whoosh.qparser.plugins import Plugin
from whoosh.query import And, AndMaybe, AndNot, Not, NullQuery, Or, Phrase, Query, Term

from index.analyzer import nonspace_offsets, value_runs
from index.phrase import AdjacentPhrase
from index.schema import FIELD_BOOSTS, QUERY_FIELDS
from nlp.errors import JixiaoError
from nlp.tokenize import STOPWORDS_ZH, SegmentMode, token_spans

__all__ = ["QueryError", "parse_query", "query_words"]


class QueryError(JixiaoError):
    """The search query or one of its options cannot be understood."""


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
