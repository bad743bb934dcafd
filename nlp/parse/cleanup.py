"""Strip extraction debris from source lines: Word field codes, bookmarks and HTML tags.

Every function here keeps the number of lines unchanged, so line numbers still
point into the source file.
"""

from __future__ import annotations

import html
import re

__all__ = ["clean_line", "split_lines", "strip_field_code", "strip_html"]

#: ``[bookmark: _Toc_2_2_0000000001]`` left by DOCX-to-text converters
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
#: a Word TOC field ``TC 1、…绩效目标表 \f C \l 1`` at the end of a heading
_FIELD_CODE = re.compile(r"\s+TC\s.*?\\f\s*\S+\s*\\l\s*\d+\s*$")
#: an HTML/XML tag such as ``<p>``, ``</p>``, ``<ol style="…">``, ``<br/>`` (not ``<70差``)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")


def strip_field_code(line: str) -> str:
    """Remove a trailing Word ``TC … \\f X \\l N`` field code and any ``[bookmark: …]`` markers."""
    if "[bookmark:" in line:
        line = _BOOKMARK.sub("", line)
    if "\\l" in line:
        line = _FIELD_CODE.sub("", line)
    return line


def strip_html(text: str) -> str:
    """Remove HTML tags and decode entities (``<p>1. …</p>`` → ``1. …``); other ``<`` are kept."""
    if "<" in text:
        text = _TAG.sub("", text)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    return text


def clean_line(line: str) -> str:
    """One source line without field codes, bookmarks, HTML tags or a trailing carriage return."""
    return strip_html(strip_field_code(line.rstrip("\r")))


def split_lines(text: str) -> list[str]:
    """Split a document into cleaned lines; index ``i`` is source line ``i + 1``.

    A leading byte-order mark is dropped. Only ``\\n`` (with an optional ``\\r``)
    ends a line, so line numbers match ``grep -n`` and editors.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    return [clean_line(line) for line in text.split("\n")]
