"""Reader for scoring frameworks (计分表, 考评指标): indicator lists with weights and no targets.

Evaluation frameworks print their indicators one cell per paragraph, every label with its
weight, and no target value::

    一级 / 指标 / 二级指标 / 三级指标 / 自评分 / 指标解释 / 指标说明
    投   入(20分)
    目标
    设定(6分)
    整体目标与职责匹配度(3分)
    3
    部门整体绩效目标是否与职责相符……
    ①……计2分;②……计1分。

Paragraph shapes decide the roles: a tier label (canonical or not: 投入, 过程, 产出, 效果)
opens a tier; a weighted paragraph followed by a bare number (the self-assessed score) is
an indicator name; any other weighted paragraph is a sub-tier, joined with the short
fragment printed before it (``目标`` + ``设定(6分)``); after a name come the columns of the
header in order (score, 指标解释 = the description, 指标说明 = the scoring rule, kept apart).
Rows have no value: these are not targets. Tiers outside the canonical set stay unknown.
"""

from __future__ import annotations

import re

from nlp.normalize import fold_script, read_label
from nlp.readers.rowsheet import ReadRow, build_sheet
from nlp.table import Sheet

__all__ = ["looks_like", "read"]

_WEIGHTED = re.compile(r"[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]\s*$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_SCORE_HEAD = re.compile(r"^(?:自评分|自评得分|得分|分值|权重|指标权重|权重分值|分数)$")
_DESC_HEAD = re.compile(r"^(?:指标解释|指标说明|评分标准|评分规则|指标涵义|简要说明|评价要点)$")
_VALUE_HEAD = re.compile(r"指标值|目标值|年度指标|计划水平|年度数值")
#: a score column's header alone on its line, in either script (a cheap test before folding)
_QUICK = re.compile(r"^\s*(?:自[评評]分|自[评評]得分|得分|分值|分值|[权權]重|指[标標][权權]重|[权權]重分值|分[数數])\s*$")
_NAME_HEAD = re.compile(r"^(?:三级指标|三级|指标名称)$")


def _paragraphs(lines: list[str]) -> list[tuple[int, str, str]]:
    return [(n, line.strip(), re.sub(r"\s+", "", fold_script(line))) for n, line in enumerate(lines, start=1) if line.strip()]


def _header(paras) -> tuple[int, list[str]] | None:
    """Index of the first paragraph after the header, and the header's columns after the name."""
    for i, (_, _, key) in enumerate(paras):
        if not _NAME_HEAD.match(key):
            continue
        cols = []
        j = i + 1
        while j < len(paras) and (_SCORE_HEAD.match(paras[j][2]) or _DESC_HEAD.match(paras[j][2])):
            cols.append("score" if _SCORE_HEAD.match(paras[j][2]) else "desc")
            j += 1
        window = " ".join(p[2] for p in paras[max(0, i - 6):j])
        if cols and "score" in cols and not _VALUE_HEAD.search(window):
            return j, cols
    return None


def looks_like(lines: list[str]) -> float:
    """How sure this reader is that the text is a scoring framework (0–1): a header with a score
    column and no target column, then weighted names followed by their scores."""
    if not any(_QUICK.match(line) for line in lines):
        return 0.0
    paras = _paragraphs(lines)
    h = _header(paras)
    if h is None:
        return 0.0
    start, _ = h
    named = sum(
        1 for k in range(start, len(paras) - 1)
        if _WEIGHTED.search(paras[k][2]) and _NUMBER.match(paras[k + 1][2])
    )
    return 0.75 if named >= 2 else 0.0


def read(lines: list[str], file: str = "") -> Sheet:
    """The weighted indicators of a scoring framework, with no values (see the module docstring)."""
    paras = _paragraphs(lines)
    h = _header(paras)
    if h is None:
        return build_sheet("framework", lines, [])
    k, cols = h
    rows: list[ReadRow] = []
    used: set[int] = set()
    tier = sub = ""
    fragment = ""
    while k < len(paras):
        n, text, key = paras[k]
        lab = read_label(text)
        weighted = bool(_WEIGHTED.search(key))
        nxt = paras[k + 1][2] if k + 1 < len(paras) else ""
        if weighted and _NUMBER.match(nxt) or (weighted and k + 1 == len(paras)):
            row = ReadRow(n, text, tier=tier, sub=sub)
            used.add(n)
            q = k + 1
            descs = []
            for col in cols:
                if q >= len(paras):
                    break
                pn, ptext, pkey = paras[q]
                if _WEIGHTED.search(pkey) or (read_label(ptext) is not None and read_label(ptext).is_tier):
                    break
                if col == "score":
                    if not _NUMBER.match(pkey):
                        break
                    row.score = ptext
                else:
                    descs.append(ptext)
                used.add(pn)
                q += 1
            if descs:
                row.desc = descs[0]
                row.extra = {f"说明{j}": d for j, d in enumerate(descs[1:], start=1)}
            rows.append(row)
            fragment = ""
            k = q
            continue
        if fragment and weighted:  # 目标 / 设定(6分): a sub-tier broken over two paragraphs
            sub, fragment = fragment + text, ""
        elif lab is not None and lab.is_tier and not (lab.is_sub and tier):
            tier, sub, fragment = text, "", ""
        elif weighted:
            sub = fragment + text if fragment else text
            fragment = ""
        elif len(key) <= 8 and not _NUMBER.match(key):
            fragment = text  # the first half of a sub-tier label broken over two paragraphs
        else:
            if rows and k > 0:
                break  # the framework ended
        used.add(n)
        k += 1
    return build_sheet("framework", lines, rows, table_lines=used)
