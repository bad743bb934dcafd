"""The same tables written as a web page, a Word document, a workbook, a CSV and two kinds of PDF ingest
to the same records as their text copy (pipe rows, the form a table copied from a web page takes)."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pdfplumber
import pytest

from index.ingest import load_document
from samples import SAMPLES, formats

#: indicator rows of each sample (counted by hand from samples.py)
ROWS = {"target": 9, "split": 35, "selfeval": 6}

NO_SOFFICE = formats.soffice() is None
NEEDS_SOFFICE = pytest.mark.skipif(NO_SOFFICE, reason="LibreOffice missing (Debian: libreoffice-writer-nogui, fonts-noto-cjk)")


def records(path: Path) -> list[tuple]:
    """Every indicator with its project, department and year; all fields but the source lines."""
    parsed = load_document(path)
    out = []
    for project in parsed.projects:
        for ind in project.indicators:
            fields = dataclasses.asdict(ind)
            fields.pop("line")
            fields.pop("line_end")
            out.append((project.name, project.department, project.year, parsed.document.department,
                        parsed.document.year, sorted(fields.items(), key=lambda kv: kv[0])))
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Every sample in every format, built once for the module."""
    folder = tmp_path_factory.mktemp("formats")
    out: dict[tuple[str, str], Path] = {}
    for name, doc in SAMPLES.items():
        out[name, "text"] = folder / f"{name}.txt"
        out[name, "text"].write_text(formats.write_text(doc, sep="|", dropped=True), encoding="utf-8")
        out[name, "html"] = folder / f"{name}.html"
        out[name, "html"].write_bytes(formats.write_html(doc, encoding="utf-8"))
        out[name, "html-gbk"] = folder / f"{name}.gbk.htm"
        out[name, "html-gbk"].write_bytes(formats.write_html(doc, encoding="gbk"))
        out[name, "docx"] = formats.write_docx(doc, folder / f"{name}.docx")
        out[name, "xlsx"] = formats.write_xlsx(doc, folder / f"{name}.xlsx")
        out[name, "xlsx-sheets"] = formats.write_xlsx(doc, folder / f"{name}.sheets.xlsx", sheet_per_table=True)
        out[name, "xls"] = formats.write_xls(doc, folder / f"{name}.xls")
        out[name, "csv"] = folder / f"{name}.csv"
        out[name, "csv"].write_text(formats.write_csv(doc), encoding="utf-8")
        out[name, "csv-gbk"] = folder / f"{name}.gbk.csv"
        out[name, "csv-gbk"].write_bytes(formats.write_csv(doc).encode("gbk"))
        out[name, "pdf-reportlab"] = formats.write_pdf_reportlab(doc, folder / f"{name}.rl.pdf")
        if not NO_SOFFICE:
            out[name, "pdf-libreoffice"] = formats.write_pdf_libreoffice(doc, folder / f"{name}.lo.pdf")
    return out


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_text_copy_reads_every_row(built, name: str) -> None:
    assert len(records(built[name, "text"])) == ROWS[name]


@pytest.mark.parametrize(
    "fmt", ["html", "html-gbk", "docx", "xlsx", "xlsx-sheets", "xls", "csv", "csv-gbk", "pdf-reportlab"]
)
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_format_reads_as_its_text_copy(built, name: str, fmt: str) -> None:
    assert records(built[name, fmt]) == records(built[name, "text"])


@NEEDS_SOFFICE
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_libreoffice_pdf_reads_as_its_text_copy(built, name: str) -> None:
    assert records(built[name, "pdf-libreoffice"]) == records(built[name, "text"])


@NEEDS_SOFFICE
def test_the_split_sample_really_spans_two_pages(built) -> None:
    """The long table of the split sample is cut by a page break in both PDFs (so the join is tested)."""
    for fmt in ("pdf-libreoffice", "pdf-reportlab"):
        with pdfplumber.open(built["split", fmt]) as pdf:
            assert len(pdf.pages) == 2
            assert pdf.pages[1].find_tables(), fmt


@pytest.mark.parametrize("fmt", ["html", "docx", "xlsx", "xls", "pdf-reportlab"])
def test_the_reader_is_reported(built, fmt: str) -> None:
    assert load_document(built["target", fmt]).document.reader == fmt.split("-")[0]


