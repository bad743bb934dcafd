"""PDF reader: the text layer of a PDF to a :class:`~nlp.table.Sheet` (pdfplumber over pdfminer.six).

Ruled tables (cells drawn with lines) are found from the drawn lines and
become grid :class:`~nlp.table.Table` blocks: a cell box covering several
row or column bands is a merged cell, restored as ``spanned`` copies. Lines
wrapped inside a cell are joined, without a space between Chinese
characters or digits and with one between Latin words (a PDF does not tell a wrapped
line from a line break, and performance tables wrap names and values to fit
the column).

A table continued on the next page is joined into one table when the next
page's first table starts before any other text (page numbers aside) and
has the same outer edges and number of columns (inner column rules within 3%
of the table's width, as some producers size each page's part anew): a
header row the printer repeated at the top of the new page is dropped, a row
the page break cut in two is joined again (see :func:`_rest_of_cut_row`), and
an empty cell at the top of the new page under a merged cell of the previous
page (a 一级 or 二级 printed once for rows on both pages) continues that
merged cell.

A line in the top or bottom 7% of a page (a running header or footer, a
page number) does not end a table that continues on the next page; it is
kept after the table. Characters printed twice at the same place (simulated
bold) are read once.

Text outside ruled tables becomes one :class:`~nlp.table.Paragraph` per
printed line, in reading order with the tables. Words on a line separated by
a gap wider than a character are cells: two or more such lines in a row are
an unruled table, a :class:`~nlp.table.Table` of the printed cells (not a
grid: the columns of merged cells are unknown). An unruled table whose cells
wrap over several lines, or whose merged cells are centred between rows, is
read line by line and may lose rows. Rotated pages (``/Rotate``) are read
upright (pdfminer applies the rotation). Where no ruled table holds the
indicators, the loader hands these lines to the text readers.

A PDF whose pages hold no text at all is a scan: :class:`InputError` saying
it needs OCR; so is one whose characters are mostly glyph numbers without a
Unicode mapping (``(cid:123)``), which read as nothing.

Positions: ``line`` counts the printed lines and table rows of
the whole document from 1, in reading order.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass

from nlp.errors import InputError
from nlp.readers.grid import PAGE_NUMBER, GridBuilder, clean_text
from nlp.table import Block, Cell, Paragraph, Row, Sheet, Table

__all__ = ["NEEDS_OCR", "UNMAPPED", "join_wrapped", "read_pdf"]

NEEDS_OCR = (
    "PDF has no text layer (a scanned image); it needs OCR first "
    "(e.g. ocrmypdf -l chi_sim in.pdf out.pdf), then ingest the OCR output"
)
_LOCKED = "password-protected PDF; open it with the password and save an unprotected copy"
UNMAPPED = (
    "PDF text layer cannot be read (its fonts map no characters to Unicode); "
    "it needs OCR (e.g. ocrmypdf --force-ocr -l chi_sim in.pdf out.pdf), or export the PDF again"
)
_TOLERANCE = 2.0  #: points: column boundaries closer than this are the same boundary
#: share of the page height at its top and bottom where running headers and footers print
_MARGIN = 0.07


def _is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def join_wrapped(text: str) -> str:
    """A cell's printed lines joined: one space between two Latin letters (a word wrap), else nothing."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return ""
    out = lines[0]
    for line in lines[1:]:
        out += (" " if _latin(out[-1]) and _latin(line[0]) else "") + line
    return out


@dataclass
class _PageTable:
    """One ruled table of one page: text and spans per grid position, and its geometry."""

    cells: list[list[tuple[str, int, int] | None]]
    columns: list[float]  #: x of every column boundary, left to right
    top: float
    bottom: float


def _open(data: bytes, *, file: str):
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages  # parses the page tree: damage shows here
    except PDFPasswordIncorrect:
        raise InputError(file, _LOCKED) from None
    except Exception as exc:  # pdfminer's parse errors (PSEOF, PDFSyntaxError …) wrapped by pdfplumber
        if "password" in repr(exc).lower() or "PDFPasswordIncorrect" in repr(exc):
            raise InputError(file, _LOCKED) from None
        raise InputError(file, "damaged or truncated PDF; download or export the PDF again") from None
    return pdf, pages


