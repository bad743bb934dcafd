"""Shared pieces every layout parser uses to turn raw cells into records."""

from __future__ import annotations

from dataclasses import dataclass, field

from nlp.normalize import SUB_PARENT, canonical_sub, canonical_tier, clean_cell, parse_value
from nlp.records import DeptTarget, Indicator, ParseIssue, Project

__all__ = ["LayoutResult", "make_indicator"]


@dataclass(frozen=True)
class LayoutResult:
    """What a layout parser returns for one document (metadata is read separately)."""

    projects: tuple[Project, ...]
    dept_targets: tuple[DeptTarget, ...] = ()
    issues: tuple[ParseIssue, ...] = field(default_factory=tuple)


def make_indicator(
    *,
    tier_raw: str,
    sub_raw: str,
    name: str,
    desc: str,
    value: str,
    basis: str,
    line: int,
    line_end: int,
    uncertain: tuple[str, ...] = (),
) -> Indicator:
    """Build an :class:`Indicator` from printed cells: clean them, keep them, and add canonical forms.

    The tier is taken from the printed 一级; where that is empty or unknown it is
    implied by the canonical sub-tier (a 数量 row is an 产出 row).
    """
    tier_raw, sub_raw = clean_cell(tier_raw), clean_cell(sub_raw)
    value = clean_cell(value)
    sub = canonical_sub(sub_raw) if sub_raw else None
    tier = canonical_tier(tier_raw) if tier_raw else None
    if tier is None and sub is not None:
        tier = SUB_PARENT[sub]
    return Indicator(
        tier=tier,
        tier_raw=tier_raw,
        sub=sub,
        sub_raw=sub_raw,
        name=clean_cell(name),
        desc=clean_cell(desc),
        value=value,
        basis=clean_cell(basis),
        line=line,
        line_end=line_end,
        parsed=parse_value(value),
        uncertain=tuple(uncertain),
    )
