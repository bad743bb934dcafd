"""Spreadsheet readers: XLSX (openpyxl), XLS (xlrd) and CSV to a :class:`~nlp.table.Sheet`.

Each visible worksheet becomes grid :class:`~nlp.table.Table` blocks (their
caption is the sheet name), one per run of rows between empty rows, holding
every row with text: title rows, metadata rows (项目名称 …), header and
indicator rows of one or many projects, which the interpreter tells apart. Merged ranges are restored (the text repeated
into every covered position as a ``spanned`` copy). Values read as the
spreadsheet displays them under their number format (:mod:`nlp.readers.numfmt`):
``95%`` not ``0.95``, ``2024年5月15日`` not a serial number. Rows at the top of a block
that print one cell only (a title, ``项目名称:…`` typed into one cell) are
paragraphs above the table. Leading empty columns are dropped. Hidden sheets (drop-down lists, lookups) are not read
and are named in the sheet's notes. Formulas read as the value the
spreadsheet last saved with them; a formula never calculated reads empty.

Excel 2003 XML workbooks (SpreadsheetML, which web systems export under
``.xls``) are read with their merges (:func:`read_spreadsheetml`).

CSV files are decoded like text (UTF-8 or GB18030, see :func:`nlp.io.decode_text`);
the delimiter is the one of ``,`` ``\\t`` ``;`` ``|`` that splits the first lines
most consistently. A CSV has no merges: a merged cell exported to CSV keeps
its text in its first position and leaves the others empty.

Positions: ``line`` is the spreadsheet row (1-based), ``col`` the 0-based
column after dropping leading empty columns.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable

from nlp.errors import InputError
from nlp.io import decode_text
from nlp.readers.grid import GridBuilder, clean_text
from nlp.readers.numfmt import display
from nlp.table import Block, Paragraph, Row, Sheet, Table

__all__ = ["read_csv", "read_spreadsheetml", "read_xls", "read_xlsx"]

_DAMAGED_XLSX = "damaged or truncated XLSX (not a readable zip package); save the workbook again as .xlsx"
#: (row, col, text, rowspan, colspan) with 0-based row/col, as a worksheet yields them
_Placed = tuple[int, int, str, int, int]


def _tables(cells: Iterable[_Placed], *, caption: str) -> list[Block]:
    """The blocks of one worksheet: its rows with text, cut at each empty row.

    An empty row separates blocks (two projects' tables, a title block and a
    table); no merged range crosses the cut, so every block keeps its merges.
    Rows at the top of a block that print a single cell (a title, a
    ``项目名称:…`` line) are paragraphs above the table, as a page shows them.
    """
    cells = [c for c in cells if c[2] or c[3] > 1 or c[4] > 1]
    if not any(c[2] for c in cells):
        return []
    first_col = min(c[1] for c in cells if c[2])
    groups: list[list[_Placed]] = []
    reach = -2  # the last row reached so far by a cell or a merged range
    for cell in sorted(cells):
        if cell[0] > reach + 1:  # an empty row before this one
            groups.append([])
        groups[-1].append(cell)
        reach = max(reach, cell[0] + cell[3] - 1)
    out: list[Block] = []
    for group in groups:
        grid = GridBuilder()
        for row, col, text, rowspan, colspan in group:
            start = max(col, first_col)
            if col + colspan <= first_col or grid.origin(row, start - first_col) is not None:
                continue  # left of the table, or a value left behind in a merged-over position
            grid.place(row, start - first_col, text, line=row + 1, rowspan=rowspan, colspan=colspan - (start - col))
            grid.set_row_line(row, row + 1)
        table = grid.build(caption=caption)
        if table is None:
            continue
        k = 0
        while k < len(table.rows) and _single(table.rows[k]):
            cell = next(c for c in table.rows[k].cells if c.text)
            out.append(Paragraph(cell.text, line=cell.line))
            k += 1
        if k < len(table.rows):
            out.append(Table(rows=table.rows[k:], grid=True, caption=caption))
    return out


def _single(row: Row) -> bool:
    """The row prints one cell only (a title or a ``项目名称:…`` line typed into the first cell)."""
    return sum(1 for c in row.cells if c.text and not c.spanned) == 1


def read_xlsx(data: bytes, *, file: str) -> Sheet:
    """Every visible worksheet of an XLSX workbook. Raises :class:`InputError` if unreadable."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except (zipfile.BadZipFile, EOFError):
        raise InputError(file, _DAMAGED_XLSX) from None
    except KeyError as exc:
        raise InputError(file, f"damaged XLSX (part {exc} missing); save the workbook again as .xlsx") from None
    except Exception:  # the XML or zip layers' own errors (lxml, zlib): a damaged file, not a bug here
        raise InputError(file, "damaged XLSX; save the workbook again as .xlsx") from None
    tables: list[Block] = []
    notes: list[tuple[int, str]] = []
    for ws in workbook.worksheets:
        if ws.sheet_state != "visible":
            notes.append((1, f"hidden sheet {ws.title!r} not read"))
            continue
        spans = {
            (m.min_row, m.min_col): (m.max_row - m.min_row + 1, m.max_col - m.min_col + 1)
            for m in ws.merged_cells.ranges
        }
        cells: list[_Placed] = []
        # the cells the file stores, not the whole used range: a sheet formatted far beyond its data stays fast
        for cell in list(ws._cells.values()):
            if cell.value is None and (cell.row, cell.column) not in spans:
                continue
            rowspan, colspan = spans.get((cell.row, cell.column), (1, 1))
            text = clean_text(display(cell.value, cell.number_format))
            cells.append((cell.row - 1, cell.column - 1, text, rowspan, colspan))
        tables.extend(_tables(cells, caption=ws.title))
    workbook.close()
    return Sheet(blocks=tuple(tables), reader="xlsx", notes=tuple(notes))


