"""Structured records read from a budget disclosure.

Every record is a frozen dataclass. Fields ending in ``_raw`` keep the string
exactly as printed (line breaks inside a cell removed); the plain field holds
the canonical form (see :mod:`nlp.normalize`). Line numbers are 1-based and
refer to the source text file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Layout(str, Enum):
    """How the table text of a document is laid out."""

    TABBED = "tabbed"  #: one table row per line, cells separated by tabs
    CELLS = "cells"  #: one cell per line (each prefixed by a tab), rows separated by blank lines
    GARBLED = "garbled"  #: PDF extraction with wrapped cells, glued columns and column blocks
    TABLE = "table"  #: read by a reader of the table model and the interpreter (see ``Document.reader``)


class Severity(str, Enum):
    """How much a parse problem matters to a reader of the records."""

    ERROR = "error"  #: something could not be read at all
    WARNING = "warning"  #: a row or cell was kept but is uncertain
    INFO = "info"  #: a repair was made that the reader may want to know about


@dataclass(frozen=True)
class ParseIssue:
    """Something the parser could not read with confidence: where and why."""

    file: str
    line: int
    message: str
    severity: Severity = Severity.WARNING
    field: str | None = None  #: indicator/project field concerned, if any

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        what = f" [{self.field}]" if self.field else ""
        return f"{where}: {self.severity.value}{what}: {self.message}"


@dataclass(frozen=True)
class Value:
    """An indicator value split into operator, number, unit and qualitative text.

    ``op`` is one of ``≥ > = ≤ <`` or None; ``num`` is the number as a float;
    ``unit`` is the canonical unit (``%`` for 百分比, ``万元``…); ``text`` is
    whatever qualitative wording remains (``有效保障``, ``优``…), or None.
    """

    op: str | None = None
    num: float | None = None
    unit: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class Indicator:
    """One row of a project's performance-target table (三级指标)."""

    tier: str | None  #: canonical 一级: 产出 | 效益 | 满意度 | 成本, None if unknown
    tier_raw: str  #: 一级 as printed (may be inherited from the row above)
    sub: str | None  #: canonical 二级: 数量 质量 时效 成本 经济效益 社会效益 生态效益 可持续影响 服务对象满意度
    sub_raw: str
    name: str  #: 三级指标
    desc: str  #: 绩效指标描述 / 指标解释
    value: str  #: 指标值 as printed
    basis: str  #: 指标值确定依据
    line: int
    line_end: int
    parsed: Value = field(default_factory=Value)
    #: names of fields that could not be assigned with confidence
    uncertain: tuple[str, ...] = ()
    actual: str = ""  #: 实际完成值 as printed (self-evaluations), "" if the table has none
    #: cells kept but not mapped to a field, as (header as printed, cell): score, weight, deviation
    #: reason, polarity, the other column set (中期/长期) …
    extra: tuple[tuple[str, str], ...] = ()
    #: operator, number and unit as printed where the table prints them in separate cells (else None)
    value_op_raw: str | None = None
    value_num_raw: str | None = None
    value_unit_raw: str | None = None

    @property
    def extra_text(self) -> str:
        """The unmapped cells in one line, ``header: cell`` joined by ``; `` (a cell without header alone)."""
        return "; ".join(f"{k}: {v}" if k else v for k, v in self.extra)


@dataclass(frozen=True)
class Project:
    """A spending project and its performance-target table."""

    ordinal: int  #: 1-based position in the document (unique within it)
    seq: int | None  #: the number printed in the table title (two series may restart)
    section: str  #: the heading of the series the table is in, e.g. 预算项目 / 专项资金
    title: str  #: the table title as printed, e.g. 1、城乡居民养老保险经费绩效目标表
    name: str  #: 项目名称 (or 专项资金名称)
    code: str | None  #: 项目编码
    budget_wan: float | None  #: 预算数 in 万元
    budget_source: str | None  #: "table" or "narrative" (where budget_wan came from)
    funds_use: str  #: 资金用途
    spending_plan: tuple[tuple[str, str], ...]  #: (("3月底", "25%"), …)
    targets: str  #: 绩效目标 text (年度目标)
    line: int
    line_end: int
    indicators: tuple[Indicator, ...] = ()
    #: the unit the table belongs to when the table names it (主管部门, 部门名称, 单位名称 …), else None
    department: str | None = None
    year: int | None = None  #: the budget year the table states, else None (the document's year applies)


@dataclass(frozen=True)
class DeptTarget:
    """A department-level free-text target (部门整体 / 分项绩效目标)."""

    kind: str  #: "总体" or "分项"
    heading: str
    target: str  #: 绩效目标 text
    indicators: str  #: the 绩效指标 sentence(s), "" if none
    line: int
    line_end: int


@dataclass(frozen=True)
class Document:
    """One ingested source file."""

    file: str  #: the document key (the ``doc`` field of exports): path relative to what was ingested, or a chosen name
    sha256: str
    department: str | None
    year: int | None
    layout: Layout
    encoding: str = "utf-8"
    #: the reader that found the tables: ``tabbed`` / ``cells`` / ``garbled`` for the layouts of
    #: :mod:`nlp.parse`, else the :class:`nlp.table.Sheet` reader (``pipe``, ``celllines`` …)
    reader: str = ""


@dataclass(frozen=True)
class ParsedDocument:
    """Everything read from one document, plus what could not be read."""

    document: Document
    projects: tuple[Project, ...]
    dept_targets: tuple[DeptTarget, ...] = ()
    issues: tuple[ParseIssue, ...] = ()

    @property
    def n_indicators(self) -> int:
        return sum(len(p.indicators) for p in self.projects)


def document_stem(doc: str) -> str:
    """A document key without the extension of its last part (``魏县/2025年预算.txt`` → ``魏县/2025年预算``)."""
    head, sep, name = doc.rpartition("/")
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return f"{head}{sep}{stem}"


def project_id(doc: str, ordinal: int) -> str:
    """Stable id of a project: its document's key without the extension, ``:``, the table's ordinal."""
    return f"{document_stem(doc)}:{ordinal}"
