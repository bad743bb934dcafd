"""Department-level free-text targets: 部门整体绩效目标 (总体) and 分项绩效目标.

The section runs from the first 总体绩效目标 heading to 工作保障措施 (or the first
project table). Inside it:

* 总体: every text line under the 总体 heading → one :class:`DeptTarget` (kind 总体);
* 分项: a numbered heading (``（一）做好…``, ``1.争创…``, ``1、是突出…``) opens an item;
  ``绩效目标：…`` / ``绩效目标1：…`` lines open a target under that heading and the
  following ``绩效指标：…`` lines are its indicators (004 prints the heading and the
  label on one line: ``（一）就业工作绩效目标：…``). Prose under a heading without
  labels is a target of its own; a bare heading that is a full sentence (ends in 。)
  is taken as the target itself.

Text wrapped over several lines (PDF extraction) is joined without a separator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlp.normalize import clean_cell
from nlp.records import DeptTarget, ParseIssue, Severity

__all__ = ["parse_dept_targets"]

_SHORT = 40
_LABEL = re.compile(r"^(?P<head>.{0,30}?)绩效(?P<kind>目标|指标)\s*\d*\s*[:：]\s*(?P<text>.*)$")
_HEADING = re.compile(r"^[（(]?\s*[一二三四五六七八九十\d]+\s*[)）、.．]")
_END = re.compile(r"工作保障措施|预算项目绩效目标|专项资金绩效目标|部门项目预算|^\s*\d+\s*[、.．].*绩效目标表\s*$")


def _is_short(line: str) -> bool:
    return len(line) <= _SHORT and "\t" not in line and "....." not in line


@dataclass
class _Item:
    heading: str
    line: int
    line_end: int
    target: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    into: str = "target"

    def add(self, text: str, line: int) -> None:
        (self.target if self.into == "target" else self.indicators).append(text)
        self.line_end = line


def _emit(out: list[DeptTarget], kind: str, item: _Item | None) -> None:
    if item is None:
        return
    target = "".join(item.target)
    indicators = "".join(item.indicators)
    if target or indicators:
        out.append(DeptTarget(kind, clean_cell(item.heading), clean_cell(target), clean_cell(indicators), item.line, item.line_end))


def parse_dept_targets(lines: list[str], *, file: str) -> tuple[tuple[DeptTarget, ...], tuple[ParseIssue, ...]]:
    """The department-level targets of a document and, if there are none, an issue saying so."""
    start = next(
        (i for i, line in enumerate(lines) if "总体绩效目标" in line and _is_short(line.strip())),
        None,
    )
    if start is None:
        return (), (ParseIssue(file, 1, "no 部门整体绩效目标 / 总体绩效目标 section found", Severity.INFO),)
    out: list[DeptTarget] = []
    total = _Item(lines[start].strip(), start + 2, start + 1)
    mode = "总体"
    heading = ""
    heading_line = 0
    heading_used = True
    item: _Item | None = None
    prose: _Item | None = None
    for i in range(start + 1, len(lines)):
        text = lines[i].strip()
        n = i + 1
        if not text:
            continue
        if _is_short(text) and _END.search(text):
            break
        if mode == "总体":
            if _is_short(text) and "分项绩效目标" in text:
                mode = "分项"
                _emit(out, "总体", total)
            elif not (_is_short(text) and ("总体绩效目标" in text or "部门整体绩效目标" in text)):
                if not total.target:
                    total.line = n
                total.add(text, n)
            continue
        label = _LABEL.match(text)
        if label:
            _emit(out, "分项", prose)
            prose = None
            head = label.group("head").strip()
            if label.group("kind") == "目标" or item is None:
                _emit(out, "分项", item)
                item = _Item(head or heading, n, n)
                heading_used = True
                if label.group("kind") == "指标":
                    item.into = "indicators"
            else:
                item.into = "indicators"
            item.add(label.group("text"), n)
            continue
        if _is_short(text) and _HEADING.match(text):
            _emit(out, "分项", item)
            _emit(out, "分项", prose)
            item = prose = None
            if not heading_used and heading.endswith("。"):
                out.append(DeptTarget("分项", heading, heading, "", heading_line, heading_line))
            heading, heading_line, heading_used = text, n, False
            continue
        if item is not None:
            item.add(text, n)
        else:
            if prose is None:
                prose = _Item(heading, n, n)
            prose.add(text, n)
            heading_used = True
    if mode == "总体":
        _emit(out, "总体", total)
    _emit(out, "分项", item)
    _emit(out, "分项", prose)
    if not heading_used and heading.endswith("。"):
        out.append(DeptTarget("分项", heading, heading, "", heading_line, heading_line))
    out.sort(key=lambda t: t.line)
    return tuple(out), ()
