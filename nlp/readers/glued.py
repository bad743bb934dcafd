"""Reader for tables whose cells were glued together with no separator at all.

Text copied from doc-sharing sites, OCR of scans and some PDF extractions print a whole
table as one run: ``二级指标三级指标年初目标值(A)实际完成值(B)得分出标产指数量指标采集
土壤样品数量600份612份10示范区建设个数3310…``. The run is split on what can be known
without separators:

* the header words, in order, give the columns after the name (value, actual, score;
  operator, unit and explanation of indicator libraries; one value column per recipient
  when the header lists places after 指标方向);
* tier and sub-tier labels are found by vocabulary (:func:`nlp.normalize.read_label`),
  including OCR anagrams of vertical cells (``出标产指``); a label that can be either
  (成本指标, 满意度指标) is a tier when another sub-tier label follows it;
* values by their shape (operator, number, unit, dates); numbers fused by the lost
  separators are split with what the table tells: a trailing score equal to the score
  most rows end with, value and actual of equal halves (``2020`` → 20 / 20), decimals of
  equal precision for recipient columns (``2.41.61.2`` → 2.4 / 1.6 / 1.2);
* page markers (``2、`` where a page of the doc-sharing site starts) are dropped; a row
  whose name is cut by one is left out, a row whose value or actual is cut keeps what
  is complete before the break and reports the rest (never guessed).

Lines of the same glued block are joined without separator; blocks are separated by
blank lines. Metadata glued before the header (``项目名称X主管部门Y``) is split on the
labels of metadata blocks.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from nlp.normalize import UNIT_PATTERN, canonical_tier, fold_script_map, read_label
from nlp.readers.rowsheet import VALUE, ReadRow, build_sheet, split_meta
from nlp.table import Sheet

__all__ = ["looks_like", "read"]

# ---------------------------------------------------------------- the glued header

#: header words and the column they open, longest first within each alternative
_HEADER_WORDS: tuple[tuple[str, str], ...] = (
    ("绩效指标", "group"),
    ("项目类型", "type"),
    ("一级指标", "tier"),
    ("二级指标", "sub"),
    ("三级指标", "name"),
    ("指标名称", "name"),
    ("指标内容", "name"),
    ("指标解释", "desc"),
    ("指标说明", "desc"),
    ("内容", "desc"),
    ("指标方向", "op"),
    ("指标性质", "op"),
    ("性质", "op"),
    ("计量单位", "unit"),
    ("度量单位", "unit"),
    ("单位", "unit"),
    ("年初目标值(A)", "value"),
    ("年度指标值", "value"),
    ("年度目标值", "value"),
    ("指标值", "value"),
    ("目标值", "value"),
    ("全年实际完成值", "actual"),
    ("实际完成值(B)", "actual"),
    ("实际完成值", "actual"),
    ("全年完成值", "actual"),
    ("年度目标指标值", "value"),
    ("计划指标值", "value"),
    ("目标完成值", "actual"),
    ("实际值", "actual"),
    ("完成值", "actual"),
    ("自评得分", "score"),
    ("指标得分", "score"),
    ("得分", "score"),
    ("分值", "weight"),
    ("权重", "weight"),
    ("未完成原因和改进措施", "note"),
    ("偏差原因分析及改进措施", "note"),
    ("未完成原因及改进措施", "note"),
    ("偏差原因", "note"),
    ("备注", "note"),
)
_HEADER_RE = re.compile("|".join(re.escape(w) for w, _ in sorted(_HEADER_WORDS, key=lambda p: -len(p[0]))))
_HEADER_ROLE = dict(_HEADER_WORDS)
_PLACE = re.compile(r"[\u4e00-\u9fff]{1,6}?(?:街道|社区|镇|乡|村|区|县|市)")
#: a header word glued to the next one, in either script (a cheap test before folding the text)
_QUICK = re.compile(r"[级級]指[标標](?:\([a-zā-ǜ]+\))?[三指年实實内內性单單得分目]")
_NAME_COL = re.compile(r"三级指标|指标名称")
_CLOSER = re.compile(r"总分|合计|偏差大或|评价结论|备注[::]|注[::]|说明[::]")


@dataclass
class _Header:
    start: int
    end: int
    roles: list[str]
    recipients: list[str] = field(default_factory=list)


def _find_header(text: str) -> _Header | None:
    """The last glued header of the text: a run of header words that holds a name column."""
    best = None
    for m in re.finditer(r"三级指标|指标名称", text):
        # walk left over header words glued before the name column
        start = m.start()
        while True:
            for w, _ in _HEADER_WORDS:
                if text.startswith(w, start - len(w)) and start - len(w) >= 0:
                    start -= len(w)
                    break
            else:
                break
        pos, roles = start, []
        while True:
            h = _HEADER_RE.match(text, pos)
            if not h:
                break
            roles.append(_HEADER_ROLE[h.group()])
            pos = h.end()
        recipients: list[str] = []
        if roles and roles[-1] == "op":
            while True:
                p = _PLACE.match(text, pos)
                if not p or read_label(text[pos:pos + 6]) is not None:
                    break
                recipients.append(p.group())
                pos = p.end()
        if len(roles) >= 2:
            best = _Header(start, pos, roles, recipients)
    return best


# ---------------------------------------------------------------- labels inside the run

_LABEL_WORDS = sorted(
    {
        *(t + "指标" for t in ("产出", "效益", "满意度", "成本", "效果")),
        *(s + "指标" for s in ("数量", "质量", "时效", "成本", "经济效益", "社会效益", "生态效益", "环境效益",
                                "可持续影响", "服务对象满意度", "经济成本", "社会成本", "生态环境成本")),
        "经济效益", "社会效益", "生态效益", "可持续影响", "服务对象满意度", "经济成本", "社会成本", "生态环境成本",
        "管理指标",
    },
    key=len,
    reverse=True,
)
_LABEL_RE = re.compile("|".join(re.escape(w) for w in _LABEL_WORDS))


def _label_at(text: str, pos: int) -> int:
    """End of a tier/sub-tier label starting at ``pos`` (``pos`` if there is none)."""
    m = _LABEL_RE.match(text, pos)
    if m:
        return m.end()
    exact = lenient = pos
    for width in (4, 5, 6):  # an OCR anagram of a vertical tier cell: an exact one wins, else the longest
        window = text[pos:pos + width]
        if len(window) == width and not _LABEL_RE.search(window) and canonical_tier(window):
            lab = read_label(window)
            if lab is not None and lab.is_tier and lab.tier:
                lenient = pos + width
                if any(sorted(window) == sorted(w) for w in _TIER_WORDS):
                    exact = pos + width
    return exact if exact > pos else lenient


_TIER_WORDS = ("产出指标", "效益指标", "效果指标", "满意度指标", "成本指标")


def _labels(text: str, pos: int) -> tuple[list[tuple[int, int]], int]:
    spans = []
    while True:
        end = _label_at(text, pos)
        if end == pos:
            return spans, pos
        spans.append((pos, end))
        pos = end


# ---------------------------------------------------------------- values

_TOKEN = re.compile(VALUE)
_BARE = re.compile(r"^\d+$")
_DATE_WORD = re.compile(r"[年月日]")
_HAS_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_UNIT_AFTER = re.compile(rf"\s*(?:{UNIT_PATTERN})")


def _value_run(text: str, pos: int, end: int) -> tuple[int, int, list[str]] | None:
    """The first run of glued value tokens at or after ``pos`` that ends before a letter of a name."""
    for m in _TOKEN.finditer(text, pos, end):
        tokens = [m.group()]
        q = m.end()
        while q < end:
            n = _TOKEN.match(text, q, end)
            if not n or not n.group():
                break
            tokens.append(n.group())
            q = n.end()
        if m.start() > pos or text[pos:m.start()] == "":
            return m.start(), q, tokens
    return None


def _split_decimals(run: str, n: int) -> list[str] | None:
    """``2.41.61.2`` → ``['2.4', '1.6', '1.2']``: n numbers of equal precision, no leading zeros."""
    results: list[list[str]] = []

    def walk(rest: str, acc: list[str]) -> None:
        if len(results) > 20:
            return
        if not rest:
            if len(acc) == n:
                results.append(acc)
            return
        if len(acc) == n:
            return
        for k in range(1, len(rest) + 1):
            tok = rest[:k]
            if not re.fullmatch(r"(?:0|[1-9]\d*)(?:\.\d+)?", tok):
                continue
            walk(rest[k:], acc + [tok])

    walk(run, [])
    if not results:
        return None
    def shape(r: list[str], with_int: bool) -> int:
        return len({(len(t.partition(".")[0]) if with_int else 0, len(t.partition(".")[2])) for t in r})

    for with_int in (True, False):  # values of one row are printed alike: same precision, then same size
        pool = [r for r in results if shape(r, with_int) == 1]
        if len(pool) == 1:
            return pool[0]
    return None


# ---------------------------------------------------------------- the reader


@dataclass
class _Text:
    folded: str
    printed: str
    offsets: list[int]
    lines: list[int]  #: source line of each folded position
    breaks: set[int]  #: folded positions where a page marker was removed

    def cut(self, a: int, b: int) -> str:
        return self.printed[self.offsets[a]:self.offsets[b]].strip()


_PAGE_MARKER = re.compile(r"^\s*\d{1,3}\s*、")


def _join(lines: list[str]) -> _Text:
    """All lines joined without separators, page markers removed, with positions kept."""
    printed_parts: list[str] = []
    line_of: list[int] = []
    breaks: set[int] = set()
    for n, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        m = _PAGE_MARKER.match(text)
        if m and printed_parts:
            breaks.add(len(line_of))
            text = text[m.end():]
        elif m:
            text = text[m.end():]
        printed_parts.append(text)
        line_of.extend([n] * len(text))
    printed = "".join(printed_parts)
    folded, offsets = fold_script_map(printed)
    fline = [line_of[o] if o < len(line_of) else (line_of[-1] if line_of else 1) for o in offsets]
    fbreaks = {i for i, o in enumerate(offsets[:-1]) if o in breaks}
    return _Text(folded, printed, offsets, fline, fbreaks)


def looks_like(lines: list[str]) -> float:
    """How sure this reader is that the text is a glued table (0–1): a header with no separators
    (``二级指标三级指标``) followed by glued rows with tier/sub-tier labels."""
    if not any(_QUICK.search(line) for line in lines):
        return 0.0
    joined = _join(lines)
    h = _find_header(joined.folded)
    if h is None:
        return 0.0
    text = joined.folded
    name_col = _NAME_COL.search(text, h.start)
    head = text[h.start:h.end]
    if " " in head.strip() or "|" in head or name_col is None or name_col.start() >= h.end:
        return 0.0
    # the name column and the header word after it were glued on one source line
    if joined.lines[name_col.start()] != joined.lines[min(name_col.end(), h.end - 1)] or name_col.end() >= h.end:
        return 0.0
    # labels glued to the text that follows them on the same line (not a label alone on its line)
    glued = labels = 0
    for m in _LABEL_RE.finditer(text, h.end, min(len(text), h.end + 600)):
        labels += 1
        if m.end() < len(text) and joined.lines[m.end() - 1] == joined.lines[m.end()] and not _LABEL_RE.match(text, m.end()):
            glued += 1
    return 0.85 if glued >= 1 and labels >= 2 else 0.0


def _meta(joined: _Text, end: int) -> list[tuple[int, str, str]]:
    pre = joined.folded[:end]
    out = []
    for label, value in split_meta(pre, stop=r"预算执行情况|项目资金|资金情况|年度资金总额|资金投入|全年预算数|总体目标|绩效指标|"
                                             r"项目类别|填报日期|\d{1,2}、"):
        at = pre.find(label + value[:4]) if value else pre.find(label)
        a = max(at + len(label), 0)
        value_printed = joined.cut(a, a + len(value))[:40]
        out.append((joined.lines[max(at, 0)], label, value_printed))
    labels = {lab for _, lab, _ in out}
    if any("主管部门" in lab for lab in labels):
        out = [m for m in out if m[1] not in ("单位名称", "填报日期")]
    return out


def read(lines: list[str], file: str = "") -> Sheet:
    """The indicator rows of a glued table (see the module docstring)."""
    joined = _join(lines)
    text = joined.folded
    header = _find_header(text)
    notes: list[tuple[int, str]] = []
    if header is None:
        return build_sheet("glued", lines, [])
    closer = _CLOSER.search(text, header.end)
    end = closer.start() if closer else len(text)
    roles = header.roles
    after_name = roles[roles.index("name") + 1:] if "name" in roles else roles
    cols = [r for r in after_name if r in ("value", "actual", "weight", "score")]
    rows: list[ReadRow] = []
    pos = header.end
    tier = sub = ""
    project = ""
    if "type" in roles:  # indicator library: the 项目类型 precedes the first label
        first = _LABEL_RE.search(text, pos, end)
        if first and first.start() > pos:
            project = joined.cut(pos, first.start())
            pos = first.start()
    if header.recipients:
        parsed = _recipient_rows(joined, pos, end, header, notes)
    elif "op" in after_name and not cols:
        parsed = _library_rows(joined, pos, end, header, notes)
    else:
        parsed = _valued_rows(joined, pos, end, cols, notes)
    for item in parsed:
        label_spans, row = item
        if label_spans:
            texts = [joined.cut(a, b) for a, b in label_spans]
            kinds = _label_kinds(texts)
            for t, kind in zip(texts, kinds):
                if kind == "tier":
                    tier, sub = t, ""
                else:
                    sub = t
        if row is None:
            continue
        row.tier, row.sub = tier, sub
        rows.append(row)
    meta = _meta(joined, header.start)
    if project:
        meta.append((rows[0].line if rows else 1, "项目名称", project))
    used = set()
    if rows:
        used = set(range(joined.lines[header.start], joined.lines[max(end - 1, header.start)] + 1))
    return build_sheet("glued", lines, rows, meta=meta, table_lines=used, notes=notes)


def _label_kinds(texts: list[str]) -> list[str]:
    """tier / sub for consecutive labels: the last is the row's sub-tier unless it can only be a tier."""
    kinds = []
    for k, t in enumerate(texts):
        lab = read_label(t)
        last = k == len(texts) - 1
        if lab is None:
            kinds.append("sub")
        elif lab.is_tier and not lab.is_sub:
            kinds.append("tier")
        elif lab.is_sub and not lab.is_tier:
            kinds.append("sub")
        else:
            kinds.append("sub" if last else "tier")
    return kinds


