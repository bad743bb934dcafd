"""Value, wording, unit and money rules (docs/domain.md §2 B–D): one project at a time."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from models.audit.findings import Finding, ProjectContext, Severity, make_finding
from models.audit.lexicon import (
    basis_has_evidence,
    basis_type,
    is_count_name,
    is_graded,
    is_long_term,
    is_rate,
    is_satisfaction,
    is_vague,
    money_in_wan,
    norm_text,
    polarity,
    unit_class,
    unit_in_name,
)
from models.audit.settings import AuditSettings
from nlp.records import Indicator

__all__ = ["r08_vague_values", "r09_description", "r10_sub_fit", "r13_polarity", "r14_rates",
           "r16_units", "r17_basis", "r19_cost_budget", "r25_long_term"]

_NOT_COST = re.compile(r"收入|征缴|收益|增收")  # money coming in, misfiled under 成本: not a cost to compare
_GRADE_BAND = re.compile(r"^(优秀?|良好?|中等?|合格|较差|差)$")
_COUNTING_WORD = re.compile(r"^[\u4e00-\u9fff]{1,2}$")


def _counting_word(text: str | None) -> str | None:
    """A unit the value parser does not know (「≥5 卷」), but not a grade (「≤5良」)."""
    if text is None or _GRADE_BAND.match(text.strip()) or not _COUNTING_WORD.match(text.strip()):
        return None
    return text.strip()


_QUALITY_RATE = re.compile(r"合格率|达标率|验收|准确率|完好率|优良率|故障率|差错率|出勤率")


def _fmt(num: float) -> str:
    return f"{num:g}"


def r08_vague_values(ctx: ProjectContext, s: AuditSettings) -> list[Finding]:
    """R08: a qualitative value must be graded, not a slogan (有效保障, 显著提升…)."""
    out = []
    for ind in ctx.project.indicators:
        v = ind.value
        if not v or re.search(r"\d", v) or is_long_term(v) or is_graded(v) or "value" in ind.uncertain:
            continue
        if norm_text(v) == norm_text(ind.name):
            continue  # reported by R09 (value repeats the name)
        if is_vague(v):
            out.append(make_finding(
                ctx, "R08", s.severity_of("R08"), f"指标值「{v}」是笼统表述，无法衡量是否完成。",
                evidence=(("value", v),), indicator=ind, cells=("value",),
                suggestion="改为可量化的值（如「≥90%」「≥200人」），或采用分级表述（达到/基本达到/未达到）。",
            ))
    return out


def r09_description(ctx: ProjectContext, s: AuditSettings) -> list[Finding]:
    """R09: the description defines the indicator (not a copy of its name); the value is not the name."""
    out = []
    threshold = s.threshold("name_desc_similarity") * 100
    for ind in ctx.project.indicators:
        name, desc, value = norm_text(ind.name), norm_text(ind.desc), norm_text(ind.value)
        if not name:
            continue
        if value and value == name and "value" not in ind.uncertain:
            out.append(make_finding(
                ctx, "R09", Severity.ERROR, f"指标值与指标名称相同（「{ind.value}」），没有给出目标值。",
                evidence=(("name", ind.name), ("value", ind.value)), indicator=ind, cells=("name", "value"),
                suggestion="填写可衡量的目标值，如数量、比率或分级标准。",
            ))
        if not desc or "desc" in ind.uncertain:
            continue
        score = fuzz.ratio(name, desc)
        if score >= threshold:
            out.append(make_finding(
                ctx, "R09", s.severity_of("R09"),
                "指标描述重复了指标名称，没有说明统计口径或计算方法。" if score == 100
                else f"指标描述与指标名称几乎相同（相似度{score:.0f}%），没有说明统计口径或计算方法。",
                evidence=(("name", ind.name), ("desc", ind.desc), ("similarity", round(score / 100, 3))),
                indicator=ind, cells=("name", "desc"),
                suggestion="写明口径或公式，如「实际发放人数占应发放人数的比例」。",
            ))
    return out


def r10_sub_fit(ctx: ProjectContext, s: AuditSettings) -> list[Finding]:
    """R10: each sub-tier measures its own thing (counts under 数量, quality rates not under 效益, money under 成本)."""
    out = []
    sev = s.severity_of("R10")
    for ind in ctx.project.indicators:
        uc = unit_class(ind.parsed.unit)
        # a count of faults, errors or complaints (故障次数 0次) measures quality: not misfiled
        if ind.sub in ("质量", "时效") and uc == "count" and is_count_name(ind.name) and polarity(ind.name) >= 0:
            out.append(make_finding(
                ctx, "R10", sev, f"「{ind.name}」是数量，却放在了{ind.sub}指标下。",
                evidence=(("sub", ind.sub), ("value", ind.value)), indicator=ind, cells=("sub", "name"),
                suggestion="移到数量指标下；质量指标填合格率、达标率等，时效指标填完成时限或及时率。",
            ))
        elif ind.tier == "效益" and _QUALITY_RATE.search(ind.name):
            out.append(make_finding(
                ctx, "R10", sev, f"「{ind.name}」衡量产出质量，不是效益。",
                evidence=(("tier", ind.tier), ("sub", ind.sub), ("name", ind.name)), indicator=ind,
                cells=("sub", "name"), suggestion="移到产出指标的质量指标下；效益指标填项目带来的影响。",
            ))
        elif ind.sub in ("数量", "质量", "时效") and uc == "money":
            out.append(make_finding(
                ctx, "R10", sev, f"「{ind.name}」的值是金额（{ind.value}），应作为成本指标。",
                evidence=(("sub", ind.sub), ("value", ind.value)), indicator=ind, cells=("sub", "value"),
                suggestion="移到成本指标下，或改为该二级指标应衡量的内容。",
            ))
    return out


def r13_polarity(ctx: ProjectContext, s: AuditSettings) -> list[Finding]:
    """R13: ≥ for more-is-better indicators, ≤ for less-is-better ones."""
    out = []
    for ind in ctx.project.indicators:
        op = ind.parsed.op
        if op is None or ind.parsed.num is None:
            continue
        if ind.parsed.text and _GRADE_BAND.match(ind.parsed.text.strip()):
            continue  # one band of a graded scale (≥95优 / ≥85良 / <70差): 「<」 bounds the lowest band
        pol = polarity(ind.name)
        if "率" in ind.name and unit_class(ind.parsed.unit) not in ("percent", None):
            continue  # a rate measured in hours/days: the name and the value disagree, not the operator
        if ind.sub == "成本" and unit_class(ind.parsed.unit) in ("money", "money_rate"):
            pol = -1
        if pol > 0 and op in ("≤", "<") and not (ind.parsed.num == 0):
            want = "≥"
        elif pol < 0 and op in ("≥", ">"):
            want = "≤"
        else:
            continue
        kind = "越高越好" if pol > 0 else "越低越好"
        out.append(make_finding(
            ctx, "R13", s.severity_of("R13"),
            f"「{ind.name}」是{kind}的指标，计算符号却是「{op}」。",
            evidence=(("value", ind.value), ("operator", op), ("expected_operator", want)),
            indicator=ind, cells=("value",),
            suggestion=f"改为「{want}{_fmt(ind.parsed.num)}{ind.parsed.unit or ''}」，或核对指标含义。",
        ))
    return out


def r14_rates(ctx: ProjectContext, s: AuditSettings) -> list[Finding]:
    """R14: rates cannot exceed 100%; a 100% satisfaction target is unrealistic."""
    out = []
    sat_max, rate_max = s.threshold("satisfaction_max"), s.threshold("rate_max")
    for ind in ctx.project.indicators:
        num, op = ind.parsed.num, ind.parsed.op
        if num is None or not is_rate(ind) or {"name", "value"} & set(ind.uncertain):
            continue  # garbled layout: the value may belong to another row
        sat = is_satisfaction(ind.name)
        if num > rate_max or (num >= rate_max and op in ("≥", ">")):
            out.append(make_finding(
                ctx, "R14", s.severity_of("R14"),
                f"比率类指标「{ind.name}」的目标值「{ind.value}」要求超过100%，不可能实现。",
                evidence=(("value", ind.value), ("number", num), ("limit", rate_max)),
                indicator=ind, cells=("value",),
                suggestion="满意度一般设为≥90%（参照上年实际）；完成率等设为「=100%」或「≥95%」。" if sat
                else "改为「=100%」或一个可实现的比例，如「≥95%」。",
            ))
        elif sat and num >= sat_max and op not in ("≤", "<"):
            out.append(make_finding(
                ctx, "R14", Severity.WARNING,
                f"满意度目标「{ind.value}」过高：问卷调查几乎不可能全部满意。",
                evidence=(("value", ind.value), ("number", num), ("threshold", sat_max)),
                indicator=ind, cells=("value",),
                suggestion="参照上年调查结果设定，一般为≥85%至≥95%。",
            ))
    return out


def r16_units(ctx: ProjectContext, s: AuditSettings) -> list[Finding]:
    """R16: a number has a unit, and the unit fits the sub-tier (no percent on a count, money on a cost)."""
    out = []
    sev = s.severity_of("R16")
    for ind in ctx.project.indicators:
        p = ind.parsed
        if p.num is None or "value" in ind.uncertain:
            continue
        unit = p.unit or unit_in_name(ind.name) or _counting_word(p.text)
        uc = unit_class(unit)
        if unit is None and re.search(r"\d\s*[-~～至到]\s*\d", ind.value):
            continue  # a range such as 「10-180 元不等」: the parser keeps only its first number
        if unit is None:
            out.append(make_finding(
                ctx, "R16", Severity.ERROR, f"定量指标「{ind.name}」的指标值「{ind.value}」没有计量单位。",
                evidence=(("value", ind.value), ("number", p.num)), indicator=ind, cells=("value",),
                suggestion="写明计量单位，如%、人、万元、个工作日。",
            ))
        elif uc == "percent" and is_count_name(ind.name) and (ind.sub in ("数量", None)):
            out.append(make_finding(
                ctx, "R16", sev, f"「{ind.name}」是人数/数量，指标值却用了百分比（{ind.value}）。",
                evidence=(("name", ind.name), ("value", ind.value), ("unit", unit), ("sub", ind.sub)),
                indicator=ind, cells=("name", "value"),
                suggestion="填写具体数量（如「≥32人」），或把指标改为比率（如「受助学生覆盖率」）。",
            ))
        elif ind.sub == "成本" and uc not in ("money", "money_rate", "percent"):
            out.append(make_finding(
                ctx, "R16", sev, f"成本指标「{ind.name}」的值「{ind.value}」没有货币单位。",
                evidence=(("value", ind.value), ("unit", unit)), indicator=ind, cells=("value",),
                suggestion="以元或万元表示（总成本或单位成本，如「≤500元/人」）。",
            ))
    for ind in ctx.project.indicators:
        if ind.sub == "成本" and ind.parsed.num is None and ind.value and "value" not in ind.uncertain:
            out.append(make_finding(
                ctx, "R16", sev, f"成本指标「{ind.name}」没有金额（「{ind.value}」）。",
                evidence=(("value", ind.value),), indicator=ind, cells=("value",),
                suggestion="以元或万元表示（总成本或单位成本，如「≤500元/人」）。",
            ))
    return out


def r17_basis(ctx: ProjectContext, s: AuditSettings) -> list[Finding]:
    """R17: each row names its basis; a basis that only names a type gets one project-level note."""
    out = []
    weak: list[Indicator] = []
    for ind in ctx.project.indicators:
        if "basis" in ind.uncertain:
            continue
        if not ind.basis.strip():
            out.append(make_finding(
                ctx, "R17", s.severity_of("R17"), f"「{ind.name}」没有填写指标值确定依据。",
                evidence=(("basis", ""),), indicator=ind, cells=("basis",),
                suggestion="注明依据类型和出处：计划标准（文件名、文号）、行业标准、历史标准（上年实际值）或预算支出标准。",
            ))
        elif not basis_has_evidence(ind.basis):
            weak.append(ind)
    if weak and len(weak) == len(ctx.project.indicators):
        bases = sorted({i.basis for i in weak})
        out.append(make_finding(
            ctx, "R17", Severity.INFO,
            f"全部{len(weak)}个指标的依据只写了「{'」「'.join(bases[:3])}」{'等' if len(bases) > 3 else ''}，"
            "没有给出文件文号、标准或上年实际值。",
            evidence=(("rows", len(weak)), ("bases", "；".join(bases)),
                      ("types", "、".join(sorted({basis_type(b) or "未说明" for b in bases})))),
            suggestion="依据应写明出处，如「冀人社规〔2020〕X号」「上年实际值93%」。",
        ))
    return out


def r19_cost_budget(ctx: ProjectContext, s: AuditSettings) -> list[Finding]:
    """R19: total-cost indicators are not above the budget; one equal to the budget says nothing (info)."""
    budget = ctx.project.budget_wan
    if budget is None or budget <= 0:
        return []
    tol = s.threshold("cost_budget_tolerance")
    out = []
    totals: list[tuple[Indicator, float]] = []
    for ind in ctx.project.indicators:
        if (ind.sub != "成本" and ind.tier != "成本") or _NOT_COST.search(ind.name):
            continue
        wan = money_in_wan(ind.parsed)
        if wan is None:
            continue
        totals.append((ind, wan))
        evidence = (("value", ind.value), ("cost_wan", round(wan, 4)), ("budget_wan", budget))
        if wan > budget * (1 + tol):
            out.append(make_finding(
                ctx, "R19", s.severity_of("R19"),
                f"成本指标「{ind.name}」{_fmt(wan)}万元超过项目预算{_fmt(budget)}万元。",
                evidence=evidence, indicator=ind, cells=("value",),
                suggestion="核对成本与预算，成本不应超过预算数。",
            ))
        elif abs(wan - budget) <= budget * tol:
            out.append(make_finding(
                ctx, "R19", Severity.INFO,
                f"成本指标「{ind.name}」只是重复了项目预算（{_fmt(budget)}万元），没有反映单位成本或成本控制。",
                evidence=evidence, indicator=ind, cells=("value",),
                suggestion="改为单位成本（如「人均补助≤X元/人」）或对照预算支出标准的成本控制率。",
            ))
    if len(totals) > 1:
        total = sum(w for _, w in totals)
        if total > budget * (1 + tol) and not any(w > budget * (1 + tol) for _, w in totals):
            out.append(make_finding(
                ctx, "R19", s.severity_of("R19"),
                f"各成本指标合计{_fmt(total)}万元，超过项目预算{_fmt(budget)}万元。",
                evidence=(("cost_total_wan", round(total, 4)), ("budget_wan", budget),
                          ("lines", ", ".join(str(i.line) for i, _ in totals))),
                suggestion="核对各项成本，合计不应超过预算数。",
            ))
    return out


def r25_long_term(ctx: ProjectContext, s: AuditSettings) -> list[Finding]:
    """R25: an annual table does not carry 「长期」-type values without a horizon."""
    out = []
    for ind in ctx.project.indicators:
        if ind.value and is_long_term(ind.value) and "value" not in ind.uncertain:
            out.append(make_finding(
                ctx, "R25", s.severity_of("R25"),
                f"年度绩效目标表中「{ind.name}」的指标值为「{ind.value}」，没有期限，年底无法考核。",
                evidence=(("value", ind.value),), indicator=ind, cells=("value",),
                suggestion="写明可考核的年限或年度目标，如「≥3年」或「建立XX长效机制（是/否）」。",
            ))
    return out
