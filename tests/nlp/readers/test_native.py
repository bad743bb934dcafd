"""Each native reader at the table-model level: merged cells on the grid, text as printed, blocks in order."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from index.ingest import load_document
from nlp.io import read_document
from nlp.readers.docx import read_docx
from nlp.readers.html import read_html
from nlp.readers.numfmt import display
from nlp.readers.pdf import join_wrapped, read_pdf
from nlp.readers.sheet import read_csv, read_xlsx
from nlp.table import Paragraph, Table
from samples import TARGET, U, Doc, Grid, Para, formats


def grid(table: Table) -> list[list[str]]:
    """The table's texts, spanned copies marked with a leading ~."""
    return [[("~" if c.spanned else "") + c.text for c in row.cells] for row in table.rows]


# ------------------------------------------------------------------------------------------ HTML
PAGE = """<html><head><meta charset="gb2312"><title>鹿鸣县财政局</title>
<style>td {color: red}</style></head><body>
<div style="display:none">隐藏的导航</div>
<h2>2024年项目绩效目标表</h2><p>项目名称：<b>乡村</b><span>道路</span>养护</p>
<table><tbody>
<tr><td colspan="3">绩效指标</td></tr>
<tr><th>一级指标</th><th>二级指标</th><th>三级指标</th></tr>
<tr><td rowspan="2">产出<br/>指标</td><td rowspan="2"><p>数量</p><p>指标</p></td><td>养护里程&nbsp;</td></tr>
<tr><td>修补<span>坑槽</span></td></tr>
</tbody></table>
<script>document.write("<table><tr><td>x</td></tr></table>")</script>
<p>附件：说明</p></body></html>"""


def test_html_spans_nested_tags_and_breaks() -> None:
    sheet = read_html(PAGE.encode("gbk"), file="p.html")
    texts = [b.text if isinstance(b, Paragraph) else grid(b) for b in sheet.blocks]
    assert texts == [
        "鹿鸣县财政局",
        "2024年项目绩效目标表",
        "项目名称：乡村道路养护",
        [
            ["绩效指标", "~绩效指标", "~绩效指标"],
            ["一级指标", "二级指标", "三级指标"],
            ["产出\n指标", "数量\n指标", "养护里程"],
            ["~产出\n指标", "~数量\n指标", "修补坑槽"],
        ],
        "附件：说明",
    ]
    table = sheet.tables[0]
    assert table.grid and table.rows[2].cells[0].rowspan == 2 and table.rows[0].cells[0].colspan == 3
    assert table.rows[2].cells[2].line == 8  # the source line of the <td>


def test_html_encoding_without_declaration_and_with_a_wrong_one_either_way() -> None:
    body = "<table><tr><td>一级指标</td><td>产出指标</td></tr></table>"
    for data in (
        body.encode("gbk"),
        f'<meta charset="utf-8">{body}'.encode("gb18030"),
        f'<meta charset="gb2312">{body}'.encode("utf-8"),
    ):
        assert grid(read_html(data, file="p.html").tables[0]) == [["一级指标", "产出指标"]]


def test_html_layout_table_gives_the_inner_table() -> None:
    page = "<table><tr><td><p>项目名称：甲</p><table><tr><td>一级指标</td><td>三级指标</td></tr></table></td></tr></table>"
    blocks = read_html(page.encode(), file="p.html").blocks
    assert [b.text if isinstance(b, Paragraph) else grid(b) for b in blocks] == [
        "项目名称：甲",
        [["一级指标", "三级指标"]],
    ]


def test_html_pre_keeps_its_lines(tmp_path: Path) -> None:
    page = "<html><body><pre>| 一级指标 | 三级指标 |\n| 产出指标 | 里程 |</pre></body></html>"
    assert [b.text for b in read_html(page.encode(), file="p.html").blocks] == [
        "| 一级指标 | 三级指标 |",
        "| 产出指标 | 里程 |",
    ]


def test_a_txt_holding_a_page_fragment_is_sniffed_as_html(tmp_path: Path) -> None:
    path = tmp_path / "copied.txt"
    path.write_text("<table><tr><td>一级指标</td></tr></table>", encoding="utf-8")
    assert read_document(path).format == "html"


