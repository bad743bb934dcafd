"""What the audit produces: findings (one broken rule at one place) and the project they belong to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import Union

from nlp.records import Document, Indicator, Project, project_id

__all__ = ["Severity", "Finding", "AuditedProject", "ProjectContext", "Evidence", "SEVERITY_RANK", "make_finding", "run_finding"]

#: evidence values: the cells involved and the numbers compared
EvidenceValue = Union[str, float, int, bool, None]
Evidence = tuple[tuple[str, EvidenceValue], ...]


class Severity(str, Enum):
    """How serious a finding is for a reviewer."""

    ERROR = "error"  #: the table breaks a rule and must be corrected
    WARNING = "warning"  #: likely a problem; a reviewer would ask for a revision
    INFO = "info"  #: acceptable but weak, or something the reviewer should know


SEVERITY_RANK: dict[Severity, int] = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class ProjectContext:
    """A project together with the document it was read from (what every rule receives)."""

    document: Document
    project: Project

    @cached_property
    def pid(self) -> str:
        return project_id(self.document.file, self.project.ordinal)

    @property
    def text(self) -> str:
        """The project's own description: name, use of funds and targets."""
        p = self.project
        return " ".join(part for part in (p.name, p.funds_use, p.targets) if part)


@dataclass(frozen=True)
class Finding:
    """One rule broken at one place (an indicator row, or the project as a whole)."""

    rule: str  #: rule id of docs/domain.md §2 (R01…R31) or M01 (classifier)
    severity: Severity
    message: str  #: in Chinese, for a reviewer
    evidence: Evidence  #: (what, value) pairs: the cells involved and the numbers compared
    suggestion: str | None
    doc: str | None  #: None only for a run-level finding (e.g. the classifier is not trained)
    project_id: str | None
    section: str | None
    project_seq: int | None
    project_name: str | None
    indicator: str | None  #: the indicator's name (三级指标), None for a project-level finding
    line: int | None  #: the indicator's first source line, None for a project-level finding
    cells: tuple[str, ...] = ()  #: indicator fields to highlight: tier sub name desc value basis

    def evidence_dict(self) -> dict[str, EvidenceValue]:
        return dict(self.evidence)


def make_finding(
    ctx: ProjectContext,
    rule: str,
    severity: Severity,
    message: str,
    *,
    evidence: Evidence = (),
    suggestion: str | None = None,
    indicator: Indicator | None = None,
    cells: tuple[str, ...] = (),
) -> Finding:
    """A finding located at ``indicator`` of ``ctx`` (or at the project when ``indicator`` is None)."""
    p = ctx.project
    return Finding(
        rule=rule,
        severity=severity,
        message=message,
        evidence=evidence,
        suggestion=suggestion,
        doc=ctx.document.file,
        project_id=ctx.pid,
        section=p.section,
        project_seq=p.seq,
        project_name=p.name,
        indicator=indicator.name if indicator is not None else None,
        line=indicator.line if indicator is not None else None,
        cells=cells if indicator is not None else (),
    )


def run_finding(rule: str, severity: Severity, message: str, *, suggestion: str | None = None) -> Finding:
    """A finding about the audit run as a whole, not tied to a document or project."""
    return Finding(
        rule=rule, severity=severity, message=message, evidence=(), suggestion=suggestion,
        doc=None, project_id=None, section=None, project_seq=None, project_name=None, indicator=None, line=None,
    )


@dataclass(frozen=True)
class AuditedProject:
    """A project's audit outcome: its findings and grade."""

    context: ProjectContext
    findings: tuple[Finding, ...]
    score: float
    grade: str  #: 优 / 良 / 中 / 差
