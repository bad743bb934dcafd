"""Figures promised in a project's targets text (年度目标 / 总体目标) and the figures its indicators carry.

「通过举办6场招聘会、2场直播带岗活动」 promises 6 场 (topic 「举办…招聘会」) and 2 场 (「直播带岗活动」);
「参保覆盖率达到95%以上」 promises 95 % on 「参保覆盖率」. Rule R22 (:mod:`models.audit.rules_targets`)
compares them with the indicators. Pure functions over strings; no state.

Not promises: years (2020年), list numbers (1、 / 目标内容 1), document numbers (〔2023〕6号), ordinals
(第2批), durations in years or months, and per-unit standards (「按每生每学年500元计算」, 「元/人」).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.normalize import to_halfwidth
from nlp.records import Indicator

__all__ = ["Promise", "Figure", "promises_in", "figures_of", "value_figure", "topic_overlap", "same_amount"]

# longest first: 万人次 before 人次 before 人; 个工作日 before 个
_UNITS = ("万人次", "人次", "万人", "万元", "亿元", "元", "百分比", "%", "个工作日", "工作日", "天", "人", "户", "场",
          "次", "件", "笔", "家", "份", "卷", "所", "名", "项", "期", "批", "套", "台", "辆", "册", "篇", "个")
_FIGURE = re.compile(
    r"(?<![\d.\]〕】)])(\d+(?:\.\d+)?)\s*(" + "|".join(re.escape(u) for u in _UNITS) + r")(?![/月工\d])"
)
_CLAUSE_END = re.compile(r"[，,。；;：:！!？?]")
_SENTENCE_END = re.compile(r"[。；;！!？?]|\s(?=\d{1,2}[、.．](?!\d))|(?<=[^\d])(?=\d{1,2}[、](?!\d))")
# list numbering at the start of a sentence: 「1、」 「2.」 「目标内容 1」
_LIST_MARK = re.compile(r"^(\d{1,2}(、|[.．](?!\d))\s*)?(目标内容\s*\d{1,2}\s*)?")
_HAN = re.compile(r"[\u4e00-\u9fff]+")
# filler words at the edges of a topic: 「参保覆盖率达到」 → 「参保覆盖率」, 「共」 → 「」
_LEAD_FILL = re.compile(r"^(的|以上|以内|左右|及以上|为|对|共计|共|约|预计|全年|年度|通过|实现|带动|促进)+")
_TRAIL_FILL = re.compile(r"(达到|达|不低于|不少于|不超过|不高于|保持在|控制在|在|为|共计|共|约|预计|全年|年|通过|对)+$")
_PER_UNIT = re.compile(r"每[\u4e00-\u9fff]{0,4}$")
_PEOPLE = frozenset({"人", "人次", "万人", "万人次", "名"})


@dataclass(frozen=True)
class Figure:
    """A number with its unit, in comparable form."""

    amount: float  #: 人 for 万人 (×10000), 万元 for any money, the number otherwise
    kind: str  #: percent | count | money | time
    unit: str  #: as printed, canonical for 百分比 → %
    family: str  #: units that count the same thing: people, the unit itself otherwise


@dataclass(frozen=True)
class Promise:
    """A figure the targets text commits to, with the words around it."""

    figure: Figure
    text: str  #: the figure as printed, e.g. 「6场」
    phrase: str  #: its clause, e.g. 「通过举办6场招聘会」
    sentence: str  #: the sentence it is in (the evidence a reviewer reads)
    topic: str  #: Han words before and after the figure in its clause, fillers removed


def _figure(num: float, unit: str) -> Figure:
    if unit == "百分比":
        unit = "%"
    if unit in ("万人", "万人次"):
        return Figure(num * 10000, "count", unit, "people")
    if unit in ("元", "万元", "亿元"):
        return Figure(num * {"元": 0.0001, "万元": 1.0, "亿元": 10000.0}[unit], "money", unit, "money")
    if unit in ("天", "工作日", "个工作日"):
        return Figure(num, "time", unit, "days")
    if unit == "%":
        return Figure(num, "percent", unit, "%")
    return Figure(num, "count", unit, "people" if unit in _PEOPLE else unit)


def _sentences(text: str) -> list[str]:
    parts = [p.strip(" 　") for p in _SENTENCE_END.split(text)]
    parts = [_LIST_MARK.sub("", p) for p in parts if p]
    return [p for p in parts if p]


def _topic_side(text: str, *, before: bool) -> str:
    """Han words next to a figure (up to the neighbouring figure or 、), fillers removed."""
    piece = re.split(r"\d|、", text)[-1 if before else 0]
    han = "".join(_HAN.findall(piece.lstrip(" 年") if before else piece))
    han = han[-12:] if before else han[:10]
    return _TRAIL_FILL.sub("", han) if before else _LEAD_FILL.sub("", han)


def promises_in(targets: str) -> list[Promise]:
    """The figures a targets text promises, in order, each once (repeated sentences are common)."""
    out: list[Promise] = []
    seen: set[tuple[float, str, str]] = set()
    for sentence in _sentences(to_halfwidth(targets)):
        prev_topic, prev_clause = "", ""
        for clause in _CLAUSE_END.split(sentence):
            for m in _FIGURE.finditer(clause):
                head, tail = clause[:m.start()], clause[m.end():]
                if _PER_UNIT.search(head) or head.endswith("第") or tail.startswith(("年", "月", "周岁", "号")):
                    continue
                fig = _figure(float(m.group(1)), m.group(2))
                topic = _topic_side(head, before=True) + _topic_side(tail, before=False)
                phrase = clause.strip()
                if len(topic) < 2:  # 「…免住宿费，共32人」: the topic is the clause before
                    topic, phrase = prev_topic + topic, f"{prev_clause.strip()}，{phrase}"
                key = (fig.amount, fig.family, topic)
                if key in seen:
                    continue
                seen.add(key)
                out.append(Promise(fig, m.group(0), phrase, sentence, topic))
            prev_topic, prev_clause = _TRAIL_FILL.sub("", "".join(_HAN.findall(clause)))[-12:], clause
    return out


def figures_of(ind: Indicator) -> list[Figure]:
    """The figures an indicator carries: its value (first) and any figure printed in its name or description
    (「举办线下6场招聘会完成率」)."""
    fig = value_figure(ind)
    out = [fig] if fig is not None else []
    text = to_halfwidth(f"{ind.name}，{ind.desc}")
    return out + [_figure(float(m.group(1)), m.group(2)) for m in _FIGURE.finditer(text)]


def value_figure(ind: Indicator) -> Figure | None:
    """The figure of an indicator's value, when it is a number with a unit a promise can have."""
    p = ind.parsed
    return _figure(p.num, p.unit) if p.num is not None and p.unit in _UNITS else None


def same_amount(a: Figure, b: Figure) -> bool:
    """Equal figures of the same kind (any two counts may agree: 「4笔」 and 「4个」 count the same loans)."""
    return a.kind == b.kind and abs(a.amount - b.amount) <= 1e-6 * max(1.0, abs(a.amount))


def topic_overlap(topic: str, name: str) -> str:
    """The longest run of Han characters the promise's topic and an indicator name share."""
    name = "".join(_HAN.findall(name))
    best = ""
    for i in range(len(topic)):
        for j in range(i + len(best) + 1, len(topic) + 1):
            if topic[i:j] in name:
                best = topic[i:j]
            else:
                break
    return best
