"""Restoring merged cells and tables cut by pages: placed cells with spans in, grid tables out.

Native formats (HTML, DOCX, spreadsheets, ruled PDF tables) print a merged
cell once, with a row and column span. :class:`GridBuilder` places each
printed cell at its true grid position and, when the table is built, repeats
its text into every position the span covers as a ``spanned`` copy, so every
row of the result is as wide as the table and every cell sits at its column.
Rows that print no text of their own (empty, or only covered by spans from
above) are dropped; their source positions stay visible as gaps in the
``line`` numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.table import Block, Cell, Paragraph, Row, Table

__all__ = ["PAGE_NUMBER", "GridBuilder", "clean_text", "join_continued"]


def clean_text(text: str) -> str:
    """A cell's text as printed: lines stripped, blank lines dropped, no-break spaces made spaces.

    Spaces inside a line are kept as printed (letter-spaced labels such as
    ``产 出 指 标`` are the interpreter's to read).
    """
    lines = (line.replace("\u00a0", " ").strip() for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


@dataclass
class _Placed:
    text: str
    line: int
    line_end: int | None
    rowspan: int
    colspan: int


class GridBuilder:
    """Collects printed cells at grid positions, then builds the :class:`~nlp.table.Table`.

    Positions are 0-based (row, column) of the grid. A cell placed where an
    earlier span already covers the position is moved right to the next free
    column (what browsers do with overlapping HTML spans).
    """

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], _Placed] = {}
        self._covered: dict[tuple[int, int], tuple[int, int]] = {}  # position -> origin position
        self._row_lines: dict[int, int] = {}

    def next_free(self, row: int, col: int) -> int:
        """The first column at or after ``col`` in ``row`` no cell occupies yet."""
        while (row, col) in self._covered:
            col += 1
        return col

    def place(
        self,
        row: int,
        col: int,
        text: str,
        *,
        line: int,
        line_end: int | None = None,
        rowspan: int = 1,
        colspan: int = 1,
    ) -> int:
        """Put a printed cell at (row, col) or the next free column; return the column after it."""
        col = self.next_free(row, col)
        rowspan, colspan = max(1, rowspan), max(1, colspan)
        self._cells[(row, col)] = _Placed(text, line, line_end, rowspan, colspan)
        for r in range(row, row + rowspan):
            for c in range(col, col + colspan):
                self._covered.setdefault((r, c), (row, col))
        self._row_lines.setdefault(row, line)
        return col + colspan

    def extend(self, row: int, col: int, *, rows: int) -> None:
        """Make the cell at (row, col) span ``rows`` more rows (a vertical merge continued below it)."""
        placed = self._cells[(row, col)]
        start = row + placed.rowspan
        placed.rowspan += rows
        for r in range(start, start + rows):
            for c in range(col, col + placed.colspan):
                self._covered.setdefault((r, c), (row, col))

    def origin(self, row: int, col: int) -> tuple[int, int] | None:
        """The position of the printed cell covering (row, col), if any."""
        return self._covered.get((row, col))

    def text(self, row: int, col: int) -> str | None:
        """The text of the printed cell that starts at (row, col), None if no cell starts there."""
        placed = self._cells.get((row, col))
        return placed.text if placed is not None else None

    def spans_past(self, row: int, col: int) -> bool:
        """The printed cell covering (row, col) also covers the next row."""
        origin = self._covered.get((row, col))
        return origin is not None and origin[0] + self._cells[origin].rowspan > row + 1

    def append(self, row: int, col: int, text: str, *, line: int) -> None:
        """Add ``text`` to the end of the printed cell starting at (row, col) (the rest of a cell cut by a page)."""
        placed = self._cells[(row, col)]
        placed.text = placed.text + text
        placed.line_end = max(line, placed.line_end or placed.line)

    def set_row_line(self, row: int, line: int) -> None:
        """The source position of a grid row (used for the empty positions of that row)."""
        self._row_lines[row] = line

    def build(self, *, caption: str = "") -> Table | None:
        """The grid table, or None when no cell holds any text."""
        if not self._covered:
            return None
        n_rows = max(r for r, _ in self._covered) + 1
        width = max(c for _, c in self._covered) + 1
        rows: list[Row] = []
        for r in range(n_rows):
            line = self._row_lines.get(r)
            cells: list[Cell] = []
            for c in range(width):
                origin = self._covered.get((r, c))
                if origin is None:
                    cells.append(Cell("", line=line or 0, col=c))
                    continue
                placed = self._cells[origin]
                if origin == (r, c):
                    cells.append(
                        Cell(
                            placed.text,
                            line=placed.line,
                            line_end=placed.line_end,
                            col=c,
                            rowspan=placed.rowspan,
                            colspan=placed.colspan,
                        )
                    )
                else:
                    cells.append(
                        Cell(
                            placed.text,
                            line=line if line is not None else placed.line,
                            col=c,
                            rowspan=placed.rowspan,
                            colspan=placed.colspan,
                            spanned=True,
                        )
                    )
            if any(cell.text and not cell.spanned for cell in cells):
                rows.append(Row(tuple(cells)))
        if not rows:
            return None
        return Table(rows=tuple(rows), grid=True, caption=caption)


#: a paragraph that is only a page number: ``3``, ``- 3 -``, ``第3页``, ``第 3 页 共 9 页``, ``3/9``
PAGE_NUMBER = re.compile(
    r"^[\s\-—–·]*(?:第?\s*\d+\s*页?(?:\s*[,，]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)[\s\-—–·]*$"
)
#: how far into a table its header may sit (title and metadata rows above it)
_HEADER_DEPTH = 6


def join_continued(blocks: list[Block]) -> list[Block]:
    """Join a table to the one before it when it repeats that table's header: one table cut by a page.

    Publishers who split a long table by hand (or a converter that starts a
    new table on each page) print the header row again at the top of the
    next part. Two grid tables of the same width and caption, with nothing
    but page numbers between them, are joined when the second one's first
    row equals one of the first rows of the first (its header): the repeated
    rows are dropped and the page numbers with them.
    """
    out: list[Block] = []
    pending: list[Block] = []  # page numbers after the last table
    for block in blocks:
        if isinstance(block, Paragraph) and PAGE_NUMBER.match(block.text) and out and isinstance(out[-1], Table):
            pending.append(block)
            continue
        if isinstance(block, Table) and out and isinstance(out[-1], Table):
            joined = _join(out[-1], block)
            if joined is not None:
                out[-1] = joined
                pending = []
                continue
        out.extend(pending)
        pending = []
        out.append(block)
    out.extend(pending)
    return out


def _join(first: Table, second: Table) -> Table | None:
    if not (first.grid and second.grid and first.caption == second.caption and second.rows):
        return None
    width = len(first.rows[0].cells)
    if any(len(r.cells) != width for r in second.rows[:1]):
        return None
    head = [r.texts for r in first.rows[:_HEADER_DEPTH]]
    start = next((j for j, texts in enumerate(head) if texts == second.rows[0].texts and any(texts)), None)
    if start is None:
        return None
    k = 0
    while k < len(second.rows) and start + k < len(head) and second.rows[k].texts == head[start + k]:
        k += 1
    return Table(rows=first.rows + second.rows[k:], grid=True, caption=first.caption)
