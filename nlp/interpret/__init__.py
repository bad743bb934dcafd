"""The table interpreter: any :class:`~nlp.table.Sheet` to projects and indicator records.

Readers know the physical form of an input; this package knows the vocabulary and
nothing about the form. It walks the sheet's blocks in reading order and

* finds header rows by their words, in any order and with variants, joining a header
  broken over several lines (:mod:`nlp.interpret.header`);
* reads each data row against the current header by the content of its cells:
  merged 一级/二级 cells are carried down, operator / polarity / unit cells are told
  apart by what they hold, a second 二级/三级/值 column set is read as the annual set
  when it is filled and kept otherwise (:mod:`nlp.interpret.rows`);
* reads metadata blocks (项目名称, 主管部门, 年度目标 …) and the project fields printed
  left of the tier column, and starts a new project where a new block or project
  field appears (several projects per text);
* stops a table at its closing rows (合计, 总分, 说明, 评价结论 …) so that blocks which
  only look like indicator rows (资金管理情况, budget blocks) are never read as indicators.

Tables whose input does not mark row ends (``Table.stream``) are first grouped into rows
against their header (:mod:`nlp.interpret.stream`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from nlp.interpret.header import PROJECT_ROLES, Header, is_complete, is_header_start, make_header
from nlp.interpret.meta import budget_wan, clean_department, inline_meta, pairs_from_cells, title_project, year_in
from nlp.interpret.rows import RowRead, read_row
from nlp.interpret.stream import stream_rows
from nlp.interpret.vocab import FURNITURE, ambiguous_cost, header_role, is_wrapper, key, meta_label, op_cell, sub_label, tier_label
from nlp.parse.meta import read_department
from nlp.normalize import SUB_PARENT, canonical_tier, clean_cell, excel_serial_date, is_score_only, parse_value
from nlp.records import Indicator, ParseIssue, Project, Severity
from nlp.table import Cell, Paragraph, Row, Sheet

__all__ = ["Interpretation", "interpret"]

#: a unit printed with its numeric code on a line of its own (``315204云汀区市场监督管理局``)
_CODED_UNIT = re.compile(r"^\d{3,}[-\s]*[\u4e00-\u9fff()()]{2,40}(?:局|委员会|委|办公室|中心|院|厅|所|站|队|部)$")

#: a title that starts with the unit publishing it: ``南屏县交通运输局2023年度…``
_TITLE_UNIT = re.compile(r"^([\u4e00-\u9fff]{2,24}?(?:局|委员会|办公室|中心|管理所|服务所|站|院))(?:19|20)\d\d年")

_SCORE_ONLY = re.compile(r"[\d.]+")
#: white space that :func:`clean_cell` would fold (most cells have none)
_FOLD = re.compile(r"\s\s|[\t\n\r\u00a0\u3000]")


def _clean(text: str) -> str:
    if " " not in text and "\n" not in text and "\t" not in text and "\u00a0" not in text and "\u3000" not in text:
        return text
    return clean_cell(text) if _FOLD.search(text) else text.strip()


_NUMBER = re.compile(r"[\d,]+(?:\.\d+)?")
#: a name cell that is only a number, a percentage or an ellipsis (placeholder rows, shifted cells)
_NOT_A_NAME = re.compile(r"[\d.,%\s]+|[…\.。]+")

#: a numbered list item: ``1.随机抽取…`` / ``2、…``
_LIST_ITEM = re.compile(r"^\s*\d{1,2}\s*[.、．]\s*\S")
#: a record label of a checklist (年末保障人数(人), 测算方法(文字说明)): a field name ending in the
#: hint of what the answer is; the answer is the cell after it
_RECORD_LABEL = re.compile(r"[((]([^()()]{1,12})[))]\s*[::]?$")
#: a hint that is a blank template to be filled (-年-月-日): only an answer of that shape fills it
_DATE_HINT = re.compile(r"-\s*年\s*-\s*月(?:\s*-\s*日)?")
_DATE_ANSWER = re.compile(r"(?:19|20)\d\d\s*[-年./]\s*\d{1,2}")


def _record_answer(label: str, after: str) -> str:
    """The answer to a checklist record label: the cell printed after it, unless the label is
    an unfilled template (a date placeholder answered by anything but a date)."""
    after = after.strip()
    if not after:
        return ""
    hints = [m.group(1) for m in re.finditer(r"[((]([^()()]{1,12})[))]", label)]
    if any(_DATE_HINT.search(h) for h in hints) and not _DATE_ANSWER.search(after):
        return ""
    return after

#: a numbered table title: ``3、农机购置补贴绩效目标表``
_NUMBERED = re.compile(r"^\s*(\d{1,3})\s*[、.．]\s*(\S.*)$")

#: the publisher of the page: ``发布机构:松川市水务局`` / ``来源:青崖县民政局``
_PUBLISHER = re.compile(
    r"(?:发布机构|信息来源|来源|发文机关|发布单位)[::]([\u4e00-\u9fff]{2,30}?(?:局|委员会|委|办公室|中心|厅|院|所|站))"
    r"(?![\u4e00-\u9fff])"
)

#: a publication date of the page furniture: ``发布时间:2025-02-19``
_PUBLISHED = re.compile(r"(?:发布时间|发布日期|成文日期|发文日期)\s*[::]?\s*((?:19|20)\d\d)[-年./]")

#: a project description that starts with the unit doing the work: ``****民政局委托…``
_PROSE_UNIT = re.compile(r"^([\u4e00-\u9fff*]{2,24}?(?:局|委员会|办公室|中心|院|站|所))(?:委托|负责|组织|牵头|联合|会同)")

#: first cells that close an indicator table (totals, conclusions, notes, signatures)
_CLOSERS = re.compile(
    r"^(?:合计|总分|总计|小计|说明|备注|注[::]|注\d|评价结论|存在问题|改进措施|项目负责人|财务负责人|"
    r"偏差大|填报人|审核人|联系电话|其他需要说明|上一篇|下一篇|资金管理情况|总体目标完成情况|"
    r"资金投入情况|预算执行情况|项目资金|年度资金总额)"
)


@dataclass(frozen=True)
class Interpretation:
    projects: tuple[Project, ...]
    issues: tuple[ParseIssue, ...]
    department: str | None
    year: int | None


@dataclass
class _RowRec:
    header: Header
    read: RowRead
    tier_raw: str
    sub_raw: str
    set: int
    line: int
    line_end: int


@dataclass
class _Proj:
    meta: dict[str, str] = field(default_factory=dict)
    rows: list[_RowRec] = field(default_factory=list)
    line: int = 0
    year: int | None = None
    title: str = ""
    headless: bool = False  #: rows read before any header of the text (an excerpt starting mid-table)


def _as_printed(text: str) -> str:
    """A label as printed: lines of a wrapped cell joined, ends trimmed, inner spacing kept (``投   入(20分)``)."""
    if "\n" not in text and "\u00a0" not in text:
        return text.strip()
    return "".join(part.strip() for part in text.split("\n")).replace("\u00a0", " ").strip()


def _texts(cells: tuple[Cell, ...] | list[Cell]) -> list[str]:
    return [c.text for c in cells]


def _trim(cells: tuple[Cell, ...]) -> list[Cell]:
    out = list(cells)
    while out and not out[-1].text.strip() and not out[-1].uncertain:  # an uncertain empty cell says why it is empty
        out.pop()
    return out


class _Interpreter:
    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[ParseIssue] = []
        self.projects: list[_Proj] = []
        self.cur = _Proj()
        self.header: Header | None = None
        self.tier_raw = ""
        self.sub_raw: list[str] = ["", ""]
        self.last_year: int | None = None
        self.strong_year = False  #: a 年度 year was seen (plain years in titles no longer count)
        self.seen_header = False
        self.pending: list[Row] = []  #: rows before the first header, read once a header is known
        self.pending_closed = False  #: a closing row (合计 …) ended those rows
        self.dept_hint: str | None = None
        self.published: int | None = None  #: the year of the page's publication date (last resort)
        self.publisher: str | None = None  #: the unit named as the page's publisher (发布机构, 来源)
        self.prose_unit: str | None = None  #: a unit opening the prose of the project after this one
        self.title_dept: str | None = None  #: a unit leading a title line (``XX局2023年度…自评表``)
        self.meta_label_pending: str | None = None  #: a label printed alone; its value is the next row
        self.furniture: list[str] = []  #: the first paragraphs of the text (titles, site furniture)

    # ------------------------------------------------------------ projects

    def flush(self) -> None:
        if self.cur.rows:
            self.projects.append(self.cur)
            carry = {k: v for k, v in self.cur.meta.items() if k in ("department", "unit")}
            self.cur = _Proj(meta=carry if "from_row" in self.cur.meta else {})
            if self.prose_unit:
                self.cur.meta["prose_unit"], self.prose_unit = self.prose_unit, None
            if "from_row" in self.cur.meta:
                self.cur.meta.pop("from_row", None)
        self.tier_raw = ""
        self.sub_raw = ["", ""]

    def set_meta(self, f: str, value: str, line: int) -> None:
        if self.cur.rows:
            self.flush()
            self.header = None
        if f not in self.cur.meta:
            self.cur.meta[f] = value
            if not self.cur.line:
                self.cur.line = line

    # ------------------------------------------------------------ blocks

    def paragraph(self, p: Paragraph) -> None:
        text = p.text.strip()
        if not text:
            return
        if len(self.furniture) < 40:
            self.furniture.append(text)
        if len(text) <= 120:
            self._year(text)
        self._published(text)
        m = _TITLE_UNIT.match(key(text))
        if m and self.title_dept is None:
            self.title_dept = m.group(1)
        self._title(text)
        pair = inline_meta(text)
        if pair and len(text) <= 100:
            self.set_meta(pair[0], pair[1], p.line)
        else:
            m = _PROSE_UNIT.match(text)
            if m:  # 项目概述: ``XX局委托…``, for the project whose table comes next
                if self.cur.rows:
                    self.prose_unit = m.group(1)
                else:
                    self.cur.meta.setdefault("prose_unit", m.group(1))
        if self.header is not None and self.cur.rows and _CLOSERS.match(key(text)):
            self.header = None

    def row(self, cells: list[Cell], line: int, line_end: int) -> None:
        texts = _texts(cells)
        first = key(next((t for t in texts if t.strip()), ""))
        if (_CLOSERS.match(first) or FURNITURE.match(first)) and not tier_label(texts[0])[0]:
            if self.header is not None and self.cur.rows:
                self.header = None
            if self.pending:
                self.pending_closed = True  # the rows of an excerpt's first table end here
            for t in texts:
                if len(t) <= 60:
                    self._year(t)
            return
        for t in texts:
            if len(t) <= 60 and self.header is None:
                self._year(t)
        # metadata pairs matter before a header, or in a row that starts with a metadata label
        pairs = (
            pairs_from_cells(texts)
            if self.header is None or meta_label(texts[0]) or ":" in texts[0] or "：" in texts[0]
            else []
        )
        nonempty = [t for t in texts if t.strip()]
        if len(nonempty) == 1 and self.header is not None and title_project(nonempty[0]):
            self._title(nonempty[0])  # the title of the next table ends this one
            return
        if self.header is None and len(nonempty) == 1:
            m = _TITLE_UNIT.match(key(nonempty[0]))
            if m and self.title_dept is None:
                self.title_dept = m.group(1)
            self._title(nonempty[0])
            if len(self.furniture) < 40:
                self.furniture.append(nonempty[0].strip())
        if self.header is None:
            self._published(" ".join(nonempty))
        if self.meta_label_pending and nonempty and not meta_label(nonempty[0]):
            pairs = [(self.meta_label_pending, nonempty[0].strip())] + pairs
        self.meta_label_pending = None
        if len(nonempty) == 1 and meta_label(nonempty[0]) and self.header is None:
            self.meta_label_pending = meta_label(nonempty[0])
            return
        if pairs and (self.header is None or (meta_label(texts[0]) and len(pairs) * 2 >= len([t for t in texts if t.strip()]))):
            for f, v in pairs:
                self.set_meta(f, v, line)
            return
        if self.header is not None and len(nonempty) >= 3 and header_role(nonempty[0]) in PROJECT_ROLES:
            self.header = None  # the header of another kind of table (项目名称 | 预算资金 | 合计 …)
            return
        if _CODED_UNIT.match(first) and len([t for t in texts if t.strip()]) <= 3:
            self.set_meta("department", texts[0].strip(), line)
            return
        if self.header is None:
            if not self.seen_header and not self.pending_closed:
                self.pending.append(Row(tuple(cells)))
            return
        self.data_row(cells, line, line_end)

    def _title(self, text: str) -> None:
        """A table title before the header; the project it names when no 项目名称 is printed."""
        if len(text) <= 80:
            name = title_project(text)
            if name:
                if self.cur.rows:
                    self.flush()
                    self.header = None
                m = _NUMBERED.match(name)
                if m:
                    self.cur.meta["seq"], name = m.group(1), m.group(2)
                self.cur.title = text.strip()
                self.cur.meta.setdefault("title_name", name)

    def _year(self, text: str) -> None:
        """A year a title or caption states; a budget year (``(2024年度)``) outranks a plain one."""
        found = year_in(text)
        if found is None:
            return
        year, strong = found
        if strong or not self.strong_year:
            self.last_year = year
            self.strong_year = self.strong_year or strong

    def _published(self, text: str) -> None:
        if self.publisher is None:
            m = _PUBLISHER.search(key(text))
            if m:
                self.publisher = m.group(1)
        if self.published is None:
            m = _PUBLISHED.search(text)
            if m:
                self.published = int(m.group(1))

    def start_header(self, header: Header) -> None:
        last = self.cur.rows[-1].header if self.cur.rows else None
        if last is not None and last.roles == header.roles:
            # the same header again with no metadata or title since: the table goes on after a
            # page break; merged 一级/二级 cells carry over it
            self.header = header
            return
        if self.cur.rows:
            self.flush()
        self.header = header
        self.seen_header = True
        self.tier_raw = ""
        self.sub_raw = ["", ""]
        if not self.cur.line:
            self.cur.line = header.line
        self.cur.year = self.last_year
        if self.pending:
            rows, self.pending = self.pending, []
            self._read_pending(rows, header)

    def _read_pending(self, rows: list[Row], header: Header) -> None:
        """Rows before the first header (the text starts inside a table): read them with the
        first header when they carry an operator cell followed by a number, the one shape that
        anchors a row without its header."""
        anchored = [r for r in rows if _op_anchored(_texts(r.cells))]
        if not anchored:
            return
        saved, self.cur = self.cur, _Proj(headless=True, line=anchored[0].line)
        for r in rows:
            cells = _trim(r.cells)
            if cells:
                self.data_row(cells, r.line, r.line_end)
        if self.cur.rows:
            self.projects.insert(0, self.cur)  # these rows come before every table with a header
        self.cur = saved
        self.tier_raw = ""
        self.sub_raw = ["", ""]

    # ------------------------------------------------------------ indicator rows

    def data_row(self, cells: list[Cell], line: int, line_end: int) -> None:
        header = self.header
        assert header is not None
        texts = _texts(cells)
        nonempty = [t for t in texts if t.strip()]
        prev = self.cur.rows[-1] if self.cur.rows else None
        # a row cut short continues on the next line: leading blank cell, no labels
        if (
            prev is not None
            and prev.header is header
            and prev.read.stopped_at < len(header.columns)
            and len(cells) <= len(header.columns) - prev.read.stopped_at  # fits in what the row left open
            and (
                not texts[0].strip()
                or cells[0].role == "continues"
                or _awaits_value(prev)  # a row printed up to its operator: the value is on the next line
                or all(_SCORE_ONLY.fullmatch(t.strip()) for t in nonempty)  # scores wrapped to the next line
            )
            and not any(tier_label(t)[0] or sub_label(t)[0] for t in nonempty)
        ):
            more = read_row(header, cells, start_col=prev.read.stopped_at)
            prev.read.by_col.update(more.by_col)
            prev.read.stopped_at = more.stopped_at
            prev.line_end = max(prev.line_end, line_end)
            return
        if len(nonempty) == 1 and texts.index(nonempty[0]) <= 1:
            only = nonempty[0]
            is_tier, canon_tier = tier_label(only)
            is_sub, canon_sub = sub_label(only)
            if is_tier and canon_tier and is_wrapper(self.tier_raw):
                is_tier, is_sub = False, True
            if is_tier and ambiguous_cost(only):
                current = tier_label(self.tier_raw)[1] if self.tier_raw else None
                is_tier = current is None or (canon_tier != current and not (canon_tier == "成本" and current == "产出"))
                is_sub = not is_tier
            if is_tier:
                self.tier_raw = _as_printed(only)
                self.sub_raw = ["", ""]
                return
            if is_sub:
                self.sub_raw = [_clean(only), _clean(only)]
                return
        carried = tier_label(self.tier_raw)[1] if self.tier_raw else None
        rr = read_row(header, cells, wrapper=is_wrapper(self.tier_raw), carried=carried)
        if not rr.valid:
            return
        cut_field = None
        for k, c in list(rr.by_col.items()):
            if c.role == "cut":
                # the text stops inside this cell: a cut name loses the row, a cut value is missing
                cut_field = header.columns[k].role
                del rr.by_col[k]
                if cut_field == "name":
                    self.issues.append(ParseIssue(self.file, c.line, "text ends inside an indicator name; row left out", Severity.WARNING, "name"))
                    return
                self.issues.append(ParseIssue(self.file, c.line, f"text ends inside the {cut_field} cell; kept as missing", Severity.WARNING, cut_field))
        if rr.project.get("project"):
            if self.cur.rows:
                self.flush()
            self.cur.meta["name"] = rr.project["project"]
            self.cur.meta["from_row"] = "1"
            if rr.project.get("unit_name"):
                self.cur.meta["department"] = rr.project["unit_name"]
            if rr.project.get("goal"):
                self.cur.meta["goal"] = rr.project["goal"]
            if rr.project.get("budget"):
                self.cur.meta["budget"] = rr.project["budget"]
            self.cur.line = self.cur.line or line
            self.cur.year = self.last_year
        if rr.tier is not None:
            self.tier_raw = _as_printed(rr.tier.text)
            self.sub_raw = ["", ""]
        elif rr.sub is not None and self.tier_raw and _leaves_block(self.tier_raw, rr.sub.text):
            self.tier_raw = ""  # a 二级 of another tier with no 一级 printed: the carried 一级 ends here
        chosen = 0
        if header.n_sets > 1:
            name1 = _col(header, "name", 1)
            if name1 is not None and rr.cell(name1):
                chosen = 1
        for s in range(header.n_sets):
            sc = _col(header, "sub", s)
            if sc is not None and sc in rr.by_col:
                self.sub_raw[s] = _clean(rr.by_col[sc].text)
        if rr.sub is not None and header.n_sets == 1:
            self.sub_raw[0] = _clean(rr.sub.text)
        name_col = _col(header, "name", chosen)
        name = rr.cell(name_col) if name_col is not None else ""
        if not name or tier_label(name)[0] and not rr.by_col.get((name_col or 0) + 1):
            return
        if _NOT_A_NAME.fullmatch(name) or len(key(name)) <= 2 or name.rstrip().endswith((":", "：")):
            return
        if not header.has("value") and not header.has("value_long") and rr.tier is None and rr.sub is None:
            # a checklist without targets: a row that opens no block needs a sentence to explain it
            desc_col = _col(header, "desc", 0)
            desc = rr.cell(desc_col) if desc_col is not None else ""
            if len(re.findall(r"[\u4e00-\u9fff]", desc)) < 8 or re.search(r"[::]\W*$", desc):
                return  # no explanation, or a record label (年度预算资金总额:) of a fund breakdown
        if not header.has("value") and not header.has("value_long") and _RECORD_LABEL.search(name):
            # a checklist row prints its record label after the explanation; a line that starts
            # with one (and holds no other) is a further record of the row above
            later = [c for k, c in rr.by_col.items() if k != name_col] + list(rr.surplus)
            if not any(_RECORD_LABEL.search(c.text.strip()) for c in later):
                return
        actual_col = _col(header, "actual", chosen)
        if (
            not header.has("value")
            and not header.has("value_long")
            and actual_col is not None
            and _RECORD_LABEL.search(rr.cell(actual_col))
        ):
            # the record column holds a label and its answer: the answer is the completion value
            label = rr.by_col[actual_col]
            nxt = rr.by_col.get(actual_col + 1) or (rr.surplus[0] if rr.surplus else None)
            answer = _record_answer(label.text, nxt.text if nxt is not None else "")
            if answer:
                rr.by_col[actual_col] = Cell(answer, nxt.line)
                if rr.surplus and nxt is rr.surplus[0]:
                    rr.surplus = rr.surplus[1:]
            else:
                del rr.by_col[actual_col]
        if len(nonempty) == 1 and (name.endswith(("。", "；", ";")) or len(name) > 40):
            return  # a sentence on a line of its own (notes, prose between tables), not a name-only row
        if key(name).startswith("其中") or (_LIST_ITEM.match(name) and len(nonempty) == 1 and len(name) > 20):
            return  # a breakdown line (其中:…) or a numbered list item of a record block
        self.cur.rows.append(
            _RowRec(
                header=header,
                read=rr,
                tier_raw=self.tier_raw,
                sub_raw=self.sub_raw[chosen],
                set=chosen,
                line=line,
                line_end=line_end,
            )
        )

    # ------------------------------------------------------------ output

    def build(self) -> Interpretation:
        if not self.seen_header and self.pending:
            header = _infer_header(self.pending)
            if header is not None:
                self.header = header
                self.issues.append(
                    ParseIssue(
                        self.file,
                        header.line,
                        "no header printed: columns inferred from the rows (name, operator, value, unit, actual, score)",
                        Severity.WARNING,
                    )
                )
                self._read_pending(self.pending, header)
        self.flush()
        projects: list[Project] = []
        departments: Counter[str] = Counter()
        years: Counter[int] = Counter()
        for p in self.projects:
            if not p.rows:
                continue
            dept = _own_department(p)
            if dept:
                departments[dept] += 1
            if p.year:
                years[p.year] += 1
        doc_dept = departments.most_common(1)[0][0] if departments else (
            self.title_dept or read_department(self.furniture) or self.publisher
        )
        doc_year = years.most_common(1)[0][0] if years else None
        if doc_year is None and self.published is not None:
            doc_year = self.published
            self.issues.append(
                ParseIssue(self.file, 1, "budget year not stated; taken from the publication date", Severity.WARNING, "year")
            )
        for ordinal, p in enumerate(self.projects, start=1):
            indicators = _indicators(p.rows, self.file, self.issues)
            _backfill_tiers(indicators)
            dept = _own_department(p)
            if dept is None and not p.headless:
                dept = self.dept_hint or doc_dept
            year = p.year if p.year else (None if p.headless else doc_year)
            name = _clean(p.meta.get("name", "") or p.meta.get("title_name", ""))
            budget = p.meta.get("budget")
            projects.append(
                Project(
                    ordinal=ordinal,
                    seq=int(p.meta["seq"]) if p.meta.get("seq") else None,
                    section="",
                    title=p.title,
                    name=name,
                    code=_clean(p.meta["code"]) if p.meta.get("code") else None,
                    budget_wan=budget_wan(budget) if budget else None,
                    budget_source="table" if budget else None,
                    funds_use="",
                    spending_plan=(),
                    targets=_clean(p.meta.get("goal", "")),
                    line=p.line or (p.rows[0].line if p.rows else 0),
                    line_end=max((r.line_end for r in p.rows), default=p.line),
                    indicators=tuple(indicators),
                    department=dept,
                    year=year,
                )
            )
        return Interpretation(
            projects=tuple(projects),
            issues=tuple(self.issues),
            department=doc_dept,
            year=doc_year,
        )


def _own_department(p: _Proj) -> str | None:
    """The department a project's own metadata names (code prefix removed; a fully masked name
    such as ``****`` names none), or None."""
    order = ("department", "unit", "owner", "prose_unit")
    if not p.meta.get("name") and p.meta.get("unit"):
        order = ("unit", "department", "owner", "prose_unit")  # a 部门整体 table: the unit filling it in
    for f in order:
        dept = clean_department(p.meta[f]) if p.meta.get(f) else None
        if dept:
            return dept
    return None


def _leaves_block(tier_raw: str, sub_text: str) -> bool:
    """A 二级 printed without its 一级 that cannot sit under the 一级 carried down (社会效益 after the
    产出 block). 满意度 printed as a 二级 of 效益 and 二级 under 成本 or outside the canonical tiers stay."""
    tier = tier_label(tier_raw)[1]
    sub = sub_label(sub_text)[1]
    if tier is None or sub is None or tier == "成本" or is_wrapper(tier_raw):
        return False
    parent = SUB_PARENT[sub]
    return parent != tier and not (parent == "满意度" and tier == "效益")


def _span(cells: list[Cell]) -> tuple[int, int]:
    """First and last source line of a row's cells."""
    first, last = cells[0], cells[-1]
    if len(cells) == 1 or (first.line == last.line and last.line_end is None):
        return first.line, last.last_line
    return first.line, max(c.last_line for c in cells)  # cells come in reading order


