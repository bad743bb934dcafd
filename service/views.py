"""What the pages show: a project with its findings and the classifier's view of each row, a document's
audit, the label rows of a project. Built from the same view records as the reports
(:mod:`models.report.view`), so a page and a downloaded report say the same thing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from index.store import DocumentInfo
from models.classifier import IndicatorText
from models.report.render import TEMPLATE_PACKAGE  # where the report templates and macros live, for the pages
from models.report.view import ProjectView, ReportView, grade_explanation, project_view, report_view
from nlp.normalize import SUB_PARENT
from nlp.records import Document, Project
from service.audit import audit_document
from service.classify import ModelCache
from service.errors import NotFound
from service.projects import get_document_info, resolve_project

__all__ = ["ProjectPage", "DocumentPage", "project_page", "document_page", "row_predictions", "SUB_TIERS",
           "LabelRow", "label_rows", "TEMPLATE_PACKAGE"]

#: canonical sub-tiers, in the order a reviewer picks from
SUB_TIERS = tuple(SUB_PARENT)


def row_predictions(project: Project, models: ModelCache) -> dict[int, dict[str, Any]]:
    """The classifier's record for each indicator row of ``project``, by the row's first line."""
    from service.classify import classify

    rows = [i for i in project.indicators if i.name]
    texts = [IndicatorText(i.name, i.desc or None, i.value or None) for i in rows]
    records = classify(texts, models.data_dir, model=models.get()) if texts else []
    return {i.line: r for i, r in zip(rows, records)}


@dataclass(frozen=True)
class ProjectPage:
    document: Document
    info: DocumentInfo
    project: Project
    view: ProjectView
    grade_explanation: str


def project_page(data_dir: Path, project_id: str, models: ModelCache) -> ProjectPage:
    """One stored project: its table with the default-profile audit beside the rows and the model's view."""
    document, project = resolve_project(data_dir, project_id)
    result = audit_document(data_dir, document.file)
    audited = next((ap for ap in result.projects if ap.context.project.ordinal == project.ordinal), None)
    if audited is None:  # pragma: no cover - the document was just read with this project
        raise NotFound(f"no project {project_id!r} in {document.file}")
    return ProjectPage(document, get_document_info(data_dir, document.file), project,
                       project_view(audited, row_predictions(project, models)), grade_explanation(result.grade_rule))


@dataclass(frozen=True)
class DocumentPage:
    info: DocumentInfo
    view: ReportView


def document_page(data_dir: Path, doc: str) -> DocumentPage:
    """One stored document: the default-profile audit summary and each project's grade."""
    info = get_document_info(data_dir, doc)
    return DocumentPage(info, report_view(audit_document(data_dir, doc)))


@dataclass(frozen=True)
class LabelRow:
    row: Any  #: service.labelling.LabelRow: the indicator, its id and the label in force
    prediction: Mapping[str, Any] | None  #: the active model's classify record


def label_rows(data_dir: Path, project_id: str, models: ModelCache) -> tuple[Document, Project, list[LabelRow]]:
    """The rows of one project (id, or a unique part of its name) as a reviewer labels them: filed label,
    the reviewer label in force, the model's view."""
    from nlp.records import project_id as make_project_id
    from service.labelling import project_label_rows

    document, project = resolve_project(data_dir, project_id)
    predictions = row_predictions(project, models)
    rows = project_label_rows(data_dir, make_project_id(document.file, project.ordinal))
    return document, project, [LabelRow(r, predictions.get(r.line)) for r in rows]
