"""Relevance and copy-paste rules (docs/domain.md §2 E): R21 and R23 work on a batch of projects.

R21 flags an indicator that belongs to another project of the same document, on either of
three kinds of evidence:

* *wording* — it names a fund/programme (养老金, 保险费, 待遇, 学费…) that its own project never
  mentions but another project of the document is funded for, and by TF-IDF over character bigrams
  it resembles that other project clearly better than its own (similarity ≥ floor and ≥ own + margin);
* *copied, does not fit* — it is a near-duplicate copy (:mod:`models.dupes`) and the copy does not
  fit its project (``ClusterMember.fits_project`` is False: its wording is supported by another
  member's project far better than by its own);
* *copied with a block* — it names a fund its project never mentions and it was copied from a
  project that other rows of the same table were already shown (by the first kind) to belong to.

R23 flags copies — near-duplicate rows (name | description | value, fuzz.ratio ≥ threshold) or rows
with identical name and value — found in ≥ N projects of ≥ N different programmes of a department
(funding streams of one programme may share their indicators, see :mod:`models.audit.programmes`),
and whole tables whose rows nearly coincide. Satisfaction rows every project needs
(``shared-wording``) are not copy-paste, nor are rows adapted to their project (:func:`models.audit.copies.adapted_rows`:
a description rewritten for the project, or a figure of its own on a row the project text supports) unless their
value measures nothing (长期, 有效保障). Thresholds and the hand-judged draws: bench/audit_precision.md.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from models.audit.copies import CopyGroup, RowKey, adapted_rows, copy_groups, department_of
from models.audit.findings import Finding, ProjectContext, make_finding
from models.audit.programmes import count_programmes, programme_terms, same_programme
from models.audit.settings import AuditSettings
from models.dupes import DupeRow
from nlp.records import Indicator

__all__ = ["r21_relevance", "r23_copy_paste", "programme_terms"]

_R21_SUGGESTION = "按本项目的资金用途设置指标（如补助对象人数、补助标准、发放及时率），删除其他项目的指标。"


def _han(text: str) -> str:
    return "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff" or ch.isdigit())


def _groups(contexts: Sequence[ProjectContext], s: AuditSettings) -> list[CopyGroup]:
    return copy_groups(contexts, threshold=s.threshold("copy_similarity"), misfit_margin=s.threshold("copy_misfit_margin"))


def _indicators(contexts: Sequence[ProjectContext]) -> dict[RowKey, tuple[ProjectContext, Indicator]]:
    return {(c.pid, ind.line): (c, ind) for c in contexts for ind in c.project.indicators}


def _where(r: DupeRow) -> str:
    return f"{r.project_name}（{r.doc} 第{r.line}行）"


#: similarity cells computed at once (rows × projects of one document); bounds R21's memory
_SIM_CELLS = 4_000_000


def r21_relevance(contexts: Sequence[ProjectContext], s: AuditSettings) -> list[Finding]:
    """R21: indicators that do not belong to their project.

    Every comparison R21 makes is between projects of one document, so it runs document by
    document: a document gets the same R21 findings audited alone or with the whole store, and
    the work holds one document at a time.
    """
    by_doc: dict[str, list[ProjectContext]] = defaultdict(list)
    for ctx in contexts:
        by_doc[ctx.document.file].append(ctx)
    out: list[Finding] = []
    for doc_contexts in by_doc.values():
        out.extend(_r21_document(doc_contexts, s))
    return out


class _Similarity:
    """TF-IDF (character bigrams) cosine of indicator rows with the projects of one document.

    Fitted on that document's texts only. Only the rows asked for are compared, in blocks of at
    most :data:`_SIM_CELLS` cells, and only (own, best other) is kept per row: memory grows with the
    rows and projects of the document, never with their product.
    """

    def __init__(self, contexts: Sequence[ProjectContext], rows: Sequence[tuple[int, Indicator]]) -> None:
        project_texts = [_han(c.text) for c in contexts]
        row_texts = [_han(f"{ind.name} {ind.desc}") for _, ind in rows]
        self.vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True)
        self.vec.fit(project_texts + row_texts)
        self.P = self.vec.transform(project_texts).T.tocsc()  # terms × projects
        self.row_texts = row_texts

    def blocks(self, wanted: Sequence[int]):
        """(row index, similarities with every project) for the ``wanted`` rows, block by block."""
        n_projects = self.P.shape[1]
        step = max(1, _SIM_CELLS // max(1, n_projects))
        for lo in range(0, len(wanted), step):
            part = wanted[lo:lo + step]
            R = self.vec.transform([self.row_texts[k] for k in part])
            sims = (R @ self.P).toarray()  # vectors are L2-normalised: cosine
            for k, row in zip(part, sims):
                yield k, row


def _r21_document(contexts: Sequence[ProjectContext], s: AuditSettings) -> list[Finding]:
    rows = [(ci, ind) for ci, ctx in enumerate(contexts) for ind in ctx.project.indicators]
    if not rows:
        return []
    floor, margin = s.threshold("relevance_other_min"), s.threshold("relevance_other_margin")
    doc_terms = [programme_terms(c.text) for c in contexts]
    projects_naming: dict[str, int] = defaultdict(int)  # term → projects of the document that mention it
    for terms in doc_terms:
        for t in terms:
            projects_naming[t] += 1

    def foreign_terms(ci: int, ind: Indicator) -> list[str]:
        """Funds the row names that its project never mentions but another project of the document does."""
        own = doc_terms[ci]
        return [t for t in sorted(programme_terms(f"{ind.name}{ind.desc}")) if t not in own and projects_naming[t]]

    same: dict[tuple[int, int], bool] = {}

    def other_programme(ci: int, j: int) -> bool:
        key = (min(ci, j), max(ci, j))
        if key not in same:
            same[key] = same_programme(contexts[ci], contexts[j])
        return not same[key]

    foreign = {k: f for k, (ci, ind) in enumerate(rows) if (f := foreign_terms(ci, ind))}
    out: list[Finding] = []
    flagged: set[RowKey] = set()
    sources: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))  # pid → other pid → lines
    if foreign and len(contexts) > 1:
        for k, sims in _Similarity(contexts, rows).blocks(sorted(foreign)):
            ci, ind = rows[k]
            ctx = contexts[ci]
            own = float(sims[ci])
            # the most similar project of another programme (streams of one programme share rows)
            best_j = next((int(j) for j in np.argsort(-sims, kind="stable") if j != ci and other_programme(ci, int(j))),
                          None)
            if best_j is None:
                continue
            best = float(sims[best_j])
            if best < floor or best - own < margin:
                continue
            other = contexts[best_j].project
            flagged.add((ctx.pid, ind.line))
            sources[ctx.pid][contexts[best_j].pid].append(ind.line)
            terms = foreign[k]
            out.append(make_finding(
                ctx, "R21", s.severity_of("R21"),
                f"指标「{ind.name}」涉及「{'、'.join(terms)}」，与本项目（{ctx.project.name}）的资金用途和目标无关，更像是项目「{other.name}」的指标。",
                evidence=(("evidence", "wording"), ("programme_terms", "、".join(terms)), ("similarity_own", round(own, 3)),
                          ("project_text", ctx.text[:120]), ("similarity_other", round(best, 3)), ("other_project", other.name)),
                indicator=ind, cells=("name", "desc"), suggestion=_R21_SUGGESTION,
            ))
    index = _indicators(contexts)
    ci_of = {c.pid: ci for ci, c in enumerate(contexts)}
    for g in _groups(contexts, s):
        if g.shared_wording:
            continue
        for r in g.rows:
            key = (r.project_id, r.line)
            if key in flagged or key not in index:
                continue
            ctx, ind = index[key]
            member = g.members.get(key)
            terms = foreign_terms(ci_of[r.project_id], ind)
            if not ((member is not None and not member.fits_project) or (terms and sources.get(r.project_id))):
                continue  # neither kind of evidence can apply: skip listing the peers (a long group costs its square)
            peers = [x for x in g.rows if x.project_id != r.project_id and x.doc == r.doc]
            if not peers:
                continue
            finding = _misfit_copy(ctx, ind, g, key, peers, s) or _block_copy(
                ctx, ind, g, peers, terms, sources.get(r.project_id, {}), s)
            if finding is not None:
                flagged.add(key)
                out.append(finding)
    return out


def _misfit_copy(ctx: ProjectContext, ind: Indicator, g: CopyGroup, key: RowKey, peers: list[DupeRow],
                 s: AuditSettings) -> Finding | None:
    """R21 on a copied row whose wording its own project does not support (``fits_project`` False)."""
    member = g.members.get(key)
    if member is None or member.fits_project:
        return None
    fitted = [(g.members[(p.project_id, p.line)].fit, p) for p in peers if (p.project_id, p.line) in g.members]
    if not fitted:
        return None
    best_fit, best = max(fitted, key=lambda fp: fp[0])
    return make_finding(
        ctx, "R21", s.severity_of("R21"),
        f"指标「{ind.name}」是照搬的（与项目「{best.project_name}」第{best.line}行相同），与本项目（{ctx.project.name}）"
        f"的名称、资金用途和目标几乎没有共同内容。",
        evidence=(("evidence", "copied, does not fit"), ("fit_own", member.fit), ("fit_other", best_fit),
                  ("other_project", best.project_name), ("other_line", best.line),
                  ("similarity", g.similarity[key]), ("first_seen", _where(g.first_seen)),
                  ("copies", len(g.rows))),
        indicator=ind, cells=("name", "desc"), suggestion=_R21_SUGGESTION,
    )


def _block_copy(ctx: ProjectContext, ind: Indicator, g: CopyGroup, peers: list[DupeRow], foreign: list[str],
                sources: dict[str, list[int]], s: AuditSettings) -> Finding | None:
    """R21 on a copied row naming a foreign fund, copied from a project other rows were shown to belong to."""
    if not foreign:
        return None
    for p in peers:
        lines = sources.get(p.project_id)
        if lines:
            return make_finding(
                ctx, "R21", s.severity_of("R21"),
                f"指标「{ind.name}」涉及「{'、'.join(foreign)}」，本项目（{ctx.project.name}）的资金用途和目标并不涉及；"
                f"它与本表第{'、'.join(map(str, lines))}行一起照搬自项目「{p.project_name}」（第{p.line}行）。",
                evidence=(("evidence", "copied with a block"), ("programme_terms", "、".join(foreign)),
                          ("other_project", p.project_name), ("other_line", p.line),
                          ("copied_with_lines", ", ".join(map(str, lines))),
                          ("similarity", g.similarity[(p.project_id, p.line)]), ("first_seen", _where(g.first_seen))),
                indicator=ind, cells=("name", "desc"), suggestion=_R21_SUGGESTION,
            )
    return None


def _is_satisfaction(ind: Indicator) -> bool:
    return ind.tier == "满意度" or ind.sub == "服务对象满意度"


def r23_copy_paste(contexts: Sequence[ProjectContext], s: AuditSettings) -> list[Finding]:
    """R23: a row copied into ≥ N projects of ≥ N programmes of a department; near-identical whole tables."""
    min_projects = int(s.threshold("copy_min_projects"))
    table_sim, min_rows = s.threshold("table_similarity"), int(s.threshold("table_min_rows"))
    index = _indicators(contexts)
    by_pid = {c.pid: c for c in contexts}
    groups = _groups(contexts, s)
    out: list[Finding] = []
    group_of: dict[RowKey, int] = {}
    for gi, g in enumerate(groups):
        for r in g.rows:
            group_of[(r.project_id, r.line)] = gi
        if g.shared_wording:
            continue  # every project needs a satisfaction row; shared wording is legitimate there
        adapted = adapted_rows(g, by_pid)  # the indicator type is shared, the description written for the project
        copied = [r for r in g.rows if (r.project_id, r.line) not in adapted]
        ctxs = [by_pid[pid] for pid in dict.fromkeys(r.project_id for r in copied) if pid in by_pid]
        if len(ctxs) < min_projects or count_programmes(ctxs) < min_projects:
            continue  # funding streams of one programme may share their indicators
        n_prog = count_programmes(ctxs)
        listed = [(c.pid, c.project.name) for c in ctxs[:6]]  # "also in": five other projects at most
        first = copied[0]
        identical = all(g.similarity[(r.project_id, r.line)] == 100 for r in copied)
        for r in copied:
            key = (r.project_id, r.line)
            if key not in index:
                continue
            ctx, ind = index[key]
            if _is_satisfaction(ind):
                continue
            names = [name for pid, name in listed if pid != ctx.pid][:5]
            more = len(ctxs) - 1 > 5
            where = "本行是最早出现处" if r is first else f"最早见于「{first.project_name}」第{first.line}行"
            out.append(make_finding(
                ctx, "R23", s.severity_of("R23"),
                f"指标「{ind.name}：{ind.value}」在本部门{len(ctxs)}个项目中{'完全相同' if identical else '几乎相同'}，"
                f"属于照搬套用（{where}）。",
                evidence=(("projects", len(ctxs)), ("programmes", n_prog), ("department", g.department),
                          ("similarity", g.similarity[key]), ("first_seen", _where(first)),
                          ("also_in", "；".join(names) + ("…" if more else ""))),
                indicator=ind, cells=("name", "value"),
                suggestion="按本项目的具体内容和资金量设置指标和目标值。",
            ))
    out.extend(_copied_tables(contexts, group_of, table_sim, min_rows, s))
    return out


def _table_pairs(keysets: Sequence[frozenset], table_sim: float, min_rows: int) -> list[tuple[int, int]]:
    """Pairs (a < b) of row-key sets with at least ``min_rows`` keys each and Jaccard ≥ ``table_sim``, in order.

    Prefix filtering: Jaccard ≥ t needs an overlap of at least ⌈t·|A|⌉ keys, so with the keys of every
    set in one global order (rarest first) two such sets share a key among their first
    |A| − ⌈t·|A|⌉ + 1. Only those prefix keys are indexed; the candidate pairs are then checked exactly.
    The work follows the rare shared rows, not the square of a department's projects.
    """
    if table_sim <= 0:
        raise ValueError("table_similarity must be above 0")
    eligible = [n for n, keys in enumerate(keysets) if len(keys) >= min_rows]
    freq: dict[object, int] = defaultdict(int)
    for n in eligible:
        for k in keysets[n]:
            freq[k] += 1
    holders: dict[object, list[int]] = defaultdict(list)
    for n in eligible:
        keys = sorted(keysets[n], key=lambda k: (freq[k], str(k)))
        for k in keys[: len(keys) - math.ceil(table_sim * len(keys) - 1e-9) + 1]:
            holders[k].append(n)
    candidates = {(a, b) for members in holders.values() for i, a in enumerate(members) for b in members[i + 1:]}
    out = []
    for a, b in sorted(candidates):
        ka, kb = keysets[a], keysets[b]
        if len(ka & kb) / len(ka | kb) >= table_sim:
            out.append((a, b))
    return out


def _copied_tables(contexts: Sequence[ProjectContext], group_of: dict[RowKey, int], table_sim: float,
                   min_rows: int, s: AuditSettings) -> list[Finding]:
    """Pairs of projects of a department whose rows (as copy groups) nearly coincide."""
    out: list[Finding] = []
    by_dept: dict[str, list[ProjectContext]] = defaultdict(list)
    for ctx in contexts:
        by_dept[department_of(ctx)].append(ctx)
    for ctxs in by_dept.values():
        keysets = [frozenset(group_of.get((c.pid, i.line), f"{c.pid}:{i.line}") for i in c.project.indicators) for c in ctxs]
        for a, b in _table_pairs(keysets, table_sim, min_rows):
            ka, kb = keysets[a], keysets[b]
            jac = len(ka & kb) / len(ka | kb)
            if same_programme(ctxs[a], ctxs[b]):
                continue
            for me, other in ((ctxs[a], ctxs[b]), (ctxs[b], ctxs[a])):
                out.append(make_finding(
                    me, "R23", s.severity_of("R23"),
                    f"整张绩效目标表与项目「{other.project.name}」几乎相同（指标重合{jac:.0%}）。",
                    evidence=(("other_project", other.project.name), ("other_doc", other.document.file),
                              ("jaccard", round(jac, 3)), ("shared_rows", len(ka & kb))),
                    suggestion="两个项目资金用途不同时，应分别设置反映各自产出和效益的指标。",
                ))
    return out

