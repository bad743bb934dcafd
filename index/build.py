"""Writing the project index under ``<data_dir>/index/``: full rebuilds and per-document updates.

Layout::

    index/CURRENT          name of the live generation folder (replaced atomically)
    index/write.lock       one writer at a time (:mod:`index.lock`)
    index/gen-<n>/         a whoosh index + ``jixiao.json`` (analyzer version, counts, and which store
                           generation of each document it holds: :mod:`index.sync` compares that with the store)
    index/gen-<n>/postings/  the same terms as numpy arrays, for fast queries (:mod:`index.postings`)

A rebuild writes a new ``gen-<n>.tmp`` folder, renames it and then points
``CURRENT`` at it, so a build that is killed half-way leaves the live index
untouched (its ``.tmp`` folder is removed by the next writer). Searches open
whatever ``CURRENT`` names and keep working while a writer runs.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping

from whoosh import index as whoosh_index
from whoosh.fields import Schema
from whoosh.query import Term

from index.analyzer import ANALYZER_VERSION, segmented
from index.lock import write_lock
from index.postings import FIELDS, POSTINGS_DIR
from index.segments import SegmentBuilder, add_segment, publish, write_segment
from index.schema import make_schema, project_fields
from nlp.errors import JixiaoError
from nlp.records import ParsedDocument, project_id

__all__ = [
    "CURRENT_NAME",
    "META_NAME",
    "IndexInfo",
    "IndexMissingError",
    "IndexVersionError",
    "FindingsFn",
    "ProgressFn",
    "current_generation",
    "delete_documents",
    "read_info",
    "rebuild_index",
    "update_index",
]

CURRENT_NAME = "CURRENT"
META_NAME = "jixiao.json"

#: the layout of a generation folder; another value (an index from an older jixiao) must be rebuilt
#: (2: with the numpy postings of :mod:`index.postings`)
INDEX_LAYOUT = 2

#: projects per postings segment of a rebuild (bounds the memory of the build)
SEGMENT_ROWS = 25_000

#: called after each document with (documents done, total or None)
ProgressFn = Callable[[int, "int | None"], None]

#: the number of audit findings of each project of a document (project id → count); the caller
#: supplies it (the audit lives in models/, which index/ does not import); missing ids count 0.
#: If the callable has a ``model_version`` attribute (the classifier version behind its M01
#: findings), it is stored with each project as ``findings_model``
FindingsFn = Callable[[ParsedDocument], Mapping[str, int]]


class IndexMissingError(JixiaoError):
    """There is no search index in the data directory yet."""


class IndexVersionError(JixiaoError):
    """The index was built by a different analyzer (or is damaged) and must be rebuilt."""


@dataclass(frozen=True)
class IndexInfo:
    """What a build or update left in the index."""

    path: Path  #: the live generation folder
    analyzer_version: str
    n_documents: int  #: source documents indexed
    n_projects: int  #: whoosh documents (one per project)
    #: document key → the store generation of the version indexed; None when the index does not
    #: record it (built without the store's generations, or by an older jixiao)
    documents: Mapping[str, int] | None = None
    store_generation: int | None = None  #: the store's generation when the index was last brought in step


def current_generation(index_dir: Path) -> Path:
    """The live generation folder; :class:`IndexMissingError` if there is none."""
    try:
        name = (index_dir / CURRENT_NAME).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexMissingError(
            f"{index_dir}: no search index yet; run 'jixiao ingest PATH' or 'jixiao index rebuild' first"
        ) from None
    return index_dir / name


def read_info(generation: Path) -> IndexInfo:
    """The metadata of a generation; :class:`IndexVersionError` if it is missing or from another analyzer."""
    try:
        meta = json.loads((generation / META_NAME).read_text(encoding="utf-8"))
        version = meta["analyzer_version"]
        layout = meta.get("layout", 1)
    except (OSError, ValueError, KeyError, TypeError):
        raise IndexVersionError(
            f"{generation}: the search index is damaged or incomplete; run 'jixiao index rebuild'"
        ) from None
    if layout != INDEX_LAYOUT:
        raise IndexVersionError(
            f"{generation}: the search index was built by an older jixiao (layout {layout}, this one reads "
            f"{INDEX_LAYOUT}); run 'jixiao index rebuild'"
        )
    if version != ANALYZER_VERSION:
        raise IndexVersionError(
            f"{generation}: the search index was built with analyzer {version!r}, this jixiao uses "
            f"{ANALYZER_VERSION!r}; run 'jixiao index rebuild'"
        )
    docs = meta.get("documents")
    return IndexInfo(generation, version, int(meta.get("n_documents", 0)), int(meta.get("n_projects", 0)),
                     documents=dict(docs) if isinstance(docs, dict) else None,
                     store_generation=meta.get("store_generation"))


def _write_meta(generation: Path, ix: whoosh_index.Index, documents: Mapping[str, int] | None,
                store_generation: int | None) -> IndexInfo:
    with ix.searcher() as s:
        n_projects = s.doc_count()
        n_documents = len(list(s.lexicon("doc")))
    meta = {"analyzer_version": ANALYZER_VERSION, "layout": INDEX_LAYOUT, "n_documents": n_documents,
            "n_projects": n_projects, "documents": None if documents is None else dict(documents),
            "store_generation": store_generation}
    tmp = generation / (META_NAME + ".tmp")
    tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, generation / META_NAME)
    return IndexInfo(generation, ANALYZER_VERSION, n_documents, n_projects, documents, store_generation)


def _previous_documents(generation: Path) -> dict[str, int] | None:
    try:
        return None if (docs := read_info(generation).documents) is None else dict(docs)
    except JixiaoError:
        return None


def _point_current(index_dir: Path, generation: Path) -> None:
    tmp = index_dir / (CURRENT_NAME + ".tmp")
    tmp.write_text(generation.name + "\n", encoding="utf-8")
    os.replace(tmp, index_dir / CURRENT_NAME)


def _remove_stale(index_dir: Path, keep: Path) -> None:
    """Delete old generations and the ``.tmp`` folders of killed builds (caller holds the lock)."""
    for path in index_dir.glob("gen-*"):
        if path != keep and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


#: long fields that are not stored: segmented once, for the postings and for whoosh (see index.analyzer.Segmented)
_SEGMENT_ONCE = ("text", "department")


def _tokens(schema: Schema, fields: Mapping[str, object]) -> dict[str, list[tuple[str, int]]]:
    """(term, position) of each field of :data:`index.postings.FIELDS`, as whoosh indexes them."""
    out: dict[str, list[tuple[str, int]]] = {}
    for name in FIELDS:
        value = fields.get(name)
        if value:
            out[name] = [(t.text, t.pos) for t in schema[name].analyzer(value, positions=True, mode="index")]
    return out


class _Segments:
    """Feeds the projects written to whoosh into a postings segment (``current``).

    With ``on_full``, every ``SEGMENT_ROWS`` projects the segment goes to ``on_full`` and a
    new one starts (a rebuild writes it to disk at once, so memory stays bounded by one
    segment's tokens); without it everything stays in one segment (an update).
    """

    def __init__(self, schema: Schema, on_full: Callable[[SegmentBuilder], None] | None = None) -> None:
        self.schema = schema
        self.on_full = on_full
        self.current = SegmentBuilder()

    def add(self, fields: Mapping[str, object], tiers: Iterable[str]) -> None:
        if self.on_full is not None and len(self.current) >= SEGMENT_ROWS:
            self.on_full(self.current)
            self.current = SegmentBuilder()
        self.current.add(project_id=str(fields["project_id"]), doc=str(fields["doc"]),
                         department=str(fields.get("department_exact") or ""), year=fields.get("year"),  # type: ignore[arg-type]
                         budget=fields.get("budget_wan"), tiers=tiers,  # type: ignore[arg-type]
                         tokens=_tokens(self.schema, fields))


def _add_documents(writer: object, documents: Iterable[ParsedDocument], on_progress: ProgressFn | None,
                   total: int | None, *, replace: bool, findings: FindingsFn | None, segments: _Segments,
                   replaced: list[str]) -> int:
    done = 0
    for parsed in documents:
        if replace:
            writer.delete_by_term("doc", parsed.document.file)  # type: ignore[attr-defined]
            replaced.append(parsed.document.file)
        counts = findings(parsed) if findings is not None else {}
        model_version = getattr(findings, "model_version", None)
        if "findings_model" not in writer.schema:  # type: ignore[attr-defined]  # an index built before the field
            model_version = None
        for project in parsed.projects:
            n = counts.get(project_id(parsed.document.file, project.ordinal), 0)
            fields = project_fields(parsed.document, project, n_findings=n, findings_model=model_version)
            for name in _SEGMENT_ONCE:
                if fields.get(name):
                    fields[name] = segmented(fields[name])
            writer.add_document(**fields)  # type: ignore[attr-defined]
            segments.add(fields, (i.tier for i in project.indicators if i.tier))
        done += 1
        if on_progress is not None:
            on_progress(done, total)
    return done


def rebuild_index(
    index_dir: Path,
    documents: Iterable[ParsedDocument],
    *,
    total: int | None = None,
    on_progress: ProgressFn | None = None,
    procs: int = 1,
    lock_timeout: float = 10.0,
    findings: FindingsFn | None = None,
    on_phase: Callable[[str], None] | None = None,
    generations: Mapping[str, int] | None = None,
    store_generation: int | None = None,
) -> IndexInfo:
    """Build a fresh index from ``documents`` in a new folder, then swap it in.

    :param total: number of documents, for progress reports only.
    :param procs: whoosh writer processes (2 helps on big corpora).
    :param findings: audit finding counts per project, stored as ``n_findings`` (0 without it).
    :param on_phase: told what the build does once every document has been read (the last segment of
        postings, then whoosh's commit, which merges its sorted runs: a minute at 100,000 projects).
    :param generations: the store generation of each document (recorded; see :mod:`index.sync`).
    :param store_generation: the store's generation these documents were read at.
    """
    phase = on_phase or (lambda _: None)
    with write_lock(index_dir, timeout=lock_timeout):
        final = index_dir / f"gen-{time.time_ns()}"
        tmp = final.with_name(final.name + ".tmp")
        tmp.mkdir(parents=True)
        schema = make_schema()
        ix = whoosh_index.create_in(str(tmp), schema)
        kwargs = {"procs": procs, "multisegment": True, "limitmb": 128} if procs > 1 else {"limitmb": 128}
        writer = ix.writer(**kwargs)
        names: list[str] = []
        segments = _Segments(schema, on_full=lambda full: names.append(write_segment(tmp, full)))
        try:
            _add_documents(writer, documents, on_progress, total, replace=False, findings=findings,
                           segments=segments, replaced=[])
            phase("writing the postings")
            if len(segments.current) or not names:
                names.append(write_segment(tmp, segments.current))
            publish(tmp, names)
        except BaseException:
            writer.cancel()
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        phase("committing the whoosh index")
        writer.commit()
        _write_meta(tmp, ix, generations, store_generation)
        ix.close()
        os.rename(tmp, final)
        _point_current(index_dir, final)
        _remove_stale(index_dir, keep=final)
        return read_info(final)


def update_index(
    index_dir: Path,
    documents: Iterable[ParsedDocument],
    *,
    on_progress: ProgressFn | None = None,
    lock_timeout: float = 10.0,
    findings: FindingsFn | None = None,
    total: int | None = None,
    generations: Mapping[str, int] | None = None,
    store_generation: int | None = None,
) -> IndexInfo:
    """Add or replace the projects of ``documents`` (keyed by document key); creates the index if needed.

    ``documents`` may be a generator (read one at a time, so memory does not grow with the batch).

    :param findings: audit finding counts per project, stored as ``n_findings`` (0 without it).
    :param generations: the store generation of each document written; a document updated without one
        is no longer recorded as in step (:mod:`index.sync` will index it again).
    """
    try:
        generation = current_generation(index_dir)
    except IndexMissingError:
        return rebuild_index(index_dir, documents, total=total, on_progress=on_progress,
                             lock_timeout=lock_timeout, findings=findings, generations=generations,
                             store_generation=store_generation)
    with write_lock(index_dir, timeout=lock_timeout):
        generation = current_generation(index_dir)  # a rebuild may have swapped it while we waited
        read_info(generation)
        ix = whoosh_index.open_dir(str(generation))
        writer = ix.writer()
        segments = _Segments(ix.schema)
        replaced: list[str] = []
        new: str | None = None
        try:
            _add_documents(writer, documents, on_progress, total, replace=True, findings=findings,
                           segments=segments, replaced=replaced)
            if len(segments.current):
                new = write_segment(generation, segments.current)  # written now, published after the commit
        except BaseException:
            writer.cancel()
            if new is not None:
                shutil.rmtree(generation / POSTINGS_DIR / new, ignore_errors=True)
            raise
        writer.commit()
        add_segment(generation, new, replaced)
        docs = _previous_documents(generation)
        if docs is not None:
            for key in replaced:
                docs.pop(key, None)
                if generations is not None and key in generations:
                    docs[key] = generations[key]
        info = _write_meta(generation, ix, docs, store_generation if docs is not None else None)
        ix.close()
        return info


def delete_documents(index_dir: Path, docs: Iterable[str], *, lock_timeout: float = 10.0,
                     store_generation: int | None = None) -> int:
    """Remove every project of the named source documents; returns the number removed."""
    with write_lock(index_dir, timeout=lock_timeout):
        generation = current_generation(index_dir)
        read_info(generation)
        ix = whoosh_index.open_dir(str(generation))
        docs = list(docs)
        with ix.writer() as writer:
            n = sum(writer.delete_by_query(Term("doc", d)) for d in docs)
        add_segment(generation, None, docs)
        known = _previous_documents(generation)
        if known is not None:
            for d in docs:
                known.pop(d, None)
        _write_meta(generation, ix, known, store_generation if known is not None else None)
        ix.close()
        return n
