"""Reader for indicators written as prose or lists: self-evaluation reports and target notices.

Forms read (the headings may carry any numbering and end in ``。`` or ``:``; the text
may be in traditional script with pinyin glosses)::

    1.产出指标。
    数量指标。巡查次数年初任务数12次,全年完成值12次;整改销号率≥95%,实际完成98%。
    时效指标:发放及时率指标为100%实际完成值为100%资金拨付率指标为95%,实际完成值为96%
    成本指标:第一,人均补助标准年初指标值为不高于800元,全年实际完成值780元。
    2.效益指标。
    社会效益指标:群众出行条件有所改善;...
    3.满意度指标(服务对象满意度指标):受助对象满意度高于年度指标值≥90%。

    一、产出指标
    (一)数量指标
    新建候车亭≧60座;
    配套站牌,60块;

Tier headings open a block, sub-tier headings (run in or on their own line) a sub-block;
inside a block the text is cut into sentences (``;`` ``。`` ``第一,``) and each sentence
into indicators by a small set of connectives: 年初任务数 / 全年完成值, 年初指标值为 /
全年实际完成值, 指标为 / 实际完成值为, 高于年度指标值, ``name figure,指标完成率`` (the
figure is the actual), a comparison symbol after the name, and — in a notice, where no
actual is reported — ``name,value``. A qualitative clause (``…有所改善``) is split at its
closing verb phrase; a statement with no value keeps its text as the name with no value.
Several indicators may follow each other with no separator: the next name starts right
after the previous actual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.normalize import fold_script_map, label_key, read_label
from nlp.readers.rowsheet import OP, VALUE, ReadRow, build_sheet
from nlp.table import Sheet

__all__ = ["looks_like", "read"]

_NUM_ZH = "一二三四五六七八九十"
#: numbering styles, outermost first: 一、 (一) 1. (1) ①
_STYLES = (
    ("zh", re.compile(rf"^[{_NUM_ZH}]{{1,3}}\s*[、.．]")),
    ("zh_paren", re.compile(rf"^[(（]\s*[{_NUM_ZH}]{{1,3}}\s*[)）]")),
    ("arabic", re.compile(r"^\d{1,2}\s*[.、．](?!\d)")),
    ("arabic_paren", re.compile(r"^[(（]\s*\d{1,2}\s*[)）]")),
    ("circled", re.compile(r"^[\u2460-\u2473]")),
)
_RANK = {name: k for k, (name, _) in enumerate(_STYLES)}
_BULLET = re.compile(r"^[●•·▪■◆\-—*]\s*")
_HEADING_END = re.compile(r"[。:：]")
_CLOSER = re.compile(r"^(?:附件|附表|抄送|联系人|联系电话|\d{4}年\d{1,2}月\d{1,2}日$)")


def _style(text: str) -> tuple[str | None, int]:
    """The numbering style at the start of ``text`` and where the text after it starts."""
    for name, rx in _STYLES:
        m = rx.match(text)
        if m:
            return name, m.end()
    return None, 0


@dataclass
class _Heading:
    style: str | None
    tier: str | None  #: tier label as printed ('' if the heading is a sub-tier)
    sub: str | None
    is_tier: bool
    is_sub: bool
    canon_tier: str | None
    rest: int  #: where the content after the heading starts (folded offsets)


def _heading(folded: str, printed: str, offsets: list[int]) -> _Heading | None:
    """A tier/sub-tier heading at the start of a line (with its content after it, if run in)."""
    text = folded.lstrip()
    lead = len(folded) - len(text)
    style, after = _style(text)
    m = _HEADING_END.search(text, after)
    end = m.start() if m else len(text)
    label = text[:end]
    if not label[after:].strip() or len(label) - after > 30:
        return None
    lab = read_label(label)
    if lab is None or not (lab.is_tier or lab.is_sub) or lab.score_only:
        return None
    rest = lead + (m.end() if m else len(text))
    # printed form: Chinese numbering (一、 (一)) dropped, Arabic numbering kept, end punctuation dropped
    cut = lead + (after if style in ("zh", "zh_paren") else 0)
    shown = printed[offsets[cut]:offsets[lead + end]].strip()
    tier_raw, sub_raw = shown, None
    paren = re.search(r"[(（]([^()（）]+)[)）]\s*$", shown)
    if paren and lab.is_tier:
        inner = read_label(paren.group(1))
        if inner is not None and inner.is_sub:
            tier_raw, sub_raw = shown[: paren.start()].strip(), paren.group(1).strip()
    return _Heading(style, tier_raw, sub_raw, lab.is_tier, lab.is_sub, lab.tier, rest)


# ---------------------------------------------------------------- sentences to indicators

_ACTUAL = (
    r"(?:[,，]?\s*(?:全年)?(?:实际完成值|实际完成|完成值|实际[^\d,，;；。]{0,12}?)(?:为|是|达到)?\s*"
    rf"(?:(?P<actual>{VALUE})|(?P<actual_text>[^\d,，;；。]+)(?=[,，;；。]|$)))?"
    rf"(?:[,，]?\s*(?:指标)?完成(?:率|比例)(?:为|达)?\s*{VALUE})?"  # a completion rate after the actual
)
_CONNECTIVE = re.compile(
    r"(?P<name>.+?)[:：]?\s*(?:(?:年初|年度|全年)?任务数为?|(?:年初|年度|全年)?(?:指标|目标)值为?|"
    r"指标为|目标为?|计划(?:完成|数为?|为)?)\s*"
    rf"(?P<value>{VALUE}){_ACTUAL}"
)
_ABOVE_TARGET = re.compile(rf"(?P<name>.+?)(?:高于|大于|低于|小于|不低于|达到)年度(?:指标|目标)值\s*(?P<value>{VALUE})")
_RATE = re.compile(rf"(?P<name>.+?)(?P<actual>{VALUE})[,，]\s*指标完成率\s*{VALUE}")
_OP_VALUE = re.compile(rf"(?P<name>[^≥≤≧≦<>=]+?)(?P<value>{OP}\s*{VALUE}){_ACTUAL}")
_QUALITATIVE = re.compile(
    r"(?P<name>.+?)(?P<value>(?:有所|进一步|明显|显著|持续|稳步|逐步|不断|得到|大幅)?"
    r"(?:改善|提高|提升|增强|增加|完善|减少|降低|优化|加强))$"
)
_ORDINAL = re.compile(
    rf"\s*(?:第[{_NUM_ZH}]{{1,3}}\s*[,，、:：]?|[\u2460-\u2473]|[(（]\d{{1,2}}[)）]|\d{{1,2}}\s*[.、)）](?!\d))\s*"
)
_SENTENCE_SPLIT = re.compile(rf"[;；。]|(?=第[{_NUM_ZH}]{{1,3}}\s*[,，、])")
_CELL_LINE = re.compile(r"^\s*\|+\s*$|.*\S\s\|\s*$")
#: header words of an indicator table (a prose text never prints them)
_TABLE_HEADER = re.compile(r"目标名称|[一二三]\s*级\s*指\s*标|指标名称|三级指\s*标|指\s*标\s*值\s*[|\t]|^\s*(?:指标值|年度指标值)\s*\|?\s*$")
_REPORTED = re.compile(r"年初|实际|完成值|指标完成率")


def _trim(printed: str) -> str:
    return printed.strip(" ,，、:：;；。")


def _sentence_rows(folded: str, printed: str, offsets: list[int], start: int, end: int, notice: bool):
    """(name, value, actual) triples read from one sentence (offsets into the folded line)."""
    out: list[tuple[str, str, str]] = []
    pos = start
    while pos < end:
        m0 = _ORDINAL.match(folded, pos, end)
        if m0:
            pos = m0.end()
        seg = folded[pos:end]
        if not seg.strip(" ,，、"):
            break

        def cut(a: int, b: int) -> str:
            return _trim(printed[offsets[pos + a]:offsets[pos + b]])

        m = None
        for rx in (_ABOVE_TARGET, _CONNECTIVE, _RATE, _OP_VALUE):
            m = rx.match(seg)
            if m:
                break
        if m is not None:
            name = cut(*m.span("name"))
            if rx is _RATE:
                value, actual = "", cut(*m.span("actual"))
            else:
                value = cut(*m.span("value"))
                grp = "actual" if "actual" in m.groupdict() and m.group("actual") else "actual_text"
                actual = cut(*m.span(grp)) if grp in m.groupdict() and m.group(grp) else ""
            out.append((name, value, actual))
            pos += m.end()
            continue
        whole = cut(0, len(seg))
        comma = max(seg.rfind(","), seg.rfind("，"))
        if notice and comma > 0 and len(seg) - comma <= 16:
            out.append((cut(0, comma), cut(comma + 1, len(seg)), ""))
        else:
            q = _QUALITATIVE.match(seg.rstrip(" ,，"))
            if q and len(q.group("name")) >= 2:
                out.append((cut(*q.span("name")), cut(*q.span("value")), ""))
            elif 2 <= len(whole) <= 40:
                out.append((whole, "", ""))
        break
    return out


def _content_rows(folded: str, printed: str, offsets: list[int], start: int, notice: bool):
    """(name, value, actual) of every indicator in a line's content, sentence by sentence."""
    pieces = [m.start() for m in _SENTENCE_SPLIT.finditer(folded, start)]
    bounds = [start, *pieces, len(folded)]
    out = []
    for a, b in zip(bounds, bounds[1:]):
        a = a + 1 if a < len(folded) and folded[a] in ";；。" else a
        out.extend(_sentence_rows(folded, printed, offsets, a, b, notice))
    return out


