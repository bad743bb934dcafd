"""Header rows: find them by vocabulary and turn them into a list of column roles."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from nlp.interpret.vocab import header_role, key
from nlp.table import Cell

__all__ = ["Column", "Header", "header_cells", "is_header_start", "make_header"]

#: roles that make a header a header of an indicator table
_CORE = {"tier", "sub", "name"}
_TARGET = {"value", "value_long", "actual", "desc", "score", "opdir"}
#: roles of the project fields printed left of the tier column in one-row-per-indicator exports
PROJECT_ROLES = {"project", "unit_name", "budget", "goal", "kind"}


@dataclass(frozen=True)
class Column:
    role: str
    text: str  #: the header cell as printed
    set: int  #: 0 for the first (or only) column set, 1 for a second set of 二级/三级/值 columns


@dataclass(frozen=True)
class Header:
    columns: tuple[Column, ...]
    line: int
    line_end: int

    @cached_property
    def roles(self) -> tuple[str, ...]:
        return tuple(c.role for c in self.columns)

    @cached_property
    def n_sets(self) -> int:
        return 1 + max((c.set for c in self.columns), default=0)

    @cached_property
    def _role_set(self) -> frozenset[str]:
        return frozenset(self.roles)

    def has(self, role: str) -> bool:
        return role in self._role_set

    @cached_property
    def width_from(self) -> tuple[int, ...]:
        """Number of columns other than side labels from each column to the end."""
        out, n = [], 0
        for c in reversed(self.columns):
            n += c.role != "group"
            out.append(n)
        return tuple(reversed(out))

    @cached_property
    def first_label_col(self) -> int:
        return next((k for k, c in enumerate(self.columns) if c.role in ("tier", "sub", "name")), 0)

    @cached_property
    def project_cols(self) -> list[int]:
        """Columns of project fields left of the first label column (one-row-per-indicator exports)."""
        return [k for k in range(self.first_label_col) if self.columns[k].role in PROJECT_ROLES | {"other"}]

    def cols_of(self, role: str) -> tuple[int, ...]:
        """The columns of one role."""
        return self._cols_by_role.get(role, ())

    @cached_property
    def _cols_by_role(self) -> dict[str, tuple[int, ...]]:
        out: dict[str, list[int]] = {}
        for i, c in enumerate(self.columns):
            out.setdefault(c.role, []).append(i)
        return {r: tuple(v) for r, v in out.items()}

    @cached_property
    def first_of(self) -> dict[tuple[str, int], int]:
        """(role, set) → the first column of that role in that set; (role, -1) → the first in any set."""
        out: dict[tuple[str, int], int] = {}
        for i, c in enumerate(self.columns):
            out.setdefault((c.role, c.set), i)
            out.setdefault((c.role, -1), i)
        return out


def header_cells(cells: list[Cell] | tuple[Cell, ...]) -> list[tuple[str | None, Cell]]:
    """(role, cell) for the non-empty cells of a row."""
    return [(header_role(c.text), c) for c in cells if c.text.strip()]


#: characters one of the 一级/二级/三级 header words holds (a cheap test before the vocabulary)
_CORE_CHARS = ("级", "級", "名称", "名稱", "内容")


def is_header_start(cells: list[Cell] | tuple[Cell, ...]) -> bool:
    """Every printed cell is a header word and at least one names the 一级/二级/三级 column.

    A header broken over several lines starts with such a fragment
    (``绩效指标 | 一级 指标 |``); :func:`make_header` accepts the whole.
    """
    joined = "".join(c.text for c in cells)
    if not any(ch in joined for ch in _CORE_CHARS):
        return False
    found = header_cells(cells)
    if not found:
        return False
    roles = [r for r, _ in found]
    known = sum(r is not None for r in roles)
    if known < len(roles) - (1 if len(roles) >= 6 else 0):
        return False
    return bool(_CORE & set(roles)) or ("name" in roles and bool(_TARGET & set(roles)))


def is_complete(roles: list[str]) -> bool:
    has_name = "name" in roles
    return has_name and bool(_TARGET & set(roles)) and len([r for r in roles if r != "group"]) >= 2


def make_header(cells: list[Cell], line: int, line_end: int) -> Header:
    """Column roles of a header row (cells already merged across broken lines).

    A second occurrence of the 二级 / 三级 / 指标值 columns starts a second column set
    (中期 and 年度 targets side by side, 长期 and 年度). An empty header cell between named
    ones is a ``blank`` column: it takes an empty cell of a row and is skipped otherwise.
    """
    cols: list[Column] = []
    seen: set[str] = set()
    cur_set = 0
    printed = [k for k, c in enumerate(cells) if c.text.strip()]
    first, last = (printed[0], printed[-1]) if printed else (0, -1)
    for k, c in enumerate(cells):
        if not c.text.strip():
            if first < k < last:
                # an empty header cell between named ones keeps its column (tab rows print its cells)
                cols.append(Column(role="blank", text="", set=cur_set))
            continue
        role = header_role(c.text) or "other"
        if role in ("sub", "name") and role in seen and cur_set == 0:
            cur_set = 1
            seen = set()
        seen.add(role)
        cols.append(Column(role=role, text=key(c.text), set=cur_set))
    return Header(columns=tuple(cols), line=line, line_end=line_end)
