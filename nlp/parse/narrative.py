"""Project budgets printed only in a narrative paragraph (``项目支出 … 主要是：A 24.2 万元、B 2 万元、…``).

Some disclosures (sample 000) give no 预算数 in the project tables; the 支出说明 paragraph
lists each project with its amount instead. :func:`parse_narrative_budgets` reads that
list and :func:`match_budgets` attaches the amounts to table names (exact, then fuzzy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from nlp.records import ParseIssue, Severity

__all__ = ["BudgetItem", "NarrativeBudgets", "parse_narrative_budgets", "match_budgets", "name_key"]

_TOTAL = re.compile(r"项目支出\s*(?P<total>\d+(?:\.\d+)?)\s*万\s*元")
_LIST = re.compile(r"主要是[：:]")
#: how many lines after the total the list may start
_LOOKAHEAD = 4
_ITEM = re.compile(r"^(?P<name>.+?)\s*(?P<num>\d+(?:\.\d+)?)\s*万\s*元$")
_WS = re.compile(r"\s+")

#: fuzzy matches below this rapidfuzz ratio are not accepted
MIN_FUZZY_SCORE = 85.0


@dataclass(frozen=True)
class BudgetItem:
    """One ``name amount 万元`` entry of the narrative list."""

    name: str
    budget_wan: float
    line: int


@dataclass(frozen=True)
class NarrativeBudgets:
    items: tuple[BudgetItem, ...]
    total_wan: float | None  #: the 项目支出 total printed before the list
    issues: tuple[ParseIssue, ...] = ()


def name_key(name: str) -> str:
    """A project name with all white space removed (PDF extraction inserts spaces)."""
    return _WS.sub("", name)


def parse_narrative_budgets(lines: list[str], *, file: str) -> NarrativeBudgets:
    """Find the ``项目支出 … 主要是：`` list and split it into (name, 万元) items.

    The list may be wrapped over many lines with blank lines between and with
    lines of an unrelated table interleaved (a PDF page break); lines inside the
    list that hold neither a digit nor a ``、`` are skipped and reported (INFO).
    The list ends at the first ``。``.
    """
    issues: list[ParseIssue] = []
    for t, tline in enumerate(lines):
        tm = _TOTAL.search(tline)
        if tm is None:
            continue
        total = float(tm.group("total"))
        found = None
        for i in range(t, min(t + _LOOKAHEAD + 1, len(lines))):
            m = _LIST.search(lines[i], tm.end() if i == t else 0)
            if m is not None:
                found = (i, lines[i], m)
                break
        if found is None:
            continue
        i, line, m = found
        # (char offset -> line number) so that every item knows where it starts
        text, where = "", []
        rest = line[m.end():]
        j = i
        while True:
            stop = rest.find("。")
            chunk = rest if stop < 0 else rest[:stop]
            where.extend([j + 1] * len(chunk))
            text += chunk
            if stop >= 0:
                break
            j += 1
            if j >= len(lines):
                issues.append(ParseIssue(file, i + 1, "narrative budget list has no closing '。'", Severity.WARNING))
                break
            rest = lines[j].strip()
            if rest and not re.search(r"\d|、", rest):
                issues.append(
                    ParseIssue(file, j + 1, f"line skipped inside the narrative budget list: {rest!r}", Severity.INFO)
                )
                rest = ""
        items: list[BudgetItem] = []
        pos = 0
        carry, carry_line = "", 0  # a name that itself contains 、 (…城乡居民养老、就业…)
        for part in text.split("、"):
            start = pos
            pos += len(part) + 1
            part = part.strip()
            if not part:
                continue
            line_no = where[min(start, len(where) - 1)] if where else i + 1
            if carry:
                part, line_no = f"{carry}、{part}", carry_line
            im = _ITEM.match(part)
            if im is None:
                carry, carry_line = part, line_no
                continue
            carry = ""
            items.append(BudgetItem(im.group("name").strip(), float(im.group("num")), line_no))
        if carry:
            issues.append(
                ParseIssue(file, carry_line, f"narrative budget entry without an amount in 万元: {carry!r}", field="budget_wan")
            )
        listed = round(sum(it.budget_wan for it in items), 2)
        if abs(listed - total) > 0.005:
            issues.append(
                ParseIssue(
                    file, i + 1,
                    f"narrative budget items sum to {listed} 万元 but the printed 项目支出 total is {total} 万元",
                    field="budget_wan",
                )
            )
        return NarrativeBudgets(tuple(items), total, tuple(issues))
    return NarrativeBudgets((), None, ())


def match_budgets(
    names: list[str], items: tuple[BudgetItem, ...], *, file: str
) -> tuple[list[BudgetItem | None], tuple[ParseIssue, ...]]:
    """Attach narrative items to project names: exact (white space ignored), then fuzzy.

    Fuzzy pairs are taken greedily by descending ``fuzz.ratio`` (≥ MIN_FUZZY_SCORE),
    each name and item used once; every fuzzy match and every leftover is reported.
    Returns one item (or None) per name, in the order of ``names``.
    """
    issues: list[ParseIssue] = []
    result: list[BudgetItem | None] = [None] * len(names)
    free = list(range(len(items)))
    for n, name in enumerate(names):
        for k in free:
            if name_key(items[k].name) == name_key(name):
                result[n] = items[k]
                free.remove(k)
                break
    pairs = sorted(
        (
            (fuzz.ratio(name_key(names[n]), name_key(items[k].name)), n, k)
            for n in range(len(names))
            if result[n] is None
            for k in free
        ),
        reverse=True,
    )
    used_items: set[int] = set()
    for score, n, k in pairs:
        if score < MIN_FUZZY_SCORE or result[n] is not None or k in used_items:
            continue
        result[n] = items[k]
        used_items.add(k)
        issues.append(
            ParseIssue(
                file, items[k].line,
                f"narrative budget entry {items[k].name!r} matched to project {names[n]!r} by similarity ({score:.0f})",
                Severity.INFO, field="budget_wan",
            )
        )
    for k in free:
        if k not in used_items:
            issues.append(
                ParseIssue(
                    file, items[k].line,
                    f"narrative budget entry {items[k].name!r} ({items[k].budget_wan} 万元) matches no project table",
                    field="budget_wan",
                )
            )
    return result, tuple(issues)
