"""Faults through the CLI: document identity, store and index in step, damaged and read-only data
directories, bad paths — each ends in one line and the right exit status, and nothing stored is lost."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from typer.testing import CliRunner

from cli import app
from index.build import current_generation, read_info
from index.store import DB_NAME, SCHEMA_VERSION, Store
from index.sync import index_state
from tests.conftest import ROOT, SAMPLE_FILES

runner = CliRunner()


def jx(data_dir: Path, *args: str):
    return runner.invoke(app, ["--data-dir", str(data_dir), *args])


def stored(data_dir: Path) -> dict[str, int]:
    """Document key → projects, read straight from the store."""
    with Store.open(data_dir, write=False) as store:
        return {d.doc: d.n_projects for d in store.documents()}


def in_step(data_dir: Path) -> bool:
    with Store.open(data_dir, write=False) as store:
        state = index_state(store, data_dir / "index")
    return state.in_step


def indexed_projects(data_dir: Path) -> int:
    return read_info(current_generation(data_dir / "index")).n_projects


def copy_sample(prefix: str, to: Path) -> Path:
    to.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SAMPLE_FILES[prefix], to)
    return to


def truncated(prefix: str, to: Path, share: float) -> Path:
    """The first ``share`` of a sample's text, cut at a character boundary."""
    text = SAMPLE_FILES[prefix].read_text(encoding="utf-8")
    to.parent.mkdir(parents=True, exist_ok=True)
    to.write_text(text[: int(len(text) * share)], encoding="utf-8")
    return to


# -- document identity -------------------------------------------------------------------------------


def test_two_files_with_the_same_name_are_two_documents(data_dir: Path, tmp_path: Path) -> None:
    a = copy_sample("004", tmp_path / "魏县" / "2025年部门预算.txt")
    b = copy_sample("003", tmp_path / "邯郸" / "2025年部门预算.txt")
    result = jx(data_dir, "ingest", str(a), str(b))
    assert result.exit_code == 0, result.output
    assert stored(data_dir) == {"魏县/2025年部门预算.txt": 23, "邯郸/2025年部门预算.txt": 35}
    assert "(a document of its own: another file is also called 2025年部门预算.txt)" in result.stdout
    assert in_step(data_dir) and indexed_projects(data_dir) == 58
    hits = json.loads(jx(data_dir, "search", "就业", "--limit", "100", "--json").stdout)["hits"]
    assert {h["doc"] for h in hits} == {"魏县/2025年部门预算.txt", "邯郸/2025年部门预算.txt"}
    assert any(h["project_id"].startswith("邯郸/2025年部门预算:") for h in hits)
    # the same path again replaces its own document, whichever way it is named
    again = json.loads(jx(data_dir, "ingest", str(a), "--json").stdout)["documents"][0]
    assert (again["doc"], again["replaced"], again["unchanged"]) == ("魏县/2025年部门预算.txt", True, True)
    assert len(stored(data_dir)) == 2


