"""Phrase query over character-offset positions (see :mod:`index.analyzer`).

Token positions in the index are non-space character offsets, so the words of a
phrase match when each one starts exactly where the text says it should:
``"居民养老"`` is 居民 at *p* and 养老 at *p + 2*. whoosh's own ``Phrase`` expects
word positions *p, p + 1, …* and cannot be used on this index.
"""

from __future__ import annotations

from typing import Any, Sequence

from whoosh import matching
from whoosh.query import And, Phrase, Term
from whoosh.query.qcore import QueryError
from whoosh.query.spans import Span, SpanWrappingMatcher
from whoosh.matching.binary import IntersectionMatcher
from whoosh.util import make_binary_tree

__all__ = ["AdjacentPhrase"]


class AdjacentPhrase(Phrase):
    """Documents where ``words[i]`` starts ``offsets[i]`` non-space characters after ``words[0]``.

    :param offsets: one per word, ``offsets[0] == 0``, increasing.
    """

    def __init__(
        self,
        fieldname: str,
        words: Sequence[str],
        offsets: Sequence[int],
        boost: float = 1.0,
        char_ranges: Sequence[tuple[int, int]] | None = None,
    ) -> None:
        if len(offsets) != len(words):
            raise ValueError("one offset per word")
        super().__init__(fieldname, list(words), slop=1, boost=boost, char_ranges=char_ranges)
        self.offsets = list(offsets)

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and getattr(other, "offsets", None) == self.offsets

    def __hash__(self) -> int:
        return super().__hash__() ^ hash(tuple(self.offsets))

    def __repr__(self) -> str:
        return f"AdjacentPhrase({self.fieldname!r}, {self.words!r}, offsets={self.offsets!r}, boost={self.boost:f})"

    def normalize(self) -> Any:
        if not self.words:
            return super().normalize()
        if len(self.words) == 1:
            return Term(self.fieldname, self.words[0], boost=self.boost)
        return self

    def replace(self, fieldname: str, oldtext: str, newtext: str) -> Any:
        q = super().replace(fieldname, oldtext, newtext)
        q.offsets = list(self.offsets)
        return q

    def _and_query(self) -> And:
        return And([Term(self.fieldname, w) for w in self.words])

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        fieldname = self.fieldname
        if fieldname not in searcher.schema:
            return matching.NullMatcher()
        field = searcher.schema[fieldname]
        if not field.format or not field.format.supports("positions"):
            raise QueryError(f"Phrase search: {fieldname!r} field has no positions")
        reader = searcher.reader()
        ms = []
        for word in self.words:
            if (fieldname, field.to_bytes(word)) not in reader:
                return matching.NullMatcher()
            ms.append(Term(fieldname, word).matcher(searcher, context))
        m = _AdjacentMatcher(ms, self.offsets)
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m


class _AdjacentMatcher(SpanWrappingMatcher):
    def __init__(self, ms: list[Any], offsets: list[int]) -> None:
        self.ms = ms
        self.offsets = offsets
        super().__init__(make_binary_tree(IntersectionMatcher, ms))

    def copy(self) -> _AdjacentMatcher:
        return self.__class__([m.copy() for m in self.ms], self.offsets)

    def replace(self, minquality: float = 0) -> Any:
        if not self.is_active():
            return matching.NullMatcher()
        return self

    def _get_spans(self) -> list[Span]:
        starts = [s.start for s in self.ms[0].spans()]
        later = [{s.start for s in m.spans()} for m in self.ms[1:]]
        last = self.offsets[-1]
        return [
            Span(p, p + last)
            for p in starts
            if all(p + off in positions for off, positions in zip(self.offsets[1:], later))
        ]
