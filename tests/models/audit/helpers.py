"""Builders for audit tests: documents and projects from rows cut from the samples."""

from __future__ import annotations

from nlp.parse.build import make_indicator
from nlp.records import Document, Indicator, Layout, ParsedDocument, Project


def row(tier: str, sub: str, name: str, desc: str, value: str, basis: str, line: int) -> Indicator:
    return make_indicator(tier_raw=tier, sub_raw=sub, name=name, desc=desc, value=value, basis=basis,
                          line=line, line_end=line + 5)


def project(name: str, rows: list[Indicator], *, seq: int = 1, budget: float | None = None,
            funds: str = "", targets: str = "", ordinal: int | None = None) -> Project:
    return Project(ordinal=ordinal or seq, seq=seq, section="预算项目", title=f"{seq}.{name}绩效目标表", name=name,
                   code=None, budget_wan=budget, budget_source="table", funds_use=funds, spending_plan=(),
                   targets=targets, line=rows[0].line - 30 if rows else 1, line_end=rows[-1].line_end if rows else 1,
                   indicators=tuple(rows))


def document(file: str, projects: list[Project], department: str = "测试县人力资源和社会保障局") -> ParsedDocument:
    return ParsedDocument(Document(file=file, sha256="", department=department, year=2021, layout=Layout.CELLS),
                          tuple(projects))
