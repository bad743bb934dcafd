"""`jixiao ingest` takes a Word document, a workbook, a web page and a PDF by name (no "binary file")."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from samples import SELF_EVAL, TARGET, formats


def test_ingest_native_files_by_name(tmp_path: Path) -> None:
    files = [
        formats.write_docx(TARGET, tmp_path / "target.docx"),
        formats.write_xlsx(SELF_EVAL, tmp_path / "selfeval.xlsx"),
        formats.write_pdf_reportlab(TARGET, tmp_path / "target.pdf"),
    ]
    page = tmp_path / "page.htm"
    page.write_bytes(formats.write_html(SELF_EVAL, encoding="gbk"))
    files.append(page)
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path / "data"), "ingest", *map(str, files), "--json"])
    assert result.exit_code == 0, result.output
    docs = json.loads(result.stdout)["documents"]
    assert [(d["doc"], d["ok"], d["reader"], d["encoding"], d["projects"], d["indicators"]) for d in docs] == [
        ("target.docx", True, "docx", "binary", 1, 9),
        ("selfeval.xlsx", True, "xlsx", "binary", 1, 6),
        # target.docx holds the project ids of "target": the PDF of the same name is a document of its own,
        # keyed with its folder (index.ingest: namesakes are qualified, never replaced)
        (f"{tmp_path.name}/target.pdf", True, "pdf", "binary", 1, 9),
        ("page.htm", True, "html", "gb18030", 1, 6),
    ]