# ------------------------------------------------------------------------------------------ DOCX
def _docx(build) -> bytes:
    import docx

    d = docx.Document()
    build(d)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def test_docx_merges_paragraph_order_and_nested_table() -> None:
    def build(d):
        d.add_paragraph("项目名称：乡村道路养护")
        t = d.add_table(rows=4, cols=3)
        for i, row in enumerate([["一级指标", "二级指标", "三级指标"], ["产出指标", "数量指标", "养护里程"],
                                 ["", "", "修补坑槽"], ["说明", "", ""]]):
            for j, v in enumerate(row):
                t.cell(i, j).text = v
        t.cell(1, 0).merge(t.cell(2, 0))
        t.cell(1, 1).merge(t.cell(2, 1))
        t.cell(3, 0).merge(t.cell(3, 2))
        d.add_paragraph("表后说明")
        outer = d.add_table(rows=1, cols=1)
        outer.cell(0, 0).text = "外层"
        inner = outer.cell(0, 0).add_table(rows=1, cols=2)
        inner.cell(0, 0).text, inner.cell(0, 1).text = "一级指标", "指标值"

    blocks = read_docx(_docx(build), file="d.docx").blocks
    assert [b.text if isinstance(b, Paragraph) else grid(b) for b in blocks] == [
        "项目名称：乡村道路养护",
        [
            ["一级指标", "二级指标", "三级指标"],
            ["产出指标", "数量指标", "养护里程"],
            ["~产出指标", "~数量指标", "修补坑槽"],
            ["说明", "~说明", "~说明"],
        ],
        "表后说明",
        "外层",
        [["一级指标", "指标值"]],
    ]


# ------------------------------------------------------------------------------------------ XLSX / CSV
def test_xlsx_values_as_displayed_merges_sheets_and_blocks() -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目一"
    ws["B1"] = "项目名称:乡村道路养护"
    ws.append([])
    ws.append([None, "一级指标", "三级指标", "指标值", "完成时间"])
    ws.append([None, "产出指标", "合格率", 0.95, dt.datetime(2024, 5, 15)])
    ws.append([None, None, "资金", 1234.5, None])
    ws.merge_cells("B4:B5")
    ws["D4"].number_format = "0%"
    ws["E4"].number_format = 'yyyy"年"m"月"d"日"'
    ws["D5"].number_format = "#,##0.00"
    second = wb.create_sheet("项目二")
    second.append(["一级指标", "三级指标"])
    hidden = wb.create_sheet("下拉列表")
    hidden.append(["产出指标"])
    hidden.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    sheet = read_xlsx(out.getvalue(), file="w.xlsx")
    assert [b.text if isinstance(b, Paragraph) else (b.caption, grid(b)) for b in sheet.blocks] == [
        "项目名称:乡村道路养护",
        ("项目一", [
            ["一级指标", "三级指标", "指标值", "完成时间"],
            ["产出指标", "合格率", "95%", "2024年5月15日"],
            ["~产出指标", "资金", "1,234.50", ""],
        ]),
        ("项目二", [["一级指标", "三级指标"]]),
    ]  # fmt: skip
    assert sheet.notes == ((1, "hidden sheet '下拉列表' not read"),)
    assert [c.line for c in sheet.tables[0].rows[1].cells] == [4, 4, 4, 4]


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_in_gbk_with_any_delimiter(delimiter: str) -> None:
    text = f"一级指标{delimiter}三级指标{delimiter}指标值\n产出指标{delimiter}\"合格率{delimiter}达标\"{delimiter}95%\n"
    sheet = read_csv(text.encode("gbk"), file="t.csv")
    assert grid(sheet.tables[0]) == [["一级指标", "三级指标", "指标值"], ["产出指标", f"合格率{delimiter}达标", "95%"]]


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (0.95, "0%", "95%"),
        (0.955, "0.0%", "95.5%"),
        (1234.5, "#,##0.00", "1,234.50"),
        (12, '0"万元"', "12万元"),
        (0.1 + 0.2, "General", "0.3"),
        (-3, "0.00;[Red]-0.00", "-3.00"),
        (dt.datetime(2024, 5, 15), "yyyy-mm-dd", "2024-05-15"),
        (dt.datetime(2024, 5, 15), "[$-804]yyyy年m月d日", "2024年5月15日"),
        (dt.datetime(2024, 5, 15, 9, 7), "h:mm", "9:07"),
        ("≥95%", "@", "≥95%"),
    ],
)
def test_number_formats(value, fmt: str, shown: str) -> None:
    assert display(value, fmt) == shown