def test_a_txt_that_is_a_web_page_reads_as_html(built, tmp_path: Path) -> None:
    saved = tmp_path / "page.txt"
    shutil.copy(built["target", "html"], saved)
    parsed = load_document(saved)
    assert parsed.document.reader == "html"
    assert records(saved) == records(built["target", "text"])


@NEEDS_SOFFICE
def test_legacy_doc_converts_with_libreoffice(built, tmp_path: Path) -> None:
    import subprocess

    src = built["selfeval", "docx"]
    subprocess.run(
        [formats.soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "doc", "--outdir", str(tmp_path), str(src)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    converted = tmp_path / f"{src.stem}.doc"
    assert load_document(converted).document.reader == "doc"
    assert records(converted) == records(built["selfeval", "text"])


@pytest.mark.parametrize("fmt", ["html", "docx", "xlsx", "xls", "pdf"])
def test_two_projects_stacked_in_one_table_with_a_side_label(tmp_path: Path, fmt: str) -> None:
    from samples import STACKED

    text = tmp_path / "stacked.txt"
    text.write_text(formats.write_text(STACKED, sep="|", dropped=True), encoding="utf-8")
    path = tmp_path / f"stacked.{fmt}"
    if fmt == "html":
        path.write_bytes(formats.write_html(STACKED))
    elif fmt == "pdf":
        formats.write_pdf_reportlab(STACKED, path)
    else:
        getattr(formats, f"write_{fmt}")(STACKED, path)
    parsed = load_document(path)
    assert [(p.name, p.department, len(p.indicators)) for p in parsed.projects] == [
        ("渠道修缮", "鹿鸣县水利局", 3),
        ("河道清淤", "鹿鸣县水利局", 2),
    ]
    assert records(path) == records(text)


@NEEDS_SOFFICE
def test_rows_cut_by_page_breaks_are_joined(tmp_path: Path) -> None:
    """LibreOffice lets a tall row break across pages: the rest of its long cell opens the next page."""
    from samples import Doc, Grid, Para, U

    long = "指标说明文字较长需要换行显示," * 8
    rows = [("一级指标", "二级指标", "三级指标", "指标值", "指标说明")]
    rows += [("产出指标" if k == 0 else U, "数量指标" if k == 0 else U, f"完成任务事项第{k:02d}项", f"{k + 1}次", long)
             for k in range(16)]  # fmt: skip
    doc = Doc(blocks=(Para("项目名称:跨页长行"), Grid(rows=tuple(rows), header_rows=1)))
    pdf = formats.write_pdf_libreoffice(doc, tmp_path / "tall.pdf")
    text = tmp_path / "tall.txt"
    text.write_text(formats.write_text(doc, sep="|", dropped=True), encoding="utf-8")
    with pdfplumber.open(pdf) as opened:
        assert len(opened.pages) >= 3  # several rows are cut
    assert records(pdf) == records(text)
    assert len(records(pdf)) == 16


@pytest.mark.parametrize("fmt", ["html", "docx", "xlsx"])
@pytest.mark.parametrize("repeat_header", [True, False])
def test_a_table_split_by_hand_over_two_pages_is_one_project(tmp_path: Path, fmt: str, repeat_header: bool) -> None:
    """The second part repeats the header (or not), a page number sits between the parts."""
    from samples import Doc, Grid, L, Para, U

    head = ("一级指标", "二级指标", "三级指标", "指标值")
    first = Grid(rows=(("项目名称", "渠道修缮", L, L), head, ("产出指标", "数量指标", "修建渠道", "5公里"),
                       (U, U, "维修闸门", "3座")))  # fmt: skip
    rest = (("", "质量指标", "验收合格率", "100%"), ("效益指标", "社会效益指标", "受益人口", "2万人"))
    doc = Doc(blocks=(Para("鹿鸣县水利局2024年项目支出绩效目标表"), first, Para("- 1 -"),
                      Grid(rows=((head,) if repeat_header else ()) + rest)))  # fmt: skip
    path = tmp_path / f"cut.{fmt}"
    if fmt == "html":
        path.write_bytes(formats.write_html(doc))
    else:
        getattr(formats, f"write_{fmt}")(doc, path)
    parsed = load_document(path)
    assert [(p.name, [i.name for i in p.indicators]) for p in parsed.projects] == [
        ("渠道修缮", ["修建渠道", "维修闸门", "验收合格率", "受益人口"])
    ]
