"""What a reviewer reads of an audit, shared by the HTML/CSV/XLSX reports and the service's pages.

Pure functions from an :class:`~models.audit.AuditResult` (and, optionally, the classifier's view
of each row) to plain view records: Chinese names, evidence in words, each indicator row with its
cells (offending ones marked by severity), the findings beside it and whether the parser was
unsure of the row — so a parser's doubt is not read as the department's error.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Mapping

from models.audit import AuditResult, Finding, Severity
from models.audit.findings import SEVERITY_RANK, AuditedProject
from models.audit.grade import RULE_TOPICS
from models.audit.settings import GradeRule

__all__ = ["SEVERITY_ZH", "COLUMNS", "FIELD_ZH", "evidence_in_words", "grade_explanation", "FindingView",
           "CellView", "RowView", "ProjectView", "DocumentView", "ReportView", "report_view", "finding_view",
           "project_view", "GRADE_ORDER"]

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
GRADE_ORDER = ("优", "良", "中", "差")
#: (cell key used by findings, column header, Indicator attribute) of the table as printed
COLUMNS = (("tier", "一级指标", "tier_raw"), ("sub", "二级指标", "sub_raw"), ("name", "三级指标", "name"),
           ("desc", "指标解释", "desc"), ("value", "指标值", "value"), ("basis", "指标值确定依据", "basis"))
#: Chinese names of indicator fields (cells, and the parser's ``uncertain`` field names)
FIELD_ZH = {"tier": "一级指标", "tier_raw": "一级指标", "sub": "二级指标", "sub_raw": "二级指标", "name": "三级指标",
            "desc": "指标解释", "value": "指标值", "basis": "确定依据", "row": "整行"}

_EVIDENCE_ZH = {
    "accepted_tiers": "可接受的一级指标", "also_in": "也出现在", "bases": "依据", "basis": "确定依据",
    "budget_wan": "项目预算（万元）", "cap_grade": "评级上限", "cap_rules": "封顶规则", "confidence": "模型置信度",
    "copied_with_lines": "随同照搬的行", "copies": "副本数", "cost_total_wan": "成本合计（万元）", "cost_wan": "成本（万元）",
    "count": "数量", "data": "数据", "department": "部门", "desc": "指标解释", "description": "说明", "evidence": "判断依据",
    "expected_operator": "应使用的符号", "expected_tier": "应属一级指标", "extends": "继承", "figures": "数字",
    "filed": "申报归类", "first_desc": "首次出现的指标解释", "first_line": "首次出现的行", "first_seen": "首次出现",
    "first_value": "首次出现的指标值", "fit_other": "与另一项目的契合度", "fit_own": "与本项目的契合度",
    "indicator_figures": "指标中的数字", "indicator_number": "指标数值", "indicator_value": "指标值",
    "indicators": "指标数", "jaccard": "重合度", "limit": "上限", "lines": "行号", "missing_sub": "缺少的二级指标",
    "missing_tier": "缺少的一级指标", "money": "金额", "name": "三级指标", "number": "数值", "operator": "符号",
    "other_doc": "另一文件", "other_line": "另一行", "other_project": "另一项目", "percent": "百分比",
    "predicted": "模型判断", "programme_terms": "其他项目的用语", "programmes": "项目类别数", "project_text": "项目文本",
    "projects": "项目数", "recipient_word": "服务对象用词", "rows": "行数", "sentence": "目标原文", "sentences": "目标原文",
    "severity": "级别", "shared_rows": "相同行数", "shared_topic": "共同主题", "similarity": "相似度",
    "similarity_other": "与另一项目的相似度", "similarity_own": "与本项目的相似度", "sub": "二级指标",
    "sub_raw": "二级指标（原文）", "subs_present": "已有二级指标", "target_figure": "目标数字",
    "target_number": "目标数值", "threshold": "阈值", "tier": "一级指标", "tier_raw": "一级指标（原文）",
    "tiers_present": "已有一级指标", "types": "类型", "unit": "单位", "value": "指标值",
    "model_version": "模型版本", "tier_margin": "一级指标领先幅度", "confident": "判断标准", "reviewed": "审核员标注",
}
_EVIDENCE_VALUE_ZH = {"wording": "用语属于其他项目", "copied, does not fit": "照搬且不符合本项目",
                      "copied with a block": "随整块照搬"}


def _value_in_words(value: Any) -> str:
    if value is None:
        return "无"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if not text.strip():
        return "（空）"
    return _EVIDENCE_VALUE_ZH.get(text, f"「{text}」")


def evidence_in_words(evidence: Any) -> str:
    """``(("name", "受助学生数"), ("similarity", 0.93))`` → ``三级指标「受助学生数」；相似度 0.93``."""
    pairs = evidence.items() if isinstance(evidence, Mapping) else evidence
    parts = []
    for key, value in pairs:
        words = _value_in_words(value)
        label = _EVIDENCE_ZH.get(key, key.replace("_", " "))
        parts.append(f"{label}{words}" if words.startswith(("「", "（")) else f"{label} {words}")
    return "；".join(parts)


def grade_explanation(rule: GradeRule | None) -> str:
    """How a score and grade are given, in one paragraph for a reviewer."""
    if rule is None:
        return "评级：优、良、中、差，由问题的数量和级别决定。"
    pen = dict(rule.penalty)
    cut = "，".join(f"{g} ≥ {m:g} 分" for g, m in rule.cutoffs)
    text = (f"得分 = 100 分减去各问题的扣分（错误 {pen.get('error', 0):g} 分、警告 {pen.get('warning', 0):g} 分、"
            f"提示 {pen.get('info', 0):g} 分；同一规则同一级别每个项目最多计 {rule.per_rule_cap} 次）。评级：{cut}，其余为差。")
    if rule.cap_rules:
        text += f"出现 {'、'.join(rule.cap_rules)} 的错误时，评级最高为{rule.cap_grade}。"
    return text


@dataclass(frozen=True)
class FindingView:
    rule: str
    severity: str  #: error | warning | info
    severity_zh: str
    topic: str  #: the problem type, e.g. 满意度指标放错位置
    message: str
    suggestion: str | None
    evidence: str  #: in words
    indicator: str | None
    line: int | None
    project_id: str | None
    uncertain_parse: bool  #: the parser was unsure of a cell this finding is about


@dataclass(frozen=True)
class CellView:
    key: str
    header: str
    text: str
    severity: str | None  #: the worst finding on this cell
    uncertain: bool  #: the parser could not assign this cell with confidence


@dataclass(frozen=True)
class RowView:
    line: int
    line_end: int
    cells: tuple[CellView, ...]
    findings: tuple[FindingView, ...]
    uncertain: tuple[str, ...]  #: Chinese names of the uncertain fields
    prediction: Mapping[str, Any] | None = None  #: the classifier's record for the row, when given
    filed_sub: str | None = None  #: the canonical sub-tier the row was filed under

    @property
    def model_disagrees(self) -> bool:
        return bool(self.prediction) and self.filed_sub is not None and self.prediction["sub"] != self.filed_sub

    @property
    def lines(self) -> str:
        return str(self.line) if self.line == self.line_end else f"{self.line}–{self.line_end}"


@dataclass(frozen=True)
class ProjectView:
    project_id: str
    anchor: str  #: an HTML id
    doc: str
    department: str | None
    year: int | None
    section: str
    seq: int | None
    name: str
    title: str
    code: str | None
    budget_wan: float | None
    targets: str
    score: float
    grade: str
    project_findings: tuple[FindingView, ...]
    rows: tuple[RowView, ...]
    counts: Mapping[str, int]  #: findings by severity


@dataclass(frozen=True)
class DocumentView:
    doc: str
    department: str | None
    year: int | None
    projects: int
    indicators: int
    findings: int
    by_severity: Mapping[str, int]
    by_rule: tuple[tuple[str, str, int, int], ...]
    grades: Mapping[str, int]
    anchor: str


@dataclass(frozen=True)
class ReportView:
    profile: str
    documents: tuple[DocumentView, ...]
    projects: tuple[ProjectView, ...]
    run_findings: tuple[FindingView, ...]
    grade_explanation: str
    totals: Mapping[str, int] = field(default_factory=dict)  #: findings by severity over the report
    max_rule_count: int = 1  #: the largest per-rule count, to scale the summary chart


def _uncertain_cells(ind: Any) -> set[str]:
    cells = set()
    for name in ind.uncertain:
        cells.add({"tier_raw": "tier", "sub_raw": "sub"}.get(name, name))
    return cells


def finding_view(f: Finding, uncertain: set[str] | None = None) -> FindingView:
    doubtful = bool(uncertain) and (not f.cells or bool(set(f.cells) & uncertain) or "row" in uncertain)
    return FindingView(f.rule, f.severity.value, SEVERITY_ZH[f.severity.value], RULE_TOPICS.get(f.rule, f.rule),
                       f.message, f.suggestion, evidence_in_words(f.evidence), f.indicator, f.line, f.project_id,
                       doubtful)


def _anchor(text: str) -> str:
    return "p-" + "".join(ch if ch.isalnum() else "-" for ch in text)


def project_view(ap: AuditedProject, predictions: Mapping[int, Mapping[str, Any]] | None = None) -> ProjectView:
    """One project's table as printed, findings beside their rows; ``predictions`` by the row's first line."""
    p, d = ap.context.project, ap.context.document
    by_line: dict[int, list[Finding]] = defaultdict(list)
    for f in ap.findings:
        if f.line is not None:
            by_line[f.line].append(f)
    # a self-evaluation's 实际完成值 and cells of columns without a field (score, deviation reason …), when printed
    columns = COLUMNS + ((("actual", "实际完成值", "actual"),) if any(i.actual for i in p.indicators) else ()) + (
        (("extra", "其他列", "extra_text"),) if any(i.extra for i in p.indicators) else ())
    rows = []
    for ind in p.indicators:
        fs = by_line.get(ind.line, [])
        doubt = _uncertain_cells(ind)
        worst: dict[str, Severity] = {}
        for f in fs:
            for cell in f.cells:
                if cell not in worst or SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst[cell]]:
                    worst[cell] = f.severity
        cells = tuple(CellView(key, header, getattr(ind, attr), worst[key].value if key in worst else None,
                               key in doubt or "row" in doubt)
                      for key, header, attr in columns)
        rows.append(RowView(ind.line, ind.line_end, cells, tuple(finding_view(f, doubt) for f in fs),
                            tuple(dict.fromkeys(FIELD_ZH.get(u, u) for u in ind.uncertain)),
                            (predictions or {}).get(ind.line), ind.sub))
    counts = {s: sum(f.severity.value == s for f in ap.findings) for s in SEVERITY_ZH}
    return ProjectView(ap.context.pid, _anchor(ap.context.pid), d.file, d.department, d.year, p.section, p.seq, p.name,
                       p.title, p.code, p.budget_wan, p.targets, ap.score, ap.grade,
                       tuple(finding_view(f) for f in ap.findings if f.line is None), tuple(rows), counts)


def report_view(result: AuditResult,
                predictions: Mapping[str, Mapping[int, Mapping[str, Any]]] | None = None) -> ReportView:
    """The whole report; ``predictions`` maps a project id to its rows' classifier records by first line."""
    docs = tuple(DocumentView(s.doc, s.department, s.year, s.projects, s.indicators, s.findings, dict(s.by_severity),
                              s.by_rule, dict(s.grades), _anchor(s.doc)) for s in result.summaries)
    projects = tuple(project_view(ap, (predictions or {}).get(ap.context.pid)) for ap in result.projects)
    totals = {s: sum(f.severity.value == s for f in result.findings) for s in SEVERITY_ZH}
    max_rule = max((n for d in docs for _r, _t, n, _k in d.by_rule), default=1)
    return ReportView(result.profile, docs, projects, tuple(finding_view(f) for f in result.run_findings),
                      grade_explanation(result.grade_rule), totals, max(max_rule, 1))
