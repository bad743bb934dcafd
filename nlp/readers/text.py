"""Form detection for plain text: which text reader reads a page saved or copied as text.

Published pages reach us as text in a handful of physical forms: pipe rows, tab rows,
one cell per line (ending in `` |``, separated by lone ``|`` lines, by blank lines, or
indented), rows whose cells are separated by runs of spaces, glued text, column-major
runs and prose. The form is decided by how the lines that hold the table's header words
are shaped, never by the file name: a header printed as separate cells picks a reader of
separated cells at once; otherwise the readers of unseparated text are asked
(:mod:`nlp.readers.unseparated`), then the shape of the header lines decides. Pipe rows
anchored at an operator cell and a number are read even with no header in the text.
"""

from __future__ import annotations

import re
from dataclasses import replace

from nlp.interpret.vocab import header_role, key
from nlp.table import Row, Sheet, Table

__all__ = ["detect_form", "read_text"]

_HEADER_WORD = re.compile(r"[一二三]\s*级\s*指\s*标|指\s*标\s*值|指标名称|指标内容|目标名称|实际完成值|年度指标值|目标值")


#: characters every header word line holds (a cheap test before folding the line)
_MAYBE_HEADER = re.compile(r"[指標标级級值]")


def _cell_roles(parts: list[str]) -> int:
    return sum(1 for p in parts if p.strip() and header_role(p) is not None)


def detect_form(lines: list[str]) -> str | None:
    """The name of the text form the header lines are printed in, or None when no header is found."""
    votes: dict[str, int] = {}
    for i, line in enumerate(lines):
        if not _MAYBE_HEADER.search(line) or not _HEADER_WORD.search(key(line)):
            continue
        form = None
        weight = 1
        stripped = line.strip()
        if "|" in stripped:
            parts = [p for p in stripped.strip("|").split("|")]
            if _cell_roles(parts) >= 2:
                form, weight = "pipe", _cell_roles(parts)
            elif _cell_roles(parts) == 1 and len([p for p in parts if p.strip()]) == 1:
                form = "celllines"
        elif "\t" in stripped and _cell_roles(stripped.split("\t")) >= 2:
            form = "tabs"
        elif _cell_roles(stripped.split()) >= 2:
            form = "spaced"
        elif _cell_roles([stripped]) == 1:
            form = "celllines"
        if form:
            votes[form] = votes.get(form, 0) + weight
    if not votes:
        return None
    return max(votes, key=lambda k: votes[k])


def _mark_cut(sheet: Sheet, lines: list[str]) -> Sheet:
    """A text that stops without a final line end stops inside its last cell: mark that cell ``cut``."""
    if not lines or not lines[-1].strip() or not sheet.blocks or not isinstance(sheet.blocks[-1], Table):
        return sheet
    table = sheet.blocks[-1]
    if not table.rows or not table.rows[-1].cells:
        return sheet
    last_row = table.rows[-1]
    last = last_row.cells[-1]
    if last.last_line != len(lines) or last.role is not None:
        return sheet
    row = Row(last_row.cells[:-1] + (replace(last, role="cut"),))
    return replace(sheet, blocks=sheet.blocks[:-1] + (replace(table, rows=table.rows[:-1] + (row,)),))


def read_text(lines: list[str]) -> Sheet | None:
    """The sheet of a text in whichever text form its header lines are printed, or None."""
    sheet = _read(lines)
    return _mark_cut(sheet, lines) if sheet is not None else None


def separated_form(lines: list[str]) -> str | None:
    """``pipe`` / ``tabs`` / ``spaced`` when a line prints a header as separate cells (three or more
    header words, each its own cell), else None: such a text is a table with separators whatever
    else it holds, and needs no look at the unseparated forms."""
    for line in lines:
        # a header of three cells has two separators at least: most lines are ruled out before the vocabulary
        if not (line.count("|") >= 2 or line.count("\t") >= 2 or line.strip().count(" ") >= 2):
            continue
        if not _MAYBE_HEADER.search(line) or not _HEADER_WORD.search(key(line)):
            continue
        stripped = line.strip()
        if "|" in stripped and _cell_roles(stripped.strip("|").split("|")) >= 3:
            return "pipe"
        if "\t" in stripped and _cell_roles(stripped.split("\t")) >= 3:
            return "tabs"
        tokens = stripped.split()
        if 3 <= len(tokens) <= 16 and _cell_roles(tokens) * 2 >= len(tokens) and _cell_roles(tokens) >= 3:
            return "spaced"
    return "celllines" if _header_cell_run(lines) else None


def _header_cell_run(lines: list[str]) -> bool:
    """A header printed one cell per line: consecutive cells (lines, `` |`` endings and lone pipes
    dropped, blank lines skipped) naming a 一级/二级/三级 column and a target or actual column."""
    roles: set[str] = set()
    for line in lines:
        cell = line.strip().rstrip("|").strip()
        if not cell:
            continue
        role = header_role(cell) if len(cell) <= 30 and "|" not in cell else None
        if role is None:
            roles = set()
            continue
        roles.add(role)
        if len(roles) >= 3 and roles & {"tier", "sub", "name"} and roles & {"value", "actual"}:
            return True
    return False


#: other characters used as the cell separator of text tables: full-width ｜ and box-drawing bars
_BARS = str.maketrans({"｜": "|", "│": "|", "┃": "|", "║": "|"})
#: a rule line of a text table (markdown ``|---|---|``, ASCII ``+----+``, box drawing ``├──┼──┤``)
_RULE = re.compile(r"^[\s|:+\-=─━┼├┤┌┐└┘┬┴╋]+$")


def _unify_separators(lines: list[str]) -> list[str]:
    """Bars of other scripts as ``|``; rule lines emptied (line numbers kept)."""
    out = lines
    for i, line in enumerate(lines):
        fixed = line
        if "｜" in line or "│" in line or "┃" in line or "║" in line:
            fixed = line.translate(_BARS)
        if ("---" in fixed or "===" in fixed or "──" in fixed or "━━" in fixed) and _RULE.match(fixed):
            fixed = ""
        if fixed is not line:
            if out is lines:
                out = list(lines)
            out[i] = fixed
    return out


def _read(lines: list[str]) -> Sheet | None:
    from nlp.readers.unseparated import best_form, read_form

    lines = _unify_separators(lines)

    form = separated_form(lines)
    if form is None:
        unseparated = best_form(lines)  # glued, flattened, column-major, framework, prose
        if unseparated is not None:
            return read_form(unseparated[0], lines)
        form = detect_form(lines)
    if form == "pipe":
        from nlp.readers.pipe import read_pipe

        return read_pipe(lines)
    if form == "celllines":
        from nlp.readers.celllines import read_celllines

        return read_celllines(lines)
    if form == "spaced":
        from nlp.readers.spaced import read_spaced

        return read_spaced(lines)
    if form == "tabs":
        from nlp.readers.pipe import read_tabs

        return read_tabs(lines)
    if _headerless_pipe_rows(lines):
        from nlp.readers.pipe import read_pipe

        return read_pipe(lines)
    return None


_OP_THEN_NUMBER = re.compile(r"\|\s*(?:[≥≤=<>≧≦]|>=|<=|大于等于|小于等于|等于)\s*\|\s*[\d,]+(?:\.\d+)?\s*\|")


def _headerless_pipe_rows(lines: list[str]) -> bool:
    """Pipe rows with an operator cell followed by a number (``name | ≥ | 95 | % |``), three or more:
    a table whose header is not in the text (an excerpt that starts inside it)."""
    return sum(1 for line in lines if "|" in line and _OP_THEN_NUMBER.search(line)) >= 3
