"""Reader for forms flattened onto one line with their cells scattered.

Spreadsheets and PDFs saved as text by some document sites print the whole form on one
line, cell texts separated by spaces but not in row order: header words, tier labels,
names and numbers interleave, labels are broken (``效益指 标(30 分)``, ``服务对象满 …
意度指标``) and value groups may come before their names::

    … 数量指标 指标1:全年转运总量 产出 指标 (50分 ) 实际 指标值 完成值 4.3万吨 分值 得分 …
    4.1万吨 15 13 质量指标 指标1:渗滤液规 范处置 100% 100% 15 15 … 85元 85元 10 10 …
    成本指标 指标1:每吨转运补助标准 效益指 标(30 分) …

What is certain is the order within each kind, so the reader collects the numbered names
(``指标1:…``, a name broken by a space is joined back) and the value groups (as many values
per group as the header has value columns: 指标值 / 完成值 / 分值 / 得分) separately and
zips them by order; tier and sub-tier labels are read from the text between two names
(fragments joined, scores kept with their tier label), a tier printed after the first name
of its block applies to that block. Surplus values (totals) are ignored.
"""

from __future__ import annotations

import re

from nlp.normalize import fold_script, read_label
from nlp.readers.rowsheet import VALUE, ReadRow, build_sheet, split_meta
from nlp.table import Sheet

__all__ = ["looks_like", "read"]

#: numbered names in either script (a cheap test before folding the tokens)
_QUICK = re.compile(r"指[标標]\s*\d{1,2}\s*[:：]")
_NAME_START = re.compile(r"^指标\s*\d{1,2}\s*[:：]")
_VALUE_TOKEN = re.compile(rf"^{VALUE}$")
_HEADER_TOKENS = {
    "指标值": "value", "年度指标值": "value", "目标值": "value",
    "完成值": "actual", "实际完成值": "actual", "全年完成值": "actual",
    "分值": "weight", "权重": "weight",
    "得分": "score",
}
_HEADER_WORDS = re.compile(
    r"^(?:[一二三]级指标|[一二三]级|指标|绩效指标|实际|指标值|完成值|分值|得分|年度|年度总体目标|总体目标|"
    r"预期目标|实际完成情况|偏差原因分析及改进措施|偏差原因|改进措施|施)$"
)
_LABEL = re.compile(
    r"(?:产出|效益|满意度|成本|效果)指标(?:\(\d+(?:\.\d+)?分\))?"
    r"|(?:数量|质量|时效|成本|经济效益|社会效益|生态效益|环境效益|可持续影响|服务对象满意度|经济成本)指标"
    r"|经济效益|社会效益|生态效益|可持续影响|服务对象满意度"
)
_SCORE_FRAGMENT = re.compile(r"\(\d+(?:\.\d+)?分\)?|\)")


def _tokens(line: str) -> list[str]:
    return line.split()


def _region(tokens: list[str]) -> tuple[int, int] | None:
    start = next((k for k, t in enumerate(tokens) if fold_script(t) in ("三级指标", "指标名称")), None)
    if start is None:
        return None
    end = next((k for k in range(start, len(tokens)) if fold_script(tokens[k]) in ("总分", "合计")), len(tokens))
    return start, end


def looks_like(lines: list[str]) -> float:
    """How sure this reader is that the text is a flattened form (0–1): one long line holding
    the name header, numbered names and scattered values."""
    for line in lines:
        if len(line) < 200 or len(_QUICK.findall(line)) < 2:
            continue
        toks = _tokens(line)
        region = _region(toks)
        if region is None:
            continue
        inner = toks[region[0]:region[1]]
        names = sum(1 for t in inner if _NAME_START.match(fold_script(t)))
        values = sum(1 for t in inner if _VALUE_TOKEN.match(fold_script(t)))
        if names >= 2 and values >= 2 * names:
            return 0.8
    return 0.0


def _label_run(tokens: list[str], k: int) -> int:
    """How many tokens from ``k`` join into a tier/sub-tier label (0 if none)."""
    best = 0
    joined = ""
    first = len(fold_script(tokens[k])) if k < len(tokens) else 0
    for m in range(k, min(k + 5, len(tokens))):
        joined += fold_script(tokens[m])
        lab = read_label(joined)
        word = _LABEL.match(joined)
        if lab is not None and (lab.is_tier or lab.is_sub) and word and word.end() >= first:
            best = m - k + 1
    return best


def _header_run(folded: list[str], k: int) -> bool:
    """Whether the tokens from ``k`` spell a header word letter-spaced (``绩 效 指 标``)."""
    joined = ""
    for m in range(k, min(k + 6, len(folded))):
        joined += folded[m]
        if m > k and _HEADER_WORDS.match(joined):
            return True
    return False


