"""The postings of the project index as numpy arrays: what makes a search take milliseconds.

whoosh keeps its postings in pickled blocks that its pure-Python matchers read one
posting at a time; a query of ten common words (a whole project name) visits every
project that has them all, which took up to a second at 100,000 projects. This
module keeps the same terms (the same analyzer, the same fields) a second time, as
flat arrays that a query combines with vectorised set operations (:mod:`index.fastquery`).
whoosh stays the index of record: stored fields, highlights, and every query form the
arrays do not cover.

Layout of ``<generation>/postings/``::

    manifest.json      live segments and, per segment, the source documents removed from it
    seg-<n>/           one segment (written once, never changed)
        meta.json      number of projects, fields, source document names
        pid.npy        project id of each row
        year.npy budget.npy dept.npy tiers.npy doc.npy      per-row values for filters and sorting
        <field>.terms.npy    sorted vocabulary
        <field>.tstart.npy   postings of term i: rows tstart[i]:tstart[i+1] of the next two
        <field>.docs.npy <field>.tf.npy      row and term frequency of each posting
        <field>.tpos.npy     positions of term i: pos[tpos[i]:tpos[i+1]], posting after posting
        <field>.pos.npy      positions (non-space character offsets; 16 bits when they fit)
        <field>.len.npy      number of tokens of the field in each row (BM25 length)

A segment is written in a temporary folder and renamed; the manifest is replaced
atomically after the segment is complete, so a reader sees whole segments only.
Arrays are memory-mapped: opening an index reads the manifest and nothing else.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np

__all__ = [
    "FIELDS",
    "POSTINGS_DIR",
    "TIER_BITS",
    "Postings",
    "Segment",
    "SegmentBuilder",
    "TermPostings",
    "add_segment",
    "merge_segments",
    "open_postings",
    "write_postings",
]

POSTINGS_DIR = "postings"
MANIFEST = "manifest.json"

#: the full-text and keyword fields kept as arrays (the fields a query without a prefix, or with one
#: of :data:`index.schema.QUERY_FIELDS`, can name)
FIELDS: tuple[str, ...] = ("text", "name", "code", "department")

#: bit of each tier in ``tiers.npy``
TIER_BITS: dict[str, int] = {"产出": 1, "效益": 2, "满意度": 4, "成本": 8}

_ROW_ARRAYS = ("pid", "year", "budget", "dept", "tiers", "doc")


@dataclass(frozen=True)
class TermPostings:
    """The postings of one term in one segment (rows ascending)."""

    docs: np.ndarray  #: int32 rows
    tf: np.ndarray  #: int64 occurrences in each row
    pstart: np.ndarray  #: int64 first position of each posting in the field's ``pos`` array

    def positions(self, pos: np.ndarray, keep: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(row, position) of every occurrence, of the postings where ``keep`` is true (all if None)."""
        docs, tf, pstart = self.docs, self.tf, self.pstart
        if keep is not None:
            docs, tf, pstart = docs[keep], tf[keep], pstart[keep]
        if not len(docs):
            return np.empty(0, np.int32), np.empty(0, np.int32)
        offsets = np.cumsum(tf) - tf
        idx = np.repeat(pstart - offsets, tf) + np.arange(int(tf.sum()))
        return np.repeat(docs, tf), np.asarray(pos[idx])


_EMPTY = TermPostings(np.empty(0, np.int32), np.empty(0, np.int32), np.empty(0, np.int64))


