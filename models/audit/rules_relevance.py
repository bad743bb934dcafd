"""Relevance and copy-paste rules (docs/domain.md §2 E): R21 and R23 work on a batch of projects.

R21 compares each indicator with its own project's text (name, use of funds, targets) and with the
other projects of the same document, using TF-IDF over character bigrams fitted on the batch; a row
is flagged when it names a fund/programme (养老金, 保险费, 待遇, 学费…) that its own project never
mentions but another project of the document is funded for, *and* it resembles another project of
the document clearly better than its own (similarity ≥ floor and ≥ own + margin; calibrated on the
samples, see bench/audit_precision.md).
R23 is exact: the same (name, value) in projects of ≥ N different programmes of a department, and
whole tables whose (name, value) sets nearly coincide across programmes (funding streams of one
programme — 中央/省级/县级配套, two batches — may legitimately share a table). Cross-document near-duplicate clustering lives elsewhere.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Sequence

from rapidfuzz import fuzz
from sklearn.feature_extraction.text import TfidfVectorizer

from models.audit.findings import Finding, ProjectContext, make_finding
from models.audit.lexicon import norm_text
from models.audit.settings import AuditSettings

__all__ = ["r21_relevance", "r23_copy_paste", "programme_terms"]

#: named funds, benefits and programmes (what money is paid for); an indicator naming one that its
#: project never mentions, while another project of the same document does, was likely copied from there
_PROGRAMME = re.compile(
    r"养老金|保险费|待遇|学费|住宿费|教科书费|贷款|贴息|低保|救助金|抚恤金|公积金|工资|津贴|补贴|补助|资助|奖金|"
    r"培训|招聘|档案|考核|仲裁|监察|车辆|公益岗|见习|代课|社保卡"
)


def programme_terms(text: str) -> set[str]:
    """The named funds/programmes a text mentions (养老金, 保险费, 待遇, 补贴 …)."""
    return set(_PROGRAMME.findall(text))


def _han(text: str) -> str:
    return "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff" or ch.isdigit())


def r21_relevance(contexts: Sequence[ProjectContext], s: AuditSettings) -> list[Finding]:
    """R21: indicators that do not belong to their project."""
    if not contexts:
        return []
    rows = [(ci, ind) for ci, ctx in enumerate(contexts) for ind in ctx.project.indicators]
    if not rows:
        return []
    project_texts = [_han(c.text) for c in contexts]
    row_texts = [_han(f"{ind.name} {ind.desc}") for _, ind in rows]
    vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True)
    vec.fit(project_texts + row_texts)
    P = vec.transform(project_texts)
    R = vec.transform(row_texts)
    sims = (R @ P.T).toarray()  # rows × projects, cosine (vectors are L2-normalised)
    by_doc: dict[str, list[int]] = defaultdict(list)
    for ci, ctx in enumerate(contexts):
        by_doc[ctx.document.file].append(ci)
    floor, margin = s.threshold("relevance_other_min"), s.threshold("relevance_other_margin")
    doc_terms = {ci: programme_terms(c.text) for ci, c in enumerate(contexts)}
    out = []
    for k, (ci, ind) in enumerate(rows):
        ctx = contexts[ci]
        foreign = sorted(t for t in programme_terms(f"{ind.name}{ind.desc}") if t not in doc_terms[ci])
        if not foreign:
            continue
        others = [j for j in by_doc[ctx.document.file] if j != ci]
        if not others:
            continue
        # the programme must be a real one of this document: another project is funded for it
        if not any(t in doc_terms[j] for t in foreign for j in others):
            continue
        own = float(sims[k, ci])
        best_j = max(others, key=lambda j: sims[k, j])
        best = float(sims[k, best_j])
        if best < floor or best - own < margin:
            continue
        other = contexts[best_j].project
        evidence: list[tuple[str, str | float | int | bool | None]] = [
            ("programme_terms", "、".join(foreign)),
            ("similarity_own", round(own, 3)),
            ("project_text", ctx.text[:120]),
        ]
        evidence += [("similarity_other", round(best, 3)), ("other_project", other.name)]
        out.append(make_finding(
            ctx, "R21", s.severity_of("R21"),
            f"指标「{ind.name}」涉及「{'、'.join(foreign)}」，与本项目（{ctx.project.name}）的资金用途和目标无关，更像是项目「{other.name}」的指标。",
            evidence=tuple(evidence), indicator=ind, cells=("name", "desc"),
            suggestion="按本项目的资金用途设置指标（如补助对象人数、补助标准、发放及时率），删除其他项目的指标。",
        ))
    return out


_GENERIC_NAME = re.compile(
    r"关于|提前下达|下达|中央|省级|市级|县级|财政|配套|预算|资金|经费|专项|补助|通知|项目|第.批|[0-9]+|年|[\s（）()〔〕【】\[\]《》、，,.号-]"
)


def programme_key(name: str) -> str:
    """A project name without years, levels of government and fund words: 「普惠金融发展」, 「就业」."""
    return _GENERIC_NAME.sub("", name)


def _same_programme(a: ProjectContext, b: ProjectContext) -> bool:
    """Two funding streams of one programme (中央/省级/县级配套, two batches): shared wording is expected."""
    ka, kb = programme_key(a.project.name), programme_key(b.project.name)
    if not ka or not kb:
        return False
    return fuzz.ratio(ka, kb) >= 70 or (min(len(ka), len(kb)) >= 4 and fuzz.partial_ratio(ka, kb) >= 90)


def _families(ctxs: Sequence[ProjectContext]) -> int:
    """How many distinct programmes a set of projects covers (greedy grouping by :func:`_same_programme`)."""
    heads: list[ProjectContext] = []
    for c in ctxs:
        if not any(_same_programme(c, h) for h in heads):
            heads.append(c)
    return len(heads)


def _dept(ctx: ProjectContext) -> str:
    return ctx.document.department or ctx.document.file


def r23_copy_paste(contexts: Sequence[ProjectContext], s: AuditSettings) -> list[Finding]:
    """R23: the same (name, value) in ≥ N projects of a department; near-identical whole tables."""
    min_projects = int(s.threshold("copy_min_projects"))
    table_sim, min_rows = s.threshold("table_similarity"), int(s.threshold("table_min_rows"))
    out: list[Finding] = []
    groups: dict[str, list[ProjectContext]] = defaultdict(list)
    for ctx in contexts:
        groups[_dept(ctx)].append(ctx)
    for dept, ctxs in groups.items():
        users: dict[tuple[str, str], list[ProjectContext]] = defaultdict(list)
        keysets: list[frozenset[tuple[str, str]]] = []
        for ctx in ctxs:
            keys = set()
            for ind in ctx.project.indicators:
                key = (norm_text(ind.name), norm_text(ind.value))
                if key[0]:
                    keys.add(key)
            keysets.append(frozenset(keys))
            for key in keys:
                users[key].append(ctx)
        for ctx in ctxs:
            for ind in ctx.project.indicators:
                if ind.tier == "满意度" or ind.sub == "服务对象满意度":
                    continue  # every project needs a satisfaction row; shared wording is legitimate there
                sharing = users.get((norm_text(ind.name), norm_text(ind.value)), [])
                if len(sharing) < min_projects or _families(sharing) < min_projects:
                    continue  # funding streams of one programme may share their indicators
                names = [c.project.name for c in sharing if c is not ctx]
                out.append(make_finding(
                    ctx, "R23", s.severity_of("R23"),
                    f"指标「{ind.name}：{ind.value}」在本部门{len(sharing)}个项目中完全相同，属于照搬套用。",
                    evidence=(("projects", len(sharing)), ("department", dept),
                              ("also_in", "；".join(names[:5]) + ("…" if len(names) > 5 else ""))),
                    indicator=ind, cells=("name", "value"),
                    suggestion="按本项目的具体内容和资金量设置指标和目标值。",
                ))
        for a in range(len(ctxs)):
            for b in range(a + 1, len(ctxs)):
                ka, kb = keysets[a], keysets[b]
                if len(ka) < min_rows or len(kb) < min_rows:
                    continue
                jac = len(ka & kb) / len(ka | kb)
                if jac < table_sim or _same_programme(ctxs[a], ctxs[b]):
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
