"""Shared by the readers of text with no cell separators (glued, flattened, column-major, prose).

Those readers must decide what each piece of text is in order to find the rows at all,
so they collect :class:`ReadRow` s (tier, sub-tier, name, value … as printed) and
:func:`build_sheet` lays them out as a grid table under a header made of the standard
header words, every cell carrying the role the reader decided (``Cell.role``) and the
source line it came from. Metadata the reader found (项目名称, 主管部门 …) becomes
``label:value`` paragraphs; every other line of the text stays a paragraph, so page
furniture (发布机构, titles, dates) remains readable for the department and year.

Also here: the pieces of text these readers share — the shape of a printed value
(:data:`VALUE`), the labels of project metadata blocks (:func:`split_meta`) and the
page markers and doc-site furniture that interrupt glued text (:func:`drop_page_markers`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlp.normalize import UNIT_PATTERN
from nlp.table import Cell, Paragraph, Row, Sheet, Table

__all__ = [
    "META_WORDS",
    "OP",
    "VALUE",
    "ReadRow",
    "build_sheet",
    "drop_page_markers",
    "split_meta",
]

#: an operator printed in front of a number (symbols, words, and 二: OCR's reading of ≥)
OP = r"(?:[≥≤≧≦<>=]|>=|<=|二(?=\d)|不低于|不少于|不小于|不高于|不超过|不多于|不大于|大于等于|小于等于|大于|小于|高于|低于|等于|达到|至少)"
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_DATE = (
    r"(?:(?:19|20)\d\d\s*年\s*(?:\d{1,2}\s*月\s*(?:\d{1,2}\s*日)?)?|\d{1,2}\s*月\s*(?:\d{1,2}\s*日)?)"
    r"(?:底|末|中旬|上旬|下旬)?(?:之前|以前|前)?(?:完成|完工)?"
)
#: a printed value: a date or deadline, or operator? number unit? and a 以上/以内 tail
VALUE = rf"(?:{OP}\s*)?(?:{_DATE}|{_NUMBER}\s*(?:{UNIT_PATTERN})?(?:及以上|以上|以内|以下|之内)?)"

#: labels of project metadata blocks, longest first so that 项目实施单位 wins over 实施单位
META_WORDS: tuple[str, ...] = tuple(
    sorted(
        {
            "项目名称", "专项名称", "资金名称", "转移支付(项目)名称", "转移支付(项目)名称",
            "主管部门", "主管部门(单位)名称", "主管部门(单位)名称", "中央主管部门", "地方主管部门",
            "省级业务主管部门", "实施单位", "项目实施单位", "资金使用单位", "单位名称", "部门名称", "预算单位",
            "项目单位", "项目类别", "项目属性", "项目类型", "资金类型", "实施周期", "填报日期", "编报单位",
        },
        key=len,
        reverse=True,
    )
)
_META_RE = re.compile("|".join(re.escape(w) for w in META_WORDS))


def split_meta(text: str, *, stop: str | None = None) -> list[tuple[str, str]]:
    """(label, value) pairs of a metadata block glued into one run (``项目名称X主管部门Y``).

    A value runs from its label to the next label; ``stop`` (a regex) ends the last one.
    """
    pairs: list[tuple[str, str]] = []
    found = list(_META_RE.finditer(text))
    for k, m in enumerate(found):
        end = found[k + 1].start() if k + 1 < len(found) else len(text)
        value = text[m.end():end]
        if stop:
            s = re.search(stop, value)
            if s:
                value = value[: s.start()]
        value = value.strip(" :：,，;；|")
        if value:
            pairs.append((m.group(), value))
    return pairs


#: a page marker at the start of a line of glued text (``2、`` where the second page begins)
_PAGE_MARKER = re.compile(r"^\s*\d{1,3}\s*、")


def drop_page_markers(lines: list[str]) -> list[tuple[int, str]]:
    """Non-blank lines as ``(line number, text)`` with leading page markers removed.

    A doc-sharing site prints ``1、`` ``2、`` where each page of the glued text starts;
    the marker can fall inside a name or a value, so the caller joins the pages and
    must treat a row that spans a page break as uncertain.
    """
    out = []
    for n, line in enumerate(lines, start=1):
        if line.strip():
            out.append((n, _PAGE_MARKER.sub("", line, count=1)))
    return out


@dataclass
class ReadRow:
    """One indicator row as a reader found it; every field as printed ('' when absent)."""

    line: int
    name: str
    tier: str = ""
    sub: str = ""
    value: str = ""
    op: str = ""  #: an operator printed apart from the number (libraries, direction columns)
    unit: str = ""  #: a unit printed apart from the number
    desc: str = ""
    actual: str = ""
    score: str = ""
    line_end: int | None = None
    extra: dict[str, str] = field(default_factory=dict)
    uncertain: set[str] = field(default_factory=set)  #: fields the reader could not read with confidence


#: (ReadRow field, role, header word) in column order
_COLUMNS = (
    ("tier", "tier", "一级指标"),
    ("sub", "sub", "二级指标"),
    ("name", "name", "三级指标"),
    ("op", "opdir", "指标性质"),
    ("value", "value", "指标值"),
    ("unit", "unit", "计量单位"),
    ("desc", "desc", "指标解释"),
    ("actual", "actual", "实际完成值"),
    ("score", "score", "分值"),
)


def build_sheet(
    reader: str,
    lines: list[str],
    rows: list[ReadRow],
    *,
    meta: list[tuple[int, str, str]] = (),
    table_lines: set[int] | None = None,
    notes: list[tuple[int, str]] = (),
) -> Sheet:
    """The sheet of a reader that decided every cell's role.

    ``meta``: ``(line, label, value)`` found inside glued or flattened text, given as
    ``label:value`` paragraphs before the table. ``table_lines``: source lines the rows
    were read from (not repeated as paragraphs); every other non-blank line is a paragraph.
    """
    used = [c for c in _COLUMNS if c[0] in ("tier", "sub", "name") or any(getattr(r, c[0]) for r in rows)]
    if rows and not any(r.tier for r in rows):  # no tier column printed (sub-tier only, or neither)
        used = [c for c in used if c[0] != "tier" and (c[0] != "sub" or any(r.sub for r in rows))]
    first = min((r.line for r in rows), default=1)
    header = Row(tuple(Cell(word, first, col=k, role="header") for k, (_, _, word) in enumerate(used)))
    body = []
    for r in rows:
        cells = []
        for k, (attr, role, _) in enumerate(used):
            # every row carries its tier and sub-tier: the reader decided them, no merged copy to undo
            cells.append(Cell(getattr(r, attr), r.line, r.line_end, col=k, role=role, uncertain=attr in r.uncertain))
        body.append(Row(tuple(cells)))
    skip = table_lines or set()
    blocks: list = []
    placed = False
    for n, text in enumerate(lines, start=1):
        if rows and not placed and n >= first:
            for line, label, value in meta:
                blocks.append(Paragraph(f"{label}:{value}", line))
            blocks.append(Table((header, *body), grid=True))
            placed = True
        if n in skip or not text.strip():
            continue
        blocks.append(Paragraph(text.strip(), n))
    if rows and not placed:
        for line, label, value in meta:
            blocks.append(Paragraph(f"{label}:{value}", line))
        blocks.append(Table((header, *body), grid=True))
    return Sheet(tuple(blocks), reader=reader, notes=tuple(notes))