def test_a_same_name_file_from_another_folder_in_a_later_run_is_another_document(data_dir: Path, tmp_path: Path) -> None:
    a = copy_sample("004", tmp_path / "魏县" / "预算.txt")
    b = copy_sample("003", tmp_path / "邯郸" / "预算.txt")
    assert jx(data_dir, "ingest", str(a)).exit_code == 0
    result = jx(data_dir, "ingest", str(b), "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)["documents"][0]
    assert (doc["doc"], doc["renamed_from"], doc["replaced"]) == ("邯郸/预算.txt", "预算.txt", False)
    assert stored(data_dir) == {"预算.txt": 23, "邯郸/预算.txt": 35}
    assert in_step(data_dir)


def test_folder_keys_are_paths_relative_to_the_folder_and_sample_ids_do_not_change(data_dir: Path, tmp_path: Path) -> None:
    province = tmp_path / "河北"
    copy_sample("004", province / "魏县" / "预算.txt")
    copy_sample("003", province / "邯郸" / "预算.txt")
    (province / ".hidden").mkdir()
    (province / ".hidden" / "x.txt").write_text("ignored", encoding="utf-8")
    assert jx(data_dir, "ingest", str(province)).exit_code == 0
    assert stored(data_dir) == {"魏县/预算.txt": 23, "邯郸/预算.txt": 35}
    samples = jx(data_dir, "ingest", str(SAMPLE_FILES["000"].parent))
    assert samples.exit_code == 0
    ids = [r["project_id"] for r in json.loads(jx(data_dir, "projects", "--json").stdout)]
    assert "000_85729df7469e5ff4:1" in ids and "魏县/预算:1" in ids


def test_reingest_says_what_changed(data_dir: Path, tmp_path: Path) -> None:
    doc = copy_sample("003", tmp_path / "a" / "预算.txt")
    truncated("003", doc, 0.7)
    assert jx(data_dir, "ingest", str(doc)).exit_code == 0
    before = stored(data_dir)["预算.txt"]
    copy_sample("003", doc)
    result = jx(data_dir, "ingest", str(doc))
    assert result.exit_code == 0
    assert f"(replaced: {before} → 35 projects, " in result.stdout
    assert stored(data_dir) == {"预算.txt": 35}


def test_a_shrinking_reingest_is_refused_unless_replace(data_dir: Path, tmp_path: Path, store_snapshot) -> None:
    from index.ingest import load_document

    doc = copy_sample("003", tmp_path / "a" / "预算.txt")
    assert jx(data_dir, "ingest", str(doc)).exit_code == 0
    before = store_snapshot(data_dir)
    truncated("003", doc, 0.25)
    shrunk = load_document(doc)
    refused = jx(data_dir, "ingest", str(doc))
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Error: {doc}: would replace the stored 预算.txt (35 projects, 315 indicators) with {len(shrunk.projects)}"
        f" projects, {shrunk.n_indicators} indicators; the stored version is kept; give --replace to replace it"
        " anyway\n"
    )
    assert store_snapshot(data_dir) == before
    forced = jx(data_dir, "ingest", str(doc), "--replace")
    assert forced.exit_code == 0
    assert stored(data_dir) == {"预算.txt": len(shrunk.projects)}
    assert in_step(data_dir)


def test_as_name_and_bad_names(data_dir: Path, tmp_path: Path) -> None:
    doc = copy_sample("002", tmp_path / "x.txt")
    result = jx(data_dir, "ingest", str(doc), "--as", "邯郸/2024/人社局.txt")
    assert result.exit_code == 0, result.output
    assert stored(data_dir) == {"邯郸/2024/人社局.txt": 14}
    assert json.loads(jx(data_dir, "show", "邯郸/2024/人社局:1", "--json").stdout)["project_id"] == "邯郸/2024/人社局:1"
    bad = jx(data_dir, "ingest", str(doc), "--as", "a:b")
    assert (bad.exit_code, bad.stderr) == (
        1, "Error: 'a:b': not a usable document name; use letters, digits, '_', '-', '.' and '/' (no ':', no '..')\n")
    two = jx(data_dir, "ingest", str(doc), str(SAMPLE_FILES["000"]), "--as", "y.txt")
    assert (two.exit_code, two.stderr) == (1, "Error: a document name can only be given for one file\n")


def test_remove_deletes_from_store_and_index(data_dir: Path) -> None:
    assert jx(data_dir, "ingest", str(SAMPLE_FILES["000"]), str(SAMPLE_FILES["003"])).exit_code == 0
    result = jx(data_dir, "remove", "003_33721d9d2b44b90e")  # the key, or the key without its extension
    assert (result.exit_code, result.stdout) == (0, "removed 003_33721d9d2b44b90e.txt: 35 projects, 315 indicators\n")
    assert list(stored(data_dir)) == ["000_85729df7469e5ff4.txt"]
    assert in_step(data_dir) and indexed_projects(data_dir) == stored(data_dir)["000_85729df7469e5ff4.txt"]
    hits = json.loads(jx(data_dir, "search", "就业", "--limit", "100", "--json").stdout)["hits"]
    assert {h["doc"] for h in hits} == {"000_85729df7469e5ff4.txt"}
    missing = jx(data_dir, "remove", "003_33721d9d2b44b90e.txt")
    assert (missing.exit_code, missing.stderr) == (
        1, f"Error: no stored document '003_33721d9d2b44b90e.txt' in {data_dir}; the stored documents are listed by"
           " 'jixiao projects'\n")


# -- store and index in step ---------------------------------------------------------------------------


