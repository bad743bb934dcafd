"""Classify workflow: predictions for indicator texts, as records; the model kept loaded while it is current."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Sequence

from models.classifier import IndicatorText, Prediction, TierModel, load_default
from nlp.errors import JixiaoError

__all__ = ["prediction_record", "classify", "ModelCache", "texts_from_items"]


def prediction_record(text: IndicatorText, p: Prediction) -> dict[str, Any]:
    """One classify record (README "Classify")."""
    return {
        "name": text.name,
        "tier": p.tier,
        "sub": p.sub,
        "confidence": p.confidence,
        "tier_confidence": p.tier_confidence,
        "tier_margin": p.tier_margin,
        "uncertain": p.uncertain,
        "reviewed": p.reviewed,
        "alternatives": [{"sub": s, "p": prob} for s, prob in p.alternatives],
    }


def texts_from_items(items: Sequence[Any]) -> list[IndicatorText]:
    """Indicator texts from ``{"name", "desc", "value"}`` objects; an empty name is refused with its position."""
    texts = []
    for n, item in enumerate(items, start=1):
        name = (item.get("name") or "").strip() if isinstance(item, dict) else ""
        if not name:
            raise JixiaoError(f"item {n}: 'name' is empty; give the indicator name (三级指标)")
        desc, value = item.get("desc"), item.get("value")
        texts.append(IndicatorText(name, str(desc) if desc else None, str(value) if value else None))
    return texts


class ModelCache:
    """The data directory's classifier, loaded once and reloaded when a training run replaces it."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._lock = threading.Lock()
        self._model: TierModel | None = None
        self._stamp: tuple[int, ...] | None = None

    def _current_stamp(self) -> tuple[int, ...]:
        from models import persist, registry

        stamps = []
        for path in (persist.model_path(self.data_dir, persist.DEFAULT).parent / registry.REGISTRY,
                     persist.model_path(self.data_dir, persist.DEFAULT)):
            stamps.append(path.stat().st_mtime_ns if path.exists() else 0)
        return tuple(stamps)

    def get(self) -> TierModel:
        with self._lock:
            stamp = self._current_stamp()
            if self._model is None or stamp != self._stamp:
                self._model = load_default(self.data_dir)
                self._stamp = self._current_stamp()
            return self._model


def classify(texts: Sequence[IndicatorText], data_dir: Path, *, model: TierModel | None = None,
             cost_tier: bool = False) -> list[dict[str, Any]]:
    """Predictions for ``texts`` in input order (the default model of ``data_dir`` unless ``model`` is given);
    ``cost_tier``: the table has 成本 as a 一级 (see :meth:`models.classifier.TierModel.predict`)."""
    if not texts:
        return []
    model = model if model is not None else load_default(data_dir)
    return [prediction_record(t, p) for t, p in zip(texts, model.predict(list(texts), cost_tier=cost_tier))]
