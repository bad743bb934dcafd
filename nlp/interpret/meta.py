"""Project metadata blocks and page furniture: project name, department, year, goal, budget."""

from __future__ import annotations

import re

from nlp.interpret.vocab import key, meta_label

__all__ = ["clean_department", "inline_meta", "pairs_from_cells", "year_in", "budget_wan"]

_CODE_PREFIX = re.compile(r"^\s*[\[【(]?\d{2,}[\]】)]?\s*[-_—]?\s*")
_DEPT_SUFFIX = re.compile(r"(?:[((]部门[))]|(?<=[局委办院厅])部门)$")
#: ``预算单位:澜江市林业局`` / ``项目名称:…`` inside one line or cell
_INLINE = re.compile(r"^\s*([^::|]{2,14}?)\s*[::]\s*(\S.{0,80}?)\s*$")
_TABLE_YEAR = re.compile(r"[((]\s*((?:19|20)\d\d)\s*年度?\s*[))]|((?:19|20)\d\d)\s*年度?(?=.{0,30}(?:表|绩效|预算|项目|专项))")


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


def year_in(text: str) -> int | None:
    """The year a table title or caption states: ``(2024年度)``, ``2023年度…自评表``."""
    m = _TABLE_YEAR.search(key(text) if len(text) < 200 else text)
    if not m:
        return None
    return int(m.group(1) or m.group(2))


def budget_wan(text: str) -> float | None:
    m = re.search(r"(\d[\d,]*(?:\.\d+)?)\s*(万元|万|元)?", text)
    if not m:
        return None
    num = float(m.group(1).replace(",", ""))
    return num / 10000 if m.group(2) == "元" else num
