"""Readers: each turns one input form into a :class:`~nlp.table.Sheet` of the table model.

Text forms (pipe rows, one cell per line, space-separated rows …) are read by
:func:`nlp.readers.text.read_text`; the native formats by :func:`read_native`:
HTML (:mod:`.html`), DOCX (:mod:`.docx`; legacy DOC/WPS/RTF through a
LibreOffice conversion, :mod:`.office`), XLSX / XLS / Excel 2003 XML / CSV
(:mod:`.sheet`) and
PDF (:mod:`.pdf`). :func:`sheet_lines` gives a sheet's printed lines, which
the interpreter reads for page furniture (department, year) and the text
readers fall back to.
"""

from __future__ import annotations

from nlp.errors import InputError
from nlp.table import Paragraph, Sheet

__all__ = ["NATIVE_FORMATS", "read_native", "sheet_lines"]

NATIVE_FORMATS = ("html", "docx", "doc", "xlsx", "xls", "xmlss", "csv", "pdf")


def read_native(data: bytes, *, fmt: str, file: str, suffix: str = "") -> Sheet:
    """The sheet of one file in a native format (see :func:`nlp.io.sniff_format`). Raises :class:`InputError`.

    Tables that repeat the header of the table before them are joined to it
    (:func:`nlp.readers.grid.join_continued`): one table cut by a page.
    """
    from dataclasses import replace

    from nlp.readers.grid import join_continued

    sheet = _read(data, fmt=fmt, file=file, suffix=suffix)
    return replace(sheet, blocks=tuple(join_continued(list(sheet.blocks))))


def _read(data: bytes, *, fmt: str, file: str, suffix: str) -> Sheet:
    if fmt == "html":
        from nlp.readers.html import read_html

        return read_html(data, file=file)
    if fmt == "docx":
        from nlp.readers.docx import read_docx

        return read_docx(data, file=file)
    if fmt == "doc":
        from nlp.readers.docx import read_docx
        from nlp.readers.office import convert_to_docx

        return read_docx(convert_to_docx(data, file=file, suffix=suffix.lower()), file=file, reader="doc")
    if fmt == "xlsx":
        from nlp.readers.sheet import read_xlsx

        return read_xlsx(data, file=file)
    if fmt == "xls":
        from nlp.readers.sheet import read_xls

        return read_xls(data, file=file)
    if fmt == "xmlss":
        from nlp.readers.sheet import read_spreadsheetml

        return read_spreadsheetml(data, file=file)
    if fmt == "csv":
        from nlp.readers.sheet import read_csv

        return read_csv(data, file=file)
    if fmt == "pdf":
        from nlp.readers.pdf import read_pdf

        return read_pdf(data, file=file)
    raise InputError(file, f"unsupported format {fmt!r}; convert it to .docx, .xlsx, .html, .pdf or text")


def sheet_lines(sheet: Sheet) -> list[str]:
    """The sheet's printed lines in reading order: paragraphs as they are, table rows as tab rows.

    A merged cell's text appears once (its spanned copies are left empty), as
    a text copy of the table would print it.
    """
    lines: list[str] = []
    for block in sheet.blocks:
        if isinstance(block, Paragraph):
            lines.extend(block.text.split("\n"))
            continue
        for row in block.rows:
            cells = ["" if c.spanned else c.text.replace("\n", "") for c in row.cells]
            while cells and not cells[-1]:
                cells.pop()
            lines.append("\t".join(cells))
        lines.append("")
    return lines
