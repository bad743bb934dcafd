"""Stored documents and projects: list, resolve a project by id or name, delete a document."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from index.store import DocumentInfo, ProjectRow, Store
from nlp.records import Document, Project, project_id
from service.errors import Ambiguous, NotFound

__all__ = ["list_documents", "list_projects", "resolve_project", "project_record", "document_record",
           "get_document_info"]


def list_documents(data_dir: Path) -> list[DocumentInfo]:
    with Store.open(data_dir, write=False) as store:
        return store.documents()


def get_document_info(data_dir: Path, doc: str) -> DocumentInfo:
    for info in list_documents(data_dir):
        if info.doc == doc:
            return info
    raise NotFound(f"no stored document '{doc}' in {data_dir}; see 'jixiao projects' or ingest it first")


def document_record(info: DocumentInfo) -> dict[str, Any]:
    """One stored document as JSON-ready data."""
    return {**asdict(info), "layout": info.layout.value}


def list_projects(data_dir: Path, *, dept: str | None = None, year: int | None = None) -> list[ProjectRow]:
    with Store.open(data_dir, write=False) as store:
        return store.projects(department=dept, year=year)


def resolve_project(data_dir: Path, query: str) -> tuple[Document, Project]:
    """The project with id ``query``, or the one project whose name contains it."""
    with Store.open(data_dir, write=False) as store:
        found = store.get_project(query)
        if found is not None:
            return found
        matches = store.find_projects(query)
        if not matches:
            raise NotFound(f"no project id or name matches {query!r}; list them with 'jixiao projects'")
        if len(matches) > 1:
            shown = ", ".join(f"{m.project_id} {m.name}" for m in matches[:5])
            more = f", … ({len(matches) - 5} more)" if len(matches) > 5 else ""
            raise Ambiguous(f"{query!r} matches {len(matches)} projects ({shown}{more}); give a project id")
        found = store.get_project(matches[0].project_id)
    assert found is not None  # just listed
    return found


def project_record(document: Document, project: Project) -> dict[str, Any]:
    """``{"project_id", "document", "project"}``: what ``show --json`` prints."""
    return {"project_id": project_id(document.file, project.ordinal), "document": asdict(document),
            "project": asdict(project)}
