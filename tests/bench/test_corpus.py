"""The synthetic benchmark corpus reads back exactly as generated (bench/corpus.py)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from nlp.normalize import SUB_PARENT
from nlp.parse import parse_text

ROOT = Path(__file__).resolve().parents[2]


def _load_corpus_module():
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_corpus"] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus_module()

#: a small corpus: 66 projects in documents of 8–11 projects (at least one per style), every style in turn
SMALL = dict(seed=7, n_projects=66, min_projects=8, max_projects=11, styles=tuple(corpus.Style))


@pytest.fixture(scope="module")
def pool():
    return corpus.load_pool()


@pytest.fixture(scope="module")
def small_corpus(pool, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("corpus")
    return out, corpus.write_corpus(pool, out, **SMALL)


def _parse(path: Path):
    return parse_text(path.read_text(encoding="utf-8"), file=path.name)


def test_pool_takes_rows_from_every_sub_tier_of_the_samples(pool):
    assert set(pool.rows_by_sub) == set(SUB_PARENT)
    assert all(r.tier == SUB_PARENT[r.sub] for rows in pool.rows_by_sub.values() for r in rows)


def test_small_corpus_has_the_requested_projects_in_every_style(small_corpus):
    _, manifest = small_corpus
    assert manifest["projects"] == SMALL["n_projects"]
    assert sum(e["projects"] for e in manifest["files"]) == SMALL["n_projects"]
    assert {e["style"] for e in manifest["files"]} == {s.value for s in corpus.Style}


def test_documents_parse_back_to_the_manifest_counts(small_corpus):
    out, manifest = small_corpus
    for entry in manifest["files"]:
        parsed = _parse(out / entry["file"])
        got = (parsed.document.layout.value, len(parsed.projects), parsed.n_indicators)
        assert got == (entry["layout"], entry["projects"], entry["indicators"]), entry["file"]


def test_documents_parse_back_to_their_department_and_year(small_corpus):
    out, manifest = small_corpus
    for entry in manifest["files"]:
        doc = _parse(out / entry["file"]).document
        assert (doc.department, doc.year) == (entry["department"], entry["year"]), entry["file"]


def test_rendered_rows_round_trip_field_by_field(pool, small_corpus):
    out, _ = small_corpus
    fields = ("tier_raw", "sub_raw", "name", "desc", "value", "basis")
    for doc in corpus.plan_documents(pool, **SMALL):
        parsed = _parse(out / doc.file)
        assert len(parsed.projects) == len(doc.projects)
        for want_p, got_p in zip(doc.projects, parsed.projects):
            assert (got_p.seq, got_p.name, got_p.code, got_p.budget_wan) == (
                want_p.seq, want_p.name, want_p.code, want_p.budget_wan)
            assert len(got_p.indicators) == len(want_p.rows), (doc.file, want_p.seq)
            for want, got in zip(want_p.rows, got_p.indicators):
                assert [getattr(got, f) for f in fields] == [getattr(want, f) for f in fields], (doc.file, got.line)
                assert (got.tier, got.sub) == (want.tier, want.sub)


def test_small_corpus_contains_the_layout_traps(small_corpus):
    out, manifest = small_corpus
    texts = {e["style"]: (out / e["file"]).read_text(encoding="utf-8") for e in manifest["files"]}
    tabbed = texts["tabbed"].split("\n")
    header6 = "一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据"
    assert tabbed.count(header6) >= 1  # header repeated at a page break
    assert any(line.startswith("\t\t\t\t\t") and line.strip() for line in tabbed)  # continuation row
    cells = "\n".join(texts[s] for s in ("cells-bookmark", "cells-tc", "cells-two-series")).split("\n")
    untabbed = [b for a, b in zip(cells, cells[1:]) if a.startswith("\t") and b and not b.startswith("\t")
                and "绩效目标表" not in b and not b.endswith("绩效目标：")]
    assert untabbed  # a cell continued on an untabbed line
    assert any("\\f C \\l 1" in line for line in cells) and any("[bookmark: " in line for line in cells)
    assert "专项资金名称" in texts["cells-two-series"]


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(pool, small_corpus, tmp_path):
    out, manifest = small_corpus
    again = corpus.write_corpus(pool, tmp_path / "again", **SMALL)
    assert again == manifest
    for entry in manifest["files"]:
        assert (tmp_path / "again" / entry["file"]).read_bytes() == (out / entry["file"]).read_bytes()
    assert (tmp_path / "again" / "manifest.json").read_bytes() == (out / "manifest.json").read_bytes()
    other = corpus.write_corpus(pool, tmp_path / "other", **{**SMALL, "seed": 8})
    first = other["files"][0]["file"]
    assert (tmp_path / "other" / first).read_bytes() != (out / manifest["files"][0]["file"]).read_bytes()


def test_corpus_can_be_sized_by_indicators(pool):
    docs = list(corpus.plan_documents(pool, seed=0, n_indicators=2000, min_projects=5, max_projects=10))
    total = sum(d.n_indicators for d in docs)
    assert total >= 2000 and total - docs[-1].n_indicators < 2000


def test_indicator_records_are_labelled_and_deterministic(pool, tmp_path):
    n = corpus.write_indicators(pool, tmp_path / "a.jsonl", n=500, seed=3)
    corpus.write_indicators(pool, tmp_path / "b.jsonl", n=500, seed=3)
    assert n == 500
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    records = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 500
    assert set(records[0]) == {"doc", "department", "year", "project_id", "project_name", "tier", "sub",
                               "tier_raw", "sub_raw", "name", "desc", "value", "basis", "src", "perturbed"}
    assert all(r["tier"] == SUB_PARENT[r["sub"]] for r in records)
    assert all(2019 <= r["year"] <= 2026 for r in records)
    assert any(r["perturbed"] for r in records) and not all(r["perturbed"] for r in records)
