"""Saving a model with metadata; refusing one from another scikit-learn."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sklearn

from models.classifier import IndicatorText, TierModel
from models.labels import LabelledIndicator, training_sha256
from models.persist import (
    ModelVersionError,
    cache_is_current,
    file_sha256,
    load_model,
    model_path,
    read_metadata,
    save_model,
)


def test_saved_model_round_trips_with_metadata(tmp_path: Path, sample_model: TierModel, sample_rows: list[LabelledIndicator]) -> None:
    path = model_path(tmp_path)
    meta = save_model(sample_model, path, rows=sample_rows, metrics={"x": 1})
    assert path == tmp_path / "models" / "classifier.joblib"
    assert read_metadata(path) == meta
    assert meta.sklearn == sklearn.__version__ and meta.data_sha256 == training_sha256(sample_rows)
    assert meta.n_rows == len(sample_rows) and "scikit-learn" in meta.libraries and meta.created_at
    texts = [IndicatorText("参保群众满意度", None, "≥90%")]
    assert load_model(path, sha256=file_sha256(path)).predict(texts) == sample_model.predict(texts)


def test_model_from_incompatible_sklearn_is_refused(tmp_path: Path, sample_model: TierModel, sample_rows: list[LabelledIndicator]) -> None:
    path = model_path(tmp_path)
    save_model(sample_model, path, rows=sample_rows)
    meta_path = path.with_suffix(".json")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["sklearn"] = "0.24.2"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelVersionError) as err:
        load_model(path, sha256=file_sha256(path))
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
        load_model(path, sha256=file_sha256(path))


class _Planted:
    """Unpickling this writes a marker file: proof that a pickle was executed."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Path.write_text, (self.marker, "executed"))


def test_a_file_whose_hash_differs_is_never_unpickled(tmp_path: Path, sample_model: TierModel,
                                                      sample_rows: list[LabelledIndicator]) -> None:
    import pickle

    path = model_path(tmp_path)
    save_model(sample_model, path, rows=sample_rows)
    recorded = file_sha256(path)
    marker = tmp_path / "marker"
    path.write_bytes(pickle.dumps(_Planted(marker)))
    with pytest.raises(ModelVersionError, match="not the one jixiao saved .*remove the file and run 'jixiao train'"):
        load_model(path, sha256=recorded)
    assert not marker.exists()


def test_a_truncated_model_with_its_own_hash_is_an_error_not_a_traceback(tmp_path: Path, sample_model: TierModel,
                                                                         sample_rows: list[LabelledIndicator]) -> None:
    path = model_path(tmp_path)
    save_model(sample_model, path, rows=sample_rows)
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(ModelVersionError, match="cannot load the model"):
        load_model(path, sha256=file_sha256(path))
