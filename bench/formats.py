"""Write one table document in every input format jixiao reads: text, HTML, DOCX, XLSX, CSV and PDF.

Used by the reader tests (the same tables written in each format must ingest
to the same records) and by ``bench/ingest.py --formats`` (throughput per
format). A document is a list of blocks: :class:`Para` (a line of text outside
tables) and :class:`Grid` (a table given as its full grid, where ``LEFT``
marks a position covered by the cell to its left and ``UP`` one covered by
the cell above). Each writer prints a merged cell the way its format does:
once with a span (HTML ``rowspan``/``colspan``, DOCX ``vMerge``/``gridSpan``,
XLSX merged ranges, reportlab ``SPAN``), or once followed by empty cells
(tab/pipe text, CSV).

PDF writers: :func:`write_pdf_libreoffice` converts the DOCX with LibreOffice
headless (``soffice``; Debian packages libreoffice-writer-nogui and
fonts-noto-cjk); :func:`write_pdf_reportlab` draws the tables with reportlab's
built-in ``STSong-Light`` CID font; :func:`write_pdf_image_only` draws a
table as a picture, with no text layer.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

__all__ = [
    "LEFT",
    "UP",
    "Doc",
    "Grid",
    "Para",
    "spans",
    "write_csv",
    "write_docx",
    "write_html",
    "write_pdf_image_only",
    "write_pdf_libreoffice",
    "write_pdf_reportlab",
    "write_text",
    "write_xls",
    "write_xlsx",
    "soffice",
]

LEFT = "\x00<"  #: position covered by the cell to its left (column span)
UP = "\x00^"  #: position covered by the cell above (row span)


@dataclass(frozen=True)
class Para:
    text: str
    heading: bool = False


@dataclass(frozen=True)
class Grid:
    rows: tuple[tuple[str, ...], ...]
    header_rows: int = 0  #: leading rows repeated on each printed page (PDF writers)


@dataclass(frozen=True)
class Doc:
    blocks: tuple[Para | Grid, ...]
    title: str = ""
    extra: dict = field(default_factory=dict)


def spans(grid: Grid) -> list[list[tuple[str, int, int] | None]]:
    """For each position: (text, rowspan, colspan) at a printed cell, None where a span covers it."""
    rows = [list(r) for r in grid.rows]
    out: list[list[tuple[str, int, int] | None]] = [[None] * len(r) for r in rows]
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            if text in (LEFT, UP):
                continue
            colspan = 1
            while j + colspan < len(row) and row[j + colspan] == LEFT:
                colspan += 1
            rowspan = 1
            while i + rowspan < len(rows) and j < len(rows[i + rowspan]) and rows[i + rowspan][j] == UP:
                rowspan += 1
            out[i][j] = (text, rowspan, colspan)
    return out


def _printed(grid: Grid) -> list[list[str]]:
    """Rows with each covered position empty (how text and CSV print merged cells)."""
    return [["" if t in (LEFT, UP) else t for t in row] for row in grid.rows]


def write_text(doc: Doc, *, sep: str = "\t", dropped: bool = False) -> str:
    """Tab rows (``sep="\\t"``) or pipe rows (``sep="|"``, each row ``| a | b |``).

    ``dropped``: a merged cell's covered positions are left out of the row (how
    text copied from a web page prints them) instead of printed empty.
    """
    lines: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Para):
            lines.append(block.text)
            continue
        rows = [[t for t in row if t not in (LEFT, UP)] for row in block.rows] if dropped else _printed(block)
        for row in rows:
            lines.append("\t".join(row) if sep == "\t" else "| " + " | ".join(row) + " |")
        lines.append("")
    return "\n".join(lines) + "\n"


def write_csv(doc: Doc) -> str:
    """What a spreadsheet saves as CSV from the workbook of :func:`write_xlsx` (an empty row after each table)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    width = max((len(r) for b in doc.blocks if isinstance(b, Grid) for r in b.rows), default=1)
    for block in doc.blocks:
        if isinstance(block, Para):
            w.writerow([block.text] + [""] * (width - 1))
        else:
            w.writerows(_printed(block))
            w.writerow([""] * width)
    return out.getvalue()