def read_pdf(data: bytes, *, file: str) -> Sheet:
    """The ruled tables and the text lines of every page, in reading order. Raises :class:`InputError`."""
    pdf, pages = _open(data, file=file)
    reading = _Reading()
    n_chars = n_unmapped = 0
    try:
        for page in pages:
            chars = page.chars
            n_chars += len(chars)
            n_unmapped += sum(1 for c in chars if c["text"].startswith("(cid:"))
            reading.page(page)
    except InputError:
        raise
    except Exception:  # a page pdfminer cannot parse (truncated stream, bad object)
        raise InputError(
            file, f"damaged PDF, page {page.page_number} cannot be read; download or export the PDF again"
        ) from None
    finally:
        pdf.close()
    if not n_chars:
        raise InputError(file, NEEDS_OCR)
    if n_unmapped > n_chars / 2:
        raise InputError(file, UNMAPPED)
    return Sheet(blocks=tuple(reading.finish()), reader="pdf")


class _Reading:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.line = 0
        self._grid: GridBuilder | None = None  # the table still open at the end of the previous page
        self._last: _PageTable | None = None
        self._rows = 0
        self._first_rows: list[tuple[str, ...]] = []
        self._open_page_top = True  # nothing but page numbers read on this page yet
        self._furniture: list[Paragraph] = []  # running header/footer lines met while a table is open

    # -- tables ---------------------------------------------------------------------------------
    def _close(self) -> None:
        if self._grid is not None:
            table = self._grid.build()
            if table is not None:
                self.blocks.append(table)
        self.blocks.extend(self._furniture)
        self._grid, self._last, self._rows, self._first_rows, self._furniture = None, None, 0, [], []

    def _continues(self, table: _PageTable) -> bool:
        last = self._last
        if last is None or not self._open_page_top or len(last.columns) != len(table.columns):
            return False
        width = last.columns[-1] - last.columns[0]
        outer = all(abs(last.columns[i] - table.columns[i]) <= _TOLERANCE for i in (0, -1))
        # some producers size the columns of each page's part of a table anew: inner rules may move a little
        return outer and all(abs(a - b) <= 0.03 * width for a, b in zip(last.columns, table.columns))

    def _add_table(self, table: _PageTable) -> None:
        rows = table.cells
        if self._continues(table):
            skip = 0
            while skip < len(rows) and skip < len(self._first_rows) and _texts(rows[skip]) == self._first_rows[skip]:
                skip += 1  # the header printed again on the new page
            rows = rows[skip:]
            continuing = True
        else:
            self._close()
            self._grid = GridBuilder()
            self._first_rows = [_texts(r) for r in rows[:3]]
            continuing = False
        grid = self._grid
        if continuing and rows and self._rows and _rest_of_cut_row(grid, self._rows - 1, rows[0]):
            self.line += 1
            for c, cell in enumerate(rows[0]):
                if cell is not None and cell[0] and grid.text(self._rows - 1, c) is not None:
                    grid.append(self._rows - 1, c, cell[0], line=self.line)
            rows = rows[1:]
        for k, row in enumerate(rows):
            self.line += 1
            r = self._rows
            grid.set_row_line(r, self.line)
            for c, cell in enumerate(row):
                if cell is None:
                    continue
                text, rowspan, colspan = cell
                above = grid.origin(r - 1, c) if (continuing and k == 0 and r > 0) else None
                if not text and above is not None and grid.spans_past(*above):  # a merged cell cut by the page
                    grid.extend(*above, rows=rowspan)
                    continue
                grid.place(r, c, text, line=self.line, rowspan=rowspan, colspan=colspan)
            self._rows += 1
        self._last = table

    # -- pages ----------------------------------------------------------------------------------
    def page(self, page) -> None:
        self._open_page_top = True
        page = page.dedupe_chars()  # characters printed twice (simulated bold) read once
        top_margin, bottom_margin = page.bbox[1] + _MARGIN * page.height, page.bbox[3] - _MARGIN * page.height
        tables = [_page_table(t) for t in page.find_tables()]
        tables = [t for t in tables if t is not None]
        rest = page
        for t in tables:
            rest = rest.outside_bbox((rest.bbox[0], t.top, rest.bbox[2], t.bottom), strict=False)
        items: list[tuple[float, object]] = [(t.top, t) for t in tables]
        items += [(line_top, (text, line_top < top_margin or bottom > bottom_margin))
                  for line_top, bottom, text in _lines(rest)]
        items.sort(key=lambda item: item[0])
        for _, item in items:
            if isinstance(item, _PageTable):
                self._add_table(item)
                self._open_page_top = False
                continue
            text, in_margin = item
            if PAGE_NUMBER.match(text):
                continue
            if in_margin and self._grid is not None:
                self.line += 1  # a running header or footer: it does not end the table it interrupts
                self._furniture.append(Paragraph(text, line=self.line))
                continue
            self._close()
            self._open_page_top = False
            self.line += 1
            self.blocks.append(Paragraph(text, line=self.line))

    def finish(self) -> list[Block]:
        self._close()
        return _unruled(self.blocks)


