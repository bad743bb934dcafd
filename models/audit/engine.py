"""The audit: run the enabled rules over a batch of documents, grade each project, summarise.

Rules are pure functions. Project rules take ``(ProjectContext, AuditSettings)``; batch rules
(R21 relevance, R23 copy-paste) take the whole batch because they compare projects.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from models.audit import rules_relevance, rules_structure, rules_targets, rules_values
from models.audit.findings import SEVERITY_RANK, AuditedProject, Finding, ProjectContext, Severity
from models.audit.grade import DocumentSummary, grade_for, summarise
from models.audit.model_check import ModelStatus, m01_model_mismatch, model_unavailable_finding
from models.audit.settings import AuditSettings, GradeRule
from nlp.records import ParsedDocument

__all__ = ["AuditResult", "audit_documents", "PROJECT_RULES", "BATCH_RULES", "filter_result"]

ProjectRule = Callable[[ProjectContext, AuditSettings], list[Finding]]
BatchRule = Callable[[Sequence[ProjectContext], AuditSettings], list[Finding]]

PROJECT_RULES: dict[str, ProjectRule] = {
    "R01": rules_structure.r01_required_tiers,
    "R02": rules_structure.r02_satisfaction_present,
    "R03": rules_structure.r03_output_subs,
    "R04": rules_structure.r04_valid_pairs,
    "R05": rules_structure.r05_satisfaction_placement,
    "R07": rules_structure.r07_empty_cells,
    "R08": rules_values.r08_vague_values,
    "R09": rules_values.r09_description,
    "R10": rules_values.r10_sub_fit,
    "R13": rules_values.r13_polarity,
    "R14": rules_values.r14_rates,
    "R16": rules_values.r16_units,
    "R17": rules_values.r17_basis,
    "R19": rules_values.r19_cost_budget,
    "R22": rules_targets.r22_target_figures,
    "R24": rules_structure.r24_duplicates,
    "R25": rules_values.r25_long_term,
}

BATCH_RULES: dict[str, BatchRule] = {
    "R21": rules_relevance.r21_relevance,
    "R23": rules_relevance.r23_copy_paste,
}


@dataclass(frozen=True)
class AuditResult:
    """Everything one audit run found."""

    profile: str
    projects: tuple[AuditedProject, ...]
    run_findings: tuple[Finding, ...]  #: findings about the run itself (e.g. classifier unavailable)
    summaries: tuple[DocumentSummary, ...]
    grade_rule: GradeRule | None = None  #: how the grades were given (for reports that explain them)
    model_version: str | None = None  #: the classifier version that produced the M01 findings (None: M01 not run)

    @property
    def findings(self) -> list[Finding]:
        return list(self.run_findings) + [f for ap in self.projects for f in ap.findings]


def _sort_key(f: Finding) -> tuple[int, int, str]:
    return (f.line if f.line is not None else -1, -SEVERITY_RANK[f.severity], f.rule)


def audit_documents(
    documents: Iterable[ParsedDocument],
    settings: AuditSettings,
    *,
    model: ModelStatus | None = None,
    project: str | None = None,
) -> AuditResult:
    """Audit every project of ``documents`` (or, with ``project``, those whose id, seq or name match).

    Batch rules always see every project of the batch (copy-paste needs the neighbours), but only
    the selected projects are reported. ``model`` is the classifier for M01; None or a status
    without a model yields one info finding saying the comparison was not made.
    """
    contexts = [ProjectContext(d.document, p) for d in documents for p in d.projects]
    selected = [c for c in contexts if project is None or _matches(c, project)]
    per_project: dict[str, list[Finding]] = defaultdict(list)
    for ctx in selected:
        for rule_id, rule in PROJECT_RULES.items():
            if settings.is_enabled(rule_id):
                per_project[ctx.pid].extend(rule(ctx, settings))
    wanted = {c.pid for c in selected}
    for rule_id, batch_rule in BATCH_RULES.items():
        if settings.is_enabled(rule_id):
            for f in batch_rule(contexts, settings):
                if f.project_id in wanted:
                    per_project[f.project_id].append(f)
    run_findings: list[Finding] = []
    model_version = None
    if settings.is_enabled("M01"):
        if model is None or model.model is None:
            run_findings.append(model_unavailable_finding(model.reason if model and model.reason else "未提供分类器"))
        else:
            model_version = model.version
            for f in m01_model_mismatch(selected, settings, model.model, model.version):
                per_project[str(f.project_id)].append(f)
    audited = []
    for ctx in selected:
        findings = tuple(sorted(per_project.get(ctx.pid, []), key=_sort_key))
        score, grade = grade_for(findings, settings.grade)
        audited.append(AuditedProject(ctx, findings, score, grade))
    return AuditResult(settings.profile, tuple(audited), tuple(run_findings), tuple(summarise(audited)),
                       grade_rule=settings.grade, model_version=model_version)


def _matches(ctx: ProjectContext, wanted: str) -> bool:
    p = ctx.project
    return wanted in (ctx.pid, str(p.ordinal), str(p.seq), p.name, p.code or "") or (len(wanted) >= 2 and wanted in p.name)


def filter_result(result: AuditResult, min_severity: Severity) -> AuditResult:
    """The same result keeping only findings at or above ``min_severity`` (grades are not recomputed)."""
    rank = SEVERITY_RANK[min_severity]

    def keep(fs: Iterable[Finding]) -> tuple[Finding, ...]:
        return tuple(f for f in fs if SEVERITY_RANK[f.severity] >= rank)

    projects = tuple(AuditedProject(ap.context, keep(ap.findings), ap.score, ap.grade) for ap in result.projects)
    return AuditResult(result.profile, projects, keep(result.run_findings), result.summaries,
                       grade_rule=result.grade_rule, model_version=result.model_version)


