"""`jixiao audit`: formats, filters and one-line errors, on a real sample file."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from tests.conftest import SAMPLE_FILES

runner = CliRunner()
SAMPLE_004 = str(SAMPLE_FILES["004"])


def run(data_dir: Path, *args: str):
    return runner.invoke(app, ["--data-dir", str(data_dir), "audit", *args])


def test_audit_json_of_one_project(data_dir: Path):
    result = run(data_dir, SAMPLE_004, "--project", "三免", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [p["project_name"] for p in data["projects"]] == ["公办技工院校建档立卡“三免”资金市级配套（人社口）-扶贫"]
    rules = {(f["rule"], f["indicator"]) for f in data["findings"]}
    assert ("R05", "学生抽样调查满意度") in rules and ("R16", "受助学生数") in rules


def test_audit_writes_html_and_xlsx_reports(data_dir: Path, tmp_path: Path):
    html, xlsx = tmp_path / "a.html", tmp_path / "a.xlsx"
    assert run(data_dir, SAMPLE_004, "--format", "html", "-o", str(html)).exit_code == 0
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert run(data_dir, SAMPLE_004, "--format", "xlsx", "-o", str(xlsx)).exit_code == 0
    assert xlsx.read_bytes()[:2] == b"PK"


def test_audit_min_severity_error(data_dir: Path):
    result = run(data_dir, SAMPLE_004, "--min-severity", "error", "--format", "json")
    assert result.exit_code == 0
    assert {f["severity"] for f in json.loads(result.output)["findings"]} == {"error"}


def test_audit_errors_are_one_line(data_dir: Path):
    r = run(data_dir, SAMPLE_004, "--profile", "nope")
    assert r.exit_code == 1
    assert "Error: models/data/audit.toml: no audit profile 'nope'; choose one of: central, default, hebei, strict" in r.output
    r = run(data_dir, SAMPLE_004, "--format", "xlsx")
    assert r.exit_code == 1 and "Error: --format xlsx writes a binary workbook; give the file with -o FILE" in r.output
    r = run(data_dir)
    assert r.exit_code == 1
    assert (f"Error: no jixiao data in {data_dir} (run jixiao ingest PATH to add documents, or give the right --data-dir)"
            in r.output)
