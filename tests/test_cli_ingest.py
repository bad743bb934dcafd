"""CLI: ingest / projects / show / export / demo — exit codes, exact error lines, store untouched on failure."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from index.store import DB_NAME, EXPORT_FIELDS, SCHEMA_VERSION

runner = CliRunner()
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
#: seed 002 (one cell per line), cut where its fourth project table starts
SAMPLE_002 = next(SAMPLES.glob("002_*.txt"))


def cut(path: Path, stop_marker: str) -> str:
    text = path.read_text(encoding="utf-8")
    return text[: text.index(stop_marker)]


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A real-world excerpt: 002 up to (not including) its fourth table, saved as GBK."""
    p = tmp_path / "002_small.txt"
    p.write_bytes(cut(SAMPLE_002, "4.城乡居民基本养老保险").encode("gb18030"))
    return p


def jx(data_dir: Path, *args: str):
    return runner.invoke(app, ["--data-dir", str(data_dir), *args])


# -- bad input: one line, the other files still ingest, the store is unchanged ------------------------


def test_binary_file(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "scan.txt"
    bad.write_bytes(b"%PDF\x00\x01")
    result = jx(data_dir, "ingest", str(bad))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {bad}: binary file (NUL bytes), not text; export the document as UTF-8 text\n"


def test_empty_file(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = jx(data_dir, "ingest", str(bad))
    assert (result.exit_code, result.stderr) == (1, f"Error: {bad}: file is empty; nothing to ingest\n")


def test_missing_path(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "missing.txt"
    result = jx(data_dir, "ingest", str(bad))
    assert (result.exit_code, result.stderr) == (1, f"Error: {bad}: no such file; check the path\n")


def test_folder_without_txt_files(data_dir: Path, tmp_path: Path) -> None:
    empty = tmp_path / "nothing"
    empty.mkdir()
    result = jx(data_dir, "ingest", str(empty))
    assert (result.exit_code, result.stderr) == (1, f"Error: {empty}: folder has no files to ingest (.txt .html .docx .doc .xlsx .xls .csv .pdf); nothing to ingest\n")


def test_newer_store_is_refused_with_one_line(data_dir: Path, small: Path) -> None:
    assert jx(data_dir, "ingest", str(small)).exit_code == 0
    conn = sqlite3.connect(data_dir / DB_NAME)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    result = jx(data_dir, "projects")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {data_dir / DB_NAME}: written by a newer jixiao (schema 99, this one reads {SCHEMA_VERSION});"
        " upgrade jixiao or choose another --data-dir\n"
    )


def test_a_failed_file_leaves_the_store_unchanged_and_others_still_ingest(
    data_dir: Path, tmp_path: Path, small: Path, store_snapshot
) -> None:
    assert jx(data_dir, "ingest", str(small)).exit_code == 0
    before = store_snapshot(data_dir)
    # the same document name, now broken: the stored version must survive
    broken_dir = tmp_path / "broken"
    broken_dir.mkdir()
    (broken_dir / small.name).write_bytes(b"\x00\x00")
    result = jx(data_dir, "ingest", str(broken_dir / small.name))
    assert result.exit_code == 1
    assert store_snapshot(data_dir) == before


# -- the flow on real text ---------------------------------------------------------------------------


def test_ingest_prints_a_summary_per_document(data_dir: Path, small: Path) -> None:
    result = jx(data_dir, "ingest", str(small))
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first.startswith("002_small.txt  ")
    assert " 3 projects " in first


def test_ingest_json_and_reingest_replaces(data_dir: Path, small: Path) -> None:
    first = json.loads(jx(data_dir, "ingest", str(small), "--json").stdout)
    second = json.loads(jx(data_dir, "ingest", str(small), "--json").stdout)
    [doc] = second["documents"]
    assert (doc["doc"], doc["ok"], doc["encoding"], doc["replaced"]) == ("002_small.txt", True, "gb18030", True)
    assert first["documents"][0]["replaced"] is False
    assert second["summary"]["n_projects"] == 3
    rows = json.loads(jx(data_dir, "projects", "--json").stdout)
    assert [r["project_id"] for r in rows] == ["002_small:1", "002_small:2", "002_small:3"]


def test_bad_and_good_files_together(data_dir: Path, tmp_path: Path, small: Path) -> None:
    bad = tmp_path / "a_empty.txt"
    bad.write_text("\n", encoding="utf-8")
    result = jx(data_dir, "ingest", str(bad), str(small))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {bad}: file is empty; nothing to ingest\n"
    assert "002_small.txt" in result.stdout
    assert "1 documents ingested, 1 failed" in result.stdout


def test_projects_filters(data_dir: Path, small: Path) -> None:
    jx(data_dir, "ingest", str(small))
    rows = json.loads(jx(data_dir, "projects", "--json").stdout)
    dept, year = rows[0]["department"], rows[0]["year"]
    assert dept and year
    assert len(json.loads(jx(data_dir, "projects", "--json", "--dept", dept[:2]).stdout)) == 3
    assert json.loads(jx(data_dir, "projects", "--json", "--year", str(year + 1)).stdout) == []
    assert jx(data_dir, "projects").stdout.rstrip().endswith("3 projects")


def test_show_by_id_and_by_name(data_dir: Path, small: Path) -> None:
    jx(data_dir, "ingest", str(small))
    by_id = json.loads(jx(data_dir, "show", "002_small:2", "--json").stdout)
    by_name = json.loads(jx(data_dir, "show", "创业贷款", "--json").stdout)
    assert by_id == by_name
    assert by_id["project"]["name"] == "2025年创业贷款贴息资金"
    assert by_id["project"]["indicators"]
    human = jx(data_dir, "show", "002_small:2")
    assert human.exit_code == 0
    assert human.stdout.startswith("002_small:2  2.2025年创业贷款贴息资金绩效目标表")


def test_show_unknown_and_ambiguous(data_dir: Path, small: Path) -> None:
    jx(data_dir, "ingest", str(small))
    missing = jx(data_dir, "show", "不存在的项目")
    assert (missing.exit_code, missing.stderr) == (
        1, "Error: no project id or name matches '不存在的项目'; list them with 'jixiao projects'\n"
    )
    ambiguous = jx(data_dir, "show", "创业")
    assert ambiguous.exit_code == 1
    assert ambiguous.stderr.startswith("Error: '创业' matches 2 projects (002_small:2 2025年创业贷款贴息资金, 002_small:3 ")
    assert ambiguous.stderr.endswith("; give a project id\n")


def test_export_jsonl_and_csv_agree(data_dir: Path, small: Path, tmp_path: Path) -> None:
    jx(data_dir, "ingest", str(small))
    lines = jx(data_dir, "export", "--format", "jsonl").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert records and all(list(r) == list(EXPORT_FIELDS) for r in records)
    out = tmp_path / "out.csv"
    result = jx(data_dir, "export", "--format", "csv", "-o", str(out))
    assert result.exit_code == 0
    assert result.stderr == f"wrote {len(records)} indicators to {out}\n"
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads the file as UTF-8
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["name"] for r in rows] == [r["name"] for r in records]
    assert list(rows[0]) == list(EXPORT_FIELDS)
    assert {r["doc"] for r in records} == {"002_small.txt"}


def test_export_of_empty_store_and_bad_format(data_dir: Path) -> None:
    from index.store import Store

    missing = jx(data_dir, "export")
    assert (missing.exit_code, missing.stderr) == (
        1, f"Error: no jixiao data in {data_dir} (run jixiao ingest PATH to add documents, or give the right --data-dir)\n"
    )
    Store.open(data_dir).close()
    empty = jx(data_dir, "export")
    assert (empty.exit_code, empty.stderr) == (
        1, f"Error: the store in {data_dir} holds no indicators; run 'jixiao ingest PATH' first\n"
    )
    bad = jx(data_dir, "export", "--format", "xml")
    assert bad.exit_code == 2 and ("Invalid value for '--format': Value error, 'xml' is not one of 'jsonl', 'csv'."
                                   in " ".join(re.sub("[│╭╮╰╯─]", " ", bad.stderr).split()))


def test_text_without_tables(data_dir: Path, tmp_path: Path) -> None:
    prose = tmp_path / "notes.txt"
    prose.write_text("部门预算信息公开情况说明\n一、部门职责\n", encoding="utf-8")
    result = jx(data_dir, "ingest", str(prose))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {prose}: no performance-target tables found"
        " (expected 项目支出绩效目标表 with 一级指标/二级指标 columns)\n"
    )
    assert not any(json.loads(jx(data_dir, "projects", "--json").stdout))


