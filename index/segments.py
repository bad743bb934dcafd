"""Writing the numpy postings of :mod:`index.postings`: segments, the manifest, merges.

The caller (:mod:`index.build`) holds the index write lock.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np

from index.postings import FIELDS, MANIFEST, POSTINGS_DIR, ROW_ARRAYS, TIER_BITS, Segment, read_manifest

__all__ = ["MAX_SEGMENTS", "SegmentBuilder", "add_segment", "merge_segments", "publish", "write_segment"]


@dataclass
class _FieldTokens:
    vocab: dict[str, int] = field(default_factory=dict)
    terms: list[np.ndarray] = field(default_factory=list)
    positions: list[np.ndarray] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)


class SegmentBuilder:
    """Collects the tokens of projects (rows) and writes them as one segment."""

    def __init__(self) -> None:
        self._fields = {f: _FieldTokens() for f in FIELDS}
        self._rows: dict[str, list] = {k: [] for k in ROW_ARRAYS}
        self._docs: dict[str, int] = {}
        self._depts: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._rows["pid"])

    def add(self, *, project_id: str, doc: str, department: str, year: int | None, budget: float | None,
            tiers: Iterable[str], tokens: Mapping[str, Sequence[tuple[str, int]]]) -> None:
        """One project: its filter values and, per field of :data:`FIELDS`, its (term, position) tokens."""
        row = len(self)
        self._rows["pid"].append(project_id)
        self._rows["year"].append(year or 0)
        self._rows["budget"].append(np.nan if budget is None else budget)
        self._rows["dept"].append(self._depts.setdefault(department, len(self._depts)))
        self._rows["tiers"].append(sum(TIER_BITS.get(t, 0) for t in set(tiers)))
        self._rows["doc"].append(self._docs.setdefault(doc, len(self._docs)))
        for name, toks in tokens.items():
            ft = self._fields[name]
            if not toks:
                continue
            vocab = ft.vocab
            ft.terms.append(np.fromiter((vocab.setdefault(t, len(vocab)) for t, _ in toks), np.int32, len(toks)))
            ft.positions.append(np.fromiter((p for _, p in toks), np.int32, len(toks)))
            ft.rows.append(row)
            ft.counts.append(len(toks))

    def write(self, path: Path) -> None:
        """Write the segment to ``path`` (through a temporary folder renamed at the end)."""
        tmp = _start(path)
        n = len(self)
        pids = self._rows["pid"]
        np.save(tmp / "pid.npy", np.array(pids, dtype=f"<U{max((len(p) for p in pids), default=1)}"))
        np.save(tmp / "year.npy", np.array(self._rows["year"], dtype=np.int32))
        np.save(tmp / "budget.npy", np.array(self._rows["budget"], dtype=np.float64))
        np.save(tmp / "dept.npy", np.array(self._rows["dept"], dtype=np.int32))
        np.save(tmp / "tiers.npy", np.array(self._rows["tiers"], dtype=np.uint8))
        np.save(tmp / "doc.npy", np.array(self._rows["doc"], dtype=np.int32))
        for name, ft in self._fields.items():
            vocab = np.array(list(ft.vocab), dtype=f"<U{max((len(t) for t in ft.vocab), default=1)}")
            rank = np.empty(len(vocab), dtype=np.int32)
            order = np.argsort(vocab, kind="stable")
            rank[order] = np.arange(len(vocab), dtype=np.int32)
            terms = rank[np.concatenate(ft.terms)] if ft.terms else np.empty(0, np.int32)
            rows = np.repeat(np.array(ft.rows, dtype=np.int32), ft.counts)
            pos = np.concatenate(ft.positions) if ft.positions else np.empty(0, np.int32)
            _save_field(tmp, name, vocab[order], terms, rows, pos, n)
        _finish(tmp, path, n_rows=n, docs=list(self._docs), depts=list(self._depts))


def _start(path: Path) -> Path:
    """A fresh temporary folder for the segment that will be ``path``."""
    tmp = path.with_name(path.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    return tmp


def _finish(tmp: Path, path: Path, *, n_rows: int, docs: list[str], depts: list[str]) -> None:
    """Write the segment's metadata and rename the finished folder to ``path``."""
    meta = {"n_rows": n_rows, "docs": docs, "depts": depts}
    (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _save_field(folder: Path, name: str, vocab: np.ndarray, terms: np.ndarray, rows: np.ndarray, pos: np.ndarray,
                n_rows: int) -> None:
    """Sort (term, row, position) triples into postings and save them."""
    order = np.lexsort((pos, rows, terms))
    terms, rows, pos = terms[order], rows[order], pos[order]
    if len(terms):
        new = np.ones(len(terms), dtype=bool)
        new[1:] = (terms[1:] != terms[:-1]) | (rows[1:] != rows[:-1])
        pstart = np.flatnonzero(new)
    else:
        pstart = np.empty(0, np.int64)
    tf = np.diff(np.append(pstart, len(terms)))
    pterm = terms[pstart]
    tstart = np.searchsorted(pterm, np.arange(len(vocab) + 1)).astype(np.int64)
    np.save(folder / f"{name}.terms.npy", vocab)
    np.save(folder / f"{name}.tstart.npy", tstart)
    np.save(folder / f"{name}.docs.npy", rows[pstart].astype(np.int32))
    np.save(folder / f"{name}.tf.npy", tf.astype(_narrow(tf)))
    np.save(folder / f"{name}.tpos.npy", np.searchsorted(terms, np.arange(len(vocab) + 1)).astype(np.int64))
    np.save(folder / f"{name}.pos.npy", pos.astype(_narrow(pos)))
    np.save(folder / f"{name}.len.npy", np.bincount(rows, minlength=n_rows).astype(np.int32))


def _narrow(values: np.ndarray) -> type:
    """uint16 when every value fits (most positions and frequencies do), else int32."""
    return np.uint16 if not len(values) or (values.min() >= 0 and values.max() < 1 << 16) else np.int32


def _write_manifest(path: Path, segments: list[dict]) -> None:
    tmp = path / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps({"segments": segments}, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path / MANIFEST)


def _next_name(path: Path) -> str:
    numbers = [int(p.name.split("-")[1]) for p in path.glob("seg-*") if p.name.split("-")[1].isdigit()]
    return f"seg-{max(numbers, default=0) + 1}"


def write_segment(generation: Path, builder: SegmentBuilder) -> str:
    """Write ``builder`` as a new segment of ``generation`` (not yet live: see :func:`publish`); its name."""
    path = generation / POSTINGS_DIR
    path.mkdir(parents=True, exist_ok=True)
    name = _next_name(path)
    builder.write(path / name)
    return name


def publish(generation: Path, names: Sequence[str]) -> None:
    """Make exactly the segments ``names`` the postings of a new generation (a fresh manifest)."""
    path = generation / POSTINGS_DIR
    path.mkdir(parents=True, exist_ok=True)
    _write_manifest(path, [{"name": name, "dead": []} for name in names])


#: more segments than this after an update are merged into one
MAX_SEGMENTS = 8


def add_segment(generation: Path, new: str | None, replaced_docs: Iterable[str]) -> None:
    """Publish the segment ``new`` (written by :func:`write_segment`) and remove the rows of ``replaced_docs``
    from the older segments; then merge the segments if there are too many.

    The caller holds the index write lock and has committed the same change to whoosh.
    The new state is published (one atomic manifest replace) before the merge, so a merge
    that fails leaves a correct index with more segments. Segment folders no manifest
    names (left by a run that failed before publishing) are removed.
    """
    path = generation / POSTINGS_DIR
    replaced = set(replaced_docs)
    entries = read_manifest(path)["segments"]
    for entry in entries:
        entry["dead"] = sorted(set(entry["dead"]) | (replaced & set(Segment(path / entry["name"]).doc_names)))
    if new is not None:
        entries.append({"name": new, "dead": []})
    _write_manifest(path, entries)
    _remove_unpublished(path, entries)
    if len(entries) > MAX_SEGMENTS:
        name = _next_name(path)
        merge_segments([Segment(path / e["name"], e["dead"]) for e in entries], path / name)
        _write_manifest(path, [{"name": name, "dead": []}])
        for entry in entries:
            shutil.rmtree(path / entry["name"], ignore_errors=True)


def _remove_unpublished(path: Path, entries: list[dict]) -> None:
    live = {e["name"] for e in entries}
    for folder in path.glob("seg-*"):
        if folder.name not in live and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


def merge_segments(segments: Sequence[Segment], out: Path) -> None:
    """Write the live rows of ``segments`` as one segment at ``out``."""
    keep_rows = [np.flatnonzero(s.live) for s in segments]
    new_row = []
    base = 0
    for s, keep in zip(segments, keep_rows):
        m = np.full(s.n_rows, -1, dtype=np.int64)
        m[keep] = base + np.arange(len(keep))
        new_row.append(m)
        base += len(keep)
    tmp = _start(out)
    # per-row arrays; document and department names renumbered into one list each
    merged_names: dict[str, list[str]] = {}
    for key, names_attr in (("doc", "doc_names"), ("dept", "dept_names")):
        names: dict[str, int] = {}
        parts = []
        for s, keep in zip(segments, keep_rows):
            remap = np.array([names.setdefault(n, len(names)) for n in getattr(s, names_attr)] or [0], dtype=np.int32)
            parts.append(remap[np.asarray(s.array(key))[keep]] if len(keep) else np.empty(0, np.int32))
        np.save(tmp / f"{key}.npy", np.concatenate(parts) if parts else np.empty(0, np.int32))
        merged_names[key] = list(names)
    for key in ("pid", "year", "budget", "tiers"):
        parts = [np.asarray(s.array(key))[keep] for s, keep in zip(segments, keep_rows)]
        np.save(tmp / f"{key}.npy", np.concatenate(parts))
    for name in FIELDS:
        vocab = np.unique(np.concatenate([np.asarray(s.array(f"{name}.terms")) for s in segments]))
        all_terms, all_rows, all_pos = [], [], []
        for s, remap in zip(segments, new_row):
            terms = np.asarray(s.array(f"{name}.terms"))
            tstart = np.asarray(s.array(f"{name}.tstart"))
            tf = np.asarray(s.array(f"{name}.tf"))
            docs = np.asarray(s.array(f"{name}.docs"))
            gterm = np.searchsorted(vocab, terms).astype(np.int32)
            posting_term = np.repeat(gterm, np.diff(tstart))
            occ_keep = np.repeat(remap[docs] >= 0, tf)
            all_terms.append(np.repeat(posting_term, tf)[occ_keep])
            all_rows.append(np.repeat(remap[docs], tf)[occ_keep].astype(np.int32))
            all_pos.append(np.asarray(s.array(f"{name}.pos"))[occ_keep])
        terms = np.concatenate(all_terms)
        used = np.unique(terms)  # drop the terms only dead rows had
        _save_field(tmp, name, vocab[used], np.searchsorted(used, terms).astype(np.int32), np.concatenate(all_rows),
                    np.concatenate(all_pos), base)
    _finish(tmp, out, n_rows=base, docs=merged_names["doc"], depts=merged_names["dept"])
