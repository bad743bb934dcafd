"""The whoosh analyzer of the project index, built on :func:`nlp.tokenize.token_spans`.

Not jieba's ``ChineseAnalyzer``: that one drops digits, ``%`` and every other
one-character non-Han token, and stores character offsets where whoosh expects
word positions, so phrase queries never match.

How text becomes terms:

* at **index** time, SEARCH-mode segmentation: a long word also yields the
  dictionary words inside it (城乡居民养老保险 → 城乡, 居民, 养老, 保险, …), so a query
  养老 finds it;
* at **query** time (whoosh passes ``mode="query"``), PRECISE segmentation: one term
  per word, joined with AND by the query parser;
* a token's position (``pos``) is the number of non-space characters before it.
  Sub-words therefore sit at their own place inside the long word, and a phrase
  query (:class:`index.phrase.AdjacentPhrase`) checks that the words follow each
  other character by character, whatever the segmentation of the long word was;
* ``startchar``/``endchar`` are offsets into the original text (for highlighting);
* Latin letters are lower-cased; punctuation and function words
  (:data:`nlp.tokenize.STOPWORDS_ZH`) are dropped; numbers, ``%`` and operators are kept;
* a value written as operator + number + ``%`` (``≥90%``, ``≥ 135``, ``100%``) is also
  one token (:func:`value_runs`): at index time beside its pieces, at query time instead
  of them, so ``≥90%`` is one term lookup and matches only where it is written so.

Changing any of this changes the terms in the index: bump :data:`ANALYZER_VERSION`.
"""

from __future__ import annotations

import re
from array import array
from functools import lru_cache
from typing import Any, Iterator

from whoosh.analysis import Composable, Token, Tokenizer

from nlp.tokenize import STOPWORDS_ZH, SegmentMode, TokenSpan, token_spans

__all__ = [
    "ANALYZER_VERSION",
    "Segmented",
    "ZhTokenizer",
    "ZhStopFilter",
    "make_analyzer",
    "nonspace_offsets",
    "segmented",
    "value_runs",
]

#: recorded in the index; a different value means the index must be rebuilt
ANALYZER_VERSION = "zh-4"

_VALUE_OPERATORS = frozenset("≥≤><=")
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")


def nonspace_offsets(text: str) -> list[int]:
    """``out[i]`` = number of non-white-space characters in ``text[:i]`` (``len(out) == len(text) + 1``)."""
    out = [0] * (len(text) + 1)
    n = 0
    for i, ch in enumerate(text):
        out[i] = n
        if not (ch.isspace() or ch == "\u200b"):
            n += 1
    out[len(text)] = n
    return out


def value_runs(spans: list[TokenSpan], offsets: list[int]) -> dict[int, tuple[int, TokenSpan]]:
    """Runs ``operator? number %?`` of at least two tokens with nothing but spaces between them.

    :param offsets: :func:`nonspace_offsets` of the text of ``spans``.
    :returns: index of the run's first span → (index of its last span, the run as one token).
    """
    runs: dict[int, tuple[int, TokenSpan]] = {}

    def adjacent(a: TokenSpan, b: TokenSpan) -> bool:
        return offsets[a.end] == offsets[b.start]

    for i, span in enumerate(spans):
        if not _NUMBER_RE.fullmatch(span.text):
            continue
        first = last = i
        if i > 0 and spans[i - 1].text in _VALUE_OPERATORS and adjacent(spans[i - 1], span):
            first = i - 1
        if i + 1 < len(spans) and spans[i + 1].text == "%" and adjacent(span, spans[i + 1]):
            last = i + 1
        if first < last:
            text = "".join(s.text for s in spans[first:last + 1])
            runs[first] = (last, TokenSpan(text, spans[first].start, spans[last].end))
    return runs


@lru_cache(maxsize=64)
def _segment(value: str, query: bool) -> tuple[tuple[TokenSpan, ...], list[int]]:
    """The spans of ``value`` (values whole, see :func:`value_runs`) and its non-space offsets.

    Cached for the last few texts: an index build reads each field once for the numpy
    postings and once more when whoosh indexes it.
    """
    seg_mode = SegmentMode.PRECISE if query else SegmentMode.SEARCH
    raw = token_spans(value, mode=seg_mode)
    offsets = nonspace_offsets(value)
    runs = value_runs(raw, offsets)
    spans: list[TokenSpan] = raw
    if runs:
        spans, skip_to = [], -1
        for i, span in enumerate(raw):
            if i in runs:
                last, whole = runs[i]
                spans.append(whole)
                if query:
                    skip_to = last  # the query looks the value up whole
            if i > skip_to:
                spans.append(span)
    return tuple(spans), offsets


class Segmented(str):
    """A text that carries its index-time tokens, so that whoosh does not segment it again.

    The index builder segments each long field once for the numpy postings; whoosh's
    writer (in its worker processes too: the value is pickled with its tokens) then reads
    them instead of calling the tokeniser. Only for fields that are not stored; only
    texts and positions are carried (two flat objects: cheap to pickle), so a caller
    that asks for character offsets gets the text segmented again.
    """

    words: str  #: the token texts joined by :data:`_SEP`
    positions: array  #: the position of each token


_SEP = "\x1f"  # a control character: never part of a token


def segmented(value: str) -> Segmented:
    """``value`` with its index-mode tokens attached (see :class:`Segmented`)."""
    spans, offsets = _segment(value, False)
    out = Segmented(value)
    out.words = _SEP.join(s.text for s in spans)
    out.positions = array("i", [offsets[s.start] for s in spans])
    return out


class ZhTokenizer(Tokenizer):
    """Chinese-aware whoosh tokenizer: SEARCH segmentation when indexing, PRECISE when querying.

    A plain class without state, so the schema (which whoosh pickles into the index) can be pickled.
    """

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__

    def __hash__(self) -> int:
        return hash(self.__class__.__name__)

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        if mode != "query" and not chars and isinstance(value, Segmented):
            words = value.words.split(_SEP) if value.positions else []
            items: Any = ((w, p, 0, 0) for w, p in zip(words, value.positions))
        else:
            spans, offsets = _segment(value, mode == "query")
            items = ((s.text, offsets[s.start], s.start, s.end) for s in spans)
        for text, pos, start, end in items:
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class ZhStopFilter(Composable):
    """Lower-case Latin letters and drop :data:`STOPWORDS_ZH` without renumbering positions.

    (whoosh's ``StopFilter`` would also drop every one-character token and renumber positions.)
    """

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__

    def __hash__(self) -> int:
        return hash(self.__class__.__name__)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            text = t.text.lower()
            if text in STOPWORDS_ZH:
                if not t.removestops:
                    t.stopped = True
                    yield t
                continue
            t.text = text
            yield t


def make_analyzer() -> Composable:
    """The analyzer of every full-text field of the project index."""
    return ZhTokenizer() | ZhStopFilter()