def test_show_warnings_lists_file_and_line(data_dir: Path) -> None:
    sample_004 = next(SAMPLES.glob("004_*.txt"))
    result = jx(data_dir, "ingest", str(sample_004), "--show-warnings")
    assert result.exit_code == 0
    listed = [line for line in result.stdout.splitlines() if line.startswith(f"  {sample_004.name}:")]
    summary = json.loads(jx(data_dir, "ingest", str(sample_004), "--json").stdout)["documents"][0]
    assert len(listed) == summary["warnings"]
    assert all(line.split(":")[1].isdigit() for line in listed)


def test_demo_ingests_the_bundled_samples(data_dir: Path) -> None:
    result = jx(data_dir, "demo", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert Path(report["samples"]) == SAMPLES
    assert [d["projects"] for d in report["documents"]] == [21, 29, 14, 35, 23]
    assert report["summary"]["n_failed"] == 0
    # the samples go to a data directory of the demo's own, never into the user's store
    assert Path(report["data_dir"]) == data_dir / "demo"
    assert (data_dir / "demo" / DB_NAME).is_file()
    assert not (data_dir / DB_NAME).exists()


def test_demo_into_store_uses_the_data_directory_itself(data_dir: Path) -> None:
    result = jx(data_dir, "demo", "--json", "--into-store")
    assert result.exit_code == 0, result.output
    assert Path(json.loads(result.stdout)["data_dir"]) == data_dir
    assert len(json.loads(jx(data_dir, "projects", "--json").stdout)) == 122


def test_demo_audits_what_it_ingested_and_runs_one_search(data_dir: Path) -> None:
    report = json.loads(jx(data_dir, "demo", "--json").stdout)
    audited = report["audit"]
    assert audited["projects"] == 122
    assert [d["projects"] for d in audited["documents"]] == [21, 29, 14, 35, 23]
    assert {r["rule"] for d in audited["documents"] for r in d["by_rule"]} >= {"R05", "R09", "R23"}
    found = report["search"]
    assert found["query"] == "创业担保贷款"
    assert len(found["hits"]) == 3 and found["total"] >= 3
    assert "创业" in found["hits"][0]["project_name"]
    # the search index was filled by the demo's ingest, so a plain search of its data directory works too
    again = json.loads(jx(data_dir / "demo", "search", "创业担保贷款", "--json").stdout)
    assert again["total"] == found["total"]


def test_demo_prints_the_three_steps_for_people(data_dir: Path) -> None:
    out = jx(data_dir, "demo").stdout
    assert "1. ingested the bundled samples" in out
    assert "2. audit (profile default): " in out and "most frequent problems: R" in out
    assert "3. jixiao search 创业担保贷款 --limit 3" in out
