"""Evaluating a parsed query over the numpy postings (:mod:`index.postings`).

The query is the whoosh query tree that :func:`index.search.parse_query` returns; each
node becomes a boolean mask over the rows of a segment plus a score per row, with
whoosh's BM25F formula (B = 0.75, K1 = 1.2, idf = log(N / (df + 1)) + 1 over the live projects, field boosts
from the query): an AND adds the scores of its parts, an OR the scores of the parts that
match, ANDMAYBE adds the optional part where it matches. A phrase
(:class:`index.phrase.AdjacentPhrase`) matches where every word starts at its offset from
the first one, found by intersecting (row, position) keys, and scores as its words do. A node this module does not
know (prefixes and wildcards, ranges, fuzzy terms) raises :class:`Unsupported` and the caller lets
whoosh answer instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import log
from typing import Callable

import numpy as np
from whoosh.query import And, AndMaybe, AndNot, Every, Not, NullQuery, Or, Query, Term

from index.phrase import AdjacentPhrase
from index.postings import FIELDS, Postings, Segment

__all__ = ["Ranked", "RowFilter", "Unsupported", "rank"]

K1 = 1.2
B = 0.75


class Unsupported(Exception):
    """The query has a node the postings cannot evaluate; search with whoosh instead."""


@dataclass(frozen=True)
class Ranked:
    """The matches of a query: total, and the best ``limit`` as project ids with their scores."""

    total: int
    project_ids: tuple[str, ...]
    scores: tuple[float, ...]


#: a per-segment row filter (True = keep)
RowFilter = Callable[[Segment], np.ndarray]


class _Eval:
    def __init__(self, postings: Postings, segment: Segment) -> None:
        self.p = postings
        self.s = segment
        self.n = segment.n_rows
        self.n_all = postings.n_rows
        self.within: np.ndarray | None = None  #: rows outside this mask cannot matter (set under ANDMAYBE)

    def empty(self) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros(self.n, dtype=bool), np.zeros(self.n, dtype=np.float64)

    def bm25(self, fieldname: str, idf: float, docs: np.ndarray, tf: np.ndarray) -> np.ndarray:
        fl = np.asarray(self.s.array(f"{fieldname}.len"))[docs]
        avgfl = self.p.avg_length(fieldname) or 1.0
        return idf * (tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl))

    def idf(self, fieldname: str, term: str) -> float:
        return log(self.n_all / (self.p.doc_frequency(fieldname, term) + 1)) + 1

    def __call__(self, q: Query) -> tuple[np.ndarray, np.ndarray]:
        if q is NullQuery:
            return self.empty()
        if isinstance(q, Term):
            return self.term(q)
        if isinstance(q, AdjacentPhrase):
            return self.phrase(q)
        if isinstance(q, And):
            return self.and_(q)
        if isinstance(q, Or):
            mask, score = self.empty()
            for sub in q.subqueries:
                m, sc = self(sub)
                mask |= m
                score += sc
            return mask, score * q.boost
        if isinstance(q, AndMaybe):
            mask, score = self(q.a)
            if mask.any():
                outer, self.within = self.within, mask  # phrases of the optional part: only where a matched
                try:
                    m, sc = self(q.b)
                finally:
                    self.within = outer
                score = score + np.where(m & mask, sc, 0.0)
            return mask, score
        if isinstance(q, AndNot):
            mask, score = self(q.a)
            m, _ = self(q.b)
            return mask & ~m, np.where(m, 0.0, score)
        if isinstance(q, Not):
            m, _ = self(q.query)
            return ~m, np.zeros(self.n)
        if isinstance(q, Every):
            return np.ones(self.n, dtype=bool), np.full(self.n, float(q.boost))
        raise Unsupported(type(q).__name__)

    def term(self, q: Term) -> tuple[np.ndarray, np.ndarray]:
        if q.fieldname not in FIELDS:
            raise Unsupported(f"field {q.fieldname}")
        text = str(q.text)
        tp = self.s.lookup(q.fieldname, text)
        mask, score = self.empty()
        if len(tp.docs):
            mask[tp.docs] = True
            score[tp.docs] = q.boost * self.bm25(q.fieldname, self.idf(q.fieldname, text), tp.docs, tp.tf)
        return mask, score

    def and_(self, q: And) -> tuple[np.ndarray, np.ndarray]:
        mask = np.ones(self.n, dtype=bool)
        score = np.zeros(self.n)
        excluded = np.zeros(self.n, dtype=bool)
        for sub in q.subqueries:
            if isinstance(sub, Not):
                m, _ = self(sub.query)
                excluded |= m
                score += sub.boost  # whoosh's inverse matcher scores 1 (times its boost) where it matches
                continue
            m, sc = self(sub)
            mask &= m
            if not mask.any():
                return self.empty()
            score += sc
        mask &= ~excluded
        return mask, np.where(mask, score * q.boost, 0.0)

    def phrase(self, q: AdjacentPhrase) -> tuple[np.ndarray, np.ndarray]:
        fieldname = q.fieldname
        if fieldname not in FIELDS:
            raise Unsupported(f"field {fieldname}")
        lists = [self.s.lookup(fieldname, str(w)) for w in q.words]
        cand = np.ones(self.n, dtype=bool) if self.within is None else self.within.copy()
        for tp in lists:
            m = np.zeros(self.n, dtype=bool)
            m[tp.docs] = True
            cand &= m
        mask, score = self.empty()
        if not cand.any():
            return mask, score
        pos = self.s.array(f"{fieldname}.pos")
        # (row, where the phrase would start) of each occurrence; the rarest word first, and each
        # next word read only in the rows where the phrase can still start
        order = sorted(range(len(lists)), key=lambda i: int(lists[i].tf[cand[lists[i].docs]].sum()))
        keys: np.ndarray | None = None
        for i in order:
            tp, offset = lists[i], q.offsets[i]
            rows, starts = tp.positions(pos, cand[tp.docs])
            # ascending: postings are by row, a posting's positions ascending (no sort needed)
            k = (rows.astype(np.int64) << 32) | (starts.astype(np.int64) - offset + (1 << 31))
            keys = k if keys is None else keys[_in_sorted(keys, k)]
            if not len(keys):
                return mask, score
            cand = np.zeros(self.n, dtype=bool)
            cand[(keys >> 32).astype(np.int64)] = True
        assert keys is not None
        mask[(keys >> 32).astype(np.int64)] = True
        for w, tp in zip(q.words, lists):  # scored as whoosh does: the words' own scores, where the phrase is
            at = mask[tp.docs]
            score[tp.docs[at]] += self.bm25(fieldname, self.idf(fieldname, str(w)), tp.docs[at], tp.tf[at])
        return mask, score * q.boost


def _in_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each element of ``a``, whether it is in the ascending array ``b`` (binary search, no sort)."""
    if not len(b):
        return np.zeros(len(a), dtype=bool)
    idx = np.minimum(np.searchsorted(b, a), len(b) - 1)
    return b[idx] == a


