"""CLI: search / index rebuild — JSON fields, exit codes, exact error lines, ingest keeps the index in step."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

runner = CliRunner()
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
JULU = next(SAMPLES.glob("000_*.txt"))
HIT_FIELDS = ["project_id", "doc", "department", "year", "section", "project_seq", "project_name", "project_code",
              "budget_wan", "score", "n_findings", "findings_model", "highlights"]


def jx(data_dir: Path, *args: str):
    return runner.invoke(app, ["--data-dir", str(data_dir), *args])


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("data")
    assert jx(d, "ingest", str(SAMPLES)).exit_code == 0
    return d


def test_ingest_indexes_and_search_json_has_the_documented_fields(data: Path) -> None:
    r = jx(data, "search", "创业担保贷款", "--limit", "2", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert list(out) == ["query", "total", "total_exact", "hits"] and out["total_exact"] is True and out["query"] == "创业担保贷款" and out["total"] >= 2
    assert [list(h) for h in out["hits"]] == [HIT_FIELDS, HIT_FIELDS]
    assert {h["findings_model"] for h in out["hits"]} == {"default"}  # the classifier version behind M01
    assert out["hits"][0]["highlights"][0] == {"field": "name", "text": "补充«创业担保贷款»«担保»基金"}


def test_reingest_replaces_without_duplicates(data: Path) -> None:
    before = json.loads(jx(data, "search", "就业", "--limit", "500", "--json").stdout)
    assert jx(data, "ingest", str(JULU)).exit_code == 0
    after = json.loads(jx(data, "search", "就业", "--limit", "500", "--json").stdout)
    assert after["total"] == before["total"]
    assert sorted(h["project_id"] for h in after["hits"]) == sorted(h["project_id"] for h in before["hits"])


def test_human_output_and_filters(data: Path) -> None:
    r = jx(data, "search", "就业", "--year", "2021", "--dept", "巨鹿", "--sort", "budget", "--limit", "3")
    assert r.exit_code == 0, r.output
    assert "projects match '就业'; showing 1-3" in r.stdout and "巨鹿县人力资源和社会保障局 2021" in r.stdout


def test_index_rebuild_reports_counts(data: Path) -> None:
    r = jx(data, "index", "rebuild")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("indexed 122 projects from 5 documents in ")


@pytest.mark.parametrize(
    "args, message",
    [
        (["search", '"养老'], "Error: '\"养老': unbalanced double quote; close the phrase with \" or remove the quote"),
        (["search", "养老", "--year", "20x1"], "Error: --year '20x1': expected a year (2021) or a range (2021-2024)"),
    ],
)
def test_bad_input_gives_one_line_and_exit_1(data: Path, args: list[str], message: str) -> None:
    r = jx(data, *args)
    assert (r.exit_code, r.stderr.strip()) == (1, message)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--tier", "过程"], "Invalid value for '--tier': Value error, '过程' is not one of '产出', '效益', '满意度', '成本'."),
        (["--sort", "name"], "Invalid value for '--sort': Value error, 'name' is not one of 'score', 'year', 'budget'."),
    ],
)
def test_the_parser_rejects_a_value_outside_an_options_choices(data: Path, args: list[str], message: str) -> None:
    r = jx(data, "search", "养老", *args)
    assert r.exit_code == 2 and message in " ".join(re.sub("[│╭╮╰╯─]", " ", r.stderr).split())


def test_search_without_an_index_says_what_to_run(tmp_path: Path) -> None:
    from index.store import Store

    Store.open(tmp_path).close()
    r = jx(tmp_path, "search", "养老")
    assert (r.exit_code, r.stderr.strip()) == (
        1, f"Error: {tmp_path / 'index'}: no search index yet; run 'jixiao ingest PATH' or 'jixiao index rebuild' first")


def test_each_hit_carries_the_findings_the_audit_of_its_document_reports(data: Path) -> None:
    hit = json.loads(jx(data, "search", "村级代办员", "--year", "2021", "--limit", "1", "--json").stdout)["hits"][0]
    report = json.loads(jx(data, "audit", "--doc", hit["doc"], "--format", "json").stdout)
    project = next(p for p in report["projects"] if p["project_id"] == hit["project_id"])
    assert hit["n_findings"] == project["findings"] > 0


def test_an_empty_filtered_search_names_what_each_filter_removed(data: Path) -> None:
    total = json.loads(jx(data, "search", "创业", "--json").stdout)["total"]
    in_2024 = json.loads(jx(data, "search", "创业", "--year", "2024", "--json").stdout)["total"]
    r = jx(data, "search", "创业", "--year", "2020")
    assert (r.exit_code, r.stdout) == (
        0, f"no projects match '创业' with year 2020 ({total} match without the filters: year 2020 removed {total})\n")
    r = jx(data, "search", "创业", "--year", "2024", "--dept", "邯郸")
    assert (r.exit_code, r.stdout) == (
        0, f"no projects match '创业' with year 2024, dept 邯郸 ({total} match without the filters: "
           f"year 2024 removed {total - in_2024}, dept 邯郸 removed {total})\n")
    assert jx(data, "search", "zzzqqq").stdout == "no projects match 'zzzqqq'\n"


def test_query_text_is_printed_as_typed(data: Path) -> None:
    """Square brackets are whoosh's range syntax and rich's markup: the echoed query keeps them."""
    r = jx(data, "search", "[a TO z]")
    total = json.loads(jx(data, "search", "[a TO z]", "--json").stdout)["total"]
    assert r.exit_code == 0 and r.stdout.startswith(f"{total} projects match '[a TO z]'; showing 1-")
