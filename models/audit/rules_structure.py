"""Completeness and structure rules (docs/domain.md §2 A, R24): one project at a time."""

from __future__ import annotations

import re

from models.audit.findings import Finding, ProjectContext, Severity, make_finding
from models.audit.lexicon import is_satisfaction, norm_text
from models.audit.settings import AuditSettings
from nlp.normalize import SUB_PARENT
from nlp.records import Indicator

__all__ = ["r01_required_tiers", "r02_satisfaction_present", "r03_output_subs", "r04_valid_pairs",
           "r05_satisfaction_placement", "r07_empty_cells", "r24_duplicates"]

_RECIPIENTS = re.compile(
    r"群众|参保|学生|患者|企业|学员|服务对象|受益|居民|农民工|职工|劳动者|贫困|失业|就业|老人|老年|残疾|儿童|家庭|群体|对象|人员|人才|求职|毕业生|村民|农民"
)


def _tier_unknown(ctx: ProjectContext) -> bool:
    """True when the parser could not read some tiers, so a missing tier cannot be claimed."""
    return any(i.tier is None and "tier" in i.uncertain for i in ctx.project.indicators)


def r01_required_tiers(ctx: ProjectContext, s: AuditSettings) -> list[Finding]:
    """R01: every table has 产出 and 效益 indicators (the profile's required 一级)."""
    inds = ctx.project.indicators
    sev = s.severity_of("R01")
    if not inds:
        return [make_finding(ctx, "R01", sev, "项目没有任何绩效指标（三级指标）。",
                             evidence=(("indicators", 0),),
                             suggestion="按产出、效益、满意度分别设置三级指标。")]
    if _tier_unknown(ctx):
        return []
    present = {i.tier for i in inds}
    out = []
    for tier in s.required_tiers:
        if tier not in present:
            out.append(make_finding(
                ctx, "R01", sev, f"缺少「{tier}指标」一级指标。",
                evidence=(("missing_tier", tier), ("tiers_present", "、".join(sorted(t for t in present if t)))),
                suggestion=f"补充{tier}指标，并细化到二级、三级指标。"
                if tier != "效益" else "补充效益指标（社会效益、经济效益等），说明项目产出带来的影响，不要以满意度代替。",
            ))
    return out


def r02_satisfaction_present(ctx: ProjectContext, s: AuditSettings) -> list[Finding]:
    """R02: a project that serves people should have a 满意度 indicator."""
    inds = ctx.project.indicators
    if not inds or _tier_unknown(ctx):
        return []
    if any(i.tier == "满意度" or is_satisfaction(i.name) for i in inds):
        return []
    m = _RECIPIENTS.search(ctx.text)
    if not m:
        return []
    return [make_finding(
        ctx, "R02", s.severity_of("R02"), f"项目有明确的服务对象（「{m.group(0)}」），但没有满意度指标。",
        evidence=(("recipient_word", m.group(0)),),
        suggestion=f"增加服务对象满意度指标，如「{m.group(0)}满意度 ≥90%」，并以问卷调查为依据。",
    )]


def r03_output_subs(ctx: ProjectContext, s: AuditSettings) -> list[Finding]:
    """R03: 产出 is broken down into 数量 / 质量 / 时效 (/ 成本)."""
    inds = ctx.project.indicators
    if not any(i.tier == "产出" for i in inds) or _tier_unknown(ctx):
        return []
    subs = {i.sub for i in inds}
    out = []
    for sub in s.required_output_subs:
        if sub not in subs:
            out.append(make_finding(
                ctx, "R03", s.severity_of("R03"), f"产出指标缺少「{sub}指标」。",
                evidence=(("missing_sub", sub), ("subs_present", "、".join(sorted(x for x in subs if x)))),
                suggestion={
                    "数量": "补充数量指标，如受益人数、完成件数。",
                    "质量": "补充质量指标，如合格率、达标率。",
                    "时效": "补充时效指标，如「12月底前完成」或发放及时率。",
                    "成本": "补充成本指标，如人均成本、单位成本，或预算支出标准。",
                }.get(sub),
            ))
    return out


