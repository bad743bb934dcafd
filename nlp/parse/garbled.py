"""Parser for garbled PDF extraction (sample 000): wrapped cells, glued columns, column blocks.

The table text has lost its grid. What survives, and what this parser anchors on:

* sub-tier labels (``数量指标``; wrapped ``可持续影`` / ``响指标``, even with a tier label or a
  value in between) — one indicator row per sub-tier label;
* tier labels (``产出指标`` / ``效果指标`` / ``满意度指标``), matched to rows by canonical tier;
* value shapes: operator + number + unit (also glued around a description, ``=7招聘步骤 步``),
  and ``效果显著`` (also split around text, ``效果显维持… 著``);
* basis phrases: 行业标准 / 调查问卷, document numbers (``冀政【2017】110`` + ``号``), and
  phrases *learned* from the document: the column block printed after a displaced
  ``指标值确定依据`` header, and line sequences repeated inside a table.

A table whose header row prints all six column names is read in order (each row's cells
follow its sub-tier label). Otherwise whole columns were emitted as blocks, and the
sub-tier, value and basis columns are zipped by order of appearance; names and
descriptions not glued to a row's own line are handed out by column width. Every cell
assigned by such a guess is listed in ``Indicator.uncertain`` and reported as a
:class:`ParseIssue`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum

from nlp.normalize import SUB_PARENT, canonical_sub, canonical_tier
from nlp.parse.build import LayoutResult, make_indicator
from nlp.parse.narrative import match_budgets, parse_narrative_budgets
from nlp.records import Indicator, ParseIssue, Project, Severity

__all__ = ["parse_garbled", "SECTION"]

SECTION = "预算项目"

_SUB_FORMS = (
    "服务对象满意度指标", "可持续影响指标", "社会效益指标", "经济效益指标", "生态效益指标",
    "数量指标", "质量指标", "时效指标", "成本指标",
)
_TIER_FORMS = ("满意度指标", "产出指标", "效果指标", "效益指标")
_LABELS = _SUB_FORMS + _TIER_FORMS
_HEADER_WORDS = ("指标值确定依据", "绩效指标描述", "一级指标", "二级指标", "三级指标", "指标值")
_QUAL_VALUES = ("效果显著",)  #: qualitative values that are never a name or description
_KNOWN_BASIS = ("行业标准", "调查问卷")
_UNITS = ("万元", "万人", "%", "人", "天", "元", "万", "家", "次", "件", "倍", "月", "步", "个", "户", "项")
_UNIT_RE = "|".join(re.escape(u) for u in _UNITS)
_NUM = r"[=≥≤<>]?\d+(?:\.\d+)?"
_VALUE_WHOLE = re.compile(rf"^(?:[=≥≤<>]\d+(?:\.\d+)?\s*(?:{_UNIT_RE})?|\d+(?:\.\d+)?\s*(?:{_UNIT_RE}))$")
_VALUE_HEAD = re.compile(rf"^(?P<num>{_NUM})(?P<rest>[^\d.%].*)$")
_BARE_NUM = re.compile(rf"^{_NUM}$")
_UNIT_SEG = re.compile(rf"^(?:{_UNIT_RE})(?:-\d+(?:\.\d+)?)?$")
_DOCNO = re.compile(r"[【（(]\d{4}[】）)]|^冀.*\d{4}\s*年$")
_DOCNO_TAIL = re.compile(r"^(?:[（(]\d+[）)])?\d*\s*号(?:文件?|文)?$|^件$")
_TITLE = re.compile(r"^\s*(?P<seq>\d+)、(?P<name>.+)$")
_SECTION_START = re.compile(r"预算项目绩效目标\s*$")
_SECTION_END = re.compile(r"^\s*[一二三四五六七八九十]+、")
_ITEM_START = re.compile(r"^\d+、")


class _Kind(str, Enum):
    TEXT = "text"
    VALUE = "value"
    BASIS = "basis"
    SUB = "sub"
    TIER = "tier"
    HEADER = "header"
    PENDING = "pending"  #: start of a wrapped label, not yet completed


@dataclass
class _Item:
    kind: _Kind
    text: str
    line: int  #: 1-based line of the first piece
    line_end: int
    alone: bool = False  #: the piece is a whole line
    first: bool = True  #: the piece starts its line
    last: bool = True  #: the piece ends its line
    glued: str = ""  #: for a VALUE: the text printed between its number and its unit
    consumed: bool = False
    #: for a split qualitative VALUE (``效果显维持… 著``): the text pieces printed inside it
    parts: list["_Item"] = field(default_factory=list)
    cont: "_Item | None" = None  #: a one-character piece that ends the cell of this earlier piece


@dataclass(frozen=True)
class _Table:
    seq: int
    title: str
    line: int  #: title line
    after: int  #: index of the first line after the title
    head: int  #: index of the 一级指标 header line, -1 if none
    end: int  #: index one past the table's last line


# ------------------------------------------------------------------ tables


def _find_tables(lines: list[str]) -> list[_Table]:
    start = next((i for i, ln in enumerate(lines) if _SECTION_START.search(ln)), None)
    if start is None:
        return []
    stop = next((i for i in range(start + 1, len(lines)) if _SECTION_END.match(lines[i])), len(lines))
    titles: list[tuple[int, int, str, int]] = []  # (index, seq, title, index after title)
    i = start + 1
    while i < stop:
        m = _TITLE.match(lines[i])
        if m:
            title, after = lines[i].strip(), i + 1
            if not title.endswith("目标表"):
                nxt = next((j for j in range(i + 1, min(i + 4, stop)) if lines[j].strip()), None)
                if nxt is not None and lines[nxt].strip().endswith("目标表") and not _TITLE.match(lines[nxt]):
                    title, after = title + lines[nxt].strip(), nxt + 1
            if title.endswith("目标表"):
                titles.append((i, int(m.group("seq")), title, after))
                i = after
                continue
        i += 1
    tables = []
    for n, (idx, seq, title, after) in enumerate(titles):
        end = titles[n + 1][0] if n + 1 < len(titles) else stop
        head = next((j for j in range(after, end) if lines[j].strip().startswith("一级指标")), -1)
        tables.append(_Table(seq, title, idx + 1, after, head, end))
    return tables


def _project_name(title: str) -> str:
    name = _TITLE.match(title).group("name")  # type: ignore[union-attr]
    for suffix in ("绩效目标表", "目标表"):
        if name.endswith(suffix):
            return name[: -len(suffix)].strip()
    return name.strip()


def _targets(lines: list[str], first: int, stop: int) -> str:
    items: list[str] = []
    for ln in lines[first:stop]:
        s = ln.strip()
        if not s or s == "绩效目标":
            continue
        if s.startswith("绩效目标"):
            s = s[len("绩效目标"):].lstrip("：: ")
        if _ITEM_START.match(s) or not items:
            items.append(s)
        else:
            items[-1] += s
    return "".join(items)


# ------------------------------------------------------------------ pieces


def _label_split(seg: str) -> tuple[str, str, str] | None:
    for label in sorted(_LABELS, key=len, reverse=True):
        k = seg.find(label)
        if k >= 0:
            return seg[:k], label, seg[k + len(label):]
    return None


def _line_items(text: str, line: int) -> list[_Item]:
    """Split one line into classified pieces (labels, values, text), resolving glued values."""
    segs = text.split()
    out: list[_Item] = []
    used = [False] * len(segs)

    def add(kind: _Kind, s: str, k: int, **kw: object) -> None:
        first, last = k == 0, k == len(segs) - 1
        out.append(_Item(kind, s, line, line, alone=first and last, first=first, last=last, **kw))  # type: ignore[arg-type]

    def later_seg(k: int, pred: object) -> int | None:
        for j in range(k + 1, len(segs)):
            if not used[j] and pred(segs[j]):  # type: ignore[operator]
                return j
        return None

    def classify(s: str, k: int) -> None:
        if not s:
            return
        if s in _HEADER_WORDS:
            add(_Kind.HEADER, s, k)
            return
        split = _label_split(s)
        if split is not None:
            before, label, after = split
            classify(before, k)
            add(_Kind.SUB if label in _SUB_FORMS else _Kind.TIER, label, k)
            classify(after, k)
            return
        # a qualitative value or basis phrase split around other text: 效果显…… 著 / 调查问…… 卷
        for phrase, kind in [(q, _Kind.VALUE) for q in _QUAL_VALUES] + [(b, _Kind.BASIS) for b in _KNOWN_BASIS]:
            for cut in range(2, len(phrase)):
                if s.startswith(phrase[:cut]) and len(s) > cut:
                    j = later_seg(k, lambda t, tail=phrase[cut:]: t == tail)
                    if j is not None:
                        used[j] = True
                        add(kind, phrase, k)
                        whole, n = out[-1], len(out)
                        classify(s[cut:], k)
                        if kind is _Kind.VALUE:  # the text printed inside the value (效果显维持… 著)
                            whole.parts = [x for x in out[n:] if x.kind is _Kind.TEXT]
                        return
        if _BARE_NUM.match(s):
            j = k + 1 if k + 1 < len(segs) and not used[k + 1] and _UNIT_SEG.match(segs[k + 1]) else None
            if j is not None:
                used[j] = True
                add(_Kind.VALUE, f"{s} {segs[j]}", k)
                return
        if _VALUE_WHOLE.match(s):
            add(_Kind.VALUE, s, k)
            return
        m = _VALUE_HEAD.match(s)
        if m and re.match(r"[\u4e00-\u9fff]", m.group("rest")):
            j = later_seg(k, lambda t: bool(_UNIT_SEG.match(t)))
            if j is not None:
                used[j] = True
                rest = m.group("rest")
                inner = _label_split(rest)
                if inner is not None and not inner[0] and not inner[2]:  # ≥95质量指标 %
                    add(_Kind.VALUE, m.group("num") + segs[j], k)
                    classify(rest, k)
                else:
                    add(_Kind.VALUE, m.group("num") + segs[j], k, glued=rest)
                return
        add(_Kind.TEXT, s, k)

    for k, seg in enumerate(segs):
        if not used[k]:
            used[k] = True
            classify(seg, k)
    return _join_numbers(out)


def _join_numbers(items: list[_Item]) -> list[_Item]:
    """A bare number between text pieces of one line is part of that text (每月 30 日前发放完成)."""
    out: list[_Item] = []
    for it in items:
        if out and out[-1].kind is _Kind.TEXT and it.kind is _Kind.TEXT and (
            re.search(r"(?:^|\s)\d+$", out[-1].text) or _BARE_NUM.match(it.text)
        ):
            prev = out[-1]
            prev.text += " " + it.text
            prev.last = it.last
            prev.alone = prev.first and prev.last
            continue
        out.append(it)
    return out


def _assemble_labels(items: list[_Item]) -> list[_Item]:
    """Join label pieces wrapped over lines (``服务对象满`` ``意度指`` … ``标``), even interleaved."""
    pending: list[int] = []  # indexes of PENDING items, oldest first
    for idx, it in enumerate(items):
        if it.kind is not _Kind.TEXT:
            continue
        done = False
        for p in pending:
            joined = items[p].text + it.text
            if any(f.startswith(joined) for f in _LABELS):
                items[p].text, items[p].line_end = joined, it.line
                it.consumed = True
                if joined in _LABELS:
                    items[p].kind = _Kind.SUB if joined in _SUB_FORMS else _Kind.TIER
                    pending.remove(p)
                done = True
                break
        if done:
            continue
        if it.last and len(it.text) >= 2 and any(f.startswith(it.text) and f != it.text for f in _LABELS):
            it.kind = _Kind.PENDING
            pending.append(idx)
    for p in pending:  # never completed: it was text after all
        items[p].kind = _Kind.TEXT
    return [it for it in items if not it.consumed]


def _merge_split_values(items: list[_Item]) -> list[_Item]:
    """``效果显`` … ``著`` on later lines, ``≥2000 万`` + ``元``: join value pieces."""
    split: list[_Item] = []  # 效果显构建和谐劳动关 … 著: a value prefix glued to a description
    for it in items:
        head = next((q[:n] for q in _QUAL_VALUES for n in range(len(q) - 1, 2, -1) if it.text.startswith(q[:n])), "")
        if it.kind is _Kind.TEXT and head and len(it.text) > len(head) and it.text not in _QUAL_VALUES:
            rest = _Item(_Kind.TEXT, it.text[len(head):], it.line, it.line, first=False, last=it.last)
            it.text, it.last, it.alone = head, False, False
            it.parts = [rest]
            split.extend([it, rest])
        else:
            split.append(it)
    items = split
    for q in _QUAL_VALUES:
        for idx, it in enumerate(items):
            if it.kind is _Kind.TEXT and it.text.startswith(q[:2]) and q.startswith(it.text) and it.text != q:
                need = q[len(it.text):]
                for k, nxt in enumerate(items[idx + 1: idx + 6], start=idx + 1):
                    if nxt.kind is _Kind.TEXT and nxt.text == need and not nxt.consumed:
                        it.kind, it.text, it.line_end = _Kind.VALUE, q, nxt.line
                        nxt.consumed = True
                        before = items[k - 1]
                        if it.parts and before.kind is _Kind.TEXT and before.line == nxt.line and all(before is not q for q in it.parts):
                            it.parts.append(before)  # 效果显构建和谐劳动关 … 系 著
                        break
            elif it.kind is _Kind.TEXT and it.text in _QUAL_VALUES:
                it.kind = _Kind.VALUE
    live = [it for it in items if not it.consumed]
    for a, b in zip(live, live[1:]):
        if a.kind is _Kind.VALUE and b.kind is _Kind.TEXT and b.alone and re.fullmatch(_UNIT_RE, b.text) and (
            a.text[-1].isdigit() or a.text.endswith("万")
        ):
            a.text += b.text
            a.line_end = b.line
            b.consumed = True
    return [it for it in live if not it.consumed]


# ------------------------------------------------------------------ basis


def _learn_basis(tables_items: list[list[_Item]]) -> tuple[set[str], set[str]]:
    """Basis pieces and full phrases learned from column blocks and repeated line sequences."""
    pieces: set[str] = set()
    runs: list[list[str]] = []
    for items in tables_items:
        # a basis cell wrapped over lines and repeated down the column (or printed as a
        # column block) shows up as a pair of whole lines that repeats, always together
        seq = [it.text for it in items if it.kind is _Kind.TEXT and it.alone]
        bigrams = Counter(zip(seq, seq[1:]))
        succ: dict[str, set[str]] = {}
        pred: dict[str, set[str]] = {}
        for a, b in zip(seq, seq[1:]):
            succ.setdefault(a, set()).add(b)
            pred.setdefault(b, set()).add(a)
        rep = {
            x
            for (a, b), c in bigrams.items()
            if c >= 2 and succ[a] == {b} and pred[b] == {a}
            for x in (a, b)
        }
        pieces.update(rep)
        runs.append([s for s in seq if s in rep])
    phrases: set[str] = set(_KNOWN_BASIS)
    for run in runs:
        cur: list[str] = []
        for s in run:
            if cur and s == cur[0]:
                phrases.add("".join(cur))
                cur = []
            cur.append(s)
        if cur and len(run) > len(cur):
            phrases.add("".join(cur))
    return pieces, phrases


def _mark_basis(items: list[_Item], pieces: set[str], phrases: set[str]) -> list[_Item]:
    """Classify basis pieces and join each phrase's pieces (values may sit between them)."""
    for it in items:
        if it.kind is _Kind.TEXT and (it.text in pieces or it.text in phrases or _DOCNO.search(it.text)):
            it.kind = _Kind.BASIS
    out: list[_Item] = []
    glued = {id(p) for it in items if it.kind is _Kind.VALUE for p in it.parts}
    open_basis: _Item | None = None
    for it in items:
        if it.kind is _Kind.BASIS:
            if open_basis is not None and (
                any(p.startswith(open_basis.text + it.text) for p in phrases if p != open_basis.text)
                or _DOCNO_TAIL.match(it.text)
            ) and open_basis.text not in phrases | set(_KNOWN_BASIS) | {""}:
                open_basis.text += it.text
                open_basis.line_end = it.line
                continue
            if open_basis is not None and (open_basis.text + it.text) in phrases:
                open_basis.text += it.text
                open_basis.line_end = it.line
                continue
            open_basis = it
        elif it.kind is not _Kind.VALUE and id(it) not in glued:  # 效果显提高…水平 著 sits inside a basis cell
            open_basis = None
        out.append(it)
    return out


