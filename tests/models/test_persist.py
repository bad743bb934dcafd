"""Saving a model with metadata; refusing one from another scikit-learn."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sklearn

from models.classifier import IndicatorText, TierModel
from models.labels import LabelledIndicator, training_sha256
from models.persist import ModelVersionError, cache_is_current, load_model, model_path, read_metadata, save_model


def test_saved_model_round_trips_with_metadata(tmp_path: Path, sample_model: TierModel, sample_rows: list[LabelledIndicator]) -> None:
    path = model_path(tmp_path)
    meta = save_model(sample_model, path, rows=sample_rows, metrics={"x": 1})
    assert path == tmp_path / "models" / "classifier.joblib"
    assert read_metadata(path) == meta
    assert meta.sklearn == sklearn.__version__ and meta.data_sha256 == training_sha256(sample_rows)
    assert meta.n_rows == len(sample_rows) and "scikit-learn" in meta.libraries and meta.created_at
    texts = [IndicatorText("参保群众满意度", None, "≥90%")]
    assert load_model(path).predict(texts) == sample_model.predict(texts)


def test_model_from_incompatible_sklearn_is_refused(tmp_path: Path, sample_model: TierModel, sample_rows: list[LabelledIndicator]) -> None:
    path = model_path(tmp_path)
    save_model(sample_model, path, rows=sample_rows)
    meta_path = path.with_suffix(".json")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["sklearn"] = "0.24.2"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelVersionError) as err:
        load_model(path)
    assert str(err.value) == (
        f"{path}: model was built with scikit-learn 0.24.2, this installation has {sklearn.__version__}; "
        "run 'jixiao train' to rebuild it"
    )
    assert not cache_is_current(path, data_sha256=meta["data_sha256"])


def test_model_without_metadata_is_refused(tmp_path: Path) -> None:
    path = model_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a model")
    with pytest.raises(ModelVersionError, match="metadata file classifier.json is missing; run 'jixiao train'"):
        load_model(path)