# ------------------------------------------------------------------------------------------ PDF
def test_wrapped_pdf_cell_lines_join_without_a_space_between_chinese_or_digits() -> None:
    assert join_wrapped("产出指标(5\n0分)") == "产出指标(50分)"
    assert join_wrapped("更换潜水轴流\n泵机组") == "更换潜水轴流泵机组"
    assert join_wrapped("GB\nstandard") == "GB standard"


def test_unruled_pdf_table_reads_as_its_text(tmp_path: Path) -> None:
    doc = Doc(
        blocks=(
            Para("鹿鸣县农业农村局2024年项目支出绩效目标表"),
            Para("项目名称:高标准农田建设"),
            Grid(rows=(
                ("一级指标", "二级指标", "三级指标", "指标值"),
                ("产出指标", "数量指标", "新建高标准农田", "5000亩"),
                (U, "质量指标", "工程验收合格率", "100%"),
                ("效益指标", "经济效益指标", "亩均增产", "≥50公斤"),
                ("满意度指标", "服务对象满意度指标", "农户满意度", "≥90%"),
            )),  # fmt: skip
        )
    )
    pdf = formats.write_pdf_reportlab(doc, tmp_path / "unruled.pdf", ruled=False)
    text = tmp_path / "unruled.txt"
    text.write_text(formats.write_text(doc, sep="|", dropped=True), encoding="utf-8")
    assert not read_pdf(pdf.read_bytes(), file="unruled.pdf").tables[0].grid
    # the merged 一级 cell is printed centred between its rows: its place is unknown without rules,
    # so the tier comes from the 二级 (数量 -> 产出); every other field is as in the text copy
    got = [(i.tier, i.sub_raw, i.name, i.value) for p in load_document(pdf).projects for i in p.indicators]
    want = [(i.tier, i.sub_raw, i.name, i.value) for p in load_document(text).projects for i in p.indicators]
    assert got == want and len(got) == 4