# ------------------------------------------------------------------ rows


@dataclass
class _Row:
    sub: _Item
    tier_raw: str = ""
    cells: list[list[_Item]] = field(default_factory=list)
    values: list[_Item] = field(default_factory=list)
    basis: list[_Item] = field(default_factory=list)
    name: str = ""
    desc: str = ""
    value: str = ""
    basis_text: str = ""
    uncertain: set[str] = field(default_factory=set)
    why: dict[str, str] = field(default_factory=dict)
    first_line: int = 0
    last_line: int = 0
    missing_label: bool = False  #: opened at a tier label: the row's 二级 label is not printed

    def doubt(self, name: str, why: str) -> None:
        self.uncertain.add(name)
        self.why.setdefault(name, why)


def _widths(items: list[_Item]) -> tuple[int, int]:
    lens = [len(it.text) for it in items if it.kind is _Kind.TEXT and it.alone]
    narrow = Counter(n for n in lens if 4 <= n <= 8).most_common(1)
    wide = Counter(n for n in lens if n >= 9).most_common(1)
    return (narrow[0][0] if narrow else 5), (wide[0][0] if wide else 12)


def _cells(pieces: list[_Item], widths: tuple[int, int]) -> list[list[_Item]]:
    """Group text pieces into cells: a piece that fills its column's width wraps onto the next line."""
    narrow, wide = widths
    cells: list[list[_Item]] = []
    for p in pieces:
        if cells and p.cont is not None and any(q is p.cont for q in cells[-1]):
            cells[-1].append(p)
            continue
        if cells:
            cur = cells[-1]
            w = wide if len(cur[0].text) > narrow + 1 else narrow  # longer than a name: a wide column
            if cur[-1].last and p.first and p.line > cur[-1].line and len(cur[-1].text) >= w - 1 and len(p.text) <= len(cur[0].text) + 1:
                cur.append(p)
                continue
        cells.append([p])
    return cells


