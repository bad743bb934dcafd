"""Pipe rows: one table row per line, cells separated by ``|``.

Forms seen in pages copied as text: `` a | b | c |`` with a trailing run of pipes that
pads every line to the same count (``| |||||``), lines that all start with ``| ``
(spreadsheet exports), and stray lines holding only pipes. The padding run is not a
run of empty cells and is dropped; a leading pipe is dropped when the table's lines
usually start with one (otherwise it marks an empty first cell, as when a wrapped row
continues on the next line). Lines without a pipe are paragraphs.
"""

from __future__ import annotations

import re

from nlp.table import Block, Cell, Paragraph, Row, Sheet, Table

__all__ = ["read_pipe", "is_pipe_line"]

_TRAILING = re.compile(r"(?:\s*\|)+\s*$")


def is_pipe_line(line: str) -> bool:
    return "|" in line


def _cells(line: str, lineno: int, strip_lead: bool) -> tuple[Cell, ...]:
    text = line.rstrip()
    if strip_lead and text.lstrip().startswith("|"):
        text = text.lstrip()[1:]
    text = _TRAILING.sub("", text)
    if not text.strip():
        return ()
    return tuple(Cell(part.strip(), lineno) for part in text.split("|"))


def _table(lines: list[str], start: int, end: int) -> Table:
    body = [lines[i] for i in range(start, end) if lines[i].strip()]
    lead = sum(1 for ln in body if ln.lstrip().startswith("|") and ln.strip("| \t"))
    strip_lead = lead * 2 > len([ln for ln in body if ln.strip("| \t")])
    rows = tuple(Row(_cells(lines[i], i + 1, strip_lead)) for i in range(start, end) if lines[i].strip())
    return Table(rows=tuple(r for r in rows if r.cells) or rows[:0])


def read_pipe(lines: list[str]) -> Sheet:
    blocks: list[Block] = []
    i, n = 0, len(lines)
    while i < n:
        if is_pipe_line(lines[i]):
            j = i
            while j < n and (is_pipe_line(lines[j]) or (not lines[j].strip() and j + 1 < n and is_pipe_line(lines[j + 1]))):
                j += 1
            blocks.append(_table(lines, i, j))
            i = j
            continue
        if lines[i].strip():
            blocks.append(Paragraph(lines[i].strip(), i + 1))
        i += 1
    return Sheet(blocks=tuple(blocks), reader="pipe")
