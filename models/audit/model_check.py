"""M01: the tier classifier disagrees with the filed 一级/二级 with high confidence.

Only confident disagreements are reported: the predicted sub-tier's probability must reach the
``model_min_confidence`` threshold and the prediction must not be flagged ``uncertain`` (its two
most probable tiers close, see ``models.classifier.UNCERTAIN_MARGIN``). The evidence carries the
confidence and the tier margin, so a reviewer sees how sure the model was.

The classifier is reached only through ``models.registry.load_active`` (the active model version,
hash-checked) and ``TierModel.predict([IndicatorText(name, desc, value)])``; each finding names the
model version in its evidence. When it is not installed or not trained
the audit reports that once, as an info finding, instead of skipping the rule silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from models.audit.findings import Finding, ProjectContext, Severity, make_finding, run_finding
from models.audit.settings import AuditSettings
from nlp.errors import JixiaoError

__all__ = ["ModelStatus", "load_tier_model", "m01_model_mismatch", "model_unavailable_finding"]


@dataclass(frozen=True)
class ModelStatus:
    """The classifier to use, or why there is none."""

    model: Any | None  #: a TierModel (has ``predict``), or None
    reason: str | None = None  #: why the model is unavailable
    version: str | None = None  #: the model version (``v3``, ``default``) when there is a model


def load_tier_model(data_dir: Path) -> ModelStatus:
    """Load the default tier classifier from ``data_dir``; never raises for a missing/untrained model."""
    try:
        from models import registry  # imported lazily: scikit-learn is only needed when M01 runs
    except ImportError as exc:
        return ModelStatus(None, f"分类器模块不可用（{exc.name or exc}）")
    try:
        active = registry.load_active(data_dir)
        return ModelStatus(active.model, version=active.version)
    except (JixiaoError, FileNotFoundError) as exc:
        return ModelStatus(None, f"分类器未训练或无法加载：{exc}")


def model_unavailable_finding(reason: str) -> Finding:
    return run_finding(
        "M01", Severity.INFO,
        f"未进行模型比对（M01）：{reason}。其他规则照常执行。",
        suggestion="先训练并保存分类器（见 README 分类器一节），再重新审核。",
    )


def _label(tier: str | None, sub: str | None) -> str:
    return f"{tier or '?'}/{sub or '?'}"


#: rows classified at once (the feature matrices of a block are what M01 holds in memory)
_BLOCK = 50_000


def m01_model_mismatch(contexts: Sequence[ProjectContext], s: AuditSettings, model: Any,
                       version: str | None = None) -> list[Finding]:
    """M01: one finding per indicator whose filed (tier, sub) the classifier confidently rejects."""
    from models.classifier import UNCERTAIN_MARGIN, IndicatorText  # the model exists, so the module does

    # the classifier reads name, description and value: rows whose cells the parser could not assign
    # with confidence (garbled layout) would be judged on another row's words
    rows = [(ctx, ind) for ctx in contexts for ind in ctx.project.indicators
            if ind.sub is not None and not {"name", "desc"} & set(ind.uncertain)]
    if not rows:
        return []
    texts = [IndicatorText(ind.name, ind.desc, ind.value) for _, ind in rows]
    preds = [p for lo in range(0, len(texts), _BLOCK) for p in model.predict(texts[lo:lo + _BLOCK])]
    min_conf = s.threshold("model_min_confidence")
    out = []
    for (ctx, ind), pred in zip(rows, preds):
        # an unconfident or close call is the model not knowing, not evidence against the filing
        if pred.confidence < min_conf or getattr(pred, "uncertain", False):
            continue
        if pred.sub == ind.sub or (pred.sub is None and pred.tier == ind.tier):
            continue
        by_reviewer = bool(getattr(pred, "reviewed", False))
        said = (f"审核员已将「{ind.name}」标注为「{_label(pred.tier, pred.sub)}」（模型按此训练），"
                if by_reviewer else f"分类模型认为「{ind.name}」应属于「{_label(pred.tier, pred.sub)}」，")
        out.append(make_finding(
            ctx, "M01", s.severity_of("M01"),
            said + f"填报为「{_label(ind.tier, ind.sub)}」" + ("。" if by_reviewer else f"（置信度{pred.confidence:.0%}）。"),
            evidence=(("filed", _label(ind.tier, ind.sub)), ("predicted", _label(pred.tier, pred.sub)),
                      ("confidence", round(float(pred.confidence), 3)),
                      ("tier_margin", round(float(getattr(pred, "tier_margin", 1.0)), 3)),
                      ("confident", f"概率≥{min_conf:.2f} 且最可能的两个一级相差≥{UNCERTAIN_MARGIN:.2f}"),
                      ("model_version", version), ("reviewed", by_reviewer)),
            indicator=ind, cells=("tier", "sub"),
            suggestion=f"核对归类；若模型正确，移到「{_label(pred.tier, pred.sub)}」下。",
        ))
    return out