class Segment:
    """One segment: memory-mapped arrays and its metadata."""

    def __init__(self, path: Path, dead_docs: Iterable[str] = ()) -> None:
        self.path = path
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        self.n_rows: int = int(meta["n_rows"])
        self.doc_names: list[str] = list(meta["docs"])
        self.dept_names: list[str] = list(meta["depts"])
        self.field_lengths: dict[str, int] = {k: int(v) for k, v in meta["field_lengths"].items()}
        self._arrays: dict[str, np.ndarray] = {}
        dead_names = set(dead_docs)
        dead = [i for i, name in enumerate(self.doc_names) if name in dead_names]
        self.live = ~np.isin(self.array("doc"), dead) if dead else np.ones(self.n_rows, dtype=bool)

    def array(self, name: str) -> np.ndarray:
        arr = self._arrays.get(name)
        if arr is None:
            arr = np.load(self.path / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            self._arrays[name] = arr
        return arr

    def lookup(self, fieldname: str, term: str) -> TermPostings:
        """The postings of ``term`` (empty when the segment does not have it)."""
        terms = self.array(f"{fieldname}.terms")
        i = int(np.searchsorted(terms, term))
        if i >= len(terms) or terms[i] != term:
            return _EMPTY
        tstart = self.array(f"{fieldname}.tstart")
        a, b = int(tstart[i]), int(tstart[i + 1])
        tf = np.asarray(self.array(f"{fieldname}.tf")[a:b], dtype=np.int64)
        pstart = int(self.array(f"{fieldname}.tpos")[i]) + np.cumsum(tf) - tf
        return TermPostings(np.asarray(self.array(f"{fieldname}.docs")[a:b]), tf, pstart)


@dataclass
class Postings:
    """The live segments of a generation, with their whole-index statistics."""

    path: Path
    segments: list[Segment]
    stamp: int  #: manifest mtime when read: a change means the segments must be reopened
    _df: dict[tuple[str, str], int] = field(default_factory=dict)
    _stats: dict[str, float] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        """Live rows (projects) of all segments."""
        if "n_rows" not in self._stats:
            self._stats["n_rows"] = float(sum(int(s.live.sum()) for s in self.segments))
        return int(self._stats["n_rows"])

    def avg_length(self, fieldname: str) -> float:
        """Mean number of tokens of the field over the live rows."""
        if fieldname not in self._stats:
            total = sum(int(np.asarray(s.array(f"{fieldname}.len"))[s.live].sum()) for s in self.segments)
            self._stats[fieldname] = total / self.n_rows if self.n_rows else 1.0
        return self._stats[fieldname]

    def doc_frequency(self, fieldname: str, term: str) -> int:
        """Live rows that have the term.

        Statistics count live rows only, so a score does not depend on how the segments
        were written (whoosh counts deleted documents until it merges).
        """
        key = (fieldname, term)
        if key not in self._df:
            self._df[key] = sum(int(s.live[s.lookup(fieldname, term).docs].sum()) for s in self.segments)
        return self._df[key]

    def is_current(self) -> bool:
        return _manifest_stamp(self.path) == self.stamp


def _manifest_stamp(path: Path) -> int:
    try:
        return (path / MANIFEST).stat().st_mtime_ns
    except FileNotFoundError:
        return -1


def _read_manifest(path: Path) -> dict:
    return json.loads((path / MANIFEST).read_text(encoding="utf-8"))


def open_postings(generation: Path) -> Postings | None:
    """The postings of a generation, or None if it has none (an index from before they existed)."""
    path = generation / POSTINGS_DIR
    stamp = _manifest_stamp(path)
    if stamp < 0:
        return None
    manifest = _read_manifest(path)
    segments = [Segment(path / s["name"], s.get("dead", ())) for s in manifest["segments"]]
    return Postings(path, segments, stamp)


# ---------------------------------------------------------------- building


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
        self._rows: dict[str, list] = {k: [] for k in _ROW_ARRAYS}
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
        tmp = path.with_name(path.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        n = len(self)
        pids = self._rows["pid"]
        np.save(tmp / "pid.npy", np.array(pids, dtype=f"<U{max((len(p) for p in pids), default=1)}"))
        np.save(tmp / "year.npy", np.array(self._rows["year"], dtype=np.int32))
        np.save(tmp / "budget.npy", np.array(self._rows["budget"], dtype=np.float64))
        np.save(tmp / "dept.npy", np.array(self._rows["dept"], dtype=np.int32))
        np.save(tmp / "tiers.npy", np.array(self._rows["tiers"], dtype=np.uint8))
        np.save(tmp / "doc.npy", np.array(self._rows["doc"], dtype=np.int32))
        lengths = {}
        for name, ft in self._fields.items():
            vocab = np.array(list(ft.vocab), dtype=f"<U{max((len(t) for t in ft.vocab), default=1)}")
            rank = np.empty(len(vocab), dtype=np.int32)
            order = np.argsort(vocab, kind="stable")
            rank[order] = np.arange(len(vocab), dtype=np.int32)
            terms = rank[np.concatenate(ft.terms)] if ft.terms else np.empty(0, np.int32)
            rows = np.repeat(np.array(ft.rows, dtype=np.int32), ft.counts)
            pos = np.concatenate(ft.positions) if ft.positions else np.empty(0, np.int32)
            _save_field(tmp, name, vocab[order], terms, rows, pos, n)
            lengths[name] = int(len(terms))
        meta = {"n_rows": n, "docs": list(self._docs), "depts": list(self._depts), "field_lengths": lengths}
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


def write_postings(generation: Path, builders: Iterable[SegmentBuilder]) -> None:
    """The postings of a new generation: one segment per builder (a fresh manifest)."""
    path = generation / POSTINGS_DIR
    path.mkdir(parents=True, exist_ok=True)
    entries = []
    for builder in builders:
        name = _next_name(path)
        builder.write(path / name)
        entries.append({"name": name, "dead": []})
    _write_manifest(path, entries)


#: more segments than this after an update are merged into one
MAX_SEGMENTS = 8


def add_segment(generation: Path, builder: SegmentBuilder, replaced_docs: Iterable[str]) -> None:
    """Add the projects of ``builder`` and remove the rows of ``replaced_docs`` from the older segments.

    The caller holds the index write lock. Merges the segments when there are too many.
    """
    path = generation / POSTINGS_DIR
    replaced = set(replaced_docs)
    entries = _read_manifest(path)["segments"]
    for entry in entries:
        names = json.loads((path / entry["name"] / "meta.json").read_text(encoding="utf-8"))["docs"]
        entry["dead"] = sorted(set(entry["dead"]) | (replaced & set(names)))
    if len(builder):
        name = _next_name(path)
        builder.write(path / name)
        entries.append({"name": name, "dead": []})
    if len(entries) > MAX_SEGMENTS:
        name = _next_name(path)
        merge_segments([Segment(path / e["name"], e["dead"]) for e in entries], path / name)
        old, entries = entries, [{"name": name, "dead": []}]
        _write_manifest(path, entries)
        for entry in old:
            shutil.rmtree(path / entry["name"], ignore_errors=True)
        return
    _write_manifest(path, entries)


def merge_segments(segments: Sequence[Segment], out: Path) -> None:
    """Write the live rows of ``segments`` as one segment at ``out``."""
    builder_meta: dict[str, list] = {"docs": [], "depts": []}
    keep_rows = [np.flatnonzero(s.live) for s in segments]
    new_row = []
    base = 0
    for s, keep in zip(segments, keep_rows):
        m = np.full(s.n_rows, -1, dtype=np.int64)
        m[keep] = base + np.arange(len(keep))
        new_row.append(m)
        base += len(keep)
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    # per-row arrays; document and department names renumbered into one list each
    for key, names_attr in (("doc", "doc_names"), ("dept", "dept_names")):
        names: dict[str, int] = {}
        parts = []
        for s, keep in zip(segments, keep_rows):
            remap = np.array([names.setdefault(n, len(names)) for n in getattr(s, names_attr)] or [0], dtype=np.int32)
            parts.append(remap[np.asarray(s.array(key))[keep]] if len(keep) else np.empty(0, np.int32))
        np.save(tmp / f"{key}.npy", np.concatenate(parts) if parts else np.empty(0, np.int32))
        builder_meta["docs" if key == "doc" else "depts"] = list(names)
    for key in ("pid", "year", "budget", "tiers"):
        parts = [np.asarray(s.array(key))[keep] for s, keep in zip(segments, keep_rows)]
        np.save(tmp / f"{key}.npy", np.concatenate(parts))
    lengths = {}
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
        lengths[name] = int(len(terms))
    meta = {"n_rows": base, "docs": builder_meta["docs"], "depts": builder_meta["depts"], "field_lengths": lengths}
    (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, out)
