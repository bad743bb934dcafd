"""Read one data row against a header: which printed cell fills which column.

Rows copied from web pages list only the cells that were printed: merged 一级/二级
cells are simply missing and a row may start at the 一级, the 二级 or the 三级 column.
The rule that holds across layouts is to read the labels by their content (a cell
that reads as a tier label fills the 一级 column, one that reads as a sub-tier label
the 二级 column), then take the next cell as the name and the following cells, in
header order, as the columns right of the name. Operator and polarity columns are
decided by what the cell holds, not by their header word (指标性质 and 指标方向 swap
meanings between provinces).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nlp.interpret.header import PROJECT_ROLES, Header
from nlp.interpret.vocab import (
    header_role,
    ambiguous_cost,
    is_number,
    is_value_like,
    is_wrapper,
    op_cell,
    polarity_cell,
    sub_label,
    tier_label,
    tierish,
)
from nlp.table import Cell

__all__ = ["RowRead", "read_row"]

#: cell roles a reader sets when it decided them (glued, flattened, prose …), see nlp.readers.rowsheet
_READER_ROLES = frozenset({"tier", "sub", "name", "opdir", "value", "unit", "desc", "actual", "score"})


@dataclass
class RowRead:
    """The cells of one row by column index of the header (columns not printed are absent)."""

    by_col: dict[int, Cell] = field(default_factory=dict)
    project: dict[str, str] = field(default_factory=dict)  #: project fields printed left of the tier
    tier: Cell | None = None  #: the 一级 cell when printed (may be empty: printed but blank)
    sub: Cell | None = None
    stopped_at: int = 0  #: the header column after the last one this row filled
    surplus: tuple[Cell, ...] = ()  #: cells beyond the last header column
    valid: bool = True
    #: header roles of cells the reader marked uncertain (``Cell.uncertain``)
    uncertain: tuple[str, ...] = ()
    #: fields placed by the row's shape rather than read from their content (a 二级 that is no
    #: label but fills its column by count, a name rejoined from pieces)
    guessed: list[str] = field(default_factory=list)

    def cell(self, col: int) -> str:
        c = self.by_col.get(col)
        return c.text.strip() if c else ""


def _group_cell(header: Header, cells: list[Cell], i: int, j: int, longest: int = 8) -> bool:
    """A short unknown cell in the 二级 column followed by a name and a value, where the header
    puts the value right after the name: a 二级 printed as a group (患者, 读者)."""
    cols = header.columns
    if j + 2 >= len(cols) or cols[j + 1].role != "name" or cols[j + 2].role != "value" or i + 2 >= len(cells):
        return False
    text = cells[i].text.strip()
    return 0 < len(text) <= longest and not is_value_like(text) and not is_value_like(cells[i + 1].text) and is_value_like(cells[i + 2].text)


def _new_block(tier: str | None, carried: str | None) -> bool:
    """A label naming another tier than the one carried down (成本 under 产出 is its 二级)."""
    return tier is not None and carried is not None and tier != carried and not (tier == "成本" and carried == "产出")


def _width_from(header: Header, j: int) -> int:
    return header.width_from[j] if j < len(header.width_from) else 0


def read_row(
    header: Header, cells: list[Cell], *, start_col: int | None = None, wrapper: bool = False, carried: str | None = None
) -> RowRead:
    """Assign the printed ``cells`` (trailing empty cells already dropped) to header columns.

    ``start_col`` continues a row cut short on the previous line: the cells fill the
    columns from there on (a 定性 row whose actual value and score wrapped to the next line).
    ``wrapper``: the 一级 carried down is a wrapper (实施效果指标), so a tier word such as
    产出指标 in the row is its 二级. ``carried``: the canonical 一级 carried down; a label that is
    both a 一级 and a 二级 (满意度指标) opens a new block when it names another tier.
    """
    cols = header.columns
    out = RowRead()
    i, n = 0, len(cells)
    if start_col is None and cells and all(c.role in _READER_ROLES and c.col is not None for c in cells):
        # a reader that had to decide every cell's role to find the row (nlp.table): taken as given
        for c in cells:
            if c.col < len(cols):
                out.by_col[c.col] = c
                if c.role == "tier" and c.text.strip():
                    out.tier = c
                elif c.role == "sub" and c.text.strip():
                    out.sub = c
        out.stopped_at = len(cols)
        out.uncertain = tuple(cols[c.col].role for c in cells if c.uncertain and c.col < len(cols))
        return out
    if start_col is not None:
        j = start_col
        while i < n and j < len(cols):
            text = cells[i].text
            if cols[j].role == "opdir" and text.strip() and not (op_cell(text) or polarity_cell(text)):
                j += 1  # no operator printed here: the cell belongs further right
                continue
            if cols[j].role == "unit" and is_number(text) and n - i < _width_from(header, j):
                j += 1
                continue
            out.by_col[j] = cells[i]
            i, j = i + 1, j + 1
        out.stopped_at = j
        out.surplus = tuple(cells[i:])
        return out

    first_label_col = header.first_label_col
    # project fields left of the 一级 column (one-row-per-indicator exports): right-aligned
    proj_cols = header.project_cols
    if proj_cols:
        lab = next((k for k, c in enumerate(cells) if tier_label(c.text)[0] or sub_label(c.text)[0]), None)
        if lab:
            pcells = cells[:lab]
            if len(pcells) > len(proj_cols):
                # more printed pieces than project columns: a field held spaces; the last takes the rest
                head = pcells[: len(proj_cols) - 1]
                tail = " ".join(c.text.strip() for c in pcells[len(proj_cols) - 1 :])
                pairs = [(k, c.text.strip()) for k, c in zip(proj_cols, head)] + [(proj_cols[-1], tail)]
            else:  # fewer: the leading fields were merged away (printed on an earlier row)
                pairs = [(k, c.text.strip()) for k, c in zip(proj_cols[-len(pcells):], pcells)]
            for k, text in pairs:
                out.project[cols[k].role] = text
            i = lab
    # a side label (绩效指标, 年度绩效目标) printed on the first row of the block it spans
    while i < n - 1 and header_role(cells[i].text) == "group":
        i += 1
    # a row number column (序号) left of the labels: its cell, when printed, is consumed
    if i == 0 and header.first_of.get(("index", -1), first_label_col) < first_label_col:
        if n > 1 and (is_number(cells[0].text) or not cells[0].text.strip()):
            i = 1
    j = first_label_col
    while j < len(cols) and i < n:
        role = cols[j].role
        text = cells[i].text
        if role == "group" or role in PROJECT_ROLES:
            j += 1
            continue
        if role == "blank":
            if not text.strip():
                i += 1  # its empty cell
            j += 1
            continue
        if role == "tier":
            is_tier = tier_label(text)[0]
            if (
                is_tier
                and ambiguous_cost(text)
                and not (i + 1 < n and sub_label(cells[i + 1].text)[0])
                and n - i != _width_from(header, j)
                and not (tierish(text) and _new_block(tier_label(text)[1], carried))
            ):
                is_tier = False  # 成本指标 is a 二级 unless a 二级 follows it
            if is_tier and wrapper and tier_label(text)[1] is not None:
                is_tier = False
            if is_tier:
                out.tier = cells[i]
                i += 1
            elif not text.strip() and i + 1 < n and (
                sub_label(cells[i + 1].text)[0] or tier_label(cells[i + 1].text)[0] or not cells[i + 1].text.strip()
            ):
                i += 1  # a blank 一级 cell at its column: merged with the one above (carried down)
            j += 1
            continue
        if role == "sub":
            printed_tier = out.tier is not None and out.tier.text.strip()
            if (
                sub_label(text)[0]
                or (wrapper or (printed_tier and is_wrapper(out.tier.text))) and tier_label(text)[1] is not None
                or (printed_tier and text.strip() and n - i == _width_from(header, j))
                or _group_cell(header, cells, i, j, 20 if n - i == _width_from(header, j) else 8)
            ):
                if not sub_label(text)[0] and not tier_label(text)[1]:
                    out.guessed.append("sub")
                if cols[j].set == 0:
                    out.sub = cells[i]
                out.by_col[j] = cells[i]
                i += 1
            elif not text.strip() and out.tier is not None and i + 1 < n:
                out.by_col[j] = cells[i]
                if cols[j].set == 0:
                    out.sub = cells[i]
                i += 1
            elif not text.strip() and i + 1 < n and cells[i + 1].text.strip() and i == j - header.first_label_col:
                i += 1  # a blank 二级 cell at its own column (merged): the name follows
            j += 1
            continue
        if role == "opdir" and text.strip() and not (op_cell(text) or polarity_cell(text)):
            out.valid = False
        if role == "unit" and is_number(text) and n - i < _width_from(header, j):
            j += 1  # a number where the unit belongs, in a row short of cells: the unit cell is empty
            continue
        if role == "name" and n - i - 1 > _width_from(header, j + 1) and text.strip():
            # more cells than columns: the name held a separator (a space in a space-separated row);
            # the surplus cells right after it are its pieces when they are short words
            k = i + 1 + (n - i - 1 - _width_from(header, j + 1))
            pieces = cells[i + 1 : k]
            if pieces and all(
                len(c.text.strip()) <= 10 and not op_cell(c.text) and not tier_label(c.text)[0] and not sub_label(c.text)[0]
                for c in pieces
            ):
                joined = " ".join(c.text.strip() for c in cells[i:k])
                out.guessed.append("name")
                out.by_col[j] = Cell(joined, cells[i].line, cells[k - 1].last_line if cells[k - 1].last_line != cells[i].line else None)
                i, j = k, j + 1
                continue
        out.by_col[j] = cells[i]
        i += 1
        j += 1
    out.stopped_at = j
    out.surplus = tuple(cells[i:])
    return out