def read(lines: list[str], file: str = "") -> Sheet:
    """Names zipped with value groups, labels from the text between names (see the module docstring)."""
    for n, line in enumerate(lines, start=1):
        toks = _tokens(line)
        region = _region(toks) if len(line) >= 200 else None
        if region is None:
            continue
        folded = [fold_script(t) for t in toks]
        a, b = region
        # names: a numbered name and the broken pieces that continue it
        names: list[tuple[int, int]] = []  # token spans
        k = a
        while k < b:
            if _NAME_START.match(folded[k]):
                e = k + 1
                while (e < b and not _VALUE_TOKEN.match(folded[e]) and not _NAME_START.match(folded[e])
                       and not _HEADER_WORDS.match(folded[e]) and not folded[e].startswith(("(", "("))
                       and _label_run(toks, e) == 0 and not _header_run(folded, e) and len(folded[e]) <= 6):
                    e += 1
                names.append((k, e))
                k = e
            else:
                k += 1
        if len(names) < 2:
            continue
        in_name = {i for s, e in names for i in range(s, e)}
        columns = []
        for t in folded[a:b]:
            role = _HEADER_TOKENS.get(t)
            if role and role not in columns:
                columns.append(role)
        width = len(columns) or 2
        values = [toks[i] for i in range(a, b) if i not in in_name and _VALUE_TOKEN.match(folded[i])]
        groups = [values[i:i + width] for i in range(0, len(values) - width + 1, width)]
        order = [c for c in ("value", "actual", "weight", "score") if c in columns] or ["value", "actual"]
        rows: list[ReadRow] = []
        tier = ""
        bounds = [a, *[x for s, e in names for x in (s, e)], b]
        gaps = [(bounds[2 * i], bounds[2 * i + 1]) for i in range(len(names) + 1)]
        for idx, (s, e) in enumerate(names):
            before = _gap_text(toks, folded, *gaps[idx])
            after = _gap_text(toks, folded, *gaps[idx + 1])
            tier_b, sub_b, tail = _labels(before)
            tier_a, _, _ = _labels(after)
            sub = sub_b
            if not sub and tail:  # a sub-tier label split around the name (服务对象满 … 意度指标)
                _, sub, _ = _labels(tail + _SCORE_FRAGMENT.sub("", after))
            if tier_b:
                tier = _with_score(tier_b, after)
            elif not tier and tier_a:
                tier = tier_a
            group = groups[idx] if idx < len(groups) else []
            vals = dict(zip(order, group))
            rows.append(ReadRow(n, "".join(toks[s:e]), tier=tier, sub=sub, value=vals.get("value", ""),
                                actual=vals.get("actual", ""), score=vals.get("score", ""),
                                uncertain=set() if group else {"value", "actual"}))
        notes = []
        if len(groups) < len(names):
            notes.append((n, f"{len(names)} indicator names but {len(groups)} value groups; the last names keep no value"))
        meta = []
        for label, value in split_meta(" ".join(toks[:a])):
            first = value.split()[0] if value.split() else ""
            if first and label in ("项目名称", "主管部门", "实施单位", "专项名称", "资金名称"):
                meta.append((n, label, first))
        return build_sheet("flattened", lines, rows, meta=meta, table_lines={n}, notes=notes)
    return build_sheet("flattened", lines, [])


def _gap_text(toks: list[str], folded: list[str], s: int, e: int) -> str:
    """The labels' share of the text between two names: tokens that are no value and no header word, joined."""
    return "".join(toks[i] for i in range(s, e)
                   if not _VALUE_TOKEN.match(folded[i]) and (folded[i] == "指标" or not _HEADER_WORDS.match(folded[i])))


def _labels(text: str) -> tuple[str, str, str]:
    """(tier label, last sub-tier label, text after the last label) found in a gap."""
    f = fold_script(text)
    tier = sub = ""
    last_end = 0
    for m in _LABEL.finditer(f):
        lab = read_label(m.group())
        if lab is None:
            continue
        # a label that can be either (满意度指标) is the tier when more label text follows it
        if lab.is_tier and (not lab.is_sub or m.group().endswith("分)") or f[m.end():].strip()):
            tier = m.group()
        else:
            sub = m.group()
        last_end = m.end()
    return tier, sub, f[last_end:]


def _with_score(tier: str, after: str) -> str:
    """A tier label whose score was printed after the row's name (``满意度 指标 … (10分 …)``)."""
    if "分" in tier:
        return tier
    m = re.match(r"\((\d+(?:\.\d+)?)分", fold_script(after))
    return f"{tier}({m.group(1)}分)" if m else tier
