"""R22 (docs/domain.md §2 E): indicators match the figures promised in the project's targets text.

Each figure of 年度目标 / 总体目标 (:func:`models.audit.promises.promises_in`) is looked for among the
indicators' figures (value, or a figure printed in the name or description):

* found with the same amount → fine;
* not found, but an indicator of the same unit whose name clearly shares the figure's topic (a common
  run of ≥ 4 Han characters, or 3 that are not a generic rate word such as 完成率) carries another
  amount → a contradiction (severity of R22, one finding on that indicator);
* not found at all → one project-level info finding listing the promised counts and rates that no
  indicator carries (money amounts are left to R19, and a figure without a topic is not reported).
"""

from __future__ import annotations

from models.audit.findings import Finding, ProjectContext, Severity, make_finding
from models.audit.promises import Figure, Promise, figures_of, promises_in, same_amount, topic_overlap, value_figure
from models.audit.settings import AuditSettings
from nlp.records import Indicator

__all__ = ["r22_target_figures"]

#: three-character overlaps that name a kind of rate, not what it measures: too weak to match a topic
_GENERIC = frozenset(
    "完成率 及时率 到位率 发放率 执行率 使用率 合格率 达标率 准确率 满意度 满意率 覆盖率 增长率 知晓率 通过率 "
    "工作完 务工作 人员数 服务满 补贴人 资金到 按时完 按期完".split()
)


def _shown(fig: Figure) -> str:
    """A figure as a reviewer reads it, in the unit its amount is counted in (万人 → 人, 元 → 万元)."""
    unit = {"people": "人" if fig.unit in ("万人", "人") else "人次" if fig.unit in ("万人次", "人次") else fig.unit,
            "money": "万元"}.get(fig.family, fig.unit)
    return f"{fig.amount:g}{unit}"


def _clear_match(promise: Promise, ind: Indicator) -> str | None:
    """The shared topic when ``ind`` is clearly about what ``promise`` is about, else None."""
    common = topic_overlap(promise.topic, ind.name)
    if len(common) >= 4 or (len(common) == 3 and common not in _GENERIC):
        return common
    return None


def _contradiction(promise: Promise, indicators: list[Indicator]) -> tuple[Indicator, Figure, str] | None:
    best: tuple[Indicator, Figure, str] | None = None
    for ind in indicators:
        fig = value_figure(ind)
        if fig is None or fig.kind != promise.figure.kind or fig.family != promise.figure.family:
            continue
        common = _clear_match(promise, ind)
        if common and (best is None or len(common) > len(best[2])):
            best = (ind, fig, common)
    return best


def r22_target_figures(ctx: ProjectContext, s: AuditSettings) -> list[Finding]:
    """R22: figures promised in the targets text appear as indicators with the same figures."""
    promises = promises_in(ctx.project.targets)
    if not promises:
        return []
    indicators = list(ctx.project.indicators)
    carried = [f for ind in indicators for f in figures_of(ind)]
    usable = [ind for ind in indicators if "value" not in ind.uncertain]
    out: list[Finding] = []
    missing: dict[str, Promise] = {}
    for pr in promises:
        if any(same_amount(pr.figure, f) for f in carried):
            continue
        hit = _contradiction(pr, usable)
        if hit is not None:
            ind, fig, common = hit
            out.append(make_finding(
                ctx, "R22", s.severity_of("R22"),
                f"绩效目标写明「{pr.phrase}」，指标「{ind.name}」的值却是「{ind.value}」，两者不一致"
                f"（目标{_shown(pr.figure)}，指标{_shown(fig)}）。",
                evidence=(("sentence", pr.sentence), ("target_figure", pr.text.replace(" ", "")),
                          ("target_number", pr.figure.amount), ("indicator_value", ind.value),
                          ("indicator_number", fig.amount), ("unit", fig.unit), ("shared_topic", common)),
                indicator=ind, cells=("name", "value"),
                suggestion=f"按绩效目标的任务数设定指标值（{pr.text.replace(' ', '')}），或修改绩效目标使两者一致。",
            ))
        elif pr.figure.kind in ("count", "percent"):
            missing.setdefault(pr.text.replace(" ", "") + pr.topic, pr)
    if missing:
        items = list(missing.values())
        shown = "」「".join(p.phrase for p in items[:4])
        more = f"等{len(items)}项" if len(items) > 4 else ""
        out.append(make_finding(
            ctx, "R22", Severity.INFO,
            f"绩效目标提出的任务数「{shown}」{more}，在指标表中没有数值相同的指标。",
            evidence=(("figures", "；".join(p.text.replace(" ", "") for p in items)),
                      ("sentences", "；".join(dict.fromkeys(p.sentence for p in items))),
                      ("indicator_figures", "；".join(i.value for i in indicators if i.parsed.num is not None))),
            suggestion="为绩效目标中的任务数设置对应的数量或比率指标，数值与目标一致。",
        ))
    return out
