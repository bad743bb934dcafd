"""Copy-paste detection: clusters of near-duplicate indicator rows across projects.

Pure functions over a batch of :class:`DupeRow`. The pipeline is

1. partition rows by scope (one document, one budget year, or everything);
2. collapse rows whose normalised text (name | description | value) is identical;
3. find candidate pairs of distinct texts with MinHash LSH (:mod:`models.minhash`),
   so the work grows with the number of rows, not its square;
4. score candidates with ``rapidfuzz.fuzz.ratio`` and keep those ≥ ``threshold``;
5. join verified pairs into clusters (connected components) that span ≥ 2 projects;
6. tell shared wording every project legitimately needs (satisfaction surveys) from
   copied content, and mark members whose project the copied row does not fit.
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np
from rapidfuzz import fuzz

from models.minhash import lsh_candidate_pairs, minhash_signatures
from models.unionfind import UnionFind
from nlp.normalize import to_halfwidth
from nlp.records import ParsedDocument, project_id

__all__ = [
    "Scope",
    "DupeRow",
    "ClusterMember",
    "DupeCluster",
    "rows_from_documents",
    "match_text",
    "find_pairs",
    "find_clusters",
    "pair_recall",
    "exact_pairs_cdist",
    "cluster_records",
]


class Scope(str, Enum):
    """Which rows may be compared with each other."""

    DOCUMENT = "document"  #: within one document (one department's disclosure)
    YEAR = "year"  #: across the departments of one budget year
    ALL = "all"  #: across departments and years


@dataclass(frozen=True)
class DupeRow:
    """One indicator row with the context copy-paste detection needs."""

    doc: str
    department: str | None
    year: int | None
    project_id: str
    project_name: str
    project_text: str  #: project name + funds use + targets: what the project is about
    line: int
    tier: str | None
    sub: str | None
    name: str
    desc: str
    value: str


@dataclass(frozen=True)
class ClusterMember:
    row: DupeRow
    fit: float  #: how much of the row's wording its own project's text supports (0–1)
    fits_project: bool


@dataclass(frozen=True)
class DupeCluster:
    """Rows that share (nearly) the same indicator across projects."""

    scope: Scope
    kind: str  #: "shared-wording" (legitimately common) or "copied"
    similarity: float  #: lowest verified fuzz.ratio inside the cluster (100 = identical)
    n_projects: int
    n_documents: int
    n_departments: int
    first_seen: DupeRow  #: earliest year, then document, then line
    members: tuple[ClusterMember, ...]

    @property
    def n_misfit(self) -> int:
        return sum(not m.fits_project for m in self.members)


_SPACE = re.compile(r"\s+")
_SATISFACTION = re.compile(r"满意")


def match_text(name: str, desc: str, value: str) -> str:
    """The string rows are compared on: name | description | value, half-width, no white space."""
    return _SPACE.sub("", to_halfwidth(f"{name}|{desc}|{value}"))


def rows_from_documents(docs: Iterable[ParsedDocument]) -> list[DupeRow]:
    """Flatten parsed documents into rows (one per indicator)."""
    rows: list[DupeRow] = []
    for parsed in docs:
        d = parsed.document
        for p in parsed.projects:
            text = f"{p.name} {p.funds_use} {p.targets}"
            pid = project_id(d.file, p.ordinal)
            for ind in p.indicators:
                rows.append(
                    DupeRow(
                        doc=d.file,
                        department=d.department,
                        year=d.year,
                        project_id=pid,
                        project_name=p.name,
                        project_text=text,
                        line=ind.line,
                        tier=ind.tier,
                        sub=ind.sub,
                        name=ind.name,
                        desc=ind.desc,
                        value=ind.value,
                    )
                )
    return rows


def _scope_key(row: DupeRow, scope: Scope) -> object:
    if scope is Scope.DOCUMENT:
        return row.doc
    if scope is Scope.YEAR:
        return row.year
    return None


def _verified_text_pairs(
    texts: Sequence[str], *, threshold: float, num_perm: int, bands: int
) -> list[tuple[int, int, float]]:
    """Pairs of distinct texts with fuzz.ratio ≥ threshold, found through LSH candidates."""
    if len(texts) < 2:
        return []
    sigs = minhash_signatures(texts, num_perm=num_perm)
    cand = lsh_candidate_pairs(sigs, bands=bands)
    out: list[tuple[int, int, float]] = []
    ratio = fuzz.ratio
    for i, j in cand.tolist():
        score = ratio(texts[i], texts[j], score_cutoff=threshold)
        if score:
            out.append((i, j, score))
    return out


def find_pairs(
    texts: Sequence[str], *, threshold: float = 90.0, num_perm: int = 96, bands: int = 32
) -> set[tuple[int, int]]:
    """Index pairs (i < j) of ``texts`` whose fuzz.ratio is ≥ ``threshold`` — the LSH method.

    Identical texts are always paired; this is what ``bench/dupes.py`` compares with
    rapidfuzz's exact all-pairs ``process.cdist`` to measure recall.
    """
    by_text: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(texts):
        by_text[t].append(i)
    uniq = list(by_text)
    pairs: set[tuple[int, int]] = set()
    for ids in by_text.values():
        pairs.update((a, b) for k, a in enumerate(ids) for b in ids[k + 1 :])
    for a, b, _ in _verified_text_pairs(uniq, threshold=threshold, num_perm=num_perm, bands=bands):
        for i in by_text[uniq[a]]:
            for j in by_text[uniq[b]]:
                pairs.add((min(i, j), max(i, j)))
    return pairs


def _bigrams(text: str) -> set[str]:
    t = _SPACE.sub("", text)
    return {t[i : i + 2] for i in range(len(t) - 1)}


def _fit(row: DupeRow, project_text: str) -> float:
    """Share of the row's name+description character bigrams that occur in a project's text (0–1)."""
    return _share(_bigrams(row.name + row.desc), _bigrams(project_text))


def _share(grams: set[str], text_grams: set[str]) -> float:
    return len(grams & text_grams) / len(grams) if grams else 0.0


def find_clusters(
    rows: Sequence[DupeRow],
    *,
    scope: Scope = Scope.ALL,
    threshold: float = 90.0,
    min_projects: int = 2,
    misfit_margin: float = 0.25,
    fit_floor: float = 0.25,
    num_perm: int = 96,
    bands: int = 32,
) -> list[DupeCluster]:
    """Clusters of near-duplicate rows spanning at least ``min_projects`` projects.

    :param threshold: minimum ``fuzz.ratio`` (0–100) of two rows' :func:`match_text`.
    :param misfit_margin: a member does not fit its project when its own fit is below
        ``fit_floor`` and another member's project fits the row better by more than this
        (the row was written for that other project and copied here).
    :param fit_floor: a member whose own project text holds at least this share of the row's
        wording (character bigrams) always fits.
    :returns: clusters, largest first.
    """
    parts: dict[object, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        parts[_scope_key(r, scope)].append(i)
    clusters: list[DupeCluster] = []
    for members in parts.values():
        clusters.extend(
            _cluster_part(rows, members, scope, threshold, min_projects, (misfit_margin, fit_floor), num_perm, bands)
        )
    clusters.sort(key=lambda c: (-c.n_projects, -len(c.members), c.first_seen.doc, c.first_seen.line))
    return clusters


def _cluster_part(
    rows: Sequence[DupeRow],
    idx: list[int],
    scope: Scope,
    threshold: float,
    min_projects: int,
    fit_params: tuple[float, float],
    num_perm: int,
    bands: int,
) -> list[DupeCluster]:
    by_text: dict[str, list[int]] = defaultdict(list)
    for i in idx:
        r = rows[i]
        by_text[match_text(r.name, r.desc, r.value)].append(i)
    uniq = list(by_text)
    uf = UnionFind(len(uniq))
    min_score = [100.0] * len(uniq)
    for a, b, score in _verified_text_pairs(uniq, threshold=threshold, num_perm=num_perm, bands=bands):
        uf.union(a, b)
        min_score[a] = min(min_score[a], score)
        min_score[b] = min(min_score[b], score)
    groups: dict[int, list[int]] = defaultdict(list)
    for t in range(len(uniq)):
        groups[uf.find(t)].append(t)
    out: list[DupeCluster] = []
    for text_ids in groups.values():
        member_rows = [rows[i] for t in text_ids for i in by_text[uniq[t]]]
        projects = {r.project_id for r in member_rows}
        if len(projects) < min_projects:
            continue
        out.append(_make_cluster(member_rows, scope, min(min_score[t] for t in text_ids), *fit_params))
    return out


def _make_cluster(
    member_rows: list[DupeRow], scope: Scope, similarity: float, margin: float, floor: float
) -> DupeCluster:
    member_rows.sort(key=lambda r: (r.year or 0, r.doc, r.line))
    shared = all(
        r.sub == "服务对象满意度" or r.tier == "满意度" or _SATISFACTION.search(r.name) for r in member_rows
    )
    # bigram sets computed once per distinct wording and project text: a cluster of n rows over m
    # projects costs O(wordings × m) set intersections, not O(n × m) bigram extractions
    text_grams = {t: _bigrams(t) for t in dict.fromkeys(r.project_text for r in member_rows)}
    row_grams = {w: _bigrams(w) for w in dict.fromkeys(r.name + r.desc for r in member_rows)}
    best_two: dict[str, list[tuple[float, str]]] = {}  # wording → its two best-fitting project texts

    def best_other(wording: str, own_text: str, own: float) -> float:
        if wording not in best_two:
            best_two[wording] = heapq.nlargest(2, ((_share(row_grams[wording], g), t) for t, g in text_grams.items()))
        other = [f for f, t in best_two[wording] if t != own_text]
        return other[0] if other else own

    members = []
    for r in member_rows:
        own = _share(row_grams[r.name + r.desc], text_grams[r.project_text])
        ok = shared or own >= floor or best_other(r.name + r.desc, r.project_text, own) - own <= margin
        members.append(ClusterMember(row=r, fit=round(own, 3), fits_project=ok))
    return DupeCluster(
        scope=scope,
        kind="shared-wording" if shared else "copied",
        similarity=round(similarity, 1),
        n_projects=len({r.project_id for r in member_rows}),
        n_documents=len({r.doc for r in member_rows}),
        n_departments=len({r.department for r in member_rows}),
        first_seen=member_rows[0],
        members=tuple(members),
    )


def pair_recall(found: set[tuple[int, int]], exact: set[tuple[int, int]]) -> float:
    """Share of the exact pairs that the candidate method also found (1.0 when there are none)."""
    if not exact:
        return 1.0
    return len(found & exact) / len(exact)


def exact_pairs_cdist(
    texts: Sequence[str], *, threshold: float = 90.0, workers: int = 1, block: int = 2000
) -> set[tuple[int, int]]:
    """All pairs with fuzz.ratio ≥ threshold by rapidfuzz's exhaustive ``process.cdist`` (quadratic).

    Computed in row blocks so memory stays at ``block × len(texts)`` floats.
    """
    from rapidfuzz import process

    pairs: set[tuple[int, int]] = set()
    for lo in range(0, len(texts), block):
        m = process.cdist(
            texts[lo : lo + block], texts, scorer=fuzz.ratio, score_cutoff=threshold, dtype=np.float32, workers=workers
        )
        ii, jj = np.nonzero(m >= threshold)
        ii = ii + lo
        keep = ii < jj
        pairs.update(zip(ii[keep].tolist(), jj[keep].tolist()))
    return pairs


def cluster_records(clusters: Sequence[DupeCluster]) -> list[dict]:
    """Clusters as plain dicts with stable field names (the ``jixiao dupes --format json`` schema)."""

    def ref(r: DupeRow) -> dict:
        return {
            "doc": r.doc,
            "department": r.department,
            "year": r.year,
            "project_id": r.project_id,
            "project_name": r.project_name,
            "line": r.line,
            "tier": r.tier,
            "sub": r.sub,
            "name": r.name,
            "desc": r.desc,
            "value": r.value,
        }

    return [
        {
            "cluster": n,
            "scope": c.scope.value,
            "kind": c.kind,
            "similarity": c.similarity,
            "n_projects": c.n_projects,
            "n_documents": c.n_documents,
            "n_departments": c.n_departments,
            "n_misfit": c.n_misfit,
            "first_seen": ref(c.first_seen),
            "members": [{**ref(m.row), "fit": m.fit, "fits_project": m.fits_project} for m in c.members],
        }
        for n, c in enumerate(clusters, 1)
    ]
