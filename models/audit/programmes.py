"""Programmes and funding streams: which projects are the same programme, what a text is funded for.

A department often budgets one programme as several projects — one per funding stream
(中央 / 省级 / 县级配套, two batches of one year). Those projects legitimately share their
indicators, so the copy-paste rule (R23) counts *programmes*, not projects. Two projects are
streams of one programme when their names agree once years, levels of government and fund words
are removed, when the money is spent on the same thing (their 资金用途 agree the same way), or when
their targets list the same tasks, each with its own figures:
「中等职业教育免学费县级配套资金」 and 「提前下达2021年省级现代职业教育发展专项资金（免学费）」 have
different names but both pay 「中等职业学校免学费补助」.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from rapidfuzz import fuzz

from models.audit.findings import ProjectContext
from models.audit.promises import promises_in

__all__ = ["programme_terms", "programme_key", "programme_signature", "same_programme", "count_programmes"]

#: named funds, benefits and programmes (what money is paid for); an indicator naming one that its
#: project never mentions, while another project of the same document does, was likely copied from there
_PROGRAMME = re.compile(
    r"养老金|保险费|待遇|学费|住宿费|教科书费|贷款|贴息|低保|救助金|抚恤金|公积金|工资|津贴|补贴|补助|资助|奖金|"
    r"培训|招聘|档案|考核|仲裁|监察|车辆|公益岗|见习|代课|社保卡"
)

_GENERIC = re.compile(
    r"[冀国][\u4e00-\u9fff]{1,4}\s*[\[〔【(（]\s*\d{4}\s*[\]〕】)）]\s*\d+\s*号|"  # a document number: 冀财社[2023]219 号
    r"关于|目标内容|提前下达|预下达|下达|中央|省级|市级|县级|财政|配套|负担的?|预算|指标的|资金|经费|专项|补助|补贴|通知|项目|直达|第.批|"
    r"[0-9]+|年|[\s（）()〔〕【】\[\]《》、，,。.号的-]"
)


def programme_terms(text: str) -> set[str]:
    """The named funds/programmes a text mentions (养老金, 保险费, 待遇, 补贴 …)."""
    return set(_PROGRAMME.findall(text))


@lru_cache(maxsize=1 << 16)
def programme_key(name: str) -> str:
    """A project name (or use of funds) without years, levels of government and fund words."""
    return _GENERIC.sub("", name)


def _keys_agree(a: str, b: str, *, ratio: float) -> bool:
    if not a or not b:
        return False
    return fuzz.ratio(a, b) >= ratio or (min(len(a), len(b)) >= 4 and fuzz.partial_ratio(a, b) >= 90)


#: what :func:`same_programme` looks at in a project: name key, use-of-funds key, targets key, targets promise figures
_Signature = tuple[str, str, str, bool]


@lru_cache(maxsize=1 << 16)
def _signature(name: str, funds_use: str, targets: str) -> _Signature:
    return programme_key(name), programme_key(funds_use), programme_key(targets), bool(promises_in(targets))


def programme_signature(ctx: ProjectContext) -> _Signature:
    """Everything :func:`same_programme` reads of a project: projects with equal signatures compare alike."""
    p = ctx.project
    return _signature(p.name, p.funds_use, p.targets)


def same_programme(a: ProjectContext, b: ProjectContext) -> bool:
    """True when two projects are funding streams of one programme (same name or same use of funds)."""
    return _same_signature(*sorted((programme_signature(a), programme_signature(b))))


@lru_cache(maxsize=1 << 18)
def _same_signature(a: _Signature, b: _Signature) -> bool:
    # cached on what the test reads, so the many projects of a large store that share their wording
    # (copied tables, funding streams) are compared once
    name_a, funds_a, targets_a, promises_a = a
    name_b, funds_b, targets_b, promises_b = b
    if _keys_agree(name_a, name_b, ratio=70):
        return True
    # the use of funds must say what is paid for: a key of a few characters (「就业」) proves nothing
    if min(len(funds_a), len(funds_b)) >= 6 and _keys_agree(funds_a, funds_b, ratio=90):
        return True
    # the same tasks with their own figures (「发放小微企业贷款 4 笔…」 / 「… 3 笔…」): the county's and the
    # province's money for one programme. Targets without figures prove nothing: generic targets are
    # themselves copied between unrelated projects (「确保我县各项就业创业政策的落实…」)
    if not (promises_a and promises_b):
        return False
    return min(len(targets_a), len(targets_b)) >= 20 and fuzz.ratio(targets_a, targets_b) >= 90


def count_programmes(ctxs: Sequence[ProjectContext]) -> int:
    """How many distinct programmes a set of projects covers (greedy grouping by :func:`same_programme`).

    A project whose signature was seen before, and is the same programme as itself, never starts a
    group (it joins wherever its twin went), so it is skipped: copies cost nothing.
    """
    heads: list[ProjectContext] = []
    seen: set[_Signature] = set()
    for c in ctxs:
        sig = programme_signature(c)
        if sig in seen and _same_signature(sig, sig):
            continue
        seen.add(sig)
        if not any(same_programme(c, h) for h in heads):
            heads.append(c)
    return len(heads)
