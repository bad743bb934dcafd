"""Decide which layout a document's performance-target tables are printed in."""

from __future__ import annotations

import re

from nlp.records import Layout

__all__ = ["detect_layout"]

#: a tab-separated header row: 一级指标⇥二级指标…
_TABBED_HEADER = re.compile(r"^一级指标\t+二级指标")
#: a header whose cells were flattened into one line with spaces (PDF text)
_GARBLED_HEADER = re.compile(r"^\s*一级指标\s+二级指标")


def detect_layout(lines: list[str]) -> Layout | None:
    """The layout of the tables in ``lines``, or None when no 一级指标/二级指标 header is found.

    Each header row is a vote: ``一级指标⇥二级指标`` on one line → TABBED;
    ``⇥一级指标`` followed by ``⇥二级指标`` on the next line → CELLS;
    ``一级指标 二级指标`` separated by spaces → GARBLED. The layout with most votes wins
    (ties go to the more structured layout: TABBED, then CELLS).
    """
    votes = {Layout.TABBED: 0, Layout.CELLS: 0, Layout.GARBLED: 0}
    for i, line in enumerate(lines):
        if "一级指标" not in line:
            continue
        if _TABBED_HEADER.match(line.lstrip("\t")) and "\t" in line.strip("\t"):
            votes[Layout.TABBED] += 1
        elif line.strip() == "一级指标" and line.startswith("\t"):
            if i + 1 < len(lines) and lines[i + 1].strip() == "二级指标":
                votes[Layout.CELLS] += 1
        elif _GARBLED_HEADER.match(line):
            votes[Layout.GARBLED] += 1
    best = max(votes, key=lambda k: votes[k])
    return best if votes[best] else None
