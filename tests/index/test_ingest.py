"""Ingest orchestration: folders expanded, each file read → parsed → stored, bad files reported, others kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.ingest import IngestOutcome, expand_paths, ingest_paths, load_document, summarize
from index.store import Store
from nlp.errors import InputError
from nlp.parse.build import make_indicator
from nlp.records import Document, Layout, ParsedDocument, ParseIssue, Project, Severity


def toy_parse(text: str, *, file: str, sha256: str = "", encoding: str = "utf-8") -> ParsedDocument:
    """A stand-in parser for a toy layout: ``P name`` starts a project, ``name<TAB>value`` is an indicator."""
    projects: list[Project] = []
    issues: list[ParseIssue] = []
    lines = text.split("\n")
    for n, line in enumerate(lines, start=1):
        if line.startswith("P "):
            projects.append(
                Project(ordinal=len(projects) + 1, seq=len(projects) + 1, section="预算项目", title=line,
                        name=line[2:], code=None, budget_wan=None, budget_source=None, funds_use="",
                        spending_plan=(), targets="", line=n, line_end=n)
            )
        elif "\t" in line and projects:
            name, value = line.split("\t", 1)
            ind = make_indicator(tier_raw="产出指标", sub_raw="数量指标", name=name, desc="", value=value,
                                 basis="", line=n, line_end=n)
            last = projects[-1]
            projects[-1] = Project(**{**last.__dict__, "indicators": (*last.indicators, ind), "line_end": n})
        elif line.startswith("?"):
            issues.append(ParseIssue(file=file, line=n, message="uncertain row"))
            issues.append(ParseIssue(file=file, line=n, message="repaired", severity=Severity.INFO))
    if not projects:
        raise InputError(file, "no performance-target tables found; is this a 项目支出绩效目标表 disclosure?")
    return ParsedDocument(
        document=Document(file=file, sha256=sha256, department="某局", year=2024, layout=Layout.TABBED,
                          encoding=encoding),
        projects=tuple(projects),
        issues=tuple(issues),
    )


GOOD = "P 就业补助资金\n培训人数\t≥500人\n?\nP 养老保险经费\n参保率\t≥95%\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "b.txt").write_text(GOOD, encoding="utf-8")
    (d / "a.txt").write_bytes("P 甲\n数量\t10个\n".encode("gbk"))
    (d / "notes.md").write_text("P ignored\n", encoding="utf-8")
    return d


@pytest.fixture
def store(data_dir: Path):
    with Store.open(data_dir) as s:
        yield s


def test_expand_paths_lists_txt_files_of_folders_sorted_and_drops_duplicates(folder: Path) -> None:
    files = expand_paths([folder, folder / "a.txt", folder / "missing.txt"])
    assert files == [folder / "a.txt", folder / "b.txt", folder / "missing.txt"]


def test_load_document_passes_name_hash_and_encoding_to_the_parser(folder: Path) -> None:
    parsed = load_document(folder / "a.txt", parse=toy_parse)
    assert parsed.document.file == "a.txt"
    assert parsed.document.encoding == "gb18030"
    assert len(parsed.document.sha256) == 64
    assert parsed.projects[0].indicators[0].value == "10个"


def test_ingest_stores_every_file_and_reports_counts(folder: Path, store: Store) -> None:
    outcomes = ingest_paths([folder], store, parse=toy_parse)
    assert [(o.doc, o.ok, o.n_projects, o.n_indicators, o.n_warnings) for o in outcomes] == [
        ("a.txt", True, 1, 1, 0),
        ("b.txt", True, 2, 2, 1),
    ]
    assert [d.doc for d in store.documents()] == ["a.txt", "b.txt"]
    assert summarize(outcomes).n_indicators == 3


def test_one_bad_file_fails_alone(folder: Path, store: Store, tmp_path: Path) -> None:
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\x00\x01\x02")
    notable = tmp_path / "notable.txt"
    notable.write_text("just prose\n", encoding="utf-8")
    outcomes = ingest_paths([binary, folder, notable], store, parse=toy_parse)
    assert [(o.doc, o.ok) for o in outcomes] == [("x.txt", False), ("a.txt", True), ("b.txt", True),
                                                 ("notable.txt", False)]
    assert outcomes[0].reason == f"{binary}: binary file (NUL bytes), not text; export the document as UTF-8 text"
    assert outcomes[3].reason == (
        f"{notable}: no performance-target tables found; is this a 项目支出绩效目标表 disclosure?"
    )
    assert [d.doc for d in store.documents()] == ["a.txt", "b.txt"]


def test_failed_reingest_keeps_the_previous_version(folder: Path, store: Store) -> None:
    ingest_paths([folder], store, parse=toy_parse)
    before = store.get_document("b.txt")
    (folder / "b.txt").write_text("", encoding="utf-8")
    [outcome] = ingest_paths([folder / "b.txt"], store, parse=toy_parse)
    assert not outcome.ok
    assert store.get_document("b.txt") == before


def test_reingest_replaces_and_says_so(folder: Path, store: Store) -> None:
    first = ingest_paths([folder / "b.txt"], store, parse=toy_parse)
    (folder / "b.txt").write_text("P 新项目\n人数\t1人\n", encoding="utf-8")
    second = ingest_paths([folder / "b.txt"], store, parse=toy_parse)
    assert (first[0].replaced, second[0].replaced) == (False, True)
    assert [p.name for p in store.projects()] == ["新项目"]


def test_empty_folder_is_a_failed_outcome(tmp_path: Path, store: Store) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    [outcome] = ingest_paths([empty], store, parse=toy_parse)
    assert (outcome.ok, outcome.reason) == (False, f"{empty}: folder has no files to ingest (.txt .html .docx .doc .xlsx .xls .csv .pdf); nothing to ingest")


def test_progress_is_reported_after_each_file(folder: Path, store: Store) -> None:
    seen: list[tuple[str, int, int]] = []

    def on_progress(outcome: IngestOutcome, done: int, total: int) -> None:
        seen.append((outcome.doc, done, total))

    ingest_paths([folder], store, parse=toy_parse, on_progress=on_progress)
    assert seen == [("a.txt", 1, 2), ("b.txt", 2, 2)]
