"""Rows on one line whose cells are separated by runs of spaces.

Each non-blank line is a row; its cells are the runs of non-space text. Cells that
hold spaces themselves come apart here; the interpreter reads rows against the
header by content (labels, operators, numbers), which tolerates that for the names
and values of most rows. A header whose cells were broken over two lines
(``年度 实际`` over ``指标值 完成值``) is joined back: each word of the first line that
is not a header word on its own takes the next word of the second line when the two
together make one.
"""

from __future__ import annotations

from nlp.interpret.vocab import header_role
from nlp.table import Cell, Row, Sheet, Table

__all__ = ["read_spaced"]


def _tokens(line: str, lineno: int) -> list[Cell]:
    return [Cell(t, lineno) for t in line.split()]


def _join_broken_header(first: list[Cell], second: list[Cell]) -> list[Cell] | None:
    if not second or not all(header_role(c.text) for c in second):
        return None
    if not any(header_role(c.text) in ("tier", "sub", "name") for c in first):
        return None
    rest = list(second)
    out: list[Cell] = []
    joined = 0
    for c in first:
        if header_role(c.text) is None and rest and header_role(c.text + rest[0].text):
            nxt = rest.pop(0)
            out.append(Cell(c.text + nxt.text, c.line, nxt.line))
            joined += 1
        else:
            out.append(c)
    return out if joined and not rest else None


def read_spaced(lines: list[str]) -> Sheet:
    rows: list[Row] = []
    i, n = 0, len(lines)
    while i < n:
        if not lines[i].strip():
            i += 1
            continue
        cells = _tokens(lines[i], i + 1)
        if i + 1 < n and lines[i + 1].strip():
            joined = _join_broken_header(cells, _tokens(lines[i + 1], i + 2))
            if joined is not None:
                rows.append(Row(tuple(joined)))
                i += 2
                continue
        rows.append(Row(tuple(cells)))
        i += 1
    return Sheet(blocks=(Table(rows=tuple(rows)),), reader="spaced")
