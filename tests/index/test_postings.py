"""The numpy postings stay in step with the whoosh index through rebuilds, updates, deletions and merges."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.build import (
    META_NAME,
    IndexVersionError,
    current_generation,
    delete_documents,
    rebuild_index,
    update_index,
)
from index.ingest import load_document
from index.postings import open_postings
from index.segments import MAX_SEGMENTS
from index.search import ProjectSearcher, search_projects

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture(scope="module")
def docs():
    return [load_document(p) for p in sorted(SAMPLES.glob("*.txt"))]


def live_ids(index_dir: Path) -> list[str]:
    postings = open_postings(current_generation(index_dir))
    assert postings is not None
    return [str(s.array("pid")[r]) for s in postings.segments for r in np.flatnonzero(s.live)]


def whoosh_ids(index_dir: Path) -> set[str]:
    with ProjectSearcher(index_dir, use_postings=False) as s:
        return {h.project_id for h in s.search("经费 OR 资金 OR 项目 OR 工作", limit=10_000).hits}


def test_a_rebuild_writes_one_row_per_project(tmp_path: Path, docs) -> None:
    info = rebuild_index(tmp_path / "index", docs)
    ids = live_ids(tmp_path / "index")
    assert len(ids) == len(set(ids)) == info.n_projects == sum(len(d.projects) for d in docs)


def test_reingesting_a_document_replaces_its_rows(tmp_path: Path, docs) -> None:
    index_dir = tmp_path / "index"
    rebuild_index(index_dir, docs)
    before = search_projects(index_dir, "创业担保贷款", limit=50)
    update_index(index_dir, docs[:2])
    update_index(index_dir, docs[:1])
    ids = live_ids(index_dir)
    assert len(ids) == len(set(ids)) == sum(len(d.projects) for d in docs)
    after = search_projects(index_dir, "创业担保贷款", limit=50)
    assert [h.project_id for h in after.hits] == [h.project_id for h in before.hits] and after.total == before.total


def test_deleted_documents_leave_the_postings(tmp_path: Path, docs) -> None:
    index_dir = tmp_path / "index"
    rebuild_index(index_dir, docs)
    gone = docs[0].document.file
    delete_documents(index_dir, [gone])
    assert not any(pid.startswith(Path(gone).stem) for pid in live_ids(index_dir))
    assert all(not h.doc == gone for h in search_projects(index_dir, "就业", limit=1000).hits)
    assert set(live_ids(index_dir)) >= whoosh_ids(index_dir)


def test_many_updates_are_merged_and_answer_as_a_fresh_build(tmp_path: Path, docs) -> None:
    index_dir = tmp_path / "index"
    update_index(index_dir, docs[:1])
    for i in range(MAX_SEGMENTS + 2):
        update_index(index_dir, [docs[i % len(docs)]])
    update_index(index_dir, docs)
    postings = open_postings(current_generation(index_dir))
    assert postings is not None and len(postings.segments) <= MAX_SEGMENTS
    fresh = tmp_path / "fresh"
    rebuild_index(fresh, docs)
    assert sorted(live_ids(index_dir)) == sorted(live_ids(fresh))
    for query in ("养老 保险", '"公共就业服务"', "≥95%", "仲裁 OR 幼儿"):
        a, b = search_projects(index_dir, query, limit=100), search_projects(fresh, query, limit=100)
        assert a.total == b.total
        assert sorted((h.project_id, h.score) for h in a.hits) == sorted((h.project_id, h.score) for h in b.hits)


def test_an_index_from_before_the_postings_must_be_rebuilt(tmp_path: Path, docs) -> None:
    index_dir = tmp_path / "index"
    rebuild_index(index_dir, docs[:1])
    meta_path = current_generation(index_dir) / META_NAME
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    del meta["layout"]
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(IndexVersionError, match=r"built by an older jixiao \(layout 1, this one reads 2\); "
                                                r"run 'jixiao index rebuild'"):
        search_projects(index_dir, "就业")


def test_a_searcher_survives_segments_merged_away_under_it(tmp_path: Path, docs, monkeypatch) -> None:
    from index.postings import Postings

    index_dir = tmp_path / "index"
    rebuild_index(index_dir, docs)
    with ProjectSearcher(index_dir) as searcher:
        before = searcher.search("仲裁", limit=20)
        # the race: the manifest is read, then a writer merges and removes the segments before they are loaded
        monkeypatch.setattr(Postings, "is_current", lambda self: True)
        searcher._postings = open_postings(current_generation(index_dir))  # nothing loaded from it yet
        for i in range(MAX_SEGMENTS + 1):
            update_index(index_dir, [docs[i % len(docs)]])
        after = searcher.search("仲裁", limit=20)
    assert [h.project_id for h in after.hits] == [h.project_id for h in before.hits]


def test_a_rebuild_in_many_segments_answers_as_one_segment(tmp_path: Path, docs, monkeypatch) -> None:
    import index.build as build

    one = tmp_path / "one"
    rebuild_index(one, docs)
    monkeypatch.setattr(build, "SEGMENT_ROWS", 20)  # each full segment is written as soon as it is full
    many = tmp_path / "many"
    rebuild_index(many, docs)
    postings = open_postings(current_generation(many))
    assert postings is not None and len(postings.segments) == -(-sum(len(d.projects) for d in docs) // 20)
    for query in ("养老 保险", '"公共就业服务"', "≥95%", "仲裁 OR 幼儿", "就业 NOT 培训"):
        a, b = search_projects(one, query, limit=200), search_projects(many, query, limit=200)
        assert a.total == b.total > 0
        assert [(h.project_id, h.score) for h in a.hits] == [(h.project_id, h.score) for h in b.hits]


def test_a_failed_update_changes_neither_whoosh_nor_the_postings(tmp_path: Path, docs) -> None:
    index_dir = tmp_path / "index"
    rebuild_index(index_dir, docs)
    before = search_projects(index_dir, "就业", limit=1000)
    segments_before = len(open_postings(current_generation(index_dir)).segments)  # type: ignore[union-attr]

    def findings(parsed):
        if parsed is docs[1]:
            raise RuntimeError("audit failed")  # after the first document's projects were added
        return {}

    with pytest.raises(RuntimeError, match="audit failed"):
        update_index(index_dir, docs[:2], findings=findings)
    after = search_projects(index_dir, "就业", limit=1000)
    with ProjectSearcher(index_dir, use_postings=False) as whoosh_only:
        assert whoosh_only.search("就业", limit=1000).total == before.total
    assert [(h.project_id, h.score) for h in after.hits] == [(h.project_id, h.score) for h in before.hits]
    assert len(open_postings(current_generation(index_dir)).segments) == segments_before  # type: ignore[union-attr]
    assert sorted(p.name for p in (current_generation(index_dir) / "postings").glob("seg-*")) == ["seg-1"]


def test_a_segment_written_before_a_failed_commit_is_never_published_and_is_swept(tmp_path: Path, docs,
                                                                                  monkeypatch) -> None:
    from whoosh.writing import SegmentWriter

    index_dir = tmp_path / "index"
    rebuild_index(index_dir, docs)
    before = search_projects(index_dir, "就业", limit=1000)

    def disk_full(self, *args, **kwargs):
        raise OSError("No space left on device")

    with monkeypatch.context() as m:
        m.setattr(SegmentWriter, "commit", disk_full)
        with pytest.raises(OSError, match="No space left"):
            update_index(index_dir, docs[:1])
    folder = current_generation(index_dir) / "postings"
    assert len(list(folder.glob("seg-*"))) == 2  # the new segment is on disk, but the manifest does not name it
    after = search_projects(index_dir, "就业", limit=1000)
    assert [(h.project_id, h.score) for h in after.hits] == [(h.project_id, h.score) for h in before.hits]
    update_index(index_dir, docs[:1])  # the next writer publishes its own segment and sweeps the orphan
    assert sorted(p.name for p in folder.glob("seg-*")) == ["seg-1", "seg-3"]
    assert search_projects(index_dir, "就业", limit=1000).total == before.total


def test_an_open_searcher_sees_each_update_and_rebuild(tmp_path: Path, docs) -> None:
    index_dir = tmp_path / "index"
    rebuild_index(index_dir, docs[:1])
    with ProjectSearcher(index_dir) as searcher:
        first = searcher.search("就业", limit=1000).total
        update_index(index_dir, docs[1:3])  # a new segment under the open searcher
        second = searcher.search("就业", limit=1000).total
        delete_documents(index_dir, [docs[1].document.file])  # only the manifest changes
        third = searcher.search("就业", limit=1000)
        rebuild_index(index_dir, docs[:1])  # a new generation
        fourth = searcher.search("就业", limit=1000).total
    assert first < second and first < third.total < second and fourth == first
    assert not any(h.doc == docs[1].document.file for h in third.hits)


def test_a_rebuild_reports_documents_then_its_closing_phases(tmp_path: Path, docs) -> None:
    events: list[object] = []
    rebuild_index(tmp_path / "index", docs, total=len(docs),
                  on_progress=lambda done, total: events.append(done),
                  on_phase=events.append)
    assert events == [1, 2, 3, 4, 5, "writing the postings", "committing the whoosh index"]
