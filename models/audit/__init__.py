"""Audit of performance-target tables: rules R01…R25 (docs/domain.md §2), M01, grades and summaries."""

from models.audit.engine import AuditResult, audit_documents, filter_result
from models.audit.findings import AuditedProject, Finding, ProjectContext, Severity
from models.audit.grade import DocumentSummary, RULE_TOPICS
from models.audit.model_check import ModelStatus, load_tier_model
from models.audit.settings import AuditSettings, SettingsError, load_settings, profile_names

__all__ = [
    "AuditResult", "audit_documents", "filter_result", "AuditedProject", "Finding", "ProjectContext",
    "Severity", "DocumentSummary", "RULE_TOPICS", "ModelStatus", "load_tier_model", "AuditSettings",
    "SettingsError", "load_settings", "profile_names",
]
