"""Parser for the one-cell-per-line layout (samples 002, 003, 004).

Each cell is a line starting with a tab; rows are separated by blank lines. Traps:

* a blank line can also fall *inside* a row (003: between 绩效指标描述 and 指标值):
  after the indicator header, a group with fewer cells than the header is joined
  with the following group(s) until the row is complete;
* a row whose 一级 cell is empty is printed with a lone tab for that cell and
  inherits the group's 一级 (see :mod:`nlp.parse.tables`);
* a cell continued on following lines *without* a tab (``⇥1.激励…`` then
  ``2.加强…``) is one cell: the pieces are trimmed and joined without a separator;
* Word field codes and ``[bookmark: …]`` were removed by :mod:`nlp.parse.cleanup`;
* the table ends at the first untabbed line after a blank line once its
  indicator rows have started.
"""

from __future__ import annotations

from dataclasses import dataclass

from nlp.parse.build import LayoutResult
from nlp.parse.tables import Block, Row, assemble_project, is_header_row, split_blocks
from nlp.records import ParseIssue, Project, Severity

__all__ = ["parse_cells"]


@dataclass
class _Cell:
    pieces: list[str]
    line: int
    line_end: int


def _groups(lines: list[str], block: Block) -> list[list[_Cell]]:
    """Cells of the block, grouped by blank lines; stops at body text after the indicator rows."""
    groups: list[list[_Cell]] = []
    group: list[_Cell] = []
    seen_header = False
    after_blank = True
    for i in range(block.start, block.end):
        line = lines[i]
        if line.startswith("\t"):
            group.append(_Cell([line[1:].strip()], i + 1, i + 1))
            after_blank = False
        elif not line.strip():
            if group:
                groups.append(group)
                seen_header = seen_header or is_header_row([c.pieces[0] for c in group])
                group = []
            after_blank = True
        elif group and not after_blank:
            group[-1].pieces.append(line.strip())  # untabbed continuation of the cell above
            group[-1].line_end = i + 1
        else:
            if seen_header:
                break
            group.append(_Cell([line.strip()], i + 1, i + 1))
            after_blank = False
    if group:
        groups.append(group)
    return groups


def _row(cells: list[_Cell]) -> Row:
    return Row(
        tuple("".join(p for p in c.pieces if p) for c in cells),
        cells[0].line,
        max(c.line_end for c in cells),
    )


def _rows(lines: list[str], block: Block, file: str) -> tuple[list[Row], list[ParseIssue]]:
    rows: list[Row] = []
    issues: list[ParseIssue] = []
    ncols = 0
    pending: list[_Cell] = []

    def flush_incomplete() -> None:
        nonlocal pending
        if pending:
            issues.append(
                ParseIssue(
                    file,
                    pending[0].line,
                    f"row has {len(pending)} of {ncols} cells; the missing cells at its end are left empty",
                )
            )
            rows.append(_row(pending))
            pending = []

    for group in _groups(lines, block):
        texts = ["".join(c.pieces) for c in group]
        if is_header_row(texts):
            flush_incomplete()
            ncols = len(group)
            rows.append(_row(group))
            continue
        if not ncols:
            rows.append(_row(group))
            continue
        if pending:
            if len(pending) + len(group) <= ncols:
                issues.append(
                    ParseIssue(
                        file,
                        group[0].line,
                        f"blank line inside the row starting on line {pending[0].line}; cells joined",
                        Severity.INFO,
                    )
                )
                pending = pending + group
                if len(pending) == ncols:
                    rows.append(_row(pending))
                    pending = []
                continue
            flush_incomplete()
        if len(group) < ncols:
            pending = group
        else:
            if len(group) > ncols:
                issues.append(
                    ParseIssue(file, group[0].line, f"row has {len(group)} cells for {ncols} columns")
                )
            rows.append(_row(group))
    flush_incomplete()
    return rows, issues


def parse_cells(lines: list[str], *, file: str) -> LayoutResult:
    """Every project table of a one-cell-per-line document, with what it could not read as issues."""
    projects: list[Project] = []
    issues: list[ParseIssue] = []
    for ordinal, block in enumerate(split_blocks(lines), start=1):
        rows, found = _rows(lines, block, file)
        project, more = assemble_project(block, rows, ordinal=ordinal, file=file)
        projects.append(project)
        issues.extend(found)
        issues.extend(more)
    issues.sort(key=lambda i: i.line)
    return LayoutResult(projects=tuple(projects), issues=tuple(issues))
