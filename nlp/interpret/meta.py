"""Project metadata blocks and page furniture: project name, department, year, goal, budget."""

from __future__ import annotations

import re

from nlp.interpret.vocab import key, meta_label

__all__ = ["clean_department", "inline_meta", "pairs_from_cells", "year_in", "budget_wan"]

_CODE_PREFIX = re.compile(r"^\s*[\[【(]?\d{2,}[\]】)]?\s*[-_—]?\s*")
_DEPT_SUFFIX = re.compile(r"(?:[((]部门[))]|(?<=[局委办院厅])部门)$")
#: ``预算单位:澜江市林业局`` / ``项目名称:…`` inside one line or cell
_INLINE = re.compile(r"^\s*([^::|]{2,14}?)\s*[::]\s*(\S.{0,80}?)\s*$")
_STRONG_YEAR = re.compile(r"[((]\s*((?:19|20)\d\d)\s*年度?\s*[))]|((?:19|20)\d\d)\s*年度|预算年度[::]?((?:19|20)\d\d)")
_WEAK_YEAR = re.compile(r"((?:19|20)\d\d)\s*年(?=.{0,30}(?:表|绩效|预算|项目|专项))")


def clean_department(text: str) -> str | None:
    """A unit name as printed, without the numeric code prefix (``607003-``) or a ``(部门)`` suffix."""
    t = _CODE_PREFIX.sub("", text.strip())
    t = _DEPT_SUFFIX.sub("", t).strip(" :：。;;")
    return t if t and t.strip("*") else None


def pairs_from_cells(texts: list[str]) -> list[tuple[str, str]]:
    """(field, value) pairs of a metadata row: a label cell followed by its value cell."""
    out: list[tuple[str, str]] = []
    n = len(texts)
    for i, t in enumerate(texts):
        f = meta_label(t)
        if f is None:
            if ":" not in t and "：" not in t:
                continue
            m = _INLINE.match(t)
            if m and meta_label(m.group(1)):
                out.append((meta_label(m.group(1)) or "", m.group(2).strip()))
            continue
        value = ""
        for k in range(i + 1, n):
            if meta_label(texts[k]):
                break
            if texts[k].strip():
                value = texts[k].strip()
                break
        if value:
            out.append((f, value))
    return out


def inline_meta(text: str) -> tuple[str, str] | None:
    """A ``label:value`` line of a metadata block (``预算单位:澜江市林业局``)."""
    m = _INLINE.match(text)
    if not m:
        return None
    f = meta_label(m.group(1))
    return (f, m.group(2).strip()) if f else None


#: the table kind a title ends with, after the project it names
_TITLE_KIND = re.compile(
    r"(?:部门|單位|单位|部門)?(?:预算|預算)?(?:项目|項目)?(?:整体|整體)?(?:支出)?(?:绩效|績效)"
    r"(?:目标|目標|自评|自評|评价|評價|评价指标完成情况|指标完成情况)[^,。;:]{0,8}?(?:表|完成情况)$"
)
_UNIT_YEAR = re.compile(r"^[\u4e00-\u9fff]{2,24}?(?:局|委员会|办公室|中心|所|站|院|省|市|区|县|州|旗|乡|镇)((?:19|20)\d\d年度?)")
#: the funding channel a transfer-payment title puts before the fund's name
_CHANNEL = re.compile(r"^(?:中央(?:财政)?对地方|中央|省级?|市级?)(?:财政)?转移支付(?:资金)?(?=[\u4e00-\u9fff]{4})")


def title_project(text: str) -> str | None:
    """The project a table title names (``2021年人工影响天气作业经费整体支出绩效自评表``), or None.

    A leading unit and its year (``XX所2016年度``) are not part of the name; generic titles
    (``部门预算项目支出绩效自评表``) name none.
    """
    t = text.strip()
    m = _TITLE_KIND.search(t)
    if not m:
        return None
    name = t[: m.start()]
    u = _UNIT_YEAR.match(name)
    if u:
        name = name[u.end():]
    name = _CHANNEL.sub("", name)
    name = name.strip(" :()()")
    if len(name) < 4 or re.fullmatch(r"(?:19|20)\d\d年度?", name):
        return None
    return name


def year_in(text: str) -> tuple[int, bool] | None:
    """The year a table title or caption states and whether it is stated as the budget year
    (``(2024年度)``, ``2023年度…自评表``: strong) or only as a year (``2022年…绩效目标表``: weak)."""
    k = key(text) if len(text) < 200 else text
    m = _STRONG_YEAR.search(k)
    if m:
        return int(m.group(1) or m.group(2) or m.group(3)), True
    m = _WEAK_YEAR.search(k)
    return (int(m.group(1)), False) if m else None


def budget_wan(text: str) -> float | None:
    m = re.search(r"(\d[\d,]*(?:\.\d+)?)\s*(万元|万|元)?", text)
    if not m:
        return None
    num = float(m.group(1).replace(",", ""))
    return num / 10000 if m.group(2) == "元" else num
