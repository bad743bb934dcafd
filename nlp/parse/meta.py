"""Department and budget year of a disclosure, read from its text.

Department, in order of trust:

1. a bare unit name among the first non-empty lines (``巨鹿县人力资源和社会保障局``);
2. the unit lines of the tables (``805 霸州市人力资源和社会保障局``,
   ``⇥316001魏县人力资源和社会保障局本级``) with the unit code and ``本级`` removed:
   the most frequent unit marked ``本级`` (the department's own level), else the most
   frequent unit named like a department (…局 / …厅 / …委员会), else the most frequent unit
   (subordinate units such as ``323012昌黎县农村养老保险服务中心`` print their own tables).

Budget year, in order of trust:

1. ``预算年度：2024`` printed on the budget tables;
2. ``2021 年度部门预算…`` / ``2020年部门预算…`` in the text;
3. the year digits of the 项目编码 (six-digit region code, then two digits of the year:
   ``13108124P00…`` → 2024), by majority;
4. ``提前下达2021年…`` in project names, by majority.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

__all__ = ["read_department", "read_year", "year_from_code"]

_UNIT_SUFFIX = r"(?:局|厅|委员会|委|办公室|中心|院|所|站|处|队|校|部)"
_BARE_UNIT = re.compile(rf"^[\u4e00-\u9fff（）()]{{2,40}}{_UNIT_SUFFIX}$")
_CODED_UNIT = re.compile(
    rf"^\s*(\d{{3,6}})\s*([\u4e00-\u9fff（）()]{{2,40}}?{_UNIT_SUFFIX})(本级)?\s*(?:单位[:：].*)?$"
)
_DEPARTMENT = re.compile(r"(?:局|厅|委员会|委)$")
_BUDGET_YEAR = re.compile(r"预算年度\s*[:：]\s*((?:19|20)\d\d)")
_DOC_YEAR = re.compile(r"((?:19|20)\d\d)\s*年度?\s*部门预算")
_EARLY_YEAR = re.compile(r"提前下达\s*((?:19|20)\d\d)\s*年")
_CODE_YEAR = re.compile(r"^\d{6}(\d\d)")


def read_department(lines: list[str]) -> str | None:
    """The department that published the document, or None if no unit name is found."""
    head = [line.strip() for line in lines[:40] if line.strip()][:3]
    for line in head:
        if _BARE_UNIT.match(line):
            return line
    own: Counter[str] = Counter()
    units: Counter[str] = Counter()
    for line in lines:
        if len(line) > 80 or not line.lstrip("\t")[:1].isdigit():
            continue
        m = _CODED_UNIT.match(line.strip("\t"))
        if m:
            units[m.group(2)] += 1
            if m.group(3):
                own[m.group(2)] += 1
    departments = Counter({u: n for u, n in units.items() if _DEPARTMENT.search(u)})
    for counts in (own, departments, units):
        if counts:
            return counts.most_common(1)[0][0]
    return None


def year_from_code(code: str) -> int | None:
    """The budget year encoded in a 项目编码 such as ``13108124P00D88610033C`` (→ 2024), or None."""
    m = _CODE_YEAR.match(code.strip())
    if not m or not re.search(r"[A-Z]", code):
        return None
    return 2000 + int(m.group(1))


def _majority(years: Iterable[int]) -> int | None:
    counts = Counter(y for y in years if 1990 <= y <= 2100)
    return counts.most_common(1)[0][0] if counts else None


def read_year(lines: list[str], *, codes: Iterable[str | None] = (), names: Iterable[str] = ()) -> int | None:
    """The budget year of the document, or None if nothing in it gives the year."""
    for pattern in (_BUDGET_YEAR, _DOC_YEAR):
        found = _majority(int(m.group(1)) for line in lines for m in pattern.finditer(line))
        if found:
            return found
    found = _majority(y for c in codes if c for y in [year_from_code(c)] if y)
    if found:
        return found
    return _majority(int(m.group(1)) for n in names for m in _EARLY_YEAR.finditer(n))