def write_html(doc: Doc, *, encoding: str = "utf-8") -> bytes:
    """A web page: ``<meta charset>``, headings and paragraphs, tables with rowspan/colspan, wrapped in a layout div."""
    parts = [
        f'<!DOCTYPE html>\n<html><head><meta http-equiv="Content-Type" content="text/html; charset={encoding}">',
        f"<title>{escape(doc.title)}</title></head>\n<body><div class=\"content\">",
    ]
    for block in doc.blocks:
        if isinstance(block, Para):
            tag = "h3" if block.heading else "p"
            parts.append(f"<{tag}>{escape(block.text)}</{tag}>")
            continue
        parts.append('<table border="1" cellspacing="0">')
        for row in spans(block):
            cells = []
            for cell in row:
                if cell is None:
                    continue
                text, rs, cs = cell
                attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
                body = "<br>".join(f"<span>{escape(line)}</span>" for line in text.split("\n"))
                cells.append(f"<td{attrs}>{body}</td>")
            parts.append("<tr>\n" + "\n".join(cells) + "\n</tr>")
        parts.append("</table>")
    parts.append("</div></body></html>\n")
    return "\n".join(parts).encode(encoding)


def write_docx(doc: Doc, path: Path) -> Path:
    """A Word document with python-docx: paragraphs, bordered tables with merged cells."""
    import docx
    from docx.shared import Pt

    d = docx.Document()
    style = d.styles["Normal"]
    style.font.size = Pt(9)
    for block in doc.blocks:
        if isinstance(block, Para):
            d.add_paragraph(block.text)
            continue
        width = max(len(r) for r in block.rows)
        table = d.add_table(rows=len(block.rows), cols=width)
        table.style = "Table Grid"
        for i, row in enumerate(spans(block)):
            for j, cell in enumerate(row):
                if cell is None:
                    continue
                text, rs, cs = cell
                target = table.cell(i, j)
                if rs > 1 or cs > 1:
                    target = target.merge(table.cell(i + rs - 1, j + cs - 1))
                target.text = text
        for i in range(block.header_rows):
            tr_pr = table.rows[i]._tr.get_or_add_trPr()
            from docx.oxml import OxmlElement

            tr_pr.append(OxmlElement("w:tblHeader"))
        d.add_paragraph("")
    d.save(path)
    return path


def write_xlsx(doc: Doc, path: Path, *, sheet_per_table: bool = False) -> Path:
    """A workbook with openpyxl: paragraphs as single cells, tables with merged ranges, a blank row between blocks."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    r = 1
    n_tables = 0
    for block in doc.blocks:
        if isinstance(block, Para):
            ws.cell(r, 1, block.text)
            r += 1
            continue
        if sheet_per_table and n_tables:
            ws = wb.create_sheet(f"Sheet{n_tables + 1}")
            r = 1
        n_tables += 1
        for i, row in enumerate(spans(block)):
            for j, cell in enumerate(row):
                if cell is None:
                    continue
                text, rs, cs = cell
                target = ws.cell(r + i, j + 1, _typed(text))
                if isinstance(target.value, float) and text.endswith("%"):
                    target.number_format = "0%" if "." not in text else "0." + "0" * len(text.split(".")[1][:-1]) + "%"
                if rs > 1 or cs > 1:
                    ws.merge_cells(start_row=r + i, start_column=j + 1, end_row=r + i + rs - 1, end_column=j + cs)
        r += len(block.rows) + 1
    wb.save(path)
    return path


def write_xls(doc: Doc, path: Path) -> Path:
    """A legacy XLS (BIFF8) workbook with xlwt: the same layout as :func:`write_xlsx`, merged ranges, percentages."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    percent = {d: xlwt.easyxf(num_format_str="0" + ("." + "0" * d if d else "") + "%") for d in range(4)}
    r = 0
    for block in doc.blocks:
        if isinstance(block, Para):
            ws.write(r, 0, block.text)
            r += 1
            continue
        for i, row in enumerate(spans(block)):
            for j, cell in enumerate(row):
                if cell is None:
                    continue
                text, rs, cs = cell
                value = _typed(text)
                decimals = min(len(text.split(".")[1]) - 1, 3) if "." in text else 0
                style = percent[decimals] if isinstance(value, float) else None
                args = (value, style) if style is not None else (value,)
                if rs > 1 or cs > 1:
                    ws.write_merge(r + i, r + i + rs - 1, j, j + cs - 1, *args)
                else:
                    ws.write(r + i, j, *args)
        r += len(block.rows) + 1
    wb.save(str(path))
    return path