def r04_valid_pairs(ctx: ProjectContext, s: AuditSettings) -> list[Finding]:
    """R04: only valid (一级, 二级) pairs; 一级 must be one the profile accepts."""
    out = []
    sev = s.severity_of("R04")
    for ind in ctx.project.indicators:
        if is_satisfaction(ind.name) or ind.sub == "服务对象满意度" or ind.tier == "满意度":
            continue  # placement of satisfaction rows is R05
        if ind.tier is None and ind.tier_raw and "tier" not in ind.uncertain:
            out.append(make_finding(
                ctx, "R04", sev, f"一级指标「{ind.tier_raw}」不是绩效目标表的一级指标（应为产出、效益、满意度）。",
                evidence=(("tier_raw", ind.tier_raw),), indicator=ind, cells=("tier",),
                suggestion="按产出指标、效益指标、满意度指标归类；决策、过程类内容属于绩效评价框架，不列入目标表。",
            ))
            continue
        if ind.tier is not None and ind.tier not in s.tiers:
            out.append(make_finding(
                ctx, "R04", sev, f"本方案（{s.profile}）不把「{ind.tier}」作为一级指标。",
                evidence=(("tier", ind.tier), ("accepted_tiers", "、".join(s.tiers))), indicator=ind, cells=("tier",),
                suggestion="成本指标应作为产出指标下的二级指标填报。" if ind.tier == "成本" else None,
            ))
            continue
        if ind.sub is None:
            if ind.sub_raw and "sub" not in ind.uncertain:
                out.append(make_finding(
                    ctx, "R04", sev, f"二级指标「{ind.sub_raw}」不是规范的二级指标名称。",
                    evidence=(("sub_raw", ind.sub_raw),), indicator=ind, cells=("sub",),
                    suggestion="使用数量、质量、时效、成本、经济效益、社会效益、生态效益、可持续影响、服务对象满意度之一。",
                ))
            continue
        if ind.tier is None:
            continue
        parent = SUB_PARENT[ind.sub]
        if ind.tier == parent or (ind.tier == "成本" and ind.sub == "成本"):
            continue
        out.append(make_finding(
            ctx, "R04", sev, f"二级指标归类错误：「{ind.sub}指标」不属于「{ind.tier}指标」。",
            evidence=(("tier", ind.tier), ("sub", ind.sub), ("expected_tier", parent)),
            indicator=ind, cells=("tier", "sub"),
            suggestion=f"将「{ind.sub}指标」放在「{parent}指标」下。",
        ))
    return out


def r05_satisfaction_placement(ctx: ProjectContext, s: AuditSettings) -> list[Finding]:
    """R05: satisfaction rows sit under 满意度, and only they do."""
    out = []
    sev = s.severity_of("R05")
    for ind in ctx.project.indicators:
        if "name" in ind.uncertain:
            continue  # garbled layout: a name split across rows (「领取补贴人员的满意」 + 「度」) sits under the wrong tier
        sat = is_satisfaction(ind.name)
        if sat and ind.tier is not None and ind.tier != "满意度":
            out.append(make_finding(
                ctx, "R05", sev,
                f"满意度指标「{ind.name}」放在了「{ind.tier_raw or ind.tier}」下，应放在满意度指标下。",
                evidence=(("name", ind.name), ("tier_raw", ind.tier_raw), ("sub_raw", ind.sub_raw)),
                indicator=ind, cells=("tier", "sub", "name"),
                suggestion="移至一级「满意度指标」、二级「服务对象满意度指标」；效益指标另设反映项目实际效果的指标。",
            ))
        elif not sat and ind.tier == "满意度" and ind.name:
            out.append(make_finding(
                ctx, "R05", sev, f"「{ind.name}」不是满意度指标，却放在了满意度指标下。",
                evidence=(("name", ind.name), ("tier_raw", ind.tier_raw)),
                indicator=ind, cells=("tier", "name"),
                suggestion="满意度指标只填服务对象满意度；其他内容按其性质移入产出或效益指标。",
            ))
    return out


def r07_empty_cells(ctx: ProjectContext, s: AuditSettings) -> list[Finding]:
    """R07: every row has a name and a value (error) and a description (warning). Empty basis is R17."""
    out = []
    for ind in ctx.project.indicators:
        for cell, label, sev in (
            ("name", "三级指标名称", s.severity_of("R07")),
            ("value", "指标值", s.severity_of("R07")),
            ("desc", "绩效指标描述", Severity.WARNING),
        ):
            if cell in ind.uncertain:
                continue
            if not getattr(ind, cell).strip():
                out.append(make_finding(
                    ctx, "R07", sev, f"「{ind.name or ind.sub_raw or '（无名称）'}」的{label}为空。",
                    evidence=((cell, ""),), indicator=ind, cells=(cell,),
                    suggestion={"name": "填写三级指标名称。", "value": "填写指标值（计算符号、数值和计量单位，或分级的定性值）。",
                                "desc": "填写指标解释：统计口径或计算公式。"}[cell],
                ))
    return out


def r24_duplicates(ctx: ProjectContext, s: AuditSettings) -> list[Finding]:
    """R24: the same indicator twice in one table (same or conflicting value)."""
    out = []
    seen: dict[str, Indicator] = {}
    for ind in ctx.project.indicators:
        key = norm_text(ind.name)
        if not key:
            continue
        first = seen.get(key)
        if first is None:
            seen[key] = ind
            continue
        same_value = norm_text(first.value) == norm_text(ind.value)
        other_scope = not same_value and norm_text(first.desc) and norm_text(ind.desc) \
            and norm_text(first.desc) != norm_text(ind.desc)
        if other_scope:  # 缴费补贴 20元/人 and 50元/人 for two contribution grades: one name for two things
            message = f"指标「{ind.name}」在同一张表中重名，只有描述（「{ind.desc}」）说明它与第{first.line}行衡量的对象不同。"
            suggestion = "在指标名称中写明区别（如档次、对象），使每个指标名称唯一。"
        else:
            message = f"指标「{ind.name}」在同一张表中{'重复' if same_value else '重复且指标值不一致'}。"
            suggestion = "删除重复的指标，或改为衡量不同内容的指标。"
        out.append(make_finding(
            ctx, "R24", s.severity_of("R24"), message,
            evidence=(("first_line", first.line), ("first_value", first.value), ("value", ind.value),
                      ("first_desc", first.desc), ("desc", ind.desc)),
            indicator=ind, cells=("name", "desc", "value") if other_scope else ("name", "value"),
            suggestion=suggestion,
        ))
    return out
