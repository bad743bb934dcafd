"""Stable identity of one indicator row: ``indicator_id``.

An indicator is identified by the content of the document it was read from and by what
is printed in its row, never by where the document lives or what it is called:

    sha256(document sha256 | project name | 三级指标 | 指标描述 | 指标值 | k)[:20]

``k`` counts earlier rows of the same document with the same four values (a table copied
twice in one disclosure), so every row of a document has its own id. Re-ingesting the same
file (same bytes), under any name or path, gives every row the same id again, and so does
a parser change that reads these cells the same way; a changed document is a new document
and its rows get new ids. Two stored copies of one file share their ids: a label given to
one is a label on both, which is what a reviewer means (the rows are the same text).
"""

from __future__ import annotations

import hashlib
from typing import Iterator

from nlp.records import Indicator, ParsedDocument, Project

__all__ = ["indicator_id", "document_indicator_ids", "text_id"]

#: hex digits kept of the sha256 (80 bits: no collision among billions of rows)
ID_LENGTH = 20


def _digest(*parts: str) -> str:
    h = hashlib.sha256("\x1f".join(parts).encode("utf-8"))
    return h.hexdigest()[:ID_LENGTH]


def indicator_id(doc_sha256: str, project_name: str, name: str, desc: str, value: str, occurrence: int = 0) -> str:
    """The id of a row (see the module docstring); ``occurrence`` = earlier identical rows in the document."""
    return _digest(doc_sha256, project_name, name, desc or "", value or "", str(occurrence))


def text_id(name: str, desc: str | None, value: str | None) -> str:
    """The id of an indicator known only by its text (a labelled row that is not in the store)."""
    return "t" + _digest("text", name, desc or "", value or "")[1:]


def document_indicator_ids(parsed: ParsedDocument) -> Iterator[tuple[Project, Indicator, str]]:
    """Every indicator row of a document with its id, in document order."""
    seen: dict[tuple[str, str, str, str], int] = {}
    sha = parsed.document.sha256
    for project in parsed.projects:
        for ind in project.indicators:
            key = (project.name, ind.name, ind.desc, ind.value)
            k = seen.get(key, 0)
            seen[key] = k + 1
            yield project, ind, indicator_id(sha, project.name, ind.name, ind.desc, ind.value, k)