def _cell_text(cell: list[_Item]) -> str:
    return "".join(p.text for p in cell)


def _tier_for(sub_text: str, tiers: list[str]) -> str:
    sub = canonical_sub(sub_text)
    for t in tiers:
        if sub is not None and canonical_tier(t) == SUB_PARENT[sub]:
            return t
    return ""


def _ordered_rows(items: list[_Item], widths: tuple[int, int], orphans: list[_Item]) -> list[_Row]:
    rows: list[_Row] = []
    texts: list[list[_Item]] = []
    for it in items:
        if it.kind is _Kind.SUB and rows and not texts[-1] and not rows[-1].values and not rows[-1].basis and (
            canonical_sub(it.text) == canonical_sub(rows[-1].sub.text)
        ):
            it.kind = _Kind.TEXT  # 服务对象满意度指标 printed as the 三级指标 name under the same 二级
        if it.kind is _Kind.SUB:
            if rows and rows[-1].missing_label and not (rows[-1].values or rows[-1].basis):
                texts[-2].extend(texts.pop())  # the tier label only preceded its group's first label
                rows.pop()
            rows.append(_Row(it))
            texts.append([])
        elif it.kind is _Kind.TIER and rows and rows[-1].values and rows[-1].basis and (
            canonical_tier(it.text) != SUB_PARENT.get(canonical_sub(rows[-1].sub.text) or "", None)
        ):  # a new tier starts after a complete row: its first row may have lost its 二级 label
            rows.append(_Row(_Item(_Kind.SUB, "", it.line, it.line_end), tier_raw=it.text, missing_label=True))
            texts.append([])
        elif not rows:
            if it.kind not in (_Kind.TIER, _Kind.HEADER):
                orphans.append(it)
        elif it.kind is _Kind.TEXT:
            texts[-1].append(it)
        elif it.kind is _Kind.VALUE:
            rows[-1].values.append(it)
        elif it.kind is _Kind.BASIS:
            rows[-1].basis.append(it)
    for row, pieces in zip(rows, texts):
        row.cells = _cells(pieces, widths)
        cells = [_cell_text(c) for c in row.cells]
        if len(row.values) > 1:  # 全县享受扶贫车间补贴一共 7 家 / =7 家: a number inside the description
            first = row.values[0]
            host = next((c for c in row.cells if c[-1].line == first.line), None)
            if host is not None and not first.text[0] in "=≥≤<>":
                host.append(_Item(_Kind.TEXT, " " + first.text, first.line, first.line))
                row.values.pop(0)
                cells = [_cell_text(c) for c in row.cells]
        if row.values:
            row.value = "".join(v.text for v in row.values)
            if len(row.values) > 1:
                row.doubt("value", f"{len(row.values)} values found for one row")
        elif len(cells) >= 3:
            row.value = cells.pop(2)
            row.doubt("value", "no value shape; the third text cell was taken as the value")
        else:
            row.doubt("value", "no value found")
        if row.missing_label:
            row.doubt("sub", "no 二级 label printed for this row; it follows the tier label")
            if len(cells) >= 3:  # 保持社会/稳定: the first cell sits in the 二级 column (its width)
                row.sub.text = cells.pop(0)
                row.doubt("name", "row without a 二级 label: the first text cell was read as its 二级 cell")
                row.doubt("desc", "row without a 二级 label: the first text cell was read as its 二级 cell")
        row.name = cells[0] if cells else ""
        row.desc = cells[1] if len(cells) > 1 else ""
        if not cells:
            row.doubt("name", "no text found for the row")
        if len(cells) < 2:
            row.doubt("desc", "no description found for the row")
        if len(cells) > 2:
            row.desc = "".join(cells[1:])
            row.doubt("desc", f"{len(cells)} text cells for name and description; the extra ones were appended to the description")
        _set_basis(row)
    return rows