def _valued_rows(joined: _Text, pos: int, end: int, cols: list[str], notes):
    """Rows ``labels? name value-run`` where the run holds the value, actual and score columns."""
    text = joined.folded
    items = []
    pending = []
    while pos < end:
        spans, pos = _labels(text, pos)
        if spans:
            pending.extend(spans)
        run = _value_run(text, pos, end)
        if run is None:
            break
        a, b, tokens = run
        while len(tokens) < len(cols) and any(_DATE_WORD.search(t) for t in tokens) and a > pos:
            # a date inside the name (截至2026年6月底完工率≥100%…): the values come after it
            nxt = _value_run(text, b, end)
            if nxt is None or _LABEL_RE.search(text, b, nxt[0]) or not _HAS_WORD.search(text[b:nxt[0]]):
                break
            a, b, tokens = nxt
        # the name may not contain a label: the next label starts a new row
        inner = _LABEL_RE.search(text, pos, a)
        if inner and inner.start() > pos:
            a, b, tokens = inner.start(), inner.start(), []
        name_end = a
        if name_end == pos and not tokens:
            pos = max(b, pos + 1)
            continue
        if not _HAS_WORD.search(text[pos:name_end]):  # a placeholder row (……) or stray characters
            items.append((pending, None))
            pending = []
            pos = name_end if name_end > pos else max(b, pos + 1)
            continue
        if name_end == pos:  # a value run with no name (a placeholder row, a page remainder)
            notes.append((joined.lines[pos], "glued values with no indicator name were not read"))
            items.append((pending, None))
            pending = []
            pos = b
            continue
        broken = [k for k in joined.breaks if pos < k < b]
        name = joined.cut(pos, name_end)
        line = joined.lines[pos]
        if broken and broken[0] <= name_end:
            notes.append((line, f"indicator name cut by a page break, row left out: {name}"))
            items.append((pending, None))
            pending = []
            pos = b
            continue
        if broken:
            k = broken[0]
            kept = []
            q = a
            for t in tokens:
                if q + len(t) <= k:
                    kept.append(t)
                q += len(t)
            if kept and a + sum(len(t) for t in kept) == k:
                kept = kept[:-1]  # the token right before the break may be cut
            notes.append((line, f"values of {name} cut by a page break; only what precedes it was read"))
            values = dict(zip(cols, kept))
            lost = {c for c in cols[len(kept):] if c in ("value", "actual", "score")}
        else:
            values, skip = _assign(tokens, cols)
            if skip:
                name_end = a + sum(len(t) for t in tokens[:skip])
                name = joined.cut(pos, name_end)
        row = ReadRow(line, name, value=values.get("value", ""), actual=values.get("actual", ""),
                      score=values.get("score", ""), line_end=joined.lines[max(b - 1, pos)])
        if broken:
            row.uncertain = lost
        items.append((pending, row))
        pending = []
        pos = b
        if broken:
            nxt = _LABEL_RE.search(text, pos, end)
            if nxt is None:
                break
            scrambled = [q for q in range(pos, nxt.start()) if _label_at(text, q) > q]
            pos = scrambled[0] if scrambled else nxt.start()
    if pending:
        items.append((pending, None))
    _fix_scores(items, cols, notes)
    return items


