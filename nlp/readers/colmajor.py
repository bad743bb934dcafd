"""Reader for tables read column by column: a run of names, then a run of values.

Some forms (provincial fund forms copied from a PDF or a Word document laid out in
text boxes) come out column-major::

    三级指标 培训人数(人) 培训人次(人次)
    考核合格率(%) 学员满意度(%)
    年度目标值
    1500 3000 90% 95%
    实施周期目标值
    4500 9000 90% 95% 逐步提高

The names (after 三级指标 / 指标名称, possibly over several lines) are zipped by position
with the first run of values after a value header (年度目标值 / 年度指标值 / 指标值 /
目标值); a second run (实施周期目标值, 中期目标值) is not the year's target and is not read;
values beyond the names are ignored, names beyond the values keep no value (reported).
No tier columns are printed, so tier and sub-tier stay unknown. The metadata block of
such forms is column-major too: the project is the line naming a fund or project alone,
the department the token naming a unit.
"""

from __future__ import annotations

import re

from nlp.normalize import fold_script
from nlp.readers.rowsheet import VALUE, ReadRow, build_sheet
from nlp.table import Sheet

__all__ = ["looks_like", "read"]

#: a name run's header in either script (a cheap test before folding every line)
_QUICK = re.compile(r"^\s*(?:三[级級]指[标標]|指[标標]名[称稱])(?:\([a-zā-ǜ]+\))*\s+\S")
_NAMES_HEAD = re.compile(r"^\s*(?:三级指标|指标名称)\s+(?P<rest>\S.*)$")
_VALUE_HEAD = re.compile(r"^\s*(?:年度目标值|年度指标值|年度指标|指标值|目标值)\s*$")
_OTHER_HEAD = re.compile(r"^\s*(?:实施周期目标值|中期目标值|长期目标值|实施期目标值|中期指标值)\s*$")
_VALUE_TOKEN = re.compile(rf"^{VALUE}$")
_HEADER_WORD = re.compile(r"^(?:指标|计量单位|单位|分值|得分|权重|指标权重|完成值|实际完成值|全年实际完成值|指标值|年度指标值|"
                          r"偏差原因|备注|说明|指标性质|指标方向|指标解释)")
_PROJECT = re.compile(r"^[\u4e00-\u9fff()（）“”、]{4,40}(?:专项资金|资金|项目|经费)$")
_UNIT = re.compile(r"^[\u4e00-\u9fff]{2,30}(?:委员会|局|厅|委|办公室|中心)$")


def _layout(lines: list[str]):
    """(names start, value header line, names with their lines) of the first column-major table."""
    folded = [fold_script(x) for x in lines]
    for i, line in enumerate(folded):
        m = _NAMES_HEAD.match(line)
        if not m:
            continue
        names: list[tuple[int, str]] = [(i + 1, t) for t in lines[i].split()[1:]]
        for j in range(i + 1, min(i + 12, len(lines))):
            if _VALUE_HEAD.match(folded[j]):
                if len(names) >= 2:
                    return i, j, names
                break
            if not folded[j].strip() or _OTHER_HEAD.match(folded[j]):
                break
            names.extend((j + 1, t) for t in lines[j].split())
    return None


def looks_like(lines: list[str]) -> float:
    """How sure this reader is that the text is column-major (0–1): a name run after 三级指标 and
    a value header followed by a run of values."""
    if not any(_QUICK.match(line) for line in lines):
        return 0.0
    found = _layout(lines)
    if found is None:
        return 0.0
    _, j, names = found
    if j + 1 >= len(lines):
        return 0.0
    values = lines[j + 1].split()
    if len(values) < 2 or not all(_VALUE_TOKEN.match(fold_script(v)) for v in values[:2]):
        return 0.0
    if any(_VALUE_TOKEN.match(fold_script(n)) or _HEADER_WORD.search(fold_script(n)) for _, n in names):
        return 0.0  # a header line of a space-separated table, not a run of names
    return 0.8


def read(lines: list[str], file: str = "") -> Sheet:
    """Names zipped with the year's values (see the module docstring)."""
    found = _layout(lines)
    if found is None:
        return build_sheet("colmajor", lines, [])
    i, j, names = found
    values: list[tuple[int, str]] = []
    k = j + 1
    while k < len(lines) and lines[k].strip() and not _OTHER_HEAD.match(fold_script(lines[k])):
        for tok in lines[k].split():
            if _VALUE_TOKEN.match(fold_script(tok)):
                values.append((k + 1, tok))
        k += 1
    notes = []
    if len(values) < len(names):
        notes.append((j + 1, f"{len(names)} indicator names but {len(values)} values; the last names keep no value"))
    rows = []
    for (line, name), value in zip(names, [*values, *[(0, "")] * len(names)]):
        rows.append(ReadRow(line, name, value=value[1], line_end=value[0] or None,
                            uncertain=set() if value[1] else {"value"}))
    meta = _meta(lines[:i])
    used = set(range(i + 1, k + 1))
    return build_sheet("colmajor", lines, rows, meta=meta, table_lines=used, notes=notes)


_AMOUNT_YEAR = re.compile(r"((?:19|20)\d\d)\s*年\s*(?:金额|预算|资金)")


def _meta(head: list[str]) -> list[tuple[int, str, str]]:
    """Project, department and the year of the annual amounts (``2022年金额``) of the metadata block."""
    out: list[tuple[int, str, str]] = []
    for n, line in enumerate(head, start=1):
        y = _AMOUNT_YEAR.search(line)
        if y and not any(label == "年度" for _, label, _ in out):
            out.append((n, "年度", f"{y.group(1)}年度"))
        text = line.strip()
        if not any(label == "项目名称" for _, label, _ in out) and _PROJECT.match(text):
            out.append((n, "项目名称", text))
            continue
        if out and not any(label == "主管部门" for _, label, _ in out):
            for tok in text.split():
                if _UNIT.match(tok):
                    out.append((n, "主管部门", tok))
                    break
    return out
