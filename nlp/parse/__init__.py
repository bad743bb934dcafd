"""Parsers for the layouts found in published disclosures.

:func:`parse_text` is the one entry point: it cleans the lines
(:mod:`nlp.parse.cleanup`), detects the layout (:mod:`nlp.parse.detect`), runs the
layout's parser (:mod:`nlp.parse.tabbed`, :mod:`nlp.parse.cells`,
:mod:`nlp.parse.garbled`), and reads the department, year
(:mod:`nlp.parse.meta`) and department-level targets (:mod:`nlp.parse.dept`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from nlp.errors import InputError
from nlp.parse.build import LayoutResult
from nlp.parse.cleanup import split_lines
from nlp.parse.dept import parse_dept_targets
from nlp.parse.detect import detect_layout
from nlp.parse.meta import read_department, read_year
from nlp.records import Document, Layout, ParsedDocument, ParseIssue, Severity
from nlp.table import Sheet

__all__ = ["NO_TABLES", "document_from_sheet", "parse_batch", "parse_text"]

#: the reason given for a text without any performance-target table
NO_TABLES = "no performance-target tables found (expected 项目支出绩效目标表 with 一级指标/二级指标 columns)"


def _parse_layout(layout: Layout, lines: list[str], file: str) -> LayoutResult:
    if layout is Layout.TABBED:
        from nlp.parse.tabbed import parse_tabbed

        return parse_tabbed(lines, file=file)
    if layout is Layout.CELLS:
        from nlp.parse.cells import parse_cells

        return parse_cells(lines, file=file)
    from nlp.parse.garbled import parse_garbled

    return parse_garbled(lines, file=file)


def parse_text(text: str, *, file: str, sha256: str = "", encoding: str = "utf-8") -> ParsedDocument:
    """Read every project table, the metadata and the department targets of one document's text.

    Pure: the layout is detected from the text (never from the file name) and
    nothing is read or written. ``file`` names the document in issues and errors.

    Raises:
        InputError: the text is empty or has no performance-target table.
    """
    if not text.strip():
        raise InputError(file, "empty document (no text to read)")
    lines = split_lines(text)
    layout = detect_layout(lines)
    if layout is not None:
        result = _parse_layout(layout, lines, file)
        if not any(p.indicators for p in result.projects):
            layout = None  # header words as the bundled layouts print them, but not their tables
    if layout is None:
        return _parse_table_model(lines, file=file, sha256=sha256, encoding=encoding)
    if not result.projects:
        raise InputError(file, NO_TABLES)
    issues: list[ParseIssue] = list(result.issues)
    department = read_department(lines)
    if department is None:
        issues.append(ParseIssue(file, 1, "department not found in the text", Severity.WARNING, "department"))
    year = read_year(
        lines,
        codes=[p.code for p in result.projects],
        names=[p.name for p in result.projects] + [p.title for p in result.projects],
    )
    if year is None:
        issues.append(ParseIssue(file, 1, "budget year not found in the text", Severity.WARNING, "year"))
    dept_targets, dept_issues = parse_dept_targets(lines, file=file)
    if not dept_targets and result.dept_targets:
        dept_targets, dept_issues = result.dept_targets, ()
    issues.extend(dept_issues)
    document = Document(
        file=file,
        sha256=sha256,
        department=department,
        year=year,
        layout=layout,
        encoding=encoding,
        reader=layout.value,
    )
    return ParsedDocument(
        document=document,
        projects=result.projects,
        dept_targets=dept_targets,
        issues=tuple(sorted(issues, key=lambda i: i.line)),
    )


def _parse_table_model(lines: list[str], *, file: str, sha256: str, encoding: str) -> ParsedDocument:
    """Read a text in one of the table-model forms (:mod:`nlp.readers.text`) through the interpreter."""
    from nlp.interpret import interpret
    from nlp.readers.text import read_text

    sheet = read_text(lines)
    if sheet is None:
        raise InputError(file, NO_TABLES)
    return document_from_sheet(sheet, lines, file=file, sha256=sha256, encoding=encoding)


def document_from_sheet(
    sheet: Sheet, lines: list[str], *, file: str, sha256: str = "", encoding: str = "utf-8"
) -> ParsedDocument:
    """Interpret a reader's :class:`~nlp.table.Sheet` into a document (``lines``: the page text, for metadata).

    Raises:
        InputError: no indicator table in the sheet.
    """
    from nlp.interpret import interpret

    result = interpret(sheet, file=file)
    projects = tuple(p for p in result.projects if p.indicators)
    if not projects:
        raise InputError(file, NO_TABLES)
    issues: list[ParseIssue] = list(result.issues)
    issues.extend(ParseIssue(file, line, message, Severity.WARNING) for line, message in sheet.notes)
    department = result.department or read_department(lines)
    year = result.year or read_year(lines)
    if department is None:
        issues.append(ParseIssue(file, 1, "department not found in the text", Severity.WARNING, "department"))
    if year is None:
        issues.append(ParseIssue(file, 1, "budget year not found in the text", Severity.WARNING, "year"))
    projects = tuple(replace(p, ordinal=k) for k, p in enumerate(projects, start=1))
    document = Document(
        file=file,
        sha256=sha256,
        department=department,
        year=year,
        layout=Layout.TABLE,
        encoding=encoding,
        reader=sheet.reader,
    )
    return ParsedDocument(document=document, projects=projects, issues=tuple(sorted(issues, key=lambda i: i.line)))


def parse_batch(items: Iterable[tuple[str, str]]) -> list[ParsedDocument]:
    """:func:`parse_text` over ``(file, text)`` pairs, in order; the first bad document raises InputError."""
    return [parse_text(text, file=file) for file, text in items]