# ---------------------------------------------------------------- the reader


_TITLE = re.compile(r"标\s*题\s*[:：|]\s*\|?\s*(?P<t>[^|]+?)[\s|]*$")
_TITLE_SUFFIX = re.compile(
    r"(?:支出)?(?:绩效自评报告|绩效评价报告|自评报告|绩效目标设定|绩效目标申报|绩效目标表|绩效目标|绩效自评表|自评表)$"
)
_YEAR_PREFIX = re.compile(r"^.{0,12}?(?:19|20)\d\d\s*年度(?P<rest>.+)$")


def _project_from_title(lines: list[str]) -> tuple[int, str] | None:
    """The project a report or notice names only in its title, e.g. ``X市2023年度Y资金绩效自评报告`` → Y资金."""
    labelled = [(n, m.group("t")) for n, m in ((n, _TITLE.search(x)) for n, x in enumerate(lines[:30], start=1)) if m]
    plain = [(n, x.strip()) for n, x in enumerate(lines[:30], start=1) if not re.search(r"[>|》]|首页", x)]
    for n, title in labelled + plain:
        if not _TITLE_SUFFIX.search(title) or len(title) > 60:
            continue
        name = _TITLE_SUFFIX.sub("", title).strip()
        y = _YEAR_PREFIX.match(name)
        if y:
            name = y.group("rest")
        if len(name) >= 4:
            return n, name
    return None