def _typed(text: str):
    """Plain numbers and percentages as numbers (as a publisher's workbook stores them), the rest as text."""
    try:
        if text.endswith("%") and text[:-1].replace(".", "", 1).isdigit():
            return float(text[:-1]) / 100
        if text.isdigit() and len(text) < 10 and not text.startswith("0"):
            return int(text)
    except ValueError:
        pass
    return text


def soffice() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def write_pdf_libreoffice(doc: Doc, path: Path) -> Path:
    """The DOCX of ``doc`` converted to PDF by LibreOffice headless."""
    binary = soffice()
    if binary is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        src = write_docx(doc, Path(tmp) / (path.stem + ".docx"))
        profile = Path(tmp) / "profile"
        subprocess.run(
            [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", tmp, str(src)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        shutil.move(str(Path(tmp) / (path.stem + ".pdf")), path)
    return path


def write_pdf_reportlab(
    doc: Doc, path: Path, *, ruled: bool = True, landscape: bool = False, running_header: str = ""
) -> Path:
    """A PDF drawn by reportlab with the STSong-Light CID font; tables split over pages repeat their header rows.

    ``running_header``: a line printed at the top of every page, with a page number at the bottom.
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape as turn
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("cjk", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
    story = []
    for block in doc.blocks:
        if isinstance(block, Para):
            story.append(Paragraph(escape(block.text), body))
            continue
        cells = spans(block)
        data = [[Paragraph(escape(c[0]).replace("\n", "<br/>"), body) if c else "" for c in row] for row in cells]
        style = [("FONT", (0, 0), (-1, -1), "STSong-Light", 9), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        if ruled:
            style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
        for i, row in enumerate(cells):
            for j, c in enumerate(row):
                if c and (c[1] > 1 or c[2] > 1):
                    style.append(("SPAN", (j, i), (j + c[2] - 1, i + c[1] - 1)))
        story.append(Table(data, repeatRows=block.header_rows, style=TableStyle(style)))
        story.append(Spacer(1, 12))
    size = turn(A4) if landscape else A4

    def furniture(canvas, _doc) -> None:
        if running_header:
            canvas.setFont("STSong-Light", 9)
            canvas.drawString(72, size[1] - 36, running_header)
            canvas.drawCentredString(size[0] / 2, 24, f"- {canvas.getPageNumber()} -")

    SimpleDocTemplate(str(path), pagesize=size).build(story, onFirstPage=furniture, onLaterPages=furniture)
    return path


def write_pdf_image_only(path: Path) -> Path:
    """A one-page PDF holding only a picture of a table (a scan): no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (800, 400), 255)
    draw = ImageDraw.Draw(image)
    for y in range(20, 400, 40):
        draw.line((20, y, 780, y), fill=0, width=2)
    for x in (20, 200, 380, 560, 780):
        draw.line((x, 20, x, 380), fill=0, width=2)
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(ImageReader(image), 40, 400, width=500, height=250)
    c.showPage()
    c.save()
    return path
