"""Parser for the tab-separated layout: one table row per line, cells separated by tabs (sample 001).

Traps handled here or in :mod:`nlp.parse.tables`:

* two column variants: some tables have an empty column between 绩效指标描述 and
  指标值 — columns are mapped from each header row, never by fixed position;
* the header row is printed again after every page break (a new column map each time);
* a page break splits a row: the rest comes as ``⇥⇥⇥⇥⇥行动暨…`` (empty 一级/二级/三级)
  and is appended to the previous row's cells without a separator;
* the table ends at the first line without a tab after its indicator rows.
"""

from __future__ import annotations

from nlp.parse.build import LayoutResult
from nlp.parse.tables import Row, assemble_project, is_header_row, split_blocks
from nlp.records import ParseIssue, Project

__all__ = ["parse_tabbed"]


def _rows(lines: list[str], start: int, end: int) -> list[Row]:
    rows: list[Row] = []
    seen_header = False
    for i in range(start, end):
        line = lines[i]
        if "\t" not in line:
            if not line.strip():
                continue
            if seen_header:
                break  # body text after the table
            rows.append(Row((line.strip(),), i + 1, i + 1))
            continue
        cells = tuple(line.split("\t"))
        seen_header = seen_header or is_header_row(cells)
        rows.append(Row(cells, i + 1, i + 1))
    return rows


def parse_tabbed(lines: list[str], *, file: str) -> LayoutResult:
    """Every project table of a tab-separated document, with the rows it could not read as issues."""
    projects: list[Project] = []
    issues: list[ParseIssue] = []
    for ordinal, block in enumerate(split_blocks(lines), start=1):
        project, found = assemble_project(block, _rows(lines, block.start, block.end), ordinal=ordinal, file=file)
        projects.append(project)
        issues.extend(found)
    return LayoutResult(projects=tuple(projects), issues=tuple(issues))