def _roles(cells: list[Cell]) -> list[str]:
    return [header_role(c.text) or "other" for c in cells if c.text.strip()]


def _label_roles(cells: list[Cell]) -> int:
    return len({"tier", "sub", "name"} & set(_roles(cells)))


def _layer(cells: list[Cell]) -> bool:
    """A header line that is a whole header on its own, or a line of one repeated word (名称 名称 名称)."""
    roles = _roles(cells)
    return is_complete(roles) or (len(roles) >= 2 and len(set(roles)) == 1)


def _grid_header(rows: tuple[Row, ...]) -> list[Cell] | None:
    """A header printed over several grid rows, column by column: the deepest text of each
    column (``指标值`` spanning ``年度目标值 | 实际值`` gives the two)."""
    by_col: dict[int, Cell] = {}
    for r in rows:
        for c in r.cells:
            if c.col is None:
                return None
            if c.text.strip():
                by_col[c.col] = c
    return [by_col[k] for k in sorted(by_col)]


def _printed(row: Row) -> Row:
    """A grid row as the cells printed on it: copies of cells merged from rows above are dropped
    left of the row's first own cell (merged 一级/二级, side labels) and blank right of it (a
    score merged over several rows), so that every own cell keeps its column."""
    first = next((k for k, c in enumerate(row.cells) if not c.spanned and c.text.strip()), None)
    if first is None:
        return Row(())
    cells = [c if not c.spanned else replace(c, text="", spanned=False) for c in row.cells[first:]]
    return Row(tuple(cells))


