"""Flat, stably named rows of an audit result (the JSON/CSV/XLSX field names documented in the README)."""

from __future__ import annotations

from typing import Any

from models.audit import AuditResult, Finding
from nlp.records import Indicator

__all__ = ["finding_row", "audit_to_dict", "indicator_at"]


def finding_row(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule, "severity": f.severity.value, "message": f.message, "evidence": f.evidence_dict(),
        "suggestion": f.suggestion, "doc": f.doc, "section": f.section, "project_seq": f.project_seq,
        "project_name": f.project_name, "indicator": f.indicator, "line": f.line, "project_id": f.project_id,
        "cells": list(f.cells),
    }


def indicator_at(result: AuditResult, f: Finding) -> Indicator | None:
    """The indicator row a finding points at (by project and first source line)."""
    if f.line is None:
        return None
    for ap in result.projects:
        if ap.context.pid == f.project_id:
            for ind in ap.context.project.indicators:
                if ind.line == f.line:
                    return ind
    return None


def audit_to_dict(result: AuditResult) -> dict[str, Any]:
    """``{"findings": […], "projects": […], "summary": {…}}`` as documented in the README."""
    projects = []
    for ap in result.projects:
        p, d = ap.context.project, ap.context.document
        projects.append({
            "project_id": ap.context.pid, "doc": d.file, "department": d.department, "year": d.year,
            "section": p.section, "project_seq": p.seq, "project_name": p.name, "budget_wan": p.budget_wan,
            "indicators": len(p.indicators), "findings": len(ap.findings),
            "errors": sum(f.severity.value == "error" for f in ap.findings),
            "warnings": sum(f.severity.value == "warning" for f in ap.findings),
            "score": ap.score, "grade": ap.grade,
        })
    documents = [{
        "doc": s.doc, "department": s.department, "year": s.year, "projects": s.projects,
        "indicators": s.indicators, "findings": s.findings, "by_severity": dict(s.by_severity),
        "by_rule": [{"rule": r, "problem": t, "findings": n, "projects": k} for r, t, n, k in s.by_rule],
        "grades": dict(s.grades),
    } for s in result.summaries]
    return {
        "findings": [finding_row(f) for f in result.findings],
        "projects": projects,
        "summary": {"profile": result.profile, "projects": len(projects), "findings": len(result.findings),
                    "model_version": result.model_version, "documents": documents},
    }
