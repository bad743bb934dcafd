"""Turn the rows of one project table into a :class:`~nlp.records.Project`, whatever the layout.

A layout parser (:mod:`nlp.parse.tabbed`, :mod:`nlp.parse.cells`) finds the table
blocks with :func:`split_blocks`, cuts each block into :class:`Row` objects (cells
as printed, a cell wrapped over several source lines already joined) and hands
them to :func:`assemble_project`, which reads the header fields (项目编码,
项目名称, 预算数, 资金用途, 资金支出计划, 绩效目标) and the indicator rows.

Conventions (the same for every layout):

* pieces of one cell printed on several lines are trimmed and joined **without a
  separator** (Chinese text wrapped by the printer has no space at the break);
* an indicator row whose 一级/二级/三级 cells are all empty continues the row
  above (a page break split it): each non-empty cell is appended to the same
  field of the previous indicator, again without a separator;
* an empty 一级 cell inherits the 一级 printed for the group above (``tier_raw``
  is that printed string); an empty 二级 cell inherits the group's 二级 likewise;
* extra lines of the 绩效目标 cell printed as separate rows are joined with a space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlp.normalize import clean_cell
from nlp.parse.build import make_indicator
from nlp.records import Indicator, ParseIssue, Project, Severity

__all__ = [
    "Block",
    "Row",
    "assemble_project",
    "is_header_row",
    "split_blocks",
]

DEFAULT_SECTION = "预算项目"

#: a table title such as ``1、城乡居民养老保险经费绩效目标表`` or ``12.劳务派遣人员工资绩效目标表``
_TITLE = re.compile(r"^\s*(\d+)\s*[、.．]\s*(\S.*绩效目标表)\s*$")
#: the heading of a numbering series: ``专项资金绩效目标：`` / ``预算项目绩效目标`` / ``第二部分 预算项目绩效目标``
_SECTION = re.compile(r"^\s*(?:第[一二三四五六七八九十]+部分\s*)?(专项资金|预算项目)绩效目标\s*[:：]?\s*$")


@dataclass(frozen=True)
class Block:
    """The source lines of one project table: its title line and the lines up to the next title."""

    seq: int
    section: str
    title: str
    line: int  #: 1-based line of the title
    start: int  #: 0-based index of the first line after the title
    end: int  #: 0-based index one past the last line that may belong to the table


@dataclass(frozen=True)
class Row:
    """One table row: its cells as printed (wrapped pieces joined) and the source lines it spans."""

    cells: tuple[str, ...]
    line: int
    line_end: int


def split_blocks(lines: list[str]) -> list[Block]:
    """Find every project-table title and the series heading (专项资金 / 预算项目) it falls under."""
    titles: list[tuple[int, int, str, str]] = []
    section = DEFAULT_SECTION
    stops: list[int] = []
    for i, line in enumerate(lines):
        if "\t" in line or "绩效目标" not in line:
            continue
        m = _TITLE.match(line)
        if m:
            titles.append((i, int(m.group(1)), line.strip(), section))
            continue
        s = _SECTION.match(line)
        if s:
            section = s.group(1)
            stops.append(i)
    blocks = []
    for k, (i, seq, title, sec) in enumerate(titles):
        end = titles[k + 1][0] if k + 1 < len(titles) else len(lines)
        end = min([end] + [s for s in stops if s > i])
        blocks.append(Block(seq=seq, section=sec, title=title, line=i + 1, start=i + 1, end=end))
    return blocks


# ---------------------------------------------------------------- row kinds


_WS = re.compile(r"\s+")


def _key(cell: str) -> str:
    return _WS.sub("", cell) if cell else ""


def is_header_row(cells: tuple[str, ...] | list[str]) -> bool:
    """True for an indicator header row (一级指标 / 二级指标 / … columns)."""
    if not any("一级指标" in c for c in cells):
        return False
    keys = {_key(c) for c in cells}
    return "一级指标" in keys and "二级指标" in keys


_HEADER_FIELDS: dict[str, str] = {
    "一级指标": "tier",
    "二级指标": "sub",
    "三级指标": "name",
    "绩效指标描述": "desc",
    "指标描述": "desc",
    "指标解释": "desc",
    "指标内容": "desc",
    "指标值": "value",
    "指标值确定依据": "basis",
    "确定依据": "basis",
    "指标值设定依据": "basis",
}
_FIELDS = ("tier", "sub", "name", "desc", "value", "basis")

_MONTH = re.compile(r"^\d{1,2}月(?:底|末|份)?$")
_PLAN_VALUE = re.compile(r"^[\d.]+\s*(?:%|％|百分比)?$")


def _is_month(cell: str) -> bool:
    return bool(_MONTH.match(_key(cell)))


@dataclass
class _Draft:
    """A mutable indicator while its row may still be continued across a page break."""

    pieces: dict[str, list[str]]
    line: int
    line_end: int

    def build(self) -> Indicator:
        joined = {f: "".join(p for p in self.pieces[f] if p) for f in _FIELDS}
        return make_indicator(
            tier_raw=joined["tier"],
            sub_raw=joined["sub"],
            name=joined["name"],
            desc=joined["desc"],
            value=joined["value"],
            basis=joined["basis"],
            line=self.line,
            line_end=self.line_end,
        )


@dataclass
class _State:
    file: str
    issues: list[ParseIssue] = field(default_factory=list)
    code: str | None = None
    name: str | None = None
    budget: float | None = None
    funds: list[str] = field(default_factory=list)
    plan_rows: list[Row] = field(default_factory=list)
    repeat_plan_rows: list[Row] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    region: str = ""
    colmap: dict[str, int] | None = None
    ncols: int = 0
    drafts: list[_Draft] = field(default_factory=list)
    group_tier: str = ""
    group_sub: str = ""
    line_end: int = 0

    def issue(self, line: int, message: str, *, severity: Severity = Severity.WARNING, field_: str | None = None) -> None:
        self.issues.append(ParseIssue(self.file, line, message, severity, field_))


def _label_value(cells: list[str], label_keys: tuple[str, ...]) -> str | None:
    """The first non-empty cell after a cell whose key starts with one of ``label_keys``."""
    for i, c in enumerate(cells):
        if _key(c).startswith(label_keys):
            for nxt in cells[i + 1 :]:
                if nxt.strip():
                    return None if _is_label(nxt) else clean_cell(nxt)
            return None
    return None


_LABELS = ("项目编码", "项目名称", "专项资金名称", "预算数", "其中", "其他资金", "预算规模")


def _is_label(cell: str) -> bool:
    return _key(cell).startswith(_LABELS)


def _head_row(st: _State, row: Row) -> None:
    cells = list(row.cells)
    nonempty = [c for c in cells if c.strip()]
    if not nonempty:
        return
    first = _key(nonempty[0])
    if first.startswith("项目编码") or any(_key(c).startswith(("项目名称", "专项资金名称")) for c in cells):
        if any(_key(c).startswith("项目编码") for c in cells):
            st.code = _label_value(cells, ("项目编码",))
        name = _label_value(cells, ("项目名称", "专项资金名称"))
        if name is not None:
            st.name = name
        st.region = ""
        return
    if first.startswith("预算规模"):
        raw = _label_value(cells, ("预算数",))
        if raw is not None:
            try:
                st.budget = float(raw.replace(",", "").replace("，", ""))
            except ValueError:
                st.issue(row.line, f"预算数 {raw!r} is not a number; budget left empty", field_="budget_wan")
        else:
            st.issue(row.line, "预算数 cell is empty; budget left empty", severity=Severity.INFO, field_="budget_wan")
        st.region = "funds"
        return
    if first.startswith("资金支出计划"):
        st.plan_rows.append(row)
        st.region = "plan"
        return
    if first == "绩效目标":
        rest = [c for c in cells[cells.index(nonempty[0]) + 1 :]]
        if any(_is_month(c) for c in rest):
            st.repeat_plan_rows.append(row)
        else:
            st.targets.extend(clean_cell(c) for c in rest if c.strip())
        st.region = "targets"
        return
    if len(nonempty) <= 2 and any(_key(c).startswith("单位：") or _key(c).startswith("单位:") for c in nonempty):
        return  # the unit line (单位：万元), possibly with the unit's name
    if st.region == "funds" and not _is_month(nonempty[0]):
        st.funds.extend(clean_cell(c) for c in nonempty)
        return
    if st.region == "plan":
        st.plan_rows.append(row)
        return
    if st.region == "targets":
        is_plan = any(_is_month(c) for c in nonempty) or (
            bool(st.repeat_plan_rows) and all(_PLAN_VALUE.match(_key(c)) for c in nonempty)
        )
        if is_plan:
            st.repeat_plan_rows.append(row)
        else:
            st.targets.extend(clean_cell(c) for c in nonempty)
        return
    if len(nonempty) == 1 and not row.cells[0].strip() and not st.code and not st.name:
        return  # the unit's name above 单位：万元 in the one-cell-per-line layout
    st.issue(row.line, f"unrecognised row before the indicator header: {' | '.join(clean_cell(c) for c in nonempty)[:80]}")


def _set_header(st: _State, row: Row) -> None:
    colmap: dict[str, int] = {}
    for i, c in enumerate(row.cells):
        f = _HEADER_FIELDS.get(_key(c))
        if f and f not in colmap:
            colmap[f] = i
    for f in ("name", "desc", "value", "basis"):
        if f not in colmap:
            st.issue(row.line, f"indicator header has no column for {f}; the field is left empty", field_=f)
    st.colmap = colmap
    st.ncols = len(row.cells)


def _indicator_row(st: _State, row: Row) -> None:
    assert st.colmap is not None
    cells = row.cells
    if not any(c.strip() for c in cells):
        return
    if is_header_row(cells):
        _set_header(st, row)
        return
    vals = {f: (cells[i].strip() if i < len(cells) else "") for f, i in st.colmap.items()}
    for f in _FIELDS:
        vals.setdefault(f, "")
    used = set(st.colmap.values())
    extra = [(i, c.strip()) for i, c in enumerate(cells) if i not in used and c.strip()]
    for i, text in extra:
        st.issue(row.line, f"text in unnamed column {i + 1} kept in the description: {text[:40]}", field_="desc")
        vals["desc"] += text
    if not (vals["tier"] or vals["sub"] or vals["name"]):
        if not st.drafts:
            kept = " | ".join(v for v in vals.values() if v)
            st.issue(row.line, f"continuation row with no indicator row above it; dropped: {kept}")
            return
        prev = st.drafts[-1]
        for f in _FIELDS:
            if vals[f]:
                prev.pieces[f].append(vals[f])
        prev.line_end = row.line_end
        st.issue(
            row.line,
            f"row continues the indicator on line {prev.line} (page break); cells appended",
            severity=Severity.INFO,
        )
        return
    if vals["tier"]:
        st.group_tier = vals["tier"]
        st.group_sub = ""
    elif st.group_tier:
        vals["tier"] = st.group_tier
    else:
        st.issue(row.line, "一级 cell empty and no 一级 above it", field_="tier")
    if vals["sub"]:
        st.group_sub = vals["sub"]
    elif st.group_sub:
        vals["sub"] = st.group_sub
        st.issue(row.line, "二级 cell empty; inherited from the row above", severity=Severity.INFO, field_="sub")
    else:
        st.issue(row.line, "二级 cell empty", field_="sub")
    if not vals["name"]:
        st.issue(row.line, "三级指标 cell empty", field_="name")
    if not vals["value"]:
        st.issue(row.line, "指标值 cell empty", severity=Severity.INFO, field_="value")
    st.drafts.append(_Draft({f: [vals[f]] for f in _FIELDS}, row.line, row.line_end))


def _plan_pairs(st: _State, rows: list[Row]) -> tuple[tuple[str, str], ...]:
    """(label, value) pairs of the 资金支出计划 rows: labels and values matched by column."""
    pairs: list[tuple[str, str]] = []
    pending: list[tuple[int, str]] = []
    for row in rows:
        cells = [clean_cell(c) for c in row.cells]
        labels = [(i, _key(c)) for i, c in enumerate(cells) if _is_month(c)]
        if labels:
            pairs.extend((lab, "") for _, lab in pending)
            pending = []
            for j, (i, lab) in enumerate(labels):
                stop = labels[j + 1][0] if j + 1 < len(labels) else len(cells)
                vals = [c for c in cells[i + 1 : stop] if c]
                if vals:
                    pairs.append((lab, vals[0]))
                    if len(vals) > 1:
                        st.issue(row.line, f"several values after {lab}: {vals}; kept {vals[0]!r}", field_="spending_plan")
                else:
                    pending.append((i, lab))
            continue
        if not pending:
            if any(cells):
                st.issue(row.line, f"spending-plan row without month labels: {' | '.join(c for c in cells if c)}", field_="spending_plan")
            continue
        taken = {i for i, _ in pending}
        pairs.extend((lab, cells[i] if i < len(cells) else "") for i, lab in pending)
        stray = [c for i, c in enumerate(cells) if c and i not in taken]
        if stray:
            st.issue(row.line, f"spending-plan values not under a month label: {stray}", field_="spending_plan")
        pending = []
    pairs.extend((lab, "") for _, lab in pending)
    return tuple(pairs)


def assemble_project(block: Block, rows: list[Row], *, ordinal: int, file: str) -> tuple[Project, list[ParseIssue]]:
    """Read one project table from its rows; every row that cannot be read becomes a ParseIssue."""
    st = _State(file=file)
    for row in rows:
        st.line_end = max(st.line_end, row.line_end)
        if st.colmap is None:
            if is_header_row(row.cells):
                _set_header(st, row)
            else:
                _head_row(st, row)
        else:
            _indicator_row(st, row)
    plan = _plan_pairs(st, st.plan_rows)
    if st.repeat_plan_rows:
        again = _plan_pairs(st, st.repeat_plan_rows)
        line = st.repeat_plan_rows[0].line
        if again == plan or not again:
            st.issue(line, "spending plan printed again inside the 绩效目标 cell; ignored", severity=Severity.INFO, field_="targets")
        elif not plan:
            plan = again
            st.issue(line, "spending plan found inside the 绩效目标 cell", severity=Severity.INFO, field_="spending_plan")
        else:
            st.issue(line, f"a second, different spending plan inside the 绩效目标 cell was ignored: {again}", field_="spending_plan")
    if st.colmap is None:
        st.issue(block.line, "no indicator header (一级指标/二级指标) in this table; no indicators read")
    elif not st.drafts:
        st.issue(block.line, "indicator header found but no indicator rows")
    name = st.name
    if not name:
        name = re.sub(r"^\s*\d+\s*[、.．]\s*|绩效目标表\s*$", "", block.title)
        st.issue(block.line, f"项目名称 not found; taken from the title: {name}", field_="name")
    project = Project(
        ordinal=ordinal,
        seq=block.seq,
        section=block.section,
        title=block.title,
        name=name,
        code=st.code,
        budget_wan=st.budget,
        budget_source="table" if st.budget is not None else None,
        funds_use=" ".join(st.funds),
        spending_plan=plan,
        targets=" ".join(t for t in st.targets if t),
        line=block.line,
        line_end=max(st.line_end, block.line),
        indicators=tuple(d.build() for d in st.drafts),
    )
    return project, st.issues