def read_xls(data: bytes, *, file: str) -> Sheet:
    """Every visible worksheet of a legacy XLS (BIFF) workbook. Raises :class:`InputError` if unreadable."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=io.StringIO(), verbosity=0)
    except xlrd.XLRDError as exc:
        reason = str(exc)
        if "encrypt" in reason.lower():
            reason = "password-protected XLS; remove the password (open it in Excel/WPS and save without one)"
            raise InputError(file, reason) from None
        raise InputError(file, f"damaged XLS ({reason}); save the workbook again as .xlsx") from None
    except Exception:  # xlrd's own reading errors on a truncated file (struct, index, assertion)
        raise InputError(file, "damaged or truncated XLS; save the workbook again as .xlsx") from None
    tables: list[Block] = []
    notes: list[tuple[int, str]] = []
    for index in range(book.nsheets):
        ws = book.sheet_by_index(index)
        if ws.visibility:
            notes.append((1, f"hidden sheet {ws.name!r} not read"))
            continue
        spans = {(rlo, clo): (rhi - rlo, chi - clo) for rlo, rhi, clo, chi in ws.merged_cells}
        cells: list[_Placed] = []
        for r in range(ws.nrows):
            for c in range(ws.ncols):
                cell = ws.cell(r, c)
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) and (r, c) not in spans:
                    continue
                rowspan, colspan = spans.get((r, c), (1, 1))
                cells.append((r, c, clean_text(_xls_display(book, cell)), rowspan, colspan))
        tables.extend(_tables(cells, caption=ws.name))
    return Sheet(blocks=tuple(tables), reader="xls", notes=tuple(notes))


def _xls_display(book, cell) -> str:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if cell.ctype == xlrd.XL_CELL_TEXT:
        return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return display(bool(cell.value), None)
    xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None
    fmt = book.format_map[xf.format_key].format_str if xf is not None and xf.format_key in book.format_map else None
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return display(xlrd.xldate_as_datetime(cell.value, book.datemode), fmt)
        except (xlrd.xldate.XLDateError, OverflowError, ValueError):
            return display(cell.value, None)
    return display(cell.value, fmt)


_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"


def read_spreadsheetml(data: bytes, *, file: str) -> Sheet:
    """An Excel 2003 XML workbook (SpreadsheetML, often exported by web systems under ``.xls``).

    Cells carry their position (``ss:Index``) and merges (``ss:MergeAcross``,
    ``ss:MergeDown``); values are read as the text the file holds.
    """
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(file, f"damaged Excel XML workbook ({exc}); save the workbook again as .xlsx") from None
    blocks: list[Block] = []
    notes: list[tuple[int, str]] = []
    for ws in root.iter(f"{_SS}Worksheet"):
        name = ws.get(f"{_SS}Name", "")
        options = ws.find("{urn:schemas-microsoft-com:office:excel}WorksheetOptions")
        if options is not None and options.find("{urn:schemas-microsoft-com:office:excel}Visible") is not None:
            notes.append((1, f"hidden sheet {name!r} not read"))
            continue
        cells: list[_Placed] = []
        covered: set[tuple[int, int]] = set()
        r = -1
        for row in ws.iter(f"{_SS}Row"):
            r = int(row.get(f"{_SS}Index", r + 2)) - 1
            c = -1
            for cell in row.iter(f"{_SS}Cell"):
                c = int(cell.get(f"{_SS}Index", 0)) - 1 if cell.get(f"{_SS}Index") else c + 1
                while (r, c) in covered:
                    c += 1
                across, down = int(cell.get(f"{_SS}MergeAcross", 0)), int(cell.get(f"{_SS}MergeDown", 0))
                value = cell.find(f"{_SS}Data")
                text = clean_text("".join(value.itertext())) if value is not None else ""
                cells.append((r, c, text, down + 1, across + 1))
                covered.update((rr, cc) for rr in range(r, r + down + 1) for cc in range(c, c + across + 1))
                c += across
        blocks.extend(_tables(cells, caption=name))
    return Sheet(blocks=tuple(blocks), reader="xls", notes=tuple(notes))


_DELIMITERS = (",", "\t", ";", "|")


def read_csv(data: bytes, *, file: str) -> Sheet:
    """A CSV file as one grid table. Raises :class:`InputError` if it is not text."""
    text, _ = decode_text(data, file=file)
    sample = [line for line in text.split("\n")[:50] if line.strip()]
    delimiter = max(_DELIMITERS, key=lambda d: _consistency(sample, d))
    cells: list[_Placed] = []
    try:
        for r, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
            for c, value in enumerate(row):
                cells.append((r, c, clean_text(value), 1, 1))
    except csv.Error as exc:
        raise InputError(file, f"not readable as CSV ({exc}); export the sheet again as CSV") from None
    return Sheet(blocks=tuple(_tables(cells, caption="")), reader="csv")


def _consistency(lines: list[str], delimiter: str) -> tuple[int, int]:
    """How well ``delimiter`` splits the lines: lines it splits, then the most common field count."""
    counts = [len(next(csv.reader([line], delimiter=delimiter), [])) for line in lines]
    split = [n for n in counts if n > 1]
    if not split:
        return (0, 0)
    common = max(set(split), key=split.count)
    return (split.count(common), common)
