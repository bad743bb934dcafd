"""DOCX reader: Word documents to a :class:`~nlp.table.Sheet` (python-docx opens the package).

The document body is read in order: each paragraph is a
:class:`~nlp.table.Paragraph`, each table a grid :class:`~nlp.table.Table`.
Merged cells are restored from the table XML: ``gridSpan`` (a cell wider than
one grid column), ``vMerge`` (a cell continued into the rows below, whose
continuation cells Word stores empty) and ``gridBefore`` (a row starting
right of the first column). A cell's paragraphs are its lines (``\\n``), a
manual line break inside a paragraph too. Content controls (``w:sdt``) are
read through. A table continued over several pages is one table in the file
(Word repeats a ``tblHeader`` row on each page only when printing), so it
reads as one table; a table the author split by hand reads as two, and the
interpreter joins them.

A table inside a table cell splits the outer table at that row, as in the
HTML reader: the rows before, what the cell holds, the rows after.

Positions: ``line`` counts the body's paragraphs and table rows from 1, in
reading order.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from docx.oxml.ns import qn

from nlp.errors import InputError
from nlp.readers.grid import GridBuilder, clean_text
from nlp.table import Block, Paragraph, Sheet, Table

__all__ = ["read_docx"]

_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
_TR, _TC, _TC_PR, _TR_PR = qn("w:tr"), qn("w:tc"), qn("w:tcPr"), qn("w:trPr")
_GRID_SPAN, _V_MERGE, _GRID_BEFORE, _VAL = qn("w:gridSpan"), qn("w:vMerge"), qn("w:gridBefore"), qn("w:val")
_T, _BR, _CR, _TAB, _DEL = qn("w:t"), qn("w:br"), qn("w:cr"), qn("w:tab"), qn("w:del")
_CUSTOM_XML = qn("w:customXml")
_DAMAGED_ZIP = "damaged or truncated DOCX (not a readable zip package); save the document again as .docx"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def read_docx(data: bytes, *, file: str, reader: str = "docx") -> Sheet:
    """Every paragraph and table of the document body, in order. Raises :class:`InputError` if unreadable."""
    body = _open_body(data, file=file)
    reading = _Reading()
    reading.blocks_of(body)
    return Sheet(blocks=tuple(reading.blocks), reader=reader)


def _open_body(data: bytes, *, file: str):
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, EOFError):
        raise InputError(file, _DAMAGED_ZIP) from None
    except KeyError as exc:
        raise InputError(file, f"damaged DOCX (part {exc} missing); save the document again as .docx") from None
    except Exception:  # the XML or zip layers' own errors (lxml, zlib): a damaged file, not a bug here
        raise InputError(file, "damaged DOCX; save the document again as .docx") from None
    return document.element.body


def _children(el) -> Iterator:
    """Block-level children, looking through content controls and custom XML wrappers."""
    for child in el.iterchildren():
        if child.tag in (_SDT, _CUSTOM_XML):
            inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if inner is not None:
                yield from _children(inner)
        else:
            yield child


def _paragraph_text(p) -> str:
    parts: list[str] = []
    for node in p.iter(_T, _BR, _CR, _TAB):
        if _inside(node, _DEL, stop=p) or _inside(node, _FALLBACK, stop=p):
            continue  # deleted text; the legacy copy of a text box (its modern copy is read)
        if node.tag == _T:
            parts.append(node.text or "")
        elif node.tag == _TAB:
            parts.append("\t")
        elif node.get(_TYPE_ATTR) in (None, "textWrapping"):
            parts.append("\n")
    return "".join(parts)


_TYPE_ATTR = qn("w:type")


def _inside(node, tag: str, *, stop) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _val(el, tag: str) -> str | None:
    found = el.find(tag) if el is not None else None
    if found is None:
        return None
    return found.get(_VAL, "")


def _int(value: str | None, default: int) -> int:
    try:
        return max(int(value), 0) if value else default
    except ValueError:
        return default


class _Reading:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.line = 0

    def blocks_of(self, container) -> None:
        for child in _children(container):
            if child.tag == _P:
                self.line += 1
                text = clean_text(_paragraph_text(child))
                if text:
                    self.blocks.append(Paragraph(text, line=self.line))
            elif child.tag == _TBL:
                self.table(child)

    def _emit(self, table: Table | None) -> None:
        if table is not None:
            self.blocks.append(table)

    def table(self, tbl) -> None:
        grid = GridBuilder()
        r = 0
        for tr in _children(tbl):
            if tr.tag != _TR:
                continue
            self.line += 1
            cells = [tc for tc in _children(tr) if tc.tag == _TC]
            if any(tc.find(".//" + _TBL) is not None for tc in cells):
                self._emit(grid.build())
                for tc in cells:
                    self.blocks_of(tc)
                grid, r = GridBuilder(), 0
                continue
            grid.set_row_line(r, self.line)
            col = _int(_val(tr.find(_TR_PR), _GRID_BEFORE), 0)
            for tc in cells:
                pr = tc.find(_TC_PR)
                span = max(_int(_val(pr, _GRID_SPAN), 1), 1)
                merge = _val(pr, _V_MERGE)
                above = grid.origin(r - 1, col) if r else None
                if merge is not None and merge != "restart" and above is not None:
                    grid.extend(*above, rows=1)
                    col += span
                    continue
                text = clean_text("\n".join(_paragraph_text(p) for p in _children(tc) if p.tag == _P))
                col = grid.place(r, col, text, line=self.line, colspan=span)
            r += 1
        self._emit(grid.build())
