"""Copied rows for the audit: near-duplicate clusters (:mod:`models.dupes`) inside each department.

R23 (copy-paste) and R21 (relevance) both ask "which other projects carry this row?". The answer
comes from :func:`models.dupes.find_clusters` run over one department's rows at a time (a
department's projects may span several documents and years), plus rows whose name and value are
identical while their descriptions differ — both are copies for a reviewer.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Sequence

from rapidfuzz import fuzz

from models.audit.findings import ProjectContext
from models.audit.lexicon import is_vague, norm_text
from models.audit.programmes import programme_signature, same_programme
from models.dupes import ClusterMember, DupeCluster, DupeRow, Scope, find_clusters, match_text
from models.unionfind import UnionFind

__all__ = ["RowKey", "CopyGroup", "copy_groups", "department_of", "adapted_rows"]

#: an indicator row: (project id, first source line)
RowKey = tuple[str, int]


@dataclass(frozen=True)
class CopyGroup:
    """Rows of one department that are copies of each other (≥ 2 projects)."""

    department: str
    rows: tuple[DupeRow, ...]  #: sorted by year, document, line: ``rows[0]`` is where it was first seen
    shared_wording: bool  #: every row is a satisfaction row (wording every project legitimately needs)
    similarity: dict[RowKey, float]  #: fuzz.ratio of each row's name|desc|value with the first one
    members: dict[RowKey, ClusterMember]  #: the near-duplicate cluster member (with its project fit), if any
    clusters: tuple[DupeCluster, ...]

    @property
    def first_seen(self) -> DupeRow:
        return self.rows[0]

    @property
    def project_ids(self) -> set[str]:
        return {r.project_id for r in self.rows}


def department_of(ctx: ProjectContext) -> str:
    return ctx.document.department or ctx.document.file


def _rows(ctx: ProjectContext) -> list[DupeRow]:
    d, p = ctx.document, ctx.project
    text = f"{p.name} {p.funds_use} {p.targets}"
    return [
        DupeRow(doc=d.file, department=d.department, year=d.year, project_id=ctx.pid, project_name=p.name,
                project_text=text, line=i.line, tier=i.tier, sub=i.sub, name=i.name, desc=i.desc, value=i.value)
        for i in p.indicators
    ]


def copy_groups(
    contexts: Sequence[ProjectContext], *, threshold: float, misfit_margin: float
) -> list[CopyGroup]:
    """Groups of copied rows per department: near-duplicates (name|desc|value, fuzz.ratio ≥ ``threshold``)
    joined with rows whose normalised name and value are identical.

    :param misfit_margin: passed to :func:`models.dupes.find_clusters` (when a member does not fit its project).
    """
    by_dept: dict[str, list[DupeRow]] = defaultdict(list)
    for ctx in contexts:
        by_dept[department_of(ctx)].extend(_rows(ctx))
    out: list[CopyGroup] = []
    for dept, rows in by_dept.items():
        index = {(r.project_id, r.line): r for r in rows}
        pos = {k: n for n, k in enumerate(index)}
        uf = UnionFind(len(pos))
        members: dict[RowKey, ClusterMember] = {}
        cluster_of: dict[RowKey, DupeCluster] = {}
        for c in find_clusters(rows, scope=Scope.ALL, threshold=threshold, misfit_margin=misfit_margin):
            keys = [(m.row.project_id, m.row.line) for m in c.members]
            for m, k in zip(c.members, keys):
                members[k], cluster_of[k] = m, c
                uf.union(pos[keys[0]], pos[k])
        exact: dict[tuple[str, str], list[RowKey]] = defaultdict(list)
        for k, r in index.items():
            name = norm_text(r.name)
            if name:
                exact[(name, norm_text(r.value))].append(k)
        for keys in exact.values():
            for k in keys[1:]:
                uf.union(pos[keys[0]], pos[k])
        groups: dict[int, list[RowKey]] = defaultdict(list)
        for k in index:
            groups[uf.find(pos[k])].append(k)
        for keys in groups.values():
            grows = sorted((index[k] for k in keys), key=lambda r: (r.year or 0, r.doc, r.line))
            if len({r.project_id for r in grows}) < 2:
                continue
            first = match_text(grows[0].name, grows[0].desc, grows[0].value)
            sims = {(r.project_id, r.line): round(fuzz.ratio(first, match_text(r.name, r.desc, r.value)), 1) for r in grows}
            clusters = {id(cluster_of[k]): cluster_of[k] for k in keys if k in cluster_of}
            out.append(CopyGroup(
                department=dept,
                rows=tuple(grows),
                shared_wording=all(_is_satisfaction_row(r) for r in grows),
                similarity=sims,
                members={k: members[k] for k in keys if k in members},
                clusters=tuple(clusters.values()),
            ))
    return out


def _is_satisfaction_row(r: DupeRow) -> bool:
    return r.tier == "满意度" or r.sub == "服务对象满意度" or "满意" in r.name


def _han_bigrams(text: str) -> set[str]:
    han = "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    return {han[i:i + 2] for i in range(len(han) - 1)}


def _numbers(value: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", value))


def _fits(r: DupeRow, own_text: set[str], floor: float = 0.25) -> bool:
    """At least ``floor`` of the row's wording (name + description bigrams) occurs in its project's text."""
    grams = _han_bigrams(r.name + r.desc)
    return bool(grams) and len(grams & own_text) >= floor * len(grams)


def adapted_rows(group: CopyGroup, contexts: dict[str, ProjectContext]) -> set[RowKey]:
    """Rows of a copy group whose description was rewritten for their own project.

    「计划生育特困家庭保障对象认定准确人数占全部保障对象人数的比率」 shares its name and value with
    「生活困难人员保障对象认定准确人数…」 of another programme, but the words only it has (计划生育特困家庭)
    come from its own project's text: the indicator type is shared, the row was not copied. A row
    whose description another programme's row repeats verbatim, or whose value measures nothing
    (「可持续期限：长期」, 「有效保障」), is never adapted (docs/domain.md R23: exempt shared indicators
    only when the value is specific).
    """
    out: set[RowKey] = set()
    by_project: dict[str, list[DupeRow]] = defaultdict(list)
    for r in group.rows:
        if r.project_id in contexts:
            by_project[r.project_id].append(r)
    # what the rows of other programmes carry, as counts (how many rows have each number, description,
    # bigram), so that each row is compared with "everything else" at once: linear in the group's rows
    project_stats = {pid: _stats(rows) for pid, rows in by_project.items()}
    classes: dict[tuple, list[str]] = defaultdict(list)  # programme signature → projects
    for pid in by_project:
        classes[programme_signature(contexts[pid])].append(pid)
    class_stats = {sig: _sum_stats(project_stats[p] for p in pids) for sig, pids in classes.items()}
    total = _sum_stats(class_stats.values())
    for sig, pids in classes.items():
        rep = contexts[pids[0]]
        same_sigs = [s2 for s2, p2 in classes.items() if same_programme(rep, contexts[p2[0]])]
        base = _minus(total, _sum_stats(class_stats[s2] for s2 in same_sigs))
        for pid in pids:
            ctx = contexts[pid]
            numbers, descs, grams = base if sig in same_sigs else _minus(base, project_stats[pid])
            own_text: set[str] | None = None
            for r in by_project[pid]:
                if not re.search(r"\d", r.value) or is_vague(r.value):
                    continue  # a shared value that measures nothing (长期, 有效保障) is boilerplate however it is described
                if own_text is None:
                    own_text = _han_bigrams(ctx.text)
                mine = _numbers(r.value)
                if mine and not any(numbers[n] > 0 for n in mine) and _fits(r, own_text):
                    out.add((r.project_id, r.line))  # its figure was set for its project (整理档案的数量 ≥3000份 / ≥4000份)
                    continue
                desc = norm_text(r.desc)
                if not desc or desc == norm_text(r.name) or descs[desc] > 0:
                    continue
                distinctive = {g for g in _han_bigrams(desc) if grams[g] <= 0}
                if len(distinctive) >= 3 and len(distinctive & own_text) >= 0.5 * len(distinctive):
                    out.add((r.project_id, r.line))
    return out


_Stats = tuple[Counter, Counter, Counter]  #: rows carrying each number, each normalised description, each bigram


def _stats(rows: list[DupeRow]) -> _Stats:
    numbers: Counter = Counter()
    descs: Counter = Counter()
    grams: Counter = Counter()
    for r in rows:
        numbers.update(_numbers(r.value))
        descs[norm_text(r.desc)] += 1
        grams.update(_han_bigrams(r.desc))
    return numbers, descs, grams


def _sum_stats(parts) -> _Stats:
    numbers: Counter = Counter()
    descs: Counter = Counter()
    grams: Counter = Counter()
    for n, d, g in parts:
        numbers.update(n)
        descs.update(d)
        grams.update(g)
    return numbers, descs, grams


def _minus(a: _Stats, b: _Stats) -> _Stats:
    return a[0] - b[0], a[1] - b[1], a[2] - b[2]
