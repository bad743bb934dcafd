"""HTML reader: web pages (and ``.txt`` / ``.doc`` files that are really HTML) to a :class:`~nlp.table.Sheet`.

The page is parsed with lxml's HTML parser (libxml2, tolerant of the broken
markup of published pages). Every ``<table>`` becomes a grid
:class:`~nlp.table.Table` with ``rowspan`` / ``colspan`` restored; the text of
nested tags inside a cell is joined, and ``<br>`` or a block element inside a
cell is a line break of the cell. Text outside tables (the ``<title>``,
headings, paragraphs, list items …) becomes one :class:`~nlp.table.Paragraph`
per rendered line, in reading order, so the interpreter can find the project
name, department and year around the tables. ``<pre>`` text keeps its lines
and spacing. Scripts, styles and elements hidden with ``display:none`` are
not read.

A table with another table inside one of its cells is split at that row: the
rows before it, then what the cell holds (its paragraphs and the inner table),
then the rows after it. Pages that wrap the content in a layout table thus
yield the real table, and a data table with a small table in one cell keeps
both.

Encoding: a byte-order mark; else UTF-8 when the bytes are valid UTF-8 with
non-ASCII characters (GBK text practically never is, and pages converted to
UTF-8 often keep their old GB2312 declaration); else the ``<meta charset>`` /
``http-equiv`` declaration (GB2312 and GBK read as their superset GB18030);
else the same detection as text files. A declaration the bytes contradict is
ignored in favour of detection.

A MIME page archive (``.mht``, Word's "single file web page") is read
through its HTML part.

Positions: ``line`` is the source line of the element in the HTML file.
"""

from __future__ import annotations

import codecs
import email
import re

import lxml.etree
import lxml.html

from nlp.errors import InputError
from nlp.io import decode_text
from nlp.readers.grid import GridBuilder, clean_text
from nlp.table import Block, Paragraph, Sheet, Table

__all__ = ["decode_html", "read_html"]

#: ``<meta charset="gbk">`` or ``<meta http-equiv="Content-Type" content="text/html; charset=gb2312">``
_META_CHARSET = re.compile(rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
#: runs of source white space, which HTML renders as one space
_SOURCE_SPACE = re.compile(r"[ \t\r\n\f]+")

_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "select", "svg", "button"})
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "html", "li", "main", "nav", "ol", "p", "section", "td", "th", "title", "tr", "ul",
    }
)  # fmt: skip
_CHINESE_GB = frozenset({"gb2312", "gbk", "x-gbk", "gb_2312-80", "csgb2312", "gb18030", "cp936", "euc-cn"})


def decode_html(data: bytes, *, file: str) -> tuple[str, str]:
    """The page's text and encoding (see the module docstring for the order of evidence)."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data, file=file)
    try:  # bytes that are valid UTF-8 beyond ASCII are UTF-8, whatever an old declaration says
        text = data.decode("utf-8")
        if not text.isascii():
            return text.replace("\r\n", "\n").replace("\r", "\n"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(data[:8192])
    if declared is not None:
        name = declared.group(1).decode("ascii", "replace").lower()
        encoding = "gb18030" if name in _CHINESE_GB else name
        try:
            codecs.lookup(encoding)
            return data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n"), encoding
        except (LookupError, UnicodeDecodeError):
            pass  # unknown or contradicted by the bytes: detect instead
    return decode_text(data, file=file)


def _mime_html(data: bytes) -> bytes:
    """The HTML part of a MIME page archive (``.mht``, Word's single-file web page), else ``data``."""
    head = data[:2048].lstrip().lower()
    if not head.startswith((b"mime-version", b"from:", b"content-type: multipart", b"subject:", b"date:")):
        return data
    message = email.message_from_bytes(data)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            if charset and not _META_CHARSET.search(payload[:8192]):
                payload = f'<meta charset="{charset}">'.encode("ascii") + payload
            return payload
    return data


def read_html(data: bytes, *, file: str) -> Sheet:
    """Every table and the text around them, in reading order. Raises :class:`InputError` if unreadable."""
    data = _mime_html(data)
    text, _ = decode_html(data, file=file)
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        raise InputError(file, "file is empty; nothing to ingest")
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=_parser())
    except (lxml.etree.ParserError, ValueError) as exc:
        raise InputError(file, f"not a readable HTML page ({exc}); save the page again from the browser") from None
    flow = _Flow()
    title = root.find(".//title")
    if title is not None:
        flow.add(title.text_content(), title.sourceline or 1)
        flow.newline()
    body = root.find("body")
    _walk(body if body is not None else root, flow)
    flow.newline()
    return Sheet(blocks=tuple(flow.blocks), reader="html")