def _halves(token: str) -> tuple[str, str] | None:
    """A bare number made of two equal halves (``2020`` → 20 / 20), the usual trace of two
    cells printed alike and glued (value = actual, 分值 = 得分)."""
    half = len(token) // 2
    if _BARE.match(token) and len(token) % 2 == 0 and token[:half] == token[half:]:
        return token[:half], token[half:]
    return None


def _assign(tokens: list[str], cols: list[str]) -> tuple[dict[str, str], int]:
    """Values of the row's columns from its glued tokens, and how many leading tokens belong to the
    name instead (a quantity ending the name: ``提升道路3.6公里2020``)."""
    tokens = list(tokens)
    split = _halves(tokens[-1]) if tokens else None
    if split and (len(tokens) == len(cols) - 1 or cols[-2:] == ["value", "actual"]):
        tokens = [*tokens[:-1], *split]
    skip = max(len(tokens) - len(cols), 0)
    return dict(zip(cols, tokens[skip:])), skip


def _fix_scores(items, cols: list[str], notes) -> None:
    """Rows whose value, actual and score were fused into one number: detach the score most
    rows end with, then split value and actual into equal halves. A fused run that splits no
    way is not guessed: the row keeps no value and is reported."""
    _fix_fused_scores(items, cols)
    if "actual" not in cols:
        return
    for _, row in items:
        if row is not None and not row.actual and _BARE.match(row.value) and len(row.value) >= 4:
            notes.append((row.line, f"numbers of {row.name} fused ({row.value}) and not splittable; value left empty"))
            row.value = ""
            row.uncertain |= {"value", "actual"}


