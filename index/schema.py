"""The project index schema: one whoosh document per project, and the record → document mapping.

:data:`FIELD_BOOSTS` (applied by the query parser) rank a match in the project
name above one in the targets, and that above one in boilerplate indicator text. The schema (analyzer included) is
pickled into the index by whoosh; :data:`index.analyzer.ANALYZER_VERSION` is
recorded beside it so that an index built by another analyzer is refused.
"""

from __future__ import annotations

from typing import Any

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from index.analyzer import make_analyzer
from nlp.records import Document, Project, project_id

__all__ = ["FULLTEXT_FIELDS", "FIELD_BOOSTS", "make_schema", "project_fields"]

#: full-text fields searched by a query without a field prefix, with their boosts
FIELD_BOOSTS: dict[str, float] = {
    "name": 6.0,
    "code": 6.0,
    "targets": 2.0,
    "funds_use": 1.5,
    "department": 1.5,
    "indicators": 1.0,
}

#: fields whose stored text is shown as highlighted snippets, in this order
FULLTEXT_FIELDS: tuple[str, ...] = ("name", "targets", "funds_use", "indicators")


def make_schema() -> Schema:
    """A fresh schema object (analyzers are not shared between schemas)."""
    analyzer = make_analyzer()

    def text() -> TEXT:
        return TEXT(analyzer=analyzer, stored=True, phrase=True, chars=True)

    return Schema(
        project_id=ID(stored=True, unique=True),
        doc=ID(stored=True),
        department=text(),
        department_exact=ID(stored=True),  # for the --dept filter (substring of the name)
        year=NUMERIC(int, stored=True, sortable=True, default=0),
        section=STORED(),
        project_seq=STORED(),
        ordinal=STORED(),
        name=text(),
        code=KEYWORD(stored=True, lowercase=True, scorable=True),
        budget_wan=NUMERIC(float, stored=True, sortable=True, default=0),  # column default 0 = below every float: missing budgets sort last
        funds_use=text(),
        targets=text(),
        indicators=text(),
        tiers=KEYWORD(stored=True, commas=True, scorable=False),
        n_findings=NUMERIC(int, stored=True),
    )


def _indicator_text(project: Project) -> str:
    lines = []
    for i in project.indicators:
        cells = [i.tier_raw, i.sub_raw, i.name, i.desc, i.value, i.basis]
        lines.append(" ".join(c for c in cells if c))
    return "\n".join(lines)


def project_fields(document: Document, project: Project, *, n_findings: int = 0) -> dict[str, Any]:
    """The whoosh document of one project (``None`` values are left out, as whoosh requires)."""
    tiers = sorted({i.tier for i in project.indicators if i.tier})
    fields: dict[str, Any] = {
        "project_id": project_id(document.file, project.ordinal),
        "doc": document.file,
        "department": document.department or "",
        "department_exact": document.department or "",
        "year": document.year,
        "section": project.section,
        "project_seq": project.seq,
        "ordinal": project.ordinal,
        "name": project.name,
        "code": project.code,
        "budget_wan": project.budget_wan,
        "funds_use": project.funds_use,
        "targets": project.targets,
        "indicators": _indicator_text(project),
        "tiers": ",".join(tiers),
        "n_findings": n_findings,
    }
    return {k: v for k, v in fields.items() if v is not None}
