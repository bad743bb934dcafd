"""search_projects over an index of the five samples: query language, filters, sorting, errors, updates."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from index.build import IndexMissingError, IndexVersionError, META_NAME, current_generation, rebuild_index, update_index
from index.ingest import load_document
from index.search import ProjectSearcher, QueryError, SearchHit, SortKey, YearRange, parse_years, search_projects

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
JULU = "000_85729df7469e5ff4"  # 巨鹿县 2021
BAZHOU = "001_269e4af91333dcae"  # 霸州市 2024


@pytest.fixture(scope="module")
def docs():
    return [load_document(p) for p in sorted(SAMPLES.glob("*.txt"))]


@pytest.fixture(scope="module")
def ix(tmp_path_factory, docs) -> Path:
    index_dir = tmp_path_factory.mktemp("data") / "index"
    rebuild_index(index_dir, docs)
    return index_dir


def ids(result) -> list[str]:
    return [h.project_id for h in result.hits]


def test_sub_word_query_finds_the_long_word(ix: Path) -> None:
    r = search_projects(ix, "养老", limit=200)
    assert f"{BAZHOU}:1" in ids(r)  # 城乡居民养老保险经费
    assert r.total == len(r.hits)


def test_words_are_anded(ix: Path) -> None:
    both = set(ids(search_projects(ix, "就业 培训", limit=200)))
    assert both and both <= set(ids(search_projects(ix, "就业", limit=200)))
    assert both <= set(ids(search_projects(ix, "培训", limit=200)))


def test_or_and_not(ix: Path) -> None:
    a = set(ids(search_projects(ix, "仲裁", limit=200)))
    b = set(ids(search_projects(ix, "幼儿", limit=200)))
    assert set(ids(search_projects(ix, "仲裁 OR 幼儿", limit=200))) == a | b
    assert set(ids(search_projects(ix, "养老 NOT 城乡", limit=200))).isdisjoint(
        set(ids(search_projects(ix, "城乡", limit=200))))


def test_quoted_phrase_needs_adjacent_words(ix: Path) -> None:
    phrase = set(ids(search_projects(ix, '"居民养老"', limit=200)))
    loose = set(ids(search_projects(ix, "居民 养老", limit=200)))
    assert f"{BAZHOU}:1" in phrase
    assert phrase < loose


def test_hit_fields_and_highlights(ix: Path) -> None:
    [hit] = search_projects(ix, "农民工工资应急周转金", limit=1).hits
    assert isinstance(hit, SearchHit)
    assert (hit.project_id, hit.doc, hit.department, hit.year, hit.section, hit.project_seq, hit.project_code,
            hit.budget_wan) == (f"{BAZHOU}:10", f"{BAZHOU}.txt", "霸州市人力资源和社会保障局", 2024, "预算项目", 10,
                                "13108124P00484010005R", 500.0)
    assert hit.highlights[0].field == "name" and "«" in hit.highlights[0].text
    with pytest.raises(dataclasses.FrozenInstanceError):
        hit.score = 0  # type: ignore[misc]


def test_year_department_and_tier_filters(ix: Path) -> None:
    r = search_projects(ix, "就业", years=YearRange(2021, 2021), dept="巨鹿", limit=200)
    assert r.hits and all(h.doc.startswith(JULU) for h in r.hits)
    assert search_projects(ix, "就业", dept="没有这个部门").total == 0
    with_tier = search_projects(ix, "经费", tier="满意度", limit=200).total
    assert 0 < with_tier < search_projects(ix, "经费", limit=200).total


def test_sort_by_budget_and_pages(ix: Path) -> None:
    r = search_projects(ix, "养老", sort=SortKey.BUDGET, limit=200)
    budgets = [h.budget_wan for h in r.hits if h.budget_wan is not None]
    assert budgets == sorted(budgets, reverse=True)
    first, second = (search_projects(ix, "养老", limit=5, page=n) for n in (1, 2))
    assert ids(first) + ids(second) == ids(search_projects(ix, "养老", limit=10))
    assert search_projects(ix, "养老", limit=5, page=999).hits == ()


@pytest.mark.parametrize(
    "query, message",
    [
        ("", "empty query; give at least one word, e.g. jixiao search 养老保险"),
        ('"养老', "'\"养老': unbalanced double quote; close the phrase with \" or remove the quote"),
        ("(养老 OR 就业", "'(养老 OR 就业': unbalanced parentheses; every ( needs a matching )"),
        ("养老 AND", "'养老 AND': AND needs a word on each side"),
        ("养老 AND OR 就业", "'养老 AND OR 就业': 'AND OR': two operators in a row; put a word between them"),
        ("title:养老", "'title:养老': unknown field 'title'; use one of name, code, department, text (or no field)"),
        ("的", "'的': no searchable words (only punctuation or stop words such as 的, 和)"),
    ],
)
def test_malformed_queries_are_explained(ix: Path, query: str, message: str) -> None:
    with pytest.raises(QueryError) as exc:
        search_projects(ix, query)
    assert str(exc.value) == message


def test_parse_years() -> None:
    assert parse_years("2021") == YearRange(2021, 2021)
    assert parse_years("2021-2024") == YearRange(2021, 2024)
    with pytest.raises(QueryError, match=r"^--year '2024-2021': the range ends before it starts; write 2021-2024$"):
        parse_years("2024-2021")


def test_missing_index_names_the_remedy(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError) as exc:
        search_projects(tmp_path / "index", "养老")
    assert str(exc.value) == (f"{tmp_path / 'index'}: no search index yet; run 'jixiao ingest PATH' or "
                              "'jixiao index rebuild' first")


def test_other_analyzer_version_asks_for_a_rebuild(tmp_path: Path, docs) -> None:
    index_dir = tmp_path / "index"
    rebuild_index(index_dir, docs[:1])
    gen = current_generation(index_dir)
    meta = json.loads((gen / META_NAME).read_text())
    (gen / META_NAME).write_text(json.dumps({**meta, "analyzer_version": "zh-0"}))
    with pytest.raises(IndexVersionError) as exc:
        search_projects(index_dir, "养老")
    assert str(exc.value).endswith("the search index was built with analyzer 'zh-0', this jixiao uses 'zh-4'; "
                                   "run 'jixiao index rebuild'")


def test_update_replaces_a_document_without_duplicates(tmp_path: Path, docs) -> None:
    index_dir = tmp_path / "index"
    info = update_index(index_dir, docs[:2])  # creates the index
    again = update_index(index_dir, docs[:1])  # re-ingest of the first document
    assert again.n_projects == info.n_projects == len(docs[0].projects) + len(docs[1].projects)
    r = search_projects(index_dir, "补充创业担保贷款担保基金", limit=50)
    assert ids(r).count(f"{JULU}:10") == 1


@pytest.mark.parametrize("query", ["创业担保贷款", "养老 OR 就业", "城乡居民养老保险", "≥95%", '"就业培训"'])
def test_total_counts_every_match_not_only_the_shown_page(ix: Path, query: str) -> None:
    every = search_projects(ix, query, limit=1000)
    first = search_projects(ix, query, limit=1)
    assert every.total_exact and first.total_exact
    assert first.total == every.total == len(every.hits)


def test_a_value_matches_only_where_it_is_written_whole(ix: Path) -> None:
    value = search_projects(ix, "≥95%", limit=1000)
    pieces = search_projects(ix, "≥ 95 %", limit=1000)  # three words anywhere
    assert 0 < value.total < pieces.total
    assert set(ids(value)) <= set(ids(pieces))
    assert all(any("«≥95%»" in x.text.replace(" ", "") for x in h.highlights) for h in value.hits)


def test_every_match_is_counted(ix: Path) -> None:
    r = search_projects(ix, "就业", limit=5)
    assert r.total_exact and r.total == len(search_projects(ix, "就业", limit=1000).hits) > 5


def test_whoosh_total_is_an_upper_estimate_above_the_exact_count_limit(ix: Path, monkeypatch) -> None:
    import index.search as search

    with ProjectSearcher(ix, use_postings=False) as whoosh_only:
        exact = whoosh_only.search("就业", limit=5)
        monkeypatch.setattr(search, "EXACT_COUNT_MAX", 0)
        r = whoosh_only.search("就业", limit=5)
    assert exact.total_exact and not r.total_exact and r.total >= exact.total and len(r.hits) == 5


def test_a_query_the_postings_cannot_answer_is_answered_by_whoosh(ix: Path) -> None:
    r = search_projects(ix, "就? 培训", limit=1000)  # a one-character wildcard: whoosh's matchers only
    assert r.total > 0 and all(h.project_id for h in r.hits)
    assert set(ids(r)) <= set(ids(search_projects(ix, "培训", limit=1000)))


def test_findings_counts_given_by_the_caller_are_stored_per_project(tmp_path: Path, docs) -> None:
    index_dir = tmp_path / "index"
    counted = []

    def findings(parsed):  # stands in for the audit, which index/ does not import
        counted.append(parsed.document.file)
        return {f"{JULU}:10": 7}

    rebuild_index(index_dir, docs[:2], findings=findings)
    assert counted == [d.document.file for d in docs[:2]]
    hits = {h.project_id: h.n_findings for h in search_projects(index_dir, "创业担保贷款", limit=50).hits}
    assert hits[f"{JULU}:10"] == 7
    assert all(n == 0 for pid, n in hits.items() if pid != f"{JULU}:10")
    update_index(index_dir, docs[:1])  # without counts the document's projects go back to 0
    assert search_projects(index_dir, "补充创业担保贷款担保基金", limit=1).hits[0].n_findings == 0
