"""The text forms that print no cell separators, and how sure each of their readers is.

Glued tables (:mod:`nlp.readers.glued`), flattened single-line forms
(:mod:`nlp.readers.flattened`), column-major runs (:mod:`nlp.readers.colmajor`),
scoring frameworks (:mod:`nlp.readers.framework`) and prose (:mod:`nlp.readers.prose`).
Each reader module offers ``looks_like(lines) -> float`` (0: not mine … 1: certainly
mine) and ``read(lines, file) -> Sheet``. Form detection asks :func:`best_form` first:
these forms are recognised by positive evidence (a glued header, tier headings in
prose …) that the forms with separators never show.
"""

from __future__ import annotations

import importlib

from nlp.table import Sheet

__all__ = ["FORMS", "THRESHOLD", "best_form", "read_form"]

#: reader name → module, in the order ties are broken
FORMS: dict[str, str] = {
    "glued": "nlp.readers.glued",
    "flattened": "nlp.readers.flattened",
    "colmajor": "nlp.readers.colmajor",
    "framework": "nlp.readers.framework",
    "prose": "nlp.readers.prose",
}

#: the score from which a reader of this module takes the text
THRESHOLD = 0.5


def _module(name: str):
    return importlib.import_module(FORMS[name])


def best_form(lines: list[str]) -> tuple[str, float] | None:
    """The form whose reader is surest the text is its own, with its score (None below the threshold)."""
    best: tuple[str, float] | None = None
    for name in FORMS:
        score = _module(name).looks_like(lines)
        if score >= THRESHOLD and (best is None or score > best[1]):
            best = (name, score)
    return best


def read_form(name: str, lines: list[str], file: str = "") -> Sheet:
    """Read ``lines`` with the reader of form ``name``."""
    return _module(name).read(lines, file)