def _set_basis(row: _Row, *, known: set[str] | None = None) -> None:
    row.basis_text = "".join(b.text for b in row.basis)
    if not row.basis:
        row.doubt("basis", "no basis found")
    elif len(row.basis) > 1:
        row.doubt("basis", f"{len(row.basis)} basis pieces found for one row")
    elif known is not None and row.basis_text not in known:
        row.doubt("basis", f"basis {row.basis_text!r} is only a fragment of a known phrase")


def _join_fragments(items: list[_Item], skip: set[int]) -> None:
    """A one-character piece starting its line ends the text cell before it (``…的作`` … ``用``).

    In column blocks a cell's last character is often pushed past a label or value
    printed in another column; no cell of these tables is one character long.
    """
    prev: _Item | None = None
    for it in items:
        if it.kind is not _Kind.TEXT or it.consumed or id(it) in skip:
            continue
        if (
            prev is not None and it.first and len(it.text) == 1 and prev.last and it.line > prev.line_end
            and not re.fullmatch(_UNIT_RE, it.text)
        ):
            it.cont = prev
            continue
        prev = it


def _around_label(row: _Row, mine: list[_Item], items: list[_Item]) -> list[str] | None:
    """``X<label> Y`` with X or Y at most two characters: the label was printed inside one cell.

    Returns the row's own texts with X and Y joined, or None if there is no such pair.
    """
    pos = {id(it): n for n, it in enumerate(items)}
    at = pos[id(row.sub)]
    for k in range(len(mine) - 1):
        a, b = mine[k], mine[k + 1]
        if a.line == b.line == row.sub.line and pos.get(id(a), -1) < at < pos.get(id(b), -1) and min(
            len(a.text), len(b.text)
        ) <= 2:
            return [p.text for p in mine[:k]] + [a.text + b.text] + [p.text for p in mine[k + 2:]]
    return None