def _unruled(blocks: list[Block]) -> list[Block]:
    """Runs of two or more lines printing several cells (tab-separated) become a table of printed cells.

    Without rules the columns of merged cells are unknown, so the table is not
    a grid: each row lists the cells printed on its line, as a table copied
    from a web page does. A one-cell line between two such lines (a merged
    一级 label printed centred between its rows) stays in the table as a row
    of its own.
    """
    out: list[Block] = []
    run: list[Paragraph] = []

    def flush() -> None:
        tail: list[Paragraph] = []
        while run and "\t" not in run[-1].text:
            tail.insert(0, run.pop())
        if sum(1 for p in run if "\t" in p.text) >= 2:
            rows = tuple(Row(tuple(Cell(t, line=p.line) for t in p.text.split("\t"))) for p in run)
            out.append(Table(rows=rows, grid=False))
        else:
            out.extend(run)
        out.extend(tail)
        run.clear()

    for block in blocks:
        if isinstance(block, Paragraph) and ("\t" in block.text or (run and len(block.text) <= 20)):
            run.append(block)
            continue
        flush()
        out.append(block)
    flush()
    return out


def _rest_of_cut_row(grid: GridBuilder, last: int, row: list[tuple[str, int, int] | None]) -> bool:
    """The first row of a page is the rest of the previous page's last row, cut by the page break.

    The key column is the first one where the last row prints a cell of its
    own that ends there (not a merged cell going on below). A new row prints
    its key cell; the rest of a cut row leaves it empty (that text fit on the
    previous page) and prints only the rest of the cells that did not.
    """
    if not any(cell and cell[0] for cell in row):
        return False
    for c, cell in enumerate(row):
        own = grid.text(last, c)
        if own and not grid.spans_past(last, c):
            return not (cell and cell[0])
    return False


def _texts(row: list[tuple[str, int, int] | None]) -> tuple[str, ...]:
    return tuple(c[0] if c else "" for c in row)


def _page_table(table) -> _PageTable | None:
    """The table's cells placed on the bands between its distinct horizontal and vertical rules."""
    texts = table.extract()
    boxes = [
        (box, texts[i][j] if i < len(texts) and j < len(texts[i]) and texts[i][j] is not None else "")
        for i, row in enumerate(table.rows)
        for j, box in enumerate(row.cells)
        if box is not None
    ]
    if not boxes:
        return None
    columns = _merge_close(sorted(x for box, _ in boxes for x in (box[0], box[2])))
    rules = _merge_close(sorted(y for box, _ in boxes for y in (box[1], box[3])))
    col_bands = list(zip(columns, columns[1:]))
    row_bands = list(zip(rules, rules[1:]))
    if not col_bands or not row_bands:
        return None
    cells: list[list[tuple[str, int, int] | None]] = [[None] * len(col_bands) for _ in row_bands]
    for (x0, top, x1, bottom), text in boxes:
        cols = [k for k, (a, b) in enumerate(col_bands) if x0 - _TOLERANCE <= (a + b) / 2 <= x1 + _TOLERANCE]
        rows = [k for k, (a, b) in enumerate(row_bands) if top - _TOLERANCE <= (a + b) / 2 <= bottom + _TOLERANCE]
        if cols and rows:
            cells[rows[0]][cols[0]] = (join_wrapped(text), len(rows), len(cols))
    if not any(c and c[0] for row in cells for c in row):
        return None
    return _PageTable(cells=cells, columns=columns, top=table.bbox[1], bottom=table.bbox[3])


def _merge_close(xs: list[float]) -> list[float]:
    out: list[float] = []
    for x in xs:
        if not out or x - out[-1] > _TOLERANCE:
            out.append(x)
    return out


def _lines(page) -> list[tuple[float, float, str]]:
    """The page's printed lines as (top, bottom, text); words far apart on a line are joined with a tab."""
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=1.5, y_tolerance=2.5)
    if not words:
        return []
    words.sort(key=lambda w: (round(w["top"]), w["x0"]))
    lines: list[list[dict]] = []
    for w in words:
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= 2.5:
            lines[-1].append(w)
        else:
            lines.append([w])
    out: list[tuple[float, float, str]] = []
    for line in lines:
        line.sort(key=lambda w: w["x0"])
        text = line[0]["text"]
        for prev, w in zip(line, line[1:]):
            size = max(prev["bottom"] - prev["top"], 1.0)
            gap = w["x0"] - prev["x1"]
            if gap > size * 1.2:
                sep = "\t"  # a gap wider than a character: another cell
            else:
                sep = "" if _is_cjk(prev["text"][-1]) or _is_cjk(w["text"][0]) else " "
            text += sep + w["text"]
        text = clean_text(text)
        if text:
            out.append((min(w["top"] for w in line), max(w["bottom"] for w in line), text))
    return out
