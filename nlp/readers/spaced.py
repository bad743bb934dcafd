"""Rows on one line whose cells are separated by runs of spaces.

Each non-blank line is a row. Where the header's cells are separated by runs of two spaces
or more (columns padded to align), cells are split at such runs and keep their single
spaces; otherwise every run of non-space text is a cell. Cells that hold spaces then come
apart; the interpreter reads rows against the header by content (labels, operators,
numbers, short surplus words kept in the name), which tolerates that for most rows. A header whose cells were broken over two lines
(``年度 实际`` over ``指标值 完成值``) is joined back: each word of the first line that
is not a header word on its own takes the next word of the second line when the two
together make one.
"""

from __future__ import annotations

import re

from nlp.interpret.vocab import header_role
from nlp.table import Cell, Row, Sheet, Table

__all__ = ["read_spaced"]


_WIDE_GAP = re.compile(r"\s{2,}|\t")


def _tokens(line: str, lineno: int, wide: bool = False) -> list[Cell]:
    if wide:
        return [Cell(t.strip(), lineno) for t in _WIDE_GAP.split(line.strip()) if t.strip()]
    return [Cell(t, lineno) for t in line.split()]


def _wide_gaps(lines: list[str]) -> bool:
    """Columns padded with runs of spaces: the header's cells are separated by two spaces or more
    (cells may then hold single spaces)."""
    for line in lines:
        parts = [p for p in _WIDE_GAP.split(line.strip()) if p]
        if len(parts) >= 3 and sum(1 for p in parts if header_role(p)) >= 3:
            return True
    return False


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
    wide = _wide_gaps(lines)
    i, n = 0, len(lines)
    while i < n:
        if not lines[i].strip():
            i += 1
            continue
        cells = _tokens(lines[i], i + 1, wide)
        if i + 1 < n and lines[i + 1].strip():
            joined = _join_broken_header(cells, _tokens(lines[i + 1], i + 2, wide))
            if joined is not None:
                rows.append(Row(tuple(joined)))
                i += 2
                continue
        rows.append(Row(tuple(cells)))
        i += 1
    return Sheet(blocks=(Table(rows=tuple(rows)),), reader="spaced")