def _block_rows(items: list[_Item], widths: tuple[int, int], phrases: set[str]) -> list[_Row]:
    rows = [_Row(it) for it in items if it.kind is _Kind.SUB]
    values = [it for it in items if it.kind is _Kind.VALUE]
    basis = [it for it in items if it.kind is _Kind.BASIS]
    zipped_values = len(values) == len(rows)
    zipped_basis = len(basis) == len(rows)
    for n, row in enumerate(rows):
        if zipped_values:
            row.values = [values[n]]
            if values[n].line not in (row.sub.line, row.sub.line_end):
                row.doubt("value", "value column printed apart from the row; assigned by order")
        if zipped_basis:
            row.basis = [basis[n]]
            if basis[n].line not in (row.sub.line, row.sub.line_end):
                row.doubt("basis", "basis column printed as a block; assigned by order")
    if not zipped_values or not zipped_basis:  # fall back to what follows each label
        bounds = [items.index(r.sub) for r in rows] + [len(items)]
        for n, row in enumerate(rows):
            seg = items[bounds[n] + 1: bounds[n + 1]]
            if not zipped_values:
                row.values = [it for it in seg if it.kind is _Kind.VALUE]
                row.doubt("value", f"{len(values)} values for {len(rows)} rows; taken from the lines after the label")
            if not zipped_basis:
                row.basis = [it for it in seg if it.kind is _Kind.BASIS]
                row.doubt("basis", f"{len(basis)} basis cells for {len(rows)} rows; taken from the lines after the label")
    for row in rows:
        row.value = "".join(v.text for v in row.values)
        if not row.values:
            row.doubt("value", "no value found")
        why_b = row.why.get("basis")
        _set_basis(row, known=phrases)
        if why_b:
            row.why["basis"] = why_b
    # names and descriptions: those on a row's own lines (its label's, then its value's) first,
    # then the rest by width
    part_ids = {id(p) for v in values for p in v.parts}
    _join_fragments(items, part_ids)
    own_lines: dict[int, _Row] = {}
    for row in rows:
        for ln in {row.sub.line, row.sub.line_end}:
            own_lines.setdefault(ln, row)
    label_lines = set(own_lines)
    if zipped_values:  # 满意率 ≥98满意率 % 调查问卷: a row printed whole on its value's line
        for row in rows:
            for v in row.values:
                for ln in {v.line, v.line_end} - label_lines:
                    own_lines.setdefault(ln, row)
    loose: list[_Item] = []
    own: dict[int, list[_Item]] = {id(r): [] for r in rows}
    bucket: dict[int, list[_Item]] = {}
    for it in items:
        if it.kind is _Kind.TEXT and not it.consumed and id(it) not in part_ids:
            row = own_lines.get(it.line)
            if it.cont is not None and id(it.cont) in bucket:
                where = bucket[id(it.cont)]
            elif row is not None and not it.alone:
                where = own[id(row)]
            else:
                where = loose
            where.append(it)
            bucket[id(it)] = where
    for row in rows:
        glued = next((v.glued or "".join(p.text for p in v.parts) for v in row.values if v.glued or v.parts), "")
        pieces: list[_Item] = []
        for p in own[id(row)]:
            if p.cont is not None and pieces and pieces[-1] is p.cont:
                pieces[-1] = _Item(_Kind.TEXT, p.cont.text + p.text, p.cont.line, p.line, first=p.cont.first)
            else:
                pieces.append(p)
        own[id(row)] = pieces
        mine = [p.text for p in pieces]
        around = _around_label(row, own[id(row)], items)
        if around is not None:  # 工作任务完成及时时效指标 率: one cell split by the label
            mine = around
            row.doubt("name", "text split around the sub-tier label read as one cell")
            row.doubt("desc", "text split around the sub-tier label read as one cell")
        if glued:
            row.desc = glued
            if mine:
                row.name = "".join(mine)
        elif len(mine) >= 2:
            row.name, row.desc = mine[0], "".join(mine[1:])
            if min(len(m) for m in mine) <= 1:  # 招聘质量指标 率: a cell split around the label
                row.doubt("name", "text glued to the sub-tier label; name/description split is a guess")
                row.doubt("desc", "text glued to the sub-tier label; name/description split is a guess")
        elif len(mine) == 1:
            if len(mine[0]) >= 9:
                row.desc = mine[0]
            else:
                row.name = mine[0]
    cells = _cells(loose, widths)
    narrow = [c for c in cells if max(len(p.text) for p in c) < 9]
    wide = [c for c in cells if max(len(p.text) for p in c) >= 9]
    for row in rows:
        if not row.name:
            if narrow:
                row.name = _cell_text(narrow.pop(0))
                row.doubt("name", "三级指标 column printed as a block; name assigned by order")
            else:
                row.doubt("name", "no name found")
        if not row.desc:
            if wide:
                row.desc = _cell_text(wide.pop(0))
                row.doubt("desc", "description printed apart from its row; assigned by order")
            else:
                row.doubt("desc", "no description found")
    leftover = narrow + wide
    if leftover and rows:
        rows[-1].extra = leftover  # type: ignore[attr-defined]
    return rows


