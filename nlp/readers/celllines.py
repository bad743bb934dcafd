"""One cell per line: the forms a web table takes when each cell is copied onto its own line.

* cells ending in `` |`` with a lone ``|`` for an empty cell, rows closed by a line made
  only of two or more pipes → a stream of cells (a lone ``|`` also opens rows, so the
  closing runs do not delimit rows reliably);
* cells on their own lines separated by lines holding a single ``|`` (an extra ``|``
  is an empty cell) → a stream of cells;
* cells as paragraphs separated by blank lines, or indented by four spaces with
  white-space-only filler lines; a line holding only a space or two is an empty cell
  (consecutive blank lines are not) → a stream of cells.

Rows of a stream are not marked in the input; the interpreter groups the cells
against the header (``Table.stream``).
"""

from __future__ import annotations

from nlp.table import Cell, Row, Sheet, Table

__all__ = ["read_celllines"]

def _is_close(s: str) -> bool:
    """A line made only of two or more pipes (and spaces): a row's closing run."""
    return s.count("|") >= 2 and not s.replace("|", "").strip()


def _cell_of(s: str) -> str:
    """The cell of a stripped line ``text |`` (the terminating pipe dropped)."""
    return s[:-1].rstrip() if s.endswith("|") else s


def _terminated(lines: list[str]) -> bool:
    ended = bare = 0
    for ln in lines:
        s = ln.strip()
        if not s:
            continue
        if "|" not in s:
            bare += 1
        elif s.endswith("|") and s != "|" and not _is_close(s):
            ended += 1
    return ended > bare


def _terminated_form(lines: list[str]) -> Sheet:
    # the closing runs are not reliable row ends (a lone ``|`` both opens rows and stands for an
    # empty cell), so the cells go to the interpreter as a stream, empty cells kept
    cells: list[Cell] = []
    for i, line in enumerate(lines, start=1):
        s = line.strip()
        if not s:
            continue
        if s[0] == "|":
            if s == "|":
                cells.append(Cell("", i))
                continue
            if _is_close(s):
                continue
        cells.append(Cell(s[:-1].rstrip() if s[-1] == "|" else s, i))
    return Sheet(blocks=(Table(rows=(Row(tuple(cells)),), stream=True),), reader="celllines")


def _stream_form(lines: list[str]) -> Sheet:
    cells: list[Cell] = []
    bars = sum(1 for ln in lines if ln.strip() == "|")
    if bars:
        prev_bar = True
        for i, line in enumerate(lines, start=1):
            s = line.strip()
            if s == "|":
                if prev_bar:
                    cells.append(Cell("", i))
                prev_bar = True
                continue
            if not s:
                continue
            cells.append(Cell(s.rstrip("|").strip(), i))
            prev_bar = False
        reader = "barlines"
    else:
        joined = False  # lines of one paragraph (no blank line between) are one cell
        for i, line in enumerate(lines, start=1):
            if not line.strip():
                # a line holding only a space or two is a printed empty cell; longer filler and
                # consecutive blank lines separate cells
                if line and len(line) <= 2:
                    cells.append(Cell("", i))
                joined = False
                continue
            if joined and cells and len(cells[-1].text) < 40 and len(line.strip()) < 40:
                last = cells[-1]
                cells[-1] = Cell(last.text + line.strip(), last.line, i)
                continue
            cells.append(Cell(line.strip(), i))
            joined = True
        reader = "paragraphs"
    return Sheet(blocks=(Table(rows=(Row(tuple(cells)),), stream=True),), reader=reader)


def read_celllines(lines: list[str]) -> Sheet:
    if _terminated(lines):
        return _terminated_form(lines)
    return _stream_form(lines)
