"""The project index schema: one whoosh document per project, and the record → document mapping.

Few indexed fields, because a query word is looked up in every searched field: ``text``
(everything: name, department, targets, use of funds, indicator rows), ``name`` (the
project name again, boosted) and ``code``. :data:`FIELD_BOOSTS` (applied by the query
parser) rank a match in the project name above one anywhere else. ``targets``,
``funds_use`` and ``indicators`` are only stored, for the highlighted snippets;
``department`` is indexed on its own for ``department:word`` queries but not searched
by default (it is part of ``text``).

The schema (analyzer included) is pickled into the index by whoosh;
:data:`index.analyzer.ANALYZER_VERSION` is recorded beside it so that an index built
by another analyzer or schema is refused.
"""

from __future__ import annotations

from typing import Any

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from index.analyzer import make_analyzer
from nlp.records import Document, Project, project_id

__all__ = ["FULLTEXT_FIELDS", "FIELD_BOOSTS", "QUERY_FIELDS", "make_schema", "project_fields"]

#: fields searched by a query without a field prefix, with their boosts
FIELD_BOOSTS: dict[str, float] = {
    "name": 5.0,
    "code": 6.0,
    "text": 1.0,
}

#: fields a query may name (``field:word``)
QUERY_FIELDS: tuple[str, ...] = ("name", "code", "department", "text")

#: fields whose stored text is shown as highlighted snippets, in this order
FULLTEXT_FIELDS: tuple[str, ...] = ("name", "targets", "funds_use", "indicators")


def make_schema() -> Schema:
    """A fresh schema object (analyzers are not shared between schemas)."""
    analyzer = make_analyzer()

    def text(stored: bool) -> TEXT:
        # positions for phrases; no character offsets (snippets re-tokenise the stored text)
        return TEXT(analyzer=analyzer, stored=stored, phrase=True)

    return Schema(
        project_id=ID(stored=True, unique=True),
        doc=ID(stored=True),
        department=text(False),
        department_exact=ID(stored=True),  # for the --dept filter (substring of the name)
        year=NUMERIC(int, stored=True, sortable=True, default=0),
        section=STORED(),
        project_seq=STORED(),
        ordinal=STORED(),
        name=text(True),
        code=KEYWORD(stored=True, lowercase=True, scorable=True),
        budget_wan=NUMERIC(float, stored=True, sortable=True, default=0),  # column default 0 = below every float: missing budgets sort last
        funds_use=STORED(),
        targets=STORED(),
        indicators=STORED(),
        text=text(False),
        tiers=KEYWORD(stored=True, commas=True, scorable=False),
        n_findings=NUMERIC(int, stored=True),
        findings_model=STORED(),
    )


def _indicator_text(project: Project) -> str:
    lines = []
    for i in project.indicators:
        cells = [i.tier_raw, i.sub_raw, i.name, i.desc, i.value, i.basis]
        lines.append(" ".join(c for c in cells if c))
    return "\n".join(lines)


def project_fields(document: Document, project: Project, *, n_findings: int = 0,
                   findings_model: str | None = None) -> dict[str, Any]:
    """The whoosh document of one project (``None`` values are left out, as whoosh requires)."""
    tiers = sorted({i.tier for i in project.indicators if i.tier})
    indicators = _indicator_text(project)
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
        "indicators": indicators,
        # "。" between the parts: a phrase never runs from one part into the next
        "text": "\n。\n".join(t for t in (project.name, document.department, project.targets, project.funds_use,
                                         indicators) if t),
        "tiers": ",".join(tiers),
        "n_findings": n_findings,
        "findings_model": findings_model,
    }
    return {k: v for k, v in fields.items() if v is not None}
