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
atomically after the segment is complete, so a reader sees whole segments only
(writing: :mod:`index.segments`). Arrays are memory-mapped: opening an index reads
the manifest and nothing else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable

import numpy as np

__all__ = ["FIELDS", "MANIFEST", "POSTINGS_DIR", "ROW_ARRAYS", "TIER_BITS", "Postings", "Segment", "TermPostings",
           "open_postings", "read_manifest"]

POSTINGS_DIR = "postings"
MANIFEST = "manifest.json"

#: the full-text and keyword fields kept as arrays (the fields a query without a prefix, or with one
#: of :data:`index.schema.QUERY_FIELDS`, can name)
FIELDS: tuple[str, ...] = ("text", "name", "code", "department")

#: bit of each tier in ``tiers.npy``
TIER_BITS: dict[str, int] = {"产出": 1, "效益": 2, "满意度": 4, "成本": 8}

#: per-row arrays of a segment
ROW_ARRAYS = ("pid", "year", "budget", "dept", "tiers", "doc")


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
    _avg_lengths: dict[str, float] = field(default_factory=dict)

    @cached_property
    def n_rows(self) -> int:
        """Live rows (projects) of all segments."""
        return sum(int(s.live.sum()) for s in self.segments)

    def avg_length(self, fieldname: str) -> float:
        """Mean number of tokens of the field over the live rows."""
        if fieldname not in self._avg_lengths:
            total = sum(int(np.asarray(s.array(f"{fieldname}.len"))[s.live].sum()) for s in self.segments)
            self._avg_lengths[fieldname] = total / self.n_rows if self.n_rows else 1.0
        return self._avg_lengths[fieldname]

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


def read_manifest(path: Path) -> dict:
    return json.loads((path / MANIFEST).read_text(encoding="utf-8"))


def open_postings(generation: Path) -> Postings | None:
    """The postings of a generation, or None if it has none (an index from before they existed)."""
    path = generation / POSTINGS_DIR
    stamp = _manifest_stamp(path)
    if stamp < 0:
        return None
    manifest = read_manifest(path)
    segments = [Segment(path / s["name"], s.get("dead", ())) for s in manifest["segments"]]
    return Postings(path, segments, stamp)