def _cli(data_dir: Path, *args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cli", "--data-dir", str(data_dir), *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def test_concurrent_ingests_into_a_fresh_directory_are_all_stored_and_searchable(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh"  # does not exist yet: both processes create it
    first = [str(SAMPLE_FILES[p]) for p in ("000", "001", "002")]
    second = [str(SAMPLE_FILES[p]) for p in ("003", "004")]
    procs = [_cli(data_dir, "ingest", *first), _cli(data_dir, "ingest", *second)]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    assert results == [(0, ""), (0, "")]
    assert len(stored(data_dir)) == 5
    assert in_step(data_dir)
    assert indexed_projects(data_dir) == sum(stored(data_dir).values()) == 122
    hits = json.loads(jx(data_dir, "search", "就业", "--limit", "1000", "--json").stdout)["hits"]
    assert {h["doc"] for h in hits} == set(stored(data_dir))


_STALL_AFTER_STORE = textwrap.dedent("""
    import sys, time
    import index.sync as sync

    def stall(*args, **kwargs):  # the store has committed; the index step never starts
        print("stored", flush=True)
        time.sleep(120)

    sync.sync_index = stall
    from cli import app
    app(["--data-dir", sys.argv[1], "ingest", *sys.argv[2:]])
""")


@pytest.mark.parametrize("next_command", ["search", "ingest"])
def test_an_ingest_killed_after_the_store_commit_is_made_searchable_by_the_next_command(
    tmp_path: Path, next_command: str
) -> None:
    data_dir = tmp_path / "data"
    assert jx(data_dir, "ingest", str(SAMPLE_FILES["000"])).exit_code == 0
    proc = subprocess.Popen([sys.executable, "-c", _STALL_AFTER_STORE, str(data_dir), str(SAMPLE_FILES["003"])],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "stored\n"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert set(stored(data_dir)) == {"000_85729df7469e5ff4.txt", "003_33721d9d2b44b90e.txt"}
    assert not in_step(data_dir)
    if next_command == "search":
        r = jx(data_dir, "search", "就业", "--limit", "1000", "--json")
        assert r.exit_code == 0
        assert r.stderr == ("note: the search index is behind the store: 1 stored documents are not searchable yet "
                            "(003_33721d9d2b44b90e.txt); indexed 1, removed 0 documents before searching\n")
        assert {h["doc"] for h in json.loads(r.stdout)["hits"]} == set(stored(data_dir))
    else:
        r = jx(data_dir, "ingest", str(SAMPLE_FILES["002"]))
        assert r.exit_code == 0
        assert r.stderr == ("note: also indexed 1 stored documents the search index was missing "
                            "(003_33721d9d2b44b90e.txt)\n")
    assert in_step(data_dir)
    assert indexed_projects(data_dir) == sum(stored(data_dir).values())


def test_a_failure_in_the_index_step_names_the_unsearchable_documents(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.sync

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device", str(data_dir / "index"))

    monkeypatch.setattr(index.sync, "update_index", full)
    monkeypatch.setattr(index.sync, "rebuild_index", full)
    result = jx(data_dir, "ingest", str(SAMPLE_FILES["000"]), str(SAMPLE_FILES["004"]))
    assert result.exit_code == 3
    assert "2 documents ingested, 0 failed" in result.stdout
    assert result.stderr == (
        f"Error: the store is updated but the search index is not (No space left on device: {data_dir / 'index'}):"
        " 2 stored documents are not searchable (000_85729df7469e5ff4.txt, 004_9ef801cc83c252a6.txt);"
        " run 'jixiao index rebuild' (the next ingest also repairs it)\n"
    )
    monkeypatch.undo()
    assert len(stored(data_dir)) == 2  # nothing stored was lost
    rebuilt = jx(data_dir, "index", "rebuild")
    assert rebuilt.exit_code == 0 and in_step(data_dir)


def test_search_in_a_read_only_directory_warns_when_the_index_is_behind(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert jx(data_dir, "ingest", str(SAMPLE_FILES["000"])).exit_code == 0
    with Store.open(data_dir) as store:  # a write the index has not seen (as after a killed ingest)
        from index.ingest import load_document

        store.replace_document(load_document(SAMPLE_FILES["003"]))
    with read_only(data_dir) as ro:
        r = jx(ro, "search", "就业", "--json")
    assert r.exit_code == 0
    assert r.stderr == ("warning: the search index is behind the store: 1 stored documents are not searchable yet "
                        "(003_33721d9d2b44b90e.txt); results may be incomplete until a running ingest finishes or"
                        " 'jixiao index rebuild' runs\n")


# -- damaged, read-only and wrong data directories ------------------------------------------------------


def test_a_damaged_store_is_one_line_for_every_command(data_dir: Path) -> None:
    assert jx(data_dir, "ingest", str(SAMPLE_FILES["001"]), str(SAMPLE_FILES["003"])).exit_code == 0
    db = data_dir / DB_NAME
    with db.open("r+b") as f:  # keep the header, overwrite pages with garbage
        size = db.stat().st_size
        for offset in range(4096 * 2, size, 4096 * 3):
            f.seek(offset)
            f.write(bytes((offset + k) % 251 for k in range(600)))
    expected = (f"Error: {db}: the store is damaged: restore a backup or re-ingest into a new --data-dir"
                " (database disk image is malformed)\n")
    for args in (["projects"], ["export"], ["audit", "--format", "json"], ["dupes"], ["search", "就业"],
                 ["ingest", str(SAMPLE_FILES["000"])], ["remove", "x"], ["index", "rebuild"]):
        r = jx(data_dir, *args)
        assert (r.exit_code, r.stderr) == (1, expected), args


@contextmanager
def read_only(data_dir: Path) -> Iterator[Path]:
    """``data_dir`` as a directory this process cannot write (a read-only bind mount when running as root)."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [data_dir, *data_dir.rglob("*")]}
        for p in modes:
            p.chmod(modes[p] & ~0o222)
        try:
            yield data_dir
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    mount = data_dir.with_name(data_dir.name + "-ro")
    mount.mkdir()
    bound = subprocess.run(["mount", "--bind", str(data_dir), str(mount)], capture_output=True)
    if bound.returncode != 0:
        mount.rmdir()
        pytest.skip("running as root without the right to mount: no way to make a read-only directory")
    try:
        if subprocess.run(["mount", "-o", "remount,ro,bind", str(mount)], capture_output=True).returncode != 0:
            pytest.skip("running as root without the right to remount read-only")
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)
        mount.rmdir()


def test_a_read_only_data_directory_serves_read_commands(data_dir: Path, tmp_path: Path) -> None:
    assert jx(data_dir, "ingest", str(SAMPLE_FILES["000"])).exit_code == 0
    with read_only(data_dir) as ro:
        for args in (["projects", "--json"], ["show", "000_85729df7469e5ff4:1", "--json"], ["export"],
                     ["audit", "--doc", "000_85729df7469e5ff4.txt", "--format", "json"], ["dupes"],
                     ["search", "就业"], ["classify", "培训人数"]):
            r = jx(ro, *args)
            assert (r.exit_code, r.stderr) == (0, ""), (args, r.output)
        assert len(json.loads(jx(ro, "projects", "--json").stdout)) == stored(data_dir)["000_85729df7469e5ff4.txt"]
        for args in (["ingest", str(SAMPLE_FILES["001"])], ["remove", "000_85729df7469e5ff4.txt"],
                     ["index", "rebuild"]):
            r = jx(ro, *args)
            assert (r.exit_code, r.stderr) == (
                1, f"Error: {ro}: the data directory is read-only; make it writable or choose another one\n"), args


def test_data_dir_that_is_a_file(tmp_path: Path) -> None:
    f = tmp_path / "notes.txt"
    f.write_text("x", encoding="utf-8")
    for args in (["projects"], ["ingest", str(SAMPLE_FILES["000"])], ["classify", "培训人数"], ["search", "x"]):
        r = jx(f, *args)
        assert (r.exit_code, r.stderr) == (1, f"Error: {f}: is a file, not a data directory; choose another --data-dir\n")


def test_read_commands_on_a_missing_data_directory_create_nothing(tmp_path: Path) -> None:
    d = tmp_path / "nowhere"
    for command in (["projects"], ["show", "x"], ["export"], ["search", "就业"], ["dupes"], ["audit"],
                    ["index", "rebuild"], ["remove", "x"]):
        r = jx(d, *command)
        assert (r.exit_code, r.stdout, r.stderr) == (
            1, "", f"Error: no jixiao data in {d} (run jixiao ingest PATH to add documents, or give the right --data-dir)\n"
        ), command
    assert not d.exists()


def test_a_store_of_schema_1_is_upgraded_in_place(tmp_path: Path) -> None:
    """tests/data/store_v1.db was written by jixiao's store before document sources and generations."""
    data_dir = tmp_path / "old"
    data_dir.mkdir()
    shutil.copyfile(ROOT / "tests" / "data" / "store_v1.db", data_dir / DB_NAME)
    conn = sqlite3.connect(data_dir / DB_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    before = conn.execute("SELECT * FROM indicators ORDER BY project_id, pos").fetchall()
    conn.close()
    rows = json.loads(jx(data_dir, "projects", "--json").stdout)
    assert [r["project_id"] for r in rows] == ["002_small:1", "002_small:2", "002_small:3"]
    conn = sqlite3.connect(data_dir / DB_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    after = conn.execute("SELECT * FROM indicators ORDER BY project_id, pos").fetchall()
    width = len(before[0])
    assert [r[:width] for r in after] == before  # every stored value kept; the later columns at their defaults:
    assert {r[width:] for r in after} == {("", "[]", None, None, None)}  # actual, extra, value_*_raw (schema 3)
    assert conn.execute("SELECT source, generation, reader FROM documents").fetchall() == [(None, 1, "")]
    conn.close()
    # an index without the store's generations is rebuilt by the next writer; the old key is kept
    text = SAMPLE_FILES["002"].read_text(encoding="utf-8")
    doc = tmp_path / "002_small.txt"
    doc.write_text(text[: text.index("4.城乡居民基本养老保险")], encoding="utf-8")
    r = jx(data_dir, "ingest", str(doc), "--json")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["documents"][0]["replaced"] is True
    assert in_step(data_dir) and len(stored(data_dir)) == 1


# -- bad paths -------------------------------------------------------------------------------------------


def test_output_into_a_missing_folder_fails_before_any_work(data_dir: Path, tmp_path: Path) -> None:
    assert jx(data_dir, "ingest", str(SAMPLE_FILES["000"])).exit_code == 0
    out = tmp_path / "missing" / "report.json"
    for args in (["audit", "--format", "json", "-o", str(out)], ["dupes", "--format", "json", "-o", str(out)],
                 ["export", "-o", str(out)]):
        r = jx(data_dir, *args)
        assert (r.exit_code, r.stderr) == (
            1, f"Error: {out}: folder {out.parent} does not exist; create it or write elsewhere\n"), args
    r = jx(data_dir, "audit", "--format", "json", "-o", str(tmp_path))
    assert (r.exit_code, r.stderr) == (1, f"Error: {tmp_path}: is a folder; give a file name for -o\n")


def test_classify_file_errors(data_dir: Path, tmp_path: Path) -> None:
    header = tmp_path / "header.csv"
    header.write_text("name,desc,value\n", encoding="utf-8")
    r = jx(data_dir, "classify", "--file", str(header))
    assert (r.exit_code, r.stderr) == (
        1, f"Error: {header}: no indicators to classify (the file has no data rows); add one row per indicator\n")
    r = jx(data_dir, "classify", "--file", str(tmp_path))
    assert (r.exit_code, r.stderr) == (1, f"Error: {tmp_path}: is a folder; give the path of a .csv or .jsonl file\n")


def test_train_on_one_tier(data_dir: Path, tmp_path: Path) -> None:
    labels = tmp_path / "one.csv"
    labels.write_text("name,tier,sub\n培训人数,产出,数量\n合格率,产出,质量\n", encoding="utf-8")
    r = jx(data_dir, "train", "--labels", str(labels), "--no-store", "--no-bundled")
    assert (r.exit_code, r.stderr) == (
        1, "Error: the 2 training rows all carry one tier (产出: 数量、质量); the classifier needs labelled examples"
           " of at least two tiers (产出, 效益, 满意度)\n")


def test_ingest_of_a_folder_path_given_as_a_file_and_unreadable_paths(data_dir: Path, tmp_path: Path) -> None:
    r = jx(data_dir, "ingest", str(tmp_path / "nope"))
    assert (r.exit_code, r.stderr) == (1, f"Error: {tmp_path / 'nope'}: no such file; check the path\n")


# -- bounded, per-document audit work ---------------------------------------------------------------------


def test_r21_findings_of_a_document_are_the_same_alone_and_in_a_whole_store_audit(data_dir: Path) -> None:
    assert jx(data_dir, "ingest", str(SAMPLE_FILES["000"].parent)).exit_code == 0

    def r21(report: dict, doc: str) -> list[tuple]:
        return sorted((f["project_id"], f["line"], f["message"], json.dumps(f["evidence"], ensure_ascii=False))
                      for f in report["findings"] if f["rule"] == "R21" and f["doc"] == doc)

    whole = json.loads(jx(data_dir, "audit", "--format", "json").stdout)
    assert sum(f["rule"] == "R21" for f in whole["findings"]) >= 16
    for doc in stored(data_dir):
        alone = json.loads(jx(data_dir, "audit", "--doc", doc, "--format", "json").stdout)
        assert r21(alone, doc) == r21(whole, doc), doc
        parsed = json.loads(jx(data_dir, "audit", str(SAMPLE_FILES[doc[:3]]), "--format", "json").stdout)
        assert r21(parsed, doc) == r21(whole, doc), doc


def test_a_damaged_search_index_is_one_line_and_the_next_ingest_rebuilds_it(data_dir: Path) -> None:
    assert jx(data_dir, "ingest", str(SAMPLE_FILES["000"])).exit_code == 0
    generation = current_generation(data_dir / "index")
    for toc in generation.glob("*.toc"):  # whoosh's table of contents, overwritten in the middle
        data = bytearray(toc.read_bytes())
        data[len(data) // 2:len(data) // 2 + 64] = bytes(64)
        toc.write_bytes(bytes(data))
    r = jx(data_dir, "search", "就业")
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: {data_dir / 'index'}: the search index is damaged (")
    assert r.stderr.endswith("); run 'jixiao index rebuild'\n")
    r = jx(data_dir, "ingest", str(SAMPLE_FILES["001"]))
    assert (r.exit_code, r.stderr) == (0, "note: rebuilt the search index from the store (2 documents)\n")
    assert in_step(data_dir) and indexed_projects(data_dir) == sum(stored(data_dir).values())
    assert jx(data_dir, "search", "就业").exit_code == 0


def test_truncated_postings_are_reported_as_a_damaged_index(data_dir: Path) -> None:
    assert jx(data_dir, "ingest", str(SAMPLE_FILES["000"])).exit_code == 0
    for f in (current_generation(data_dir / "index") / "postings").rglob("*.npy"):
        f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    r = jx(data_dir, "search", "就业")
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: {data_dir / 'index'}: the search index is damaged (")
    assert jx(data_dir, "index", "rebuild").exit_code == 0
    assert jx(data_dir, "search", "就业").exit_code == 0


def test_devices_are_refused_not_read(data_dir: Path) -> None:
    r = jx(data_dir, "ingest", "/dev/zero")
    assert (r.exit_code, r.stderr) == (1, "Error: /dev/zero: not a regular file; give a text file or a folder of them\n")
    r = jx(data_dir, "audit", "/dev/zero")
    assert (r.exit_code, r.stderr) == (1, "Error: /dev/zero: not a regular file; give a disclosure file or a folder of them\n")
    r = jx(data_dir, "classify", "--file", "/dev/zero")
    assert (r.exit_code, r.stderr) == (1, "Error: /dev/zero: not a regular file; give the path of a .csv or .jsonl file\n")


@pytest.mark.parametrize("exc, code, message", [
    (MemoryError(), 1, "Error: out of memory; close other programs, or work on fewer documents at a time\n"),
    (OSError(28, "No space left on device", "/x/out.csv"), 1,
     "Error: /x/out.csv: No space left on device; free some space and run the command again\n"),
    (KeyboardInterrupt(), 130, "Error: interrupted; what was stored before stays stored (the next ingest brings the"
                               " search index in step)\n"),
])
def test_the_error_boundary_turns_environment_failures_into_one_line(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, exc: BaseException, code: int, message: str
) -> None:
    assert jx(data_dir, "ingest", str(SAMPLE_FILES["000"])).exit_code == 0

    def fails(self, *args, **kwargs):
        raise exc

    monkeypatch.setattr(Store, "projects", fails)
    r = jx(data_dir, "projects")
    assert (r.exit_code, r.stderr) == (code, message)


def test_search_while_another_writer_holds_the_lock_warns_and_leaves_the_repair_to_it(data_dir: Path) -> None:
    from index.ingest import load_document
    from index.lock import data_lock

    assert jx(data_dir, "ingest", str(SAMPLE_FILES["000"])).exit_code == 0
    with Store.open(data_dir) as store:  # stored by a writer that has not reached its index step yet
        store.replace_document(load_document(SAMPLE_FILES["003"]))
    with data_lock(data_dir):
        r = jx(data_dir, "search", "就业", "--json")
        assert r.exit_code == 0
        assert r.stderr.startswith("warning: the search index is behind the store: 1 stored documents")
        assert not in_step(data_dir)
    assert jx(data_dir, "search", "就业").exit_code == 0 and in_step(data_dir)


def test_a_store_file_being_created_reads_as_empty_not_as_foreign(data_dir: Path) -> None:
    sqlite3.connect(data_dir / DB_NAME).close()  # what a first writer has made before its schema commits
    r = jx(data_dir, "projects")
    assert (r.exit_code, r.stdout, r.stderr) == (0, "0 projects\n", "")
    assert jx(data_dir, "ingest", str(SAMPLE_FILES["000"])).exit_code == 0
