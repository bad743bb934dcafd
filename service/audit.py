"""Audit workflows: which documents to audit (files, one stored document, the whole store), the run, the report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from index.store import Store
from models.audit import AuditResult, Severity, audit_documents, filter_result, load_settings, load_tier_model
from nlp.errors import JixiaoError
from nlp.records import ParsedDocument
from service.errors import NotFound

__all__ = ["AUDIT_FORMATS", "REPORT_FORMATS", "REPORT_MEDIA", "audit_inputs", "run_audit", "render_report",
           "audit_document", "report_file_name", "audit_record"]

AUDIT_FORMATS = ("table", "json", "csv", "html", "xlsx")
#: report formats a reviewer downloads, and their media types
REPORT_MEDIA = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
REPORT_FORMATS = tuple(REPORT_MEDIA)
SEVERITIES = ("info", "warning", "error")


def audit_inputs(data_dir: Path, *, path: Path | None = None, doc: str | None = None) -> list[ParsedDocument]:
    """Documents to audit: parsed from ``path`` (a file or folder, not stored), one stored ``doc``, or the store."""
    from index.ingest import expand_sources, load_document

    if path is not None:
        if path.exists() and not path.is_dir() and not path.is_file():
            raise JixiaoError(f"{path}: not a regular file; give a disclosure file or a folder of them")
        sources = expand_sources([path])
        if not sources:
            raise JixiaoError(f"{path}: no files to read in this folder; give a disclosure file or a folder of them")
        return [load_document(src.path, key=src.key) for src in sources]
    with Store.open(data_dir, write=False) as store:
        if doc is not None:
            one = store.get_document(doc)
            if one is None:
                raise NotFound(f"no stored document '{doc}' in {data_dir}; see 'jixiao projects' or ingest it first")
            return [one]
        docs = list(store.iter_documents())
    if not docs:
        raise JixiaoError(f"no documents stored in {data_dir}; run 'jixiao ingest PATH' first, or give a PATH to audit")
    return docs


def run_audit(data_dir: Path, documents: list[ParsedDocument], *, profile: str = "default",
              settings_file: Path | None = None, project: str | None = None,
              min_severity: str = "info") -> AuditResult:
    """Audit ``documents`` with a settings profile; keep findings at or above ``min_severity``."""
    if min_severity not in SEVERITIES:
        raise JixiaoError(f"unknown minimum severity '{min_severity}'; use info, warning or error")
    settings = load_settings(profile, settings_file)
    model = load_tier_model(data_dir) if settings.is_enabled("M01") else None
    result = audit_documents(documents, settings, model=model, project=project)
    if project is not None and not result.projects:
        raise NotFound(f"no project matches '{project}'; see 'jixiao projects' for ids and names")
    return filter_result(result, Severity(min_severity))


def audit_document(data_dir: Path, doc: str) -> AuditResult:
    """The default-profile audit of one stored document (what the index counts as ``n_findings``)."""
    return run_audit(data_dir, audit_inputs(data_dir, doc=doc))


def render_report(result: AuditResult, fmt: str) -> str | bytes:
    """The report in ``fmt`` (json, csv, html: text; xlsx: bytes)."""
    from models.report import audit_to_dict, to_csv, to_html, to_xlsx

    if fmt == "json":
        return json.dumps(audit_to_dict(result), ensure_ascii=False, indent=2)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "html":
        return to_html(result)
    if fmt == "xlsx":
        return to_xlsx(result)
    raise JixiaoError(f"unknown report format '{fmt}'; use one of {', '.join(REPORT_FORMATS)}")


def report_file_name(doc: str, fmt: str) -> str:
    """``<document stem>.audit.<fmt>``: the name a downloaded report is saved under."""
    return f"{Path(doc).stem}.audit.{fmt}"


def audit_record(result: AuditResult) -> dict[str, Any]:
    """The audit as JSON-ready data (fields documented in README "Audit")."""
    from models.report import audit_to_dict

    return audit_to_dict(result)