def _fix_fused_scores(items, cols: list[str]) -> None:
    if "score" not in cols:
        return
    common = Counter(row.score for _, row in items if row is not None and row.score and _BARE.match(row.score))
    for _, row in items:
        if row is None:
            continue
        fused = row.value if not row.actual and not row.score else ""
        if not fused or not _BARE.match(fused):
            continue
        for score, _ in common.most_common():  # the scores other rows print, most frequent first
            rest = fused[: -len(score)]
            half = len(rest) // 2
            if fused.endswith(score) and rest and len(rest) % 2 == 0 and rest[:half] == rest[half:]:
                row.value, row.actual, row.score = rest[:half], rest[half:], score
                break


def _library_rows(joined: _Text, pos: int, end: int, header: _Header, notes):
    """Indicator libraries: ``labels? name operator unit 反映…`` with no number."""
    text = joined.folded
    items = []
    ops = [m for m in re.finditer(r"[≥≤=<>]", text[:end]) if m.start() >= pos]
    starts = []
    q = pos
    for k, m in enumerate(ops):
        seg_start = q
        unit_m = re.match(rf"\s*({UNIT_PATTERN}|[^\s反]{{0,6}}?)(?=反映|$)", text[m.end():end])
        unit_end = m.end() + (unit_m.end() if unit_m else 0)
        desc_start = unit_end
        nxt_op = ops[k + 1].start() if k + 1 < len(ops) else end
        # between this row's unit and the next operator: description, labels, next name
        tail = text[desc_start:nxt_op]
        lab = _LABEL_RE.search(tail)
        if k + 1 < len(ops):
            if lab:
                desc_end = desc_start + lab.start()
                next_start = desc_start + lab.start()
            else:
                cut = _desc_end(tail)
                desc_end = next_start = desc_start + cut
        else:
            desc_end = next_start = desc_start + (lab.start() if lab else len(tail))
        line_end = _line_end(joined, desc_start)
        starts.append((seg_start, m, unit_end, min(desc_end, line_end)))
        q = next_start
    for seg_start, m, unit_end, desc_end in starts:
        spans, name_start = _labels(text, seg_start)
        name = joined.cut(name_start, m.start())
        broken = [b for b in joined.breaks if name_start < b <= m.start()]
        line = joined.lines[name_start]
        if not name or broken or len(name) > 40:
            if name:
                notes.append((line, f"indicator name cut by a page break, row left out: {name}"))
            items.append((spans, None))
            continue
        row = ReadRow(line, name, op=joined.cut(m.start(), m.end()), unit=joined.cut(m.end(), unit_end),
                      desc=joined.cut(unit_end, desc_end), line_end=joined.lines[max(desc_end - 1, name_start)])
        items.append((spans, row))
    return items


