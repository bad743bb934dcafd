"""Highlighted snippets of a hit's stored text: the matched words between « and ».

Only the lines that contain a query word are tokenised, and a line's tokens are cached
(lines repeat across copied tables); whoosh's highlighter cuts and ranks the fragments.
"""

from __future__ import annotations

import functools
from typing import Any

from whoosh.highlight import ContextFragmenter, Formatter, Highlighter, get_text

from index.analyzer import make_analyzer
from nlp.tokenize import normalize_text

__all__ = ["HIGHLIGHT_END", "HIGHLIGHT_START", "snippet"]

#: marks around a matched word inside a highlight snippet
HIGHLIGHT_START = "«"
HIGHLIGHT_END = "»"


class _MarkFormatter(Formatter):
    between = " … "

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"{HIGHLIGHT_START}{get_text(text, token, replace)}{HIGHLIGHT_END}"


_HIGHLIGHTER = Highlighter(fragmenter=ContextFragmenter(maxchars=80, surround=24), formatter=_MarkFormatter())
_SNIPPET_ANALYZER = make_analyzer()


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
    # best-scored first, ties to the earlier fragment (whoosh's own top_fragments breaks ties by object
    # address, so the same query could show different snippets from one call to the next)
    scored = sorted(((_HIGHLIGHTER.scorer(f), f.startchar, f) for f in fragments), key=lambda x: (-x[0], x[1]))
    fragments = sorted((f for score, _, f in scored[:top] if score >= 1), key=lambda f: f.startchar)
    return " ".join(_HIGHLIGHTER.formatter.format(fragments).split())
