"""Restoring merged cells: placed cells with spans in, a grid :class:`~nlp.table.Table` out.

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

from dataclasses import dataclass

from nlp.table import Cell, Row, Table

__all__ = ["GridBuilder", "clean_text"]


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