# ------------------------------------------------------------------ driver


def _table_items(lines: list[str], t: _Table) -> list[_Item]:
    items: list[_Item] = []
    for i in range(t.head + 1, t.end):
        s = lines[i].strip()
        if s:
            items.extend(_line_items(s, i + 1))
    return _merge_split_values(_assemble_labels(items))


def parse_garbled(lines: list[str], *, file: str) -> LayoutResult:
    """Read the project tables of a garbled PDF extraction; see the module docstring."""
    issues: list[ParseIssue] = []
    tables = _find_tables(lines)
    all_items = [_table_items(lines, t) if t.head >= 0 else [] for t in tables]
    pieces, phrases = _learn_basis(all_items)
    budgets = parse_narrative_budgets(lines, file=file)
    issues.extend(budgets.issues)
    names = [_project_name(t.title) for t in tables]
    matched, match_issues = match_budgets(names, budgets.items, file=file)
    issues.extend(match_issues)
    projects: list[Project] = []
    for n, (t, items, name, budget) in enumerate(zip(tables, all_items, names, matched)):
        if budget is None:
            issues.append(ParseIssue(file, t.line, f"no narrative budget found for project {name!r}", field="budget_wan"))
        if t.head < 0:
            issues.append(ParseIssue(file, t.line, "table has no 一级指标 header row; no indicators read", Severity.ERROR))
            indicators: tuple[Indicator, ...] = ()
        else:
            indicators = _read_table(lines, t, items, pieces, phrases, file, issues)
        projects.append(
            Project(
                ordinal=n + 1, seq=t.seq, section=SECTION, title=t.title, name=name, code=None,
                budget_wan=budget.budget_wan if budget else None,
                budget_source="narrative" if budget else None,
                funds_use="", spending_plan=(),
                targets=_targets(lines, t.after, t.head if t.head >= 0 else t.end),
                line=t.line, line_end=t.end, indicators=indicators,
            )
        )
    return LayoutResult(projects=tuple(projects), issues=tuple(issues))


