"""The relevance set (relevance.json): each query ranks its expected projects within its top N."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.build import rebuild_index
from index.ingest import load_document
from index.search import parse_years, search_projects

HERE = Path(__file__).resolve().parent
SAMPLES = HERE.parents[1] / "samples"
CASES = json.loads((HERE / "relevance.json").read_text(encoding="utf-8"))["cases"]


@pytest.fixture(scope="module")
def ix(tmp_path_factory) -> Path:
    index_dir = tmp_path_factory.mktemp("data") / "index"
    rebuild_index(index_dir, [load_document(p) for p in sorted(SAMPLES.glob("*.txt"))])
    return index_dir


def test_the_set_covers_every_kind_of_query() -> None:
    kinds = [c["kind"] for c in CASES]
    assert len(CASES) >= 30
    assert {k: kinds.count(k) >= 3 for k in ("name", "indicator", "number", "code", "department")} == dict.fromkeys(
        ("name", "indicator", "number", "code", "department"), True)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['kind']}:{c['query']}" for c in CASES])
def test_expected_projects_rank_in_top_n(ix: Path, case: dict) -> None:
    years = parse_years(case["years"]) if case.get("years") else None
    result = search_projects(ix, case["query"], limit=case["top"], years=years, dept=case.get("dept"))
    got = [h.project_id for h in result.hits]
    assert [e for e in case["expect"] if e not in got] == [], got