def _awaits_value(rec: _RowRec) -> bool:
    cols = rec.header.columns
    value_col = _col(rec.header, "value", rec.set)
    return value_col is not None and rec.read.stopped_at <= value_col and any(
        c.role == "opdir" and k in rec.read.by_col for k, c in enumerate(cols)
    )


#: the columns right of an operator cell, in the order such tables print them
_AFTER_OP = (("value", "指标值"), ("unit", "度量单位"), ("actual", "实际值"), ("score", "权重"), ("score", "得分"))


def _infer_header(rows: list[Row]) -> Header | None:
    """A header for rows printed without one (an excerpt that starts inside a table), from the
    rows anchored at an operator cell followed by a number: labels before the name, then the
    operator, value, unit (a word after the value) and the numbers after it (actual, scores)."""
    from nlp.interpret.header import Column

    best: list[str] | None = None
    for r in rows:
        texts = [t.strip() for t in _texts(_trim(r.cells))]
        at = next((k for k in range(1, len(texts) - 1) if op_cell(texts[k]) and _NUMBER.fullmatch(texts[k + 1])), None)
        if at is None:
            continue
        after = texts[at + 2 :]
        roles = ["value"]
        if after and not _NUMBER.fullmatch(after[0]):
            roles.append("unit")
            after = after[1:]
        roles += ["actual", "score", "score"][: len(after)]
        if best is None or len(roles) > len(best):
            best = roles
    if best is None:
        return None
    names = dict(_AFTER_OP)
    cols = [Column("tier", "一级指标", 0), Column("sub", "二级指标", 0), Column("name", "三级指标", 0),
            Column("opdir", "指标性质", 0)]
    scores = iter(("权重", "得分"))
    cols += [Column(r, next(scores) if r == "score" else names[r], 0) for r in best]
    line = rows[0].line
    return Header(columns=tuple(cols), line=line, line_end=line)


