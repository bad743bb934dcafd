"""Pipe rows: one table row per line, cells separated by ``|``.

Forms seen in pages copied as text: `` a | b | c |`` with a trailing run of pipes that
pads every line to the same count (``| |||||``), lines that all start with ``| ``
(spreadsheet exports), and stray lines holding only pipes. The padding run is not a
run of empty cells and is dropped; a leading pipe is dropped when the table's lines
usually start with one (otherwise it marks an empty first cell, as when a wrapped row
continues on the next line). Page markers between table lines (``第2页``, ``- 3 -``) are
dropped; other lines without a pipe are paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import replace

from nlp.table import Block, Cell, Paragraph, Row, Sheet, Table

__all__ = ["read_pipe", "read_tabs", "is_pipe_line"]

#: a page marker or page header line that can fall inside a table: ``第2页``, ``- 3 -``, ``2/5``, ``…_第1页``
PAGE_MARKER = re.compile(r"^\s*(?:.{0,40}_)?(?:第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|-\s*\d+\s*-|\d+\s*/\s*\d+|\d+、?)\s*$")


def is_pipe_line(line: str) -> bool:
    return "|" in line


def _cells(line: str, lineno: int, strip_lead: bool) -> tuple[Cell, ...]:
    text = line.strip()
    if strip_lead and text.startswith("|"):
        text = text[1:]
    text = text.rstrip("| \t")  # the trailing run of pipes is padding
    if not text.strip():
        return ()
    return tuple(Cell(part.strip(), lineno) for part in text.split("|"))


def _page_marker(line: str) -> bool:
    s = line.strip()
    return len(s) <= 60 and ("页" in s or s[:1] in "-0123456789") and bool(PAGE_MARKER.match(line))


def _leading_pipes(lines: list[str]) -> bool:
    """Do the text's pipe lines usually start with a pipe (an export that opens every row with one)?"""
    body = [ln for ln in lines if "|" in ln and ln.strip("| \t")]
    lead = sum(1 for ln in body if ln.lstrip().startswith("|"))
    return lead * 2 > len(body)


def _table(lines: list[str], start: int, end: int, strip_lead: bool) -> Table:
    out: list[Row] = []
    prev_open = False  # the previous table line ended without a pipe: its row continues
    for i in range(start, end):
        if not lines[i].strip() or _page_marker(lines[i]):
            continue
        cells = _cells(lines[i], i + 1, strip_lead)
        if prev_open and cells and not cells[0].text and lines[i].lstrip().startswith("|"):
            # that pipe separates the cut cell from the next one: the row goes on here
            cells = tuple(replace(c, role="continues") if k == 0 else c for k, c in enumerate(cells[1:]))
        out.append(Row(cells))
        prev_open = not lines[i].rstrip().endswith("|")
    rows = tuple(out)
    return Table(rows=tuple(r for r in rows if r.cells) or rows[:0])


def read_pipe(lines: list[str]) -> Sheet:
    blocks: list[Block] = []
    strip_lead = _leading_pipes(lines)
    i, n = 0, len(lines)

    def inside(j: int) -> bool:
        # blank lines and page markers between two pipe lines stay inside the table
        if is_pipe_line(lines[j]):
            return True
        if lines[j].strip() and not _page_marker(lines[j]):
            return False
        k = j + 1
        while k < n and (not lines[k].strip() or _page_marker(lines[k])):
            k += 1
        return k < n and is_pipe_line(lines[k])

    while i < n:
        if is_pipe_line(lines[i]):
            j = i
            while j < n and inside(j):
                j += 1
            blocks.append(_table(lines, i, j, strip_lead))
            i = j
            continue
        if lines[i].strip():
            blocks.append(Paragraph(lines[i].strip(), i + 1))
        i += 1
    return Sheet(blocks=tuple(blocks), reader="pipe")


def read_tabs(lines: list[str]) -> Sheet:
    """Tab rows (a table copied from a spreadsheet or a web page): one row per line, cells between tabs.

    A leading tab is an empty first cell; trailing empty cells are dropped. Lines without a tab
    are paragraphs.
    """
    blocks: list[Block] = []
    rows: list[Row] = []
    for i, line in enumerate(lines, start=1):
        if "\t" in line and line.strip():
            parts = line.rstrip().split("\t")
            while parts and not parts[-1].strip():
                parts.pop()
            rows.append(Row(tuple(Cell(p.strip(), i) for p in parts)))
            continue
        if rows:
            blocks.append(Table(rows=tuple(rows)))
            rows = []
        if line.strip() and not PAGE_MARKER.match(line):
            blocks.append(Paragraph(line.strip(), i))
    if rows:
        blocks.append(Table(rows=tuple(rows)))
    return Sheet(blocks=tuple(blocks), reader="tabs")