_UNIT_LINE = re.compile(r"^[\u4e00-\u9fff()（）]{2,30}(?:局|厅|委员会|委|办公室|中心|政府|院|所|站)$")
_DATE_LINE = re.compile(r"^(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")


def _signature(lines: list[str], after: int) -> tuple[int, str] | None:
    """The unit that signs a report or notice: a unit-name line right above a date line, after the indicators."""
    texts = [(n, line.strip()) for n, line in enumerate(lines, start=1) if n > after and line.strip()]
    for (n, text), (_, nxt) in zip(texts, texts[1:]):
        if _UNIT_LINE.match(text) and _DATE_LINE.match(nxt):
            return n, text
    return None


def _scan(lines: list[str]):
    """Headings and content pieces in reading order: ('head', n, _Heading, folded, printed, offsets) / ('text', …)."""
    out = []
    for n, line in enumerate(lines, start=1):
        if not line.strip() or "|" in line or "\t" in line.strip():
            out.append(("blank" if not line.strip() else "other", n, None, "", line, []))
            continue
        printed = _BULLET.sub("", line.strip())
        folded, offsets = fold_script_map(printed)
        # several headings on one line (``(一)产出指标 1、数量指标:…``): cut before each numbered heading
        pieces = [0]
        for m in re.finditer(r"\s+(?=\S)", folded):
            style, _ = _style(folded[m.end():])
            if style and _heading(folded[m.end():], printed[offsets[m.end()]:], [o - offsets[m.end()] for o in offsets[m.end():]]):
                pieces.append(m.end())
        pieces.append(len(folded))
        for a, b in zip(pieces, pieces[1:]):
            f = folded[a:b]
            offs = [o - offsets[a] for o in offsets[a:b + 1]]
            p = printed[offsets[a]:offsets[b]]
            h = _heading(f, p, offs)
            out.append(("head" if h else "text", n, h, f, p, offs))
    return out