def test_rotated_page_reads_upright(tmp_path: Path) -> None:
    """A landscape table on a portrait page turned by /Rotate 90: the content is drawn sideways."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "rotated.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setPageRotation(90)
    c.translate(A4[0], 0)
    c.rotate(90)
    c.setFont("STSong-Light", 12)
    c.drawString(60, 540, "项目名称:修建渠道工程")
    rows = [("一级指标", "二级指标", "三级指标", "指标值"), ("产出指标", "数量指标", "修建渠道", "5公里")]
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            c.drawString(60 + j * 150, 500 - i * 30, text)
        c.line(50, 515 - i * 30, 650, 515 - i * 30)
    c.line(50, 515 - 2 * 30, 650, 515 - 2 * 30)
    for j in range(5):
        c.line(50 + j * 150, 515, 50 + j * 150, 455)
    c.showPage()
    c.save()
    blocks = read_pdf(path.read_bytes(), file="rotated.pdf").blocks
    assert [b.text if isinstance(b, Paragraph) else grid(b) for b in blocks] == [
        "项目名称:修建渠道工程",
        [list(rows[0]), list(rows[1])],
    ]


@pytest.mark.parametrize("running_header", ["", "松川市水务局2024年部门预算公开"])
def test_pdf_table_continued_on_the_next_page_is_one_table(tmp_path: Path, running_header: str) -> None:
    rows = [("一级指标", "二级指标", "三级指标", "指标值")]
    rows += [("产出指标" if k % 25 == 0 else U, "数量指标" if k % 25 == 0 else U, f"指标{k:02d}", f"{k}次") for k in range(70)]
    doc = Doc(blocks=(Para("项目名称:跨页表格"), Grid(rows=tuple(rows), header_rows=1)))
    pdf = formats.write_pdf_reportlab(doc, tmp_path / "long.pdf", running_header=running_header)
    sheet = read_pdf(pdf.read_bytes(), file="long.pdf")
    (table,) = sheet.tables
    if running_header:  # the header of every page is kept, after the table it interrupted
        texts = [b.text for b in sheet.blocks if isinstance(b, Paragraph)]
        assert texts == [running_header, "项目名称:跨页表格", running_header, running_header]
    assert [r.cells[2].text for r in table.rows] == ["三级指标"] + [f"指标{k:02d}" for k in range(70)]
    assert all(r.cells[0].text == "产出指标" for r in table.rows[1:])  # the merged 一级 carried over the breaks


def test_target_sample_sheet_is_the_same_in_docx_and_html(tmp_path: Path) -> None:
    html = read_html(formats.write_html(TARGET), file="t.html")
    docx = read_docx(formats.write_docx(TARGET, tmp_path / "t.docx").read_bytes(), file="t.docx")
    assert [grid(t) for t in html.tables] == [grid(t) for t in docx.tables]


def test_a_mime_page_archive_reads_through_its_html_part(tmp_path: Path) -> None:
    import email.mime.multipart
    import email.mime.text

    message = email.mime.multipart.MIMEMultipart("related")
    message.attach(email.mime.text.MIMEText(formats.write_html(TARGET).decode("utf-8"), "html", "gb2312"))
    path = tmp_path / "page.txt"  # an .mht saved under another name is still recognised
    path.write_bytes(message.as_bytes())
    raw = read_document(path)
    assert raw.format == "html"
    assert [grid(t) for t in read_html(raw.data, file="page.txt").tables] == [
        grid(t) for t in read_html(formats.write_html(TARGET), file="t.html").tables
    ]


def test_xlsx_reads_the_stored_cells_of_a_sparse_sheet() -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"], ws["D3"] = "一级指标", "三级指标"
    ws["C200000"] = "页脚"
    out = io.BytesIO()
    wb.save(out)
    blocks = read_xlsx(out.getvalue(), file="w.xlsx").blocks
    assert [b.text if isinstance(b, Paragraph) else grid(b) for b in blocks] == [[["一级指标", "三级指标"]], "页脚"]
    assert blocks[1].line == 200000


def test_join_continued_drops_the_repeated_header_and_page_number_only() -> None:
    from nlp.readers.grid import join_continued
    from nlp.table import Cell, Row

    def table(*rows: tuple[str, ...], caption: str = "") -> Table:
        return Table(rows=tuple(Row(tuple(Cell(t, line=1, col=k) for k, t in enumerate(r))) for r in rows),
                     grid=True, caption=caption)  # fmt: skip

    head = ("一级指标", "三级指标")
    first = table(("项目名称", "甲"), head, ("产出指标", "a"))
    joined = join_continued([first, Paragraph("第 2 页", line=5), table(head, ("", "b"))])
    assert [grid(b) for b in joined] == [[["项目名称", "甲"], list(head), ["产出指标", "a"], ["", "b"]]]
    # not joined: another header, a paragraph between, another sheet
    for second, between in (
        (table(("一级指标", "指标值"), ("", "b")), []),
        (table(head, ("", "b")), [Paragraph("项目名称:乙", line=5)]),
        (table(head, ("", "b"), caption="Sheet2"), []),
    ):
        assert len([b for b in join_continued([first, *between, second]) if isinstance(b, Table)]) == 2


def test_an_excel_2003_xml_workbook_named_xls(tmp_path: Path) -> None:
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="绩效目标"><Table>
  <Row><Cell ss:MergeAcross="2"><Data ss:Type="String">项目名称:乡村道路养护</Data></Cell></Row>
  <Row><Cell><Data ss:Type="String">一级指标</Data></Cell><Cell><Data ss:Type="String">三级指标</Data></Cell>
       <Cell><Data ss:Type="String">指标值</Data></Cell></Row>
  <Row><Cell ss:MergeDown="1"><Data ss:Type="String">产出指标</Data></Cell><Cell><Data ss:Type="String">养护里程</Data></Cell>
       <Cell><Data ss:Type="Number">120</Data></Cell></Row>
  <Row><Cell ss:Index="2"><Data ss:Type="String">合格率</Data></Cell><Cell><Data ss:Type="String">95%</Data></Cell></Row>
 </Table></Worksheet>
</Workbook>"""
    path = tmp_path / "export.xls"
    path.write_text(xml, encoding="utf-8")
    raw = read_document(path)
    assert raw.format == "xmlss"
    from nlp.readers import read_native

    blocks = read_native(raw.data, fmt=raw.format, file="export.xls").blocks
    assert [b.text if isinstance(b, Paragraph) else grid(b) for b in blocks] == [
        "项目名称:乡村道路养护",
        [["一级指标", "三级指标", "指标值"], ["产出指标", "养护里程", "120"], ["~产出指标", "合格率", "95%"]],
    ]
