"""Project grades (优 / 良 / 中 / 差, docs/domain.md R29) and per-document summaries by problem type."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

from models.audit.findings import AuditedProject, Finding, Severity
from models.audit.settings import GradeRule

__all__ = ["score_findings", "grade_for", "DocumentSummary", "summarise", "RULE_TOPICS"]

#: the problem type (reviewer's wording) each rule reports
RULE_TOPICS: dict[str, str] = {
    "R01": "缺少一级指标", "R02": "缺少满意度指标", "R03": "产出二级指标不全", "R04": "指标归类错误",
    "R05": "满意度指标放错位置", "R07": "单元格为空", "R08": "指标值表述笼统", "R09": "指标解释重复名称",
    "R10": "二级指标口径不符", "R13": "计算符号方向错误", "R14": "比率超过100%/满意度过高",
    "R16": "计量单位缺失或不符", "R17": "指标值依据缺失或不具体", "R19": "成本与预算不符",
    "R21": "指标与项目无关", "R22": "指标与年度目标任务数不对应", "R23": "指标雷同（照搬）", "R24": "表内指标重复", "R25": "年度表使用「长期」",
    "M01": "模型认为归类有误",
}

_GRADE_ORDER = ("优", "良", "中", "差")


def score_findings(findings: Iterable[Finding], rule: GradeRule) -> float:
    """100 minus the penalties of the findings, each rule counted at most ``per_rule_cap`` times."""
    counted: Counter[tuple[str, Severity]] = Counter()
    score = 100.0
    for f in findings:
        key = (f.rule, f.severity)
        if counted[key] >= rule.per_rule_cap:
            continue
        counted[key] += 1
        score -= rule.penalty_for(f.severity)
    return max(score, 0.0)


def grade_for(findings: Sequence[Finding], rule: GradeRule) -> tuple[float, str]:
    """(score, grade): the grade from the score cut-offs, capped when a cap rule reports an error."""
    score = score_findings(findings, rule)
    grade = _GRADE_ORDER[-1]
    for name, minimum in rule.cutoffs:
        if score >= minimum:
            grade = name
            break
    if any(f.severity is Severity.ERROR and f.rule in rule.cap_rules for f in findings):
        if _GRADE_ORDER.index(grade) < _GRADE_ORDER.index(rule.cap_grade):
            grade = rule.cap_grade
    return score, grade


@dataclass(frozen=True)
class DocumentSummary:
    """Per-document counts: findings by problem type and severity, projects by grade."""

    doc: str
    department: str | None
    year: int | None
    projects: int
    indicators: int
    findings: int
    by_severity: tuple[tuple[str, int], ...]
    by_rule: tuple[tuple[str, str, int, int], ...]  #: (rule, problem type, findings, projects affected)
    grades: tuple[tuple[str, int], ...]


def summarise(projects: Sequence[AuditedProject]) -> list[DocumentSummary]:
    """One summary per document, in the order the documents first appear."""
    by_doc: dict[str, list[AuditedProject]] = {}
    for ap in projects:
        by_doc.setdefault(ap.context.document.file, []).append(ap)
    out = []
    for doc, aps in by_doc.items():
        findings = [f for ap in aps for f in ap.findings]
        sev = Counter(f.severity.value for f in findings)
        rule_count = Counter(f.rule for f in findings)
        rule_projects = Counter(r for ap in aps for r in {f.rule for f in ap.findings})
        grades = Counter(ap.grade for ap in aps)
        d = aps[0].context.document
        out.append(DocumentSummary(
            doc=doc, department=d.department, year=d.year, projects=len(aps),
            indicators=sum(len(ap.context.project.indicators) for ap in aps),
            findings=len(findings),
            by_severity=tuple((s.value, sev.get(s.value, 0)) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)),
            by_rule=tuple((r, RULE_TOPICS.get(r, r), n, rule_projects[r]) for r, n in sorted(rule_count.items())),
            grades=tuple((g, grades.get(g, 0)) for g in _GRADE_ORDER),
        ))
    return out