def _parser() -> lxml.html.HTMLParser:
    return lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def _hidden(el: lxml.html.HtmlElement) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or el.get("hidden") is not None


class _Flow:
    """Collects text into lines (Paragraphs) and tables, in reading order."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._parts: list[str] = []
        self._line = 0

    def add(self, text: str | None, line: int | None) -> None:
        if not text:
            return
        if not self._parts:
            self._line = line or self._line
        self._parts.append(_SOURCE_SPACE.sub(" ", text))

    def newline(self) -> None:
        text = clean_text("".join(self._parts))
        if text:
            self.blocks.append(Paragraph(text, line=self._line))
        self._parts = []

    def verbatim(self, text: str, line: int) -> None:
        self.newline()
        for i, piece in enumerate(text.split("\n")):
            if piece.strip():
                self.blocks.append(Paragraph(piece.rstrip().replace("\u00a0", " "), line=line + i))

    def table(self, table: Table | None) -> None:
        self.newline()
        if table is not None:
            self.blocks.append(table)


def _walk(el: lxml.html.HtmlElement, flow: _Flow) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _SKIP or not tag or _hidden(el):
        return
    if tag == "table":
        _read_table(el, flow)
        return
    if tag == "br":
        flow.newline()
        return
    if tag == "pre":
        flow.verbatim(el.text_content(), el.sourceline or flow._line)
        return
    block = tag in _BLOCK
    if block:
        flow.newline()
    flow.add(el.text, el.sourceline)
    for child in el:
        _walk(child, flow)
        flow.add(child.tail, child.sourceline)
    if block:
        flow.newline()


def _own_rows(table: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The table's ``<tr>`` elements, not those of tables nested in its cells."""
    return [tr for tr in table.iter("tr") if _nearest_table(tr) is table]


def _nearest_table(el: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _span(value: str | None) -> int:
    digits = re.match(r"\s*(\d+)", value or "")
    n = int(digits.group(1)) if digits else 1
    return min(max(n, 1), 1000)


def _read_table(table: lxml.html.HtmlElement, flow: _Flow) -> None:
    caption_el = table.find("caption")
    caption = clean_text(_cell_text(caption_el)) if caption_el is not None else ""
    if caption:
        flow.newline()
        flow.blocks.append(Paragraph(caption, line=caption_el.sourceline or 0))
    grid = GridBuilder()
    r = 0
    for tr in _own_rows(table):
        if _hidden(tr):
            continue
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th") and not _hidden(c)]
        if any(c.find(".//table") is not None for c in cells):
            flow.table(grid.build(caption=caption))
            for c in cells:
                flow.newline()
                _walk_children(c, flow)
            flow.newline()
            grid, r = GridBuilder(), 0
            continue
        col = 0
        for c in cells:
            line = c.sourceline or tr.sourceline or 0
            text = clean_text(_cell_text(c))
            col = grid.place(r, col, text, line=line, rowspan=_span(c.get("rowspan")), colspan=_span(c.get("colspan")))
        if not cells:
            continue
        grid.set_row_line(r, tr.sourceline or 0)
        r += 1
    flow.table(grid.build(caption=caption))


def _walk_children(el: lxml.html.HtmlElement, flow: _Flow) -> None:
    flow.add(el.text, el.sourceline)
    for child in el:
        _walk(child, flow)
        flow.add(child.tail, child.sourceline)


def _cell_text(el: lxml.html.HtmlElement) -> str:
    """A cell's text: nested tags joined, ``<br>`` and block elements as line breaks."""
    parts: list[str] = []

    def visit(node: lxml.html.HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if not tag or tag in _SKIP or _hidden(node):
            return
        if tag == "br":
            parts.append("\n")
            return
        block = tag in _BLOCK and node is not el
        if block:
            parts.append("\n")
        if node.text:
            parts.append(_SOURCE_SPACE.sub(" ", node.text))
        for child in node:
            visit(child)
            if child.tail:
                parts.append(_SOURCE_SPACE.sub(" ", child.tail))
        if block:
            parts.append("\n")

    visit(el)
    return "".join(parts)
