"""One writer at a time, searching during writes, and a killed build that leaves the index intact."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from index.build import current_generation, rebuild_index, update_index
from index.ingest import load_document
from index.lock import IndexBusyError, write_lock
from index.search import search_projects

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))


@pytest.fixture(scope="module")
def docs():
    return [load_document(p) for p in SAMPLES]


def test_second_writer_gets_a_clear_message_after_its_timeout(tmp_path: Path, docs) -> None:
    index_dir = tmp_path / "index"
    with write_lock(index_dir):
        with pytest.raises(IndexBusyError) as exc:
            update_index(index_dir, docs[:1], lock_timeout=0.2)
    assert str(exc.value) == (f"{index_dir}: another jixiao process is writing the search index (waited 0.2 s); "
                              "wait for it to finish, then try again")
    update_index(index_dir, docs[:1], lock_timeout=0.2)  # the lock is free again


def test_search_keeps_working_while_a_writer_holds_the_lock(tmp_path: Path, docs) -> None:
    index_dir = tmp_path / "index"
    rebuild_index(index_dir, docs[:1])
    before = search_projects(index_dir, "就业").total
    with write_lock(index_dir):
        assert search_projects(index_dir, "就业").total == before
    update_index(index_dir, docs[1:2])
    assert search_projects(index_dir, "就业").total > before


_SLOW_BUILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from index.build import rebuild_index
    from index.ingest import load_document

    def slow(paths):
        for p in paths:
            yield load_document(Path(p))
            print("indexed", p, flush=True)
            time.sleep(30)

    rebuild_index(Path(sys.argv[1]), slow(sys.argv[2:]))
""")


def test_a_killed_build_leaves_the_live_index_untouched(tmp_path: Path, docs) -> None:
    index_dir = tmp_path / "index"
    rebuild_index(index_dir, docs[:2])
    live = current_generation(index_dir)
    before = [h.project_id for h in search_projects(index_dir, "养老", limit=100).hits]
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_BUILD, str(index_dir), *map(str, SAMPLES)],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proc.stdout is not None and proc.stdout.readline().startswith("indexed")  # mid-build
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert current_generation(index_dir) == live
    assert [h.project_id for h in search_projects(index_dir, "养老", limit=100).hits] == before
    assert [p.name for p in index_dir.glob("gen-*.tmp")]  # the half-written folder, never pointed at
    info = rebuild_index(index_dir, docs, lock_timeout=2)  # the killed writer's lock died with it
    assert info.n_projects == sum(len(d.projects) for d in docs)
    assert not list(index_dir.glob("gen-*.tmp")) and sorted(index_dir.glob("gen-*")) == [info.path]