def _read_table(
    lines: list[str], t: _Table, items: list[_Item], pieces: set[str], phrases: set[str],
    file: str, issues: list[ParseIssue],
) -> tuple[Indicator, ...]:
    items = _mark_basis(items, pieces, phrases)
    header = lines[t.head]
    ordered = all(w in header for w in _HEADER_WORDS)
    widths = _widths(items)
    tiers = [it.text for it in items if it.kind is _Kind.TIER]
    orphans: list[_Item] = []
    rows = _ordered_rows(items, widths, orphans) if ordered else _block_rows(items, widths, phrases)
    if not rows:
        issues.append(ParseIssue(file, t.line, "no sub-tier label found in the table; no indicators read", Severity.ERROR))
    for o in orphans:
        issues.append(ParseIssue(file, o.line, f"text before the first sub-tier label not assigned to a row: {o.text!r}"))
    for extra in getattr(rows[-1], "extra", []) if rows else []:
        issues.append(
            ParseIssue(file, extra[0].line, f"text cell not assigned to any row: {_cell_text(extra)!r}")
        )
    out = []
    for row in rows:
        row.tier_raw = row.tier_raw or _tier_for(row.sub.text, tiers)
        members = [row.sub, *row.values, *row.basis, *(p for c in row.cells for p in c)]
        line = min(m.line for m in members)
        line_end = max(m.line_end for m in members)
        order = ("sub", "name", "desc", "value", "basis")
        unc = tuple(f for f in order if f in row.uncertain)
        if {"name", "desc", "value"} <= set(unc) and not (row.name or row.desc or row.value):
            issues.append(
                ParseIssue(file, row.sub.line, f"sub-tier label {row.sub.text!r} seen but no row could be recovered")
            )
        for f in unc:
            issues.append(ParseIssue(file, row.sub.line, f"{row.sub.text}: {row.why[f]}", Severity.WARNING, field=f))
        out.append(
            make_indicator(
                tier_raw=row.tier_raw, sub_raw=row.sub.text, name=row.name, desc=row.desc, value=row.value,
                basis=row.basis_text, line=line, line_end=line_end, uncertain=unc,
            )
        )
    return tuple(out)
