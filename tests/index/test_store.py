"""The SQLite record store: lossless round trip, one-transaction replace, schema version, queries."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import pytest

from index.store import DB_NAME, EXPORT_FIELDS, SCHEMA_VERSION, Store, StoreError
from nlp.parse.build import make_indicator
from nlp.records import DeptTarget, Document, Layout, ParsedDocument, ParseIssue, Project, Severity


def make_project(ordinal: int, name: str, *, n: int = 2, seq: int | None = None) -> Project:
    indicators = tuple(
        make_indicator(
            tier_raw="产出指标" if k % 2 == 0 else "效益指标",
            sub_raw="数量指标" if k % 2 == 0 else "社会效益指标",
            name=f"{name}指标{k}",
            desc=f"描述{k}",
            value="≥95%" if k % 2 == 0 else "有效保障",
            basis="计划标准",
            line=10 * ordinal + k,
            line_end=10 * ordinal + k + (k % 2),
            uncertain=("desc", "value") if k == 1 else (),
        )
        for k in range(n)
    )
    return Project(
        ordinal=ordinal,
        seq=ordinal if seq is None else seq,
        section="预算项目",
        title=f"{ordinal}、{name}绩效目标表",
        name=name,
        code=f"13042{ordinal:04d}",
        budget_wan=12.5 * ordinal,
        budget_source="table",
        funds_use="用于发放",
        spending_plan=(("3月底", "25%"), ("12月底", "100%")),
        targets="保障参保人员待遇按时足额发放",
        line=10 * ordinal,
        line_end=10 * ordinal + n,
        indicators=indicators,
    )


def make_doc(
    file: str = "001_a.txt",
    *,
    department: str | None = "邯郸市人力资源和社会保障局",
    year: int | None = 2024,
    names: tuple[str, ...] = ("城乡居民养老保险经费", "就业补助资金"),
) -> ParsedDocument:
    return ParsedDocument(
        document=Document(
            file=file, sha256="ab" * 32, department=department, year=year, layout=Layout.TABBED, encoding="gb18030"
        ),
        projects=tuple(make_project(k, name) for k, name in enumerate(names, start=1)),
        dept_targets=(DeptTarget(kind="总体", heading="部门整体绩效目标", target="目标", indicators="", line=3, line_end=4),),
        issues=(
            ParseIssue(file=file, line=12, message="cell continued on next page", severity=Severity.INFO),
            ParseIssue(file=file, line=21, message="value uncertain", field="value"),
        ),
    )


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    s = Store.open(data_dir)
    yield s
    s.close()


def test_open_creates_the_data_dir_and_database(tmp_path: Path) -> None:
    with Store.open(tmp_path / "new" / "dir") as s:
        assert s.path == tmp_path / "new" / "dir" / DB_NAME
        assert s.documents() == []
    assert (tmp_path / "new" / "dir" / DB_NAME).is_file()


def test_document_round_trip_is_lossless(store: Store) -> None:
    parsed = make_doc()
    store.replace_document(parsed)
    assert store.get_document("001_a.txt") == parsed
    assert list(store.iter_documents()) == [parsed]


def test_round_trip_keeps_none_fields(store: Store) -> None:
    parsed = make_doc(department=None, year=None)
    project = replace(parsed.projects[0], seq=None, code=None, budget_wan=None, budget_source=None)
    parsed = replace(parsed, projects=(project,))
    store.replace_document(parsed)
    assert store.get_document(parsed.document.file) == parsed


def test_get_document_of_unknown_file_is_none(store: Store) -> None:
    assert store.get_document("nope.txt") is None


def test_documents_lists_counts(store: Store) -> None:
    store.replace_document(make_doc("b.txt"))
    store.replace_document(make_doc("a.txt", names=("甲",)))
    infos = store.documents()
    assert [(i.doc, i.n_projects, i.n_indicators, i.n_issues, i.layout) for i in infos] == [
        ("a.txt", 1, 2, 2, Layout.TABBED),
        ("b.txt", 2, 4, 2, Layout.TABBED),
    ]


def test_reingest_replaces_the_whole_document(store: Store) -> None:
    store.replace_document(make_doc(names=("甲", "乙", "丙")))
    smaller = make_doc(names=("丁",))
    store.replace_document(smaller)
    assert store.get_document("001_a.txt") == smaller
    assert store.counts() == {"documents": 1, "projects": 1, "indicators": 2, "issues": 2}


def test_replace_leaves_other_documents_alone(store: Store) -> None:
    other = make_doc("002_b.txt", names=("其他",))
    store.replace_document(other)
    store.replace_document(make_doc())
    store.replace_document(make_doc(names=("新",)))
    assert store.get_document("002_b.txt") == other


def test_failure_mid_write_leaves_store_exactly_as_it_was(store: Store, data_dir: Path, store_snapshot) -> None:
    store.replace_document(make_doc("002_b.txt"))
    store.replace_document(make_doc())
    before = store_snapshot(data_dir)
    good = make_doc(names=("甲", "乙", "丙"))
    # an indicator value sqlite cannot bind: the write fails after the old rows were deleted
    # and the document and project rows of the new version were inserted
    bad_indicator = replace(good.projects[2].indicators[1], name=object())  # type: ignore[arg-type]
    bad_project = replace(good.projects[2], indicators=(good.projects[2].indicators[0], bad_indicator))
    bad = replace(good, projects=(*good.projects[:2], bad_project))
    with pytest.raises(sqlite3.Error):
        store.replace_document(bad)
    assert store_snapshot(data_dir) == before
    store.replace_document(good)  # the store is still writable afterwards
    assert store.get_document("001_a.txt") == good


def test_failure_in_a_later_step_rolls_back_too(
    store: Store, data_dir: Path, monkeypatch: pytest.MonkeyPatch, store_snapshot
) -> None:
    store.replace_document(make_doc())
    before = store_snapshot(data_dir)

    def boom(self: Store, parsed: ParsedDocument) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Store, "_insert_issues", boom)
    with pytest.raises(RuntimeError):
        store.replace_document(make_doc(names=("新",)))
    assert store_snapshot(data_dir) == before


def test_readers_see_the_old_version_during_a_write(store: Store, data_dir: Path) -> None:
    store.replace_document(make_doc())
    store._conn.execute("BEGIN IMMEDIATE")
    store._delete("001_a.txt")
    with Store.open(data_dir) as reader:  # WAL: a second connection reads while the write is open
        assert [d.doc for d in reader.documents()] == ["001_a.txt"]
    store._conn.execute("ROLLBACK")


def test_wal_mode(store: Store) -> None:
    assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused(data_dir: Path) -> None:
    Store.open(data_dir).close()
    conn = sqlite3.connect(data_dir / DB_NAME)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError) as err:
        Store.open(data_dir)
    assert str(err.value) == (
        f"{data_dir / DB_NAME}: written by a newer jixiao (schema {SCHEMA_VERSION + 1}, this one reads"
        f" {SCHEMA_VERSION}); upgrade jixiao or choose another data directory"
    )


def test_file_that_is_not_a_database_is_refused(data_dir: Path) -> None:
    (data_dir / DB_NAME).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError) as err:
        Store.open(data_dir)
    assert str(err.value) == (
        f"{data_dir / DB_NAME}: not a jixiao store (file is not a database); move it away or choose another data directory"
    )


def test_foreign_sqlite_database_is_refused(data_dir: Path) -> None:
    conn = sqlite3.connect(data_dir / DB_NAME)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(StoreError) as err:
        Store.open(data_dir)
    assert str(err.value) == (
        f"{data_dir / DB_NAME}: an SQLite database that is not a jixiao store; move it away or choose another data directory"
    )


def test_reopening_keeps_data(data_dir: Path) -> None:
    with Store.open(data_dir) as s:
        s.replace_document(make_doc())
    with Store.open(data_dir) as s:
        assert s.get_document("001_a.txt") == make_doc()


def test_projects_filter_by_department_substring_and_year(store: Store) -> None:
    store.replace_document(make_doc("a.txt", department="邯郸市人力资源和社会保障局", year=2024, names=("甲",)))
    store.replace_document(make_doc("b.txt", department="巨鹿县人力资源和社会保障局", year=2023, names=("乙", "丙")))
    assert [p.name for p in store.projects()] == ["甲", "乙", "丙"]
    assert [p.name for p in store.projects(department="巨鹿")] == ["乙", "丙"]
    assert [p.name for p in store.projects(year=2024)] == ["甲"]
    assert store.projects(department="邯郸", year=2023) == []


def test_project_row_fields(store: Store) -> None:
    store.replace_document(make_doc())
    row = store.projects()[1]
    assert (row.project_id, row.doc, row.year, row.section, row.seq, row.ordinal, row.name) == (
        "001_a:2", "001_a.txt", 2024, "预算项目", 2, 2, "就业补助资金"
    )
    assert (row.code, row.budget_wan, row.n_indicators) == ("130420002", 25.0, 2)


def test_get_project_by_id(store: Store) -> None:
    parsed = make_doc()
    store.replace_document(parsed)
    assert store.get_project("001_a:2") == (parsed.document, parsed.projects[1])
    assert store.get_project("001_a:9") is None


def test_find_projects_by_name_substring(store: Store) -> None:
    store.replace_document(make_doc())
    assert [p.project_id for p in store.find_projects("补助")] == ["001_a:2"]
    assert [p.project_id for p in store.find_projects("资")] == ["001_a:2"]
    assert len(store.find_projects("经费")) == 1
    assert store.find_projects("%") == []  # no LIKE wildcards


def test_export_rows_have_the_documented_fields_in_order(store: Store) -> None:
    store.replace_document(make_doc())
    rows = list(store.export_rows())
    assert len(rows) == 4
    assert all(tuple(r) == EXPORT_FIELDS for r in rows)
    assert rows[1] == {
        "doc": "001_a.txt",
        "department": "邯郸市人力资源和社会保障局",
        "year": 2024,
        "section": "预算项目",
        "project_seq": 1,
        "project_name": "城乡居民养老保险经费",
        "project_code": "130420001",
        "budget_wan": 12.5,
        "tier": "效益",
        "tier_raw": "效益指标",
        "sub": "社会效益",
        "sub_raw": "社会效益指标",
        "name": "城乡居民养老保险经费指标1",
        "desc": "描述1",
        "value": "有效保障",
        "value_op": None,
        "value_num": None,
        "value_unit": None,
        "basis": "计划标准",
        "line": 11,
        "line_end": 12,
        "uncertain": ["desc", "value"],
        "project_id": "001_a:1",
        "value_text": "有效保障",
        "actual": "",
        "extra": {},
    }
    assert (rows[0]["value_op"], rows[0]["value_num"], rows[0]["value_unit"]) == ("≥", 95.0, "%")


def test_delete_document(store: Store) -> None:
    store.replace_document(make_doc())
    assert store.delete_document("001_a.txt") is True
    assert store.delete_document("001_a.txt") is False
    assert store.counts() == {"documents": 0, "projects": 0, "indicators": 0, "issues": 0}


def test_real_samples_round_trip_losslessly(store: Store, samples_dir: Path) -> None:
    from index.ingest import load_document

    parsed = [load_document(p) for p in sorted(samples_dir.glob("*.txt"))]
    for p in parsed:
        store.replace_document(p)
    assert list(store.iter_documents()) == parsed


def test_a_schema_2_store_gains_the_reader_and_self_evaluation_columns(tmp_path) -> None:
    from index.store import _ADDED_COLUMNS

    with Store.open(tmp_path):
        pass
    conn = sqlite3.connect(tmp_path / DB_NAME)
    for table, column, _ in _ADDED_COLUMNS:
        conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    conn.execute("PRAGMA user_version = 2")  # as a store written before migration step 2 -> 3
    conn.commit()
    conn.close()
    with Store.open(tmp_path) as store:
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        store.replace_document(make_doc())
        assert store.counts()["indicators"] == 4
        assert store.get_project("001_a:2")[1] == make_doc().projects[1]