def _line_end(joined: _Text, pos: int) -> int:
    """The folded position where the source line holding ``pos`` ends (glued rows never span lines
    except at a page break)."""
    line = joined.lines[min(pos, len(joined.lines) - 1)]
    q = pos
    while q < len(joined.folded) and joined.lines[q] == line:
        q += 1
    return q


_DESC_ENDS = ("情况", "程度", "比例", "占比", "比率", "数量", "次数", "时间", "时长", "水平", "标准", "效率", "效果",
              "进度", "质量", "规模", "成效", "能力", "范围")


def _desc_end(tail: str) -> int:
    """Where an explanation (反映…) glued to the next indicator name ends: after its last
    closing word that leaves a name of at least three characters."""
    best = None
    for w in _DESC_ENDS:
        for m in re.finditer(re.escape(w), tail):
            if len(tail) - m.end() >= 3 and (best is None or m.end() > best):
                best = m.end()
    return best if best is not None else len(tail)


def _recipient_rows(joined: _Text, pos: int, end: int, header: _Header, notes):
    """Notices with one value column per recipient: ``labels? name 反映… operator v1 v2 …``."""
    text = joined.folded
    n = len(header.recipients)
    items = []
    op_re = re.compile(r"是/否|[≥≤=<>]")
    while pos < end:
        spans, pos = _labels(text, pos)
        m = op_re.search(text, pos, end)
        if m is None:
            if spans:
                items.append((spans, None))
            if pos < end:
                notes.append((joined.lines[pos], "glued row cut before its values, left out"))
            break
        body = text[pos:m.start()]
        d = body.find("反映")
        if d <= 0:
            d = _repeated_split(body)
        name = joined.cut(pos, pos + d) if d > 0 else joined.cut(pos, m.start())
        desc = joined.cut(pos + d, m.start()) if d > 0 else ""
        vstart = m.end()
        nxt = _LABEL_RE.search(text, vstart, end)
        # the values run up to the next label or the next name (the first character that is no value)
        run_end = vstart
        vals: list[str] = []
        if m.group() == "是/否":
            while len(vals) < n and text.startswith(("是", "否"), run_end):
                vals.append(text[run_end])
                run_end += 1
        else:
            bare = re.match(r"[\d.]+(?![\d.%])", text[vstart:end])
            if bare and not _UNIT_AFTER.match(text, vstart + bare.end()):
                raw = bare.group()
                vals = _split_decimals(raw, n) or []
            else:
                vals, q = [], vstart
                while len(vals) < n:
                    t = _TOKEN.match(text, q, end)
                    if not t or not t.group():
                        break
                    vals.append(joined.cut(q, t.end()))
                    q = t.end()
                raw = text[vstart:q]
            run_end = vstart + len(raw)
        line = joined.lines[pos]
        if len(vals) != n:
            notes.append((line, f"the recipient values of {name} could not be split, value left empty"))
        row = ReadRow(line, name, desc=desc, op=m.group(), value=vals[0] if len(vals) == n else "",
                      line_end=joined.lines[max(run_end - 1, pos)])
        row.extra = {r: v for r, v in zip(header.recipients, vals)} if len(vals) == n else {}
        if len(vals) != n:
            row.uncertain = {"value"}
        items.append((spans, row))
        pos = run_end
        if nxt is not None and nxt.start() < pos:
            pos = nxt.start()
    return items


def _repeated_split(body: str) -> int:
    """Where a name ends when its explanation restates it (``设施是否验收当年建成设施是否验收``)."""
    for k in range(len(body) // 2, 3, -1):
        if body[k:].endswith(body[:k]):
            return k
    return 0
