"""One input file to a :class:`~nlp.records.ParsedDocument`, whatever its format.

Text files go to :func:`nlp.parse.parse_text`. Native formats (HTML, DOCX,
DOC/WPS, XLSX, XLS, CSV, PDF) go through their reader (:func:`nlp.readers.read_native`)
to a :class:`~nlp.table.Sheet` and the table interpreter. When the reader's
tables hold no indicator table (an unruled table on a PDF page, a web page
that prints its table as text) the document's printed lines are read by the
text readers instead; the reported reader is then ``<format>+<text reader>``.
"""

from __future__ import annotations

from dataclasses import replace

from nlp.errors import InputError
from nlp.io import RawDocument, decode_text
from nlp.parse import document_from_sheet, parse_text
from nlp.readers import read_native, sheet_lines
from nlp.records import ParsedDocument

__all__ = ["parse_document"]


def _encoding(raw: RawDocument) -> str:
    """The text encoding of a text-based format (HTML, CSV); ``binary`` for the others."""
    if raw.format == "html":
        from nlp.readers.html import decode_html

        return decode_html(raw.data, file=raw.file)[1]
    if raw.format == "csv":
        return decode_text(raw.data, file=raw.file)[1]
    return raw.encoding


def parse_document(raw: RawDocument) -> ParsedDocument:
    """Every project table of one input file (pure apart from a LibreOffice conversion of DOC/WPS).

    Raises:
        InputError: unreadable, damaged, encrypted or scanned file, or no performance-target table.
    """
    if raw.format == "text":
        return parse_text(raw.text, file=raw.file, sha256=raw.sha256, encoding=raw.encoding)
    sheet = read_native(raw.data, fmt=raw.format, file=raw.file, suffix=raw.path.suffix)
    encoding = _encoding(raw)
    lines = sheet_lines(sheet)
    try:
        return document_from_sheet(sheet, lines, file=raw.file, sha256=raw.sha256, encoding=encoding)
    except InputError as no_tables:
        try:
            parsed = parse_text("\n".join(lines), file=raw.file, sha256=raw.sha256, encoding=encoding)
        except InputError:
            raise no_tables from None
    reader = f"{sheet.reader}+{parsed.document.reader or parsed.document.layout.value}"
    return replace(parsed, document=replace(parsed.document, reader=reader))
