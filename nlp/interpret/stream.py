"""Group a stream of cells (one cell per line or paragraph, no row delimiter) into rows.

Before a header the cells are metadata: a label cell (项目名称, 主管部门 …) and the
cell after it form a row; other cells are rows of their own (titles, prose). A run
of header words is the header row. After it, rows are rebuilt against the header:
a tier label opens a row at the 一级 column, a sub-tier label at the 二级 column, any
other cell at the 三级 column, and the cells after the name fill the columns right
of it until the row is as wide as the header. Where the stream never prints an
empty cell (no lone-space paragraph, no extra ``|``), trailing note columns
(备注, 说明, 原因) are taken as never printed. A closing cell (合计, 总分, 说明 …) ends
the table.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nlp.interpret.header import is_complete
from nlp.interpret.meta import title_project
from nlp.interpret.vocab import (
    FURNITURE,
    ambiguous_cost,
    header_role,
    is_label,
    is_value_like,
    is_wrapper,
    key,
    meta_label,
    sub_label,
    tier_label,
    tierish,
)
from nlp.table import Cell, Row, Table

__all__ = ["stream_rows"]

_CLOSERS = re.compile(r"^(?:合计|总分|总计|评价结论|存在问题|项目负责人|财务负责人|填报人|注[::]|备注[::]|说明[::])")
_OPTIONAL = {"note"}


def _header_at(cells: list[Cell], i: int) -> int:
    """End (exclusive) of a header run starting at ``i``, or ``i`` when there is none."""
    j = i
    roles: list[str] = []
    while j < len(cells) and cells[j].text.strip() and header_role(cells[j].text):
        roles.append(header_role(cells[j].text) or "")
        j += 1
    if not ({"tier", "sub", "name"} & set(roles)) or not is_complete(roles):
        return i
    return j


def stream_rows(table: Table) -> list[Row]:
    cells = [c for r in table.rows for c in r.cells]
    strict = any(not c.text.strip() for c in cells)
    out: list[Row] = []
    i, n = 0, len(cells)
    while i < n:
        end = _header_at(cells, i)
        if end == i:
            c = cells[i]
            if meta_label(c.text) and i + 1 < n and not meta_label(cells[i + 1].text) and not _header_at(cells, i + 1) > i + 1:
                out.append(Row((c, cells[i + 1])))
                i += 2
                continue
            if c.text.strip():
                out.append(Row((c,)))
            i += 1
            continue
        header = cells[i:end]
        out.append(Row(tuple(header)))
        roles = [header_role(c.text) or "other" for c in header]
        roles = [r for r in roles if r != "group"]
        if not strict:
            while roles and roles[-1] in _OPTIONAL:
                roles.pop()
        i = _data(cells, end, roles, strict, out)
    return out


@lru_cache(maxsize=1 << 16)
def _ends_table(text: str) -> bool:
    """A closing row, page furniture or the title of the next table."""
    k = key(text)
    return bool(_CLOSERS.match(k) or FURNITURE.match(k) or title_project(text))


def _split_label_rest(cells: list[Cell], i: int, skip: set[int]) -> int | None:
    """The index of the cell that completes ``cells[i]`` into a 二级 label, within the next
    three cells, when neither piece is a whole label name (the first reads as no label)."""
    head = cells[i].text.strip()
    if len(head) > 10 or head.endswith(("指标", "目标")):
        return None
    for k in range(i + 1, min(i + 4, len(cells))):
        tail = cells[k].text.strip()
        if k in skip or is_value_like(head):
            return None
        if tail.endswith("指标") and not tierish(tail) and not is_label(head + "指标") and sub_label(head + tail)[1] is not None and len(key(head + tail)) >= 8:
            return k
    return None


def _data(cells: list[Cell], i: int, roles: list[str], strict: bool, out: list[Row]) -> int:
    n = len(cells)
    name_at = roles.index("name") if "name" in roles else 0
    has_tier, has_sub = "tier" in roles, "sub" in roles
    row: list[Cell] = []
    pos = 0
    named = False
    wrapped = False

    def flush() -> None:
        nonlocal row, pos, named
        if row:
            out.append(Row(tuple(row)))
        row, pos, named = [], 0, False

    skip: set[int] = set()
    while i < n:
        if i in skip:
            i += 1
            continue
        c = cells[i]
        text = c.text
        joined = False
        if not named and has_sub and text.strip() and not is_label(text):
            rest = _split_label_rest(cells, i, skip)
            if rest is not None:
                # a 二级 cell printed in two pieces around its own row (社会公众或服务 / … / 对象满意度指标)
                c = Cell(text.strip() + cells[rest].text.strip(), c.line, cells[rest].last_line)
                text = c.text
                skip.add(rest)
                joined = True
        if text.strip() and (
            _ends_table(text)
            or (header_role(text) is not None and _header_at(cells, i) > i)
            or (meta_label(text) and not named)
        ):
            if not (tier_label(text)[0] or sub_label(text)[0]):
                flush()
                return i
        is_tier, canon_tier = tier_label(text)
        is_sub, canon_sub = sub_label(text)
        if is_tier and ambiguous_cost(text) and has_tier and (pos > 0 or joined) and not named:
            is_tier = False  # 成本指标 after a 一级, or a 二级 label rejoined: a 二级
        if is_tier and canon_tier is not None and wrapped:
            is_tier, is_sub = False, True  # 产出指标 under 实施效果指标
        elif is_tier:
            wrapped = is_wrapper(text)
        if is_tier:
            if named or row:
                flush()
            row = [c]
            pos = roles.index("tier") + 1 if has_tier else 0
            if not has_tier:
                flush()
            i += 1
            continue
        if is_sub and (not named):
            if row and not has_tier:
                flush()
            row.append(c)
            pos = roles.index("sub") + 1 if has_sub else pos
            if not has_sub:
                flush()
            i += 1
            continue
        if is_sub and named:
            flush()
            continue
        if not text.strip() and not named:
            i += 1  # a printed empty 一级/二级 cell
            continue
        if not named:
            row.append(c)
            named, pos = True, name_at + 1
            i += 1
            if pos >= len(roles):
                flush()
            continue
        row.append(c)
        pos += 1
        i += 1
        if pos >= len(roles):
            flush()
    flush()
    return i
