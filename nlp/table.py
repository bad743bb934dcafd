"""The table model every reader produces and the interpreter consumes.

A reader (pipe text, cell-per-line text, glued text, prose, HTML, DOCX, XLSX,
PDF …) turns one input into a :class:`Sheet`: the document's blocks in reading
order, each either a :class:`Paragraph` (text outside any table: titles,
metadata lines, notices, prose) or a :class:`Table` (rows of cells). Readers
know the physical form of their input and nothing about what the cells mean;
the interpreter knows the vocabulary (一级指标, 指标值 …) and nothing about the
physical form.

Positions: ``line`` / ``line_end`` are 1-based lines of the source text for
text inputs; for structured inputs they are the reader's natural ordinal
(the row of a spreadsheet, the paragraph or table row of a DOCX, the line of
the page text of a PDF) so that every reported problem can name a place.
``col`` is the 0-based grid column where the reader knows it (HTML, DOCX,
XLSX after spans are restored) and ``None`` where it does not (text rows whose
merged cells are simply missing). ``role`` is set only by readers that had to
decide what a cell is in order to find it at all (glued text split on
vocabulary, prose split on connectives); the interpreter takes it as given. A
reader that sees a row carried over from the previous line (a pipe row cut where a
cell had no closing pipe) marks the first cell of the carried part ``continues``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

__all__ = ["Cell", "Row", "Table", "Paragraph", "Block", "Sheet"]


@dataclass(frozen=True)
class Cell:
    """One printed cell: its text as printed (line breaks inside it as ``\\n``) and where it came from."""

    text: str
    line: int
    line_end: int | None = None  #: last source line of the cell (None: same as ``line``)
    col: int | None = None  #: 0-based grid column where the input knows it
    rowspan: int = 1
    colspan: int = 1
    #: a spanned copy: the reader repeated a merged cell's text into a grid position it covers
    spanned: bool = False
    role: str | None = None  #: a role the reader had to decide (see the module docstring), else None
    #: the reader could not read this cell with confidence (cut by a page break, numbers fused
    #: beyond splitting): its field is reported as uncertain, never guessed
    uncertain: bool = False

    @property
    def last_line(self) -> int:
        return self.line if self.line_end is None else self.line_end


@dataclass(frozen=True)
class Row:
    """One table row: its cells left to right."""

    cells: tuple[Cell, ...]

    @property
    def line(self) -> int:
        return min((c.line for c in self.cells), default=0)

    @property
    def line_end(self) -> int:
        return max((c.last_line for c in self.cells), default=0)

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(c.text for c in self.cells)


@dataclass(frozen=True)
class Table:
    """Rows of cells as one reader found them.

    ``grid`` is True when every cell sits at its true column (merged cells
    restored, so a row has as many positions as the table is wide); False when
    a row lists only the cells that were printed (merged cells dropped, as in
    text copied from a web page), so the interpreter must align rows itself.
    """

    rows: tuple[Row, ...]
    grid: bool = False
    caption: str = ""  #: a title the input attaches to the table (HTML <caption>, sheet name)
    #: the input does not mark where rows end (one cell per line or paragraph with no row
    #: delimiter): the cells of all rows, taken in reading order, are one stream (how the reader
    #: split them into rows means nothing) and the interpreter groups them against the header
    stream: bool = False

    @property
    def line(self) -> int:
        return min((r.line for r in self.rows if r.cells), default=0)

    @property
    def line_end(self) -> int:
        return max((r.line_end for r in self.rows if r.cells), default=0)


@dataclass(frozen=True)
class Paragraph:
    """Text outside any table, one printed line or paragraph."""

    text: str
    line: int
    line_end: int | None = None


Block = Union[Paragraph, Table]


@dataclass(frozen=True)
class Sheet:
    """What a reader made of one input: its blocks in reading order.

    ``reader`` names the reader (``pipe``, ``cells``, ``html``, ``xlsx`` …) and
    is reported per document by ingest. ``notes`` are the reader's own
    remarks about what it could not read, as ``(line, message)``.
    """

    blocks: tuple[Block, ...]
    reader: str
    notes: tuple[tuple[int, str], ...] = field(default_factory=tuple)

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Table))