def rank(q: Query, postings: Postings, *, row_filter: RowFilter | None = None, limit: int = 10,
         sort: str = "score") -> Ranked:
    """The matches of ``q`` over the live rows: their number and the best ``limit``.

    :param sort: ``score`` (best first), ``year`` or ``budget`` (largest first, then by score);
        ties keep index order, as whoosh does.
    :raises Unsupported: for a query node the postings cannot evaluate.
    """
    seg_ids, rows, scores, keys = [], [], [], []
    for i, seg in enumerate(postings.segments):
        mask, score = _Eval(postings, seg)(q)
        mask &= seg.live
        if row_filter is not None:
            mask &= row_filter(seg)
        hit = np.flatnonzero(mask)
        seg_ids.append(np.full(len(hit), i, dtype=np.int32))
        rows.append(hit)
        scores.append(score[hit])
        if sort == "year":
            keys.append(np.asarray(seg.array("year"))[hit].astype(np.float64))
        elif sort == "budget":
            budget = np.asarray(seg.array("budget"))[hit]
            keys.append(np.where(np.isnan(budget), -np.inf, budget))
    if not rows:
        return Ranked(0, (), ())
    seg_all, row_all, score_all = np.concatenate(seg_ids), np.concatenate(rows), np.concatenate(scores)
    total = len(row_all)
    if sort == "score":
        top = _top(score_all, limit)
    else:
        order = np.lexsort((np.arange(total), -score_all, -np.concatenate(keys)))
        top = order[:limit]
    pids = tuple(str(postings.segments[int(seg_all[j])].array("pid")[int(row_all[j])]) for j in top)
    return Ranked(total, pids, tuple(float(score_all[j]) for j in top))


def _top(score: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the ``limit`` best scores, best first, ties in index order."""
    n = len(score)
    if n > limit * 4:
        cut = np.partition(score, n - limit)[n - limit]
        candidates = np.flatnonzero(score >= cut)
    else:
        candidates = np.arange(n)
    order = np.lexsort((candidates, -score[candidates]))
    return candidates[order[:limit]]