def _op_anchored(texts: list[str]) -> bool:
    t = [x.strip() for x in texts]
    return any(op_cell(a) and re.fullmatch(r"[\d.,]+", b) for a, b in zip(t, t[1:]))


def _col(header: Header, role: str, s: int) -> int | None:
    found = header.first_of.get((role, s))
    if found is not None or s == 1:
        return found
    return header.first_of.get((role, -1))


def _indicators(rows: list[_RowRec], file: str, issues: list[ParseIssue]) -> list[Indicator]:
    out: list[Indicator] = []
    for rec in rows:
        out.append(_indicator(rec, file, issues))
    return out


def _indicator(rec: _RowRec, file: str, issues: list[ParseIssue]) -> Indicator:
    h, rr = rec.header, rec.read
    name = value = desc = basis = actual = ""
    op = unit = None
    value_cell_seen = False
    extra: list[tuple[str, str]] = []
    columns = h.columns
    for i in sorted(rr.by_col):  # the columns this row printed, left to right
        col = columns[i]
        text = _clean(rr.by_col[i].text)
        role = col.role
        in_set = col.set == rec.set or role not in ("sub", "name", "value", "value_long", "desc")
        if role in ("tier", "group", "index", "blank") or role in ("project", "unit_name", "budget", "goal", "kind"):
            continue
        if role == "sub":
            if not in_set and text:
                extra.append((col.text, text))
            continue
        if not text:
            if role == "value" and in_set:
                value_cell_seen = True
            continue
        if role == "name":
            if in_set and not name:
                name = text
            else:
                extra.append((col.text, text))
        elif role == "value" and in_set and not value_cell_seen:
            value, value_cell_seen = text, True
        elif role == "opdir":
            if op_cell(text) and op is None:
                op = text
            else:
                extra.append((col.text, text))
        elif role == "unit" and unit is None:
            unit = text
        elif role == "desc" and in_set and not desc:
            desc = text
        elif role == "basis" and not basis:
            basis = text
        elif role == "actual" and not actual:
            actual = text
        else:
            extra.append((col.text, text))
    for c in rr.surplus:
        if c.text.strip():
            extra.append(("", _clean(c.text)))
    separate = h.has("unit") or any(i in rr.by_col and op_cell(rr.by_col[i].text) for i in h.cols_of("opdir"))
    op_raw = num_raw = unit_raw = None
    if separate:
        op_raw, unit_raw = op, unit
        qualitative = op is not None and key(op) in ("定性", "是/否")  # the value cell holds the answer
        num_raw = None if qualitative else (value or None)
        if num_raw and unit is None:
            # the unit printed inside the value cell (``≥`` | ``100%``): number and unit as printed
            m = re.match(r"^\s*(\d[\d,]*(?:\.\d+)?)\s*(\S.*?)\s*$", num_raw)
            if m and parse_value(num_raw).unit is not None:
                num_raw, unit_raw = m.group(1), m.group(2)
        if not qualitative and not value:
            value = ""  # operator and unit with no number (indicator libraries): no target value
        else:
            parts = [p for p in ((None if qualitative else op), value, None if qualitative else unit) if p]
            value = " ".join(parts)
    uncertain: list[str] = [f for f in rr.uncertain if f in ("value", "actual", "name", "desc", "score")]
    for f in rr.guessed:
        uncertain.append(f)
        what = "二级 placed by the row's cell count (not a label)" if f == "sub" else "name joined from several cells"
        issues.append(ParseIssue(file, rec.line, what, Severity.WARNING, f))
    if value and op_cell(value) and not separate:
        value = ""  # only the operator survived (the value was cut)
        uncertain.append("value")
        issues.append(ParseIssue(file, rec.line, "value cut after its operator; kept as missing", Severity.WARNING, "value"))
    parsed = parse_value(value) if value else parse_value("")
    if separate and op_raw and not qualitative:
        # an Excel serial date: the unit cell repeats the number, or the name asks for a time
        dated = bool(num_raw) and (unit_raw == num_raw or bool(re.search(r"时间|日期|时限", name)))
        iso = excel_serial_date(num_raw) if dated else None
        if iso is not None:
            parsed = replace(parse_value(f"{op_raw}{num_raw}"), num=None, unit=None, text=iso)
        else:
            parsed = parse_value(f"{op_raw}{num_raw or ''}{unit_raw or ''}")
    sub_raw = _as_printed(rec.sub_raw)
    tier_raw = _as_printed(rec.tier_raw)
    tier, sub = _tier_sub(tier_raw, sub_raw)
    if rr.surplus and any(c.text.strip() for c in rr.surplus):
        uncertain.append("value")
        issues.append(
            ParseIssue(file, rec.line, "row has more cells than its header; extra cells kept", Severity.WARNING, "value")
        )
    return Indicator(
        tier=tier,
        tier_raw=tier_raw,
        sub=sub,
        sub_raw=sub_raw,
        name=name,
        desc=desc,
        value=value,
        basis=basis,
        line=rec.line,
        line_end=rec.line_end,
        parsed=parsed,
        uncertain=tuple(dict.fromkeys(uncertain)),
        actual=actual,
        extra=tuple(extra),
        value_op_raw=op_raw,
        value_num_raw=num_raw,
        value_unit_raw=unit_raw,
    )


