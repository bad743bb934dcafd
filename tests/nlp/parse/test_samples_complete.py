"""Every indicator row of samples 001–004 is read as printed, and no row of their tables is left out.

The rows pinned in test_samples.py were checked by hand; these checks cover all 755 rows
mechanically: each field must be text of the row's own source lines (line breaks inside a cell
removed), in column order, and every printed sub-tier label must lie inside some row's line span.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from nlp.parse import parse_text
from nlp.records import ParsedDocument

SAMPLES = Path(__file__).resolve().parents[3] / "samples"
SAMPLE_FILES = {p.name[:3]: p for p in sorted(SAMPLES.glob("*.txt"))}
PREFIXES = ("001", "002", "003", "004")
FIELDS = ("name", "desc", "value", "basis")
SUB_LABEL = re.compile(r"(数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|服务对象满意度)指标")
SPACE = re.compile(r"\s")


@functools.cache
def _parsed(prefix: str) -> tuple[ParsedDocument, tuple[str, ...]]:
    text = SAMPLE_FILES[prefix].read_text(encoding="utf-8")
    return parse_text(text, file=SAMPLE_FILES[prefix].name), tuple(text.splitlines())


def _pieces(lines: tuple[str, ...], first: int, last: int) -> list[str]:
    """The row's source text without whitespace, cut where a repeated header row (page break) sits."""
    pieces, cur = [], []
    for line in lines[first - 1: last]:
        if line.strip().startswith("一级指标"):
            pieces.append("".join(cur))
            cur = []
        else:
            cur.append(SPACE.sub("", line))
    pieces.append("".join(cur))
    return pieces


def _printed_in(value: str, pieces: list[str], start: int) -> int | None:
    """Where ``value`` ends in the joined pieces, searching from ``start``; a cell continued after a page
    break may be split once across the break. None if it is not printed there."""
    joined = "".join(pieces)
    k = joined.find(value, start)
    if k >= 0:
        return k + len(value)
    offset = 0
    for before, after in zip(pieces, pieces[1:]):
        offset += len(before)
        for cut in range(1, len(value)):
            if value[:cut] in before and value[cut:] in after:  # tab rows: other cells may sit between
                return offset + after.index(value[cut:]) + len(value) - cut
    return None


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_field_of_every_row_is_printed_in_its_own_lines_in_column_order(prefix: str) -> None:
    doc, lines = _parsed(prefix)
    wrong = []
    for p in doc.projects:
        for i in p.indicators:
            pieces = _pieces(lines, i.line, i.line_end)
            pos = 0
            for field in FIELDS:
                value = SPACE.sub("", getattr(i, field))
                if not value:
                    continue
                end = _printed_in(value, pieces, pos)
                if end is None:
                    wrong.append((i.line, field, getattr(i, field)))
                    break
                pos = end if end - len(value) >= pos else pos  # split cells: order is checked up to the break
    assert wrong == []


@pytest.mark.parametrize("prefix", PREFIXES)
def test_no_printed_sub_tier_label_lies_outside_the_rows_read(prefix: str) -> None:
    doc, lines = _parsed(prefix)
    covered = {n for p in doc.projects for i in p.indicators for n in range(i.line, i.line_end + 1)}
    outside = [n for n, line in enumerate(lines, start=1) if SUB_LABEL.fullmatch(line.strip()) and n not in covered]
    assert outside == []


def test_a_field_changed_by_one_character_would_be_caught() -> None:
    # the check above is not vacuous: a wrong value is not "printed in" its row
    doc, lines = _parsed("003")
    row = doc.projects[0].indicators[0]
    pieces = _pieces(lines, row.line, row.line_end)
    assert _printed_in(SPACE.sub("", row.value), pieces, 0) is not None
    assert _printed_in(SPACE.sub("", row.value) + "0", pieces, 0) is None