def looks_like(lines: list[str]) -> float:
    """How sure this reader is that the text holds indicators in prose (0–1).

    Needs a tier heading in prose (not a table row) and at least two indicator sentences
    (a value after a name) under it, and no table header anywhere in the text.
    """
    if any(_TABLE_HEADER.search(line) for line in lines):
        return 0.0  # a table's header is printed: a table reader reads it
    if sum(1 for line in lines if _CELL_LINE.match(line)) >= 5:
        return 0.0  # cells one per line between pipes: a table
    tiers: set[str] = set()
    valued = 0
    for kind, _, h, f, p, offs in _scan(lines):
        if kind == "head" and h.is_tier and h.canon_tier and not h.is_sub:
            tiers.add(h.canon_tier)
        elif kind == "head" and h.is_tier and h.canon_tier and h.tier:
            tiers.add(h.canon_tier)
        if kind in ("head", "text") and tiers:
            start = h.rest if h else 0
            rows = _content_rows(f, p, offs, start, notice=True)
            valued += sum(1 for name, value, _ in rows if name and value)
    if tiers and valued >= 2:
        return 0.8
    return 0.0


def read(lines: list[str], file: str = "") -> Sheet:
    """The indicators of a prose report or notice, as a sheet (see the module docstring)."""
    scanned = _scan(lines)
    notice = not any(kind in ("text", "head") and _REPORTED.search(f[h.rest:] if h else f)
                     for kind, _, h, f, _, _ in scanned)
    rows: list[ReadRow] = []
    used: set[int] = set()
    tier_raw = sub_raw = None
    tier_style: str | None = None
    sub_style: str | None = _UNSET
    active = False
    for kind, n, h, f, p, offs in scanned:
        if kind == "head":
            as_tier = _opens_tier(h, active, tier_style, sub_style, tier_raw)
            if as_tier:
                active = True
                tier_raw, tier_style = h.tier, h.style
                sub_raw = h.sub if h.sub is not None else (h.tier if _fused_label(h.tier or "") else None)
            elif active:
                sub_raw, sub_style = h.tier, h.style
            else:
                continue
            used.add(n)
            start = h.rest
        elif kind == "text" and active:
            style, _ = _style(f.lstrip())
            # a numbered line at the tier headings' level (or above) that is no label ends the indicators
            if _CLOSER.match(f.strip()) or (style is not None and tier_style is not None
                                            and _RANK[style] <= _RANK[tier_style]):
                active = False
                continue
            start = 0
        else:
            if kind == "other" and active and "|" in p:
                active = False
            continue
        for name, value, actual in _content_rows(f, p, offs, start, notice):
            rows.append(ReadRow(n, name, tier=tier_raw or "", sub=sub_raw or "", value=value, actual=actual))
            used.add(n)
    meta = []
    if rows:
        title = _project_from_title(lines)
        if title:
            meta.append((title[0], "项目名称", title[1]))
        signed = _signature(lines, max(r.line for r in rows))
        if signed:
            meta.append((signed[0], "编报单位", signed[1]))
    return build_sheet("prose", lines, rows, meta=meta, table_lines=used)


_UNSET = "unset"


def _opens_tier(h: _Heading, active: bool, tier_style, sub_style, tier_raw) -> bool:
    """Whether a heading opens a tier block (else it opens a sub-tier block).

    A label that can be both (满意度指标, 成本指标) is read by its numbering: the style of
    the sub-tier headings seen so far makes it a sub-tier, the tier headings' style a tier.
    """
    if h.is_tier and h.sub is not None:
        return True  # 满意度指标(服务对象满意度指标): tier with its sub-tier in brackets
    if _fused_label(h.tier or ""):
        return True
    if not h.is_sub:
        return h.is_tier
    if not h.is_tier:
        return False
    if not active:
        return True
    if h.style == sub_style:
        return False
    if h.style == tier_style:
        return True
    return h.canon_tier != _tier_of(tier_raw)


def _tier_of(tier_raw: str | None) -> str | None:
    lab = read_label(tier_raw or "")
    return lab.tier if lab else None


def _fused_label(text: str) -> bool:
    """A tier word fused with a different sub-tier word (产出数量指标)."""
    lab = read_label(text)
    return bool(lab and lab.is_tier and lab.is_sub and lab.tier and lab.sub
                and label_key(text) not in (lab.tier, lab.sub))