@lru_cache(maxsize=1 << 14)
def _tier_sub(tier_raw: str, sub_raw: str) -> tuple[str | None, str | None]:
    """Canonical 一级 and 二级 of a row from the labels printed (or carried) for it."""
    is_sub, sub = sub_label(sub_raw) if sub_raw else (False, None)
    tier = tier_label(tier_raw)[1] if tier_raw else None
    if tier is None:
        tier = canonical_tier(sub_raw) if sub_raw and not sub else None
        if tier is None and sub_raw:
            t2 = tier_label(sub_raw)
            tier = t2[1] if t2[0] and not sub else tier
        if tier is None and sub is not None and (not tier_raw or is_score_only(tier_raw)):
            # no 一级 printed, or only its weight (the label text was lost): the 二级 implies it
            tier = SUB_PARENT.get(sub)
    if tier_raw and is_wrapper(tier_raw) and sub_raw and tier_label(sub_raw)[1]:
        tier, sub = tier_label(sub_raw)[1], None
    if tier == "满意度" and sub is None and sub_raw and not is_sub:
        sub = "服务对象满意度"  # a recipient group printed as the 二级 of a satisfaction row
    return tier, sub


def _backfill_tiers(indicators: list[Indicator]) -> None:
    """Rows at the start of an excerpt with neither 一级 nor 二级 take the tier of the block that follows."""
    from dataclasses import replace

    nxt: str | None = None
    for i in range(len(indicators) - 1, -1, -1):
        ind = indicators[i]
        if ind.tier is not None:
            nxt = ind.tier
        elif not ind.tier_raw and not ind.sub_raw and nxt is not None:
            indicators[i] = replace(ind, tier=nxt)
        else:
            nxt = None


def interpret(sheet: Sheet, *, file: str) -> Interpretation:
    """Projects and indicators of every indicator table in ``sheet`` (pure)."""
    it = _Interpreter(file)
    for block in sheet.blocks:
        if isinstance(block, Paragraph):
            it.paragraph(block)
            continue
        if block.caption:
            it.paragraph(Paragraph(block.caption, block.line))  # a title the input attaches to the table
        rows = stream_rows(block) if block.stream else [_printed(r) for r in block.rows] if block.grid else list(block.rows)
        k = 0
        while k < len(rows):
            cells = _trim(rows[k].cells)
            if not cells:
                k += 1
                continue
            line, line_end = _span(cells)
            lead = next((c.text for c in cells if c.text.strip()), "")
            if header_role(lead) is not None and is_header_start(cells):  # a header starts with a header word
                merged, j = list(cells), k + 1
                while j < len(rows):
                    nxt = _trim(rows[j].cells)
                    if not nxt:
                        j += 1
                        continue
                    if not all(header_role(c.text) for c in nxt if c.text.strip()):
                        break
                    if _layer(nxt) and _layer(merged):
                        # a stacked header (each line a whole header): keep the line that names
                        # the 一级/二级/三级 columns best
                        if _label_roles(nxt) > _label_roles(merged):
                            merged = list(nxt)
                    else:
                        merged.extend(c for c in nxt if c.text.strip())
                    line_end = max(line_end, _span(nxt)[1])
                    j += 1
                if block.grid and j > k + 1:
                    merged = _grid_header(block.rows[k:j]) or merged
                roles = [header_role(c.text) or "other" for c in merged if c.text.strip()]
                if is_complete(roles):
                    it.start_header(make_header(merged, line, line_end))
                    k = j
                    continue
            it.row(cells, line, line_end)
            k += 1
    return it.build()
