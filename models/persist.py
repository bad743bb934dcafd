"""Saving and loading a :class:`TierModel` with its metadata, under ``<data_dir>/models/``.

Each model is two files: ``NAME.joblib`` (the pickled pipeline) and ``NAME.json``
(metadata: library versions, label set, training-data sha256, row count, metrics,
created_at). The metadata is read first; a model made by another scikit-learn
version is refused before unpickling, because scikit-learn pickles are only
guaranteed to load in the version that wrote them.

Unpickling runs code, so :func:`load_model` only opens a file whose SHA-256 equals the
one recorded when jixiao wrote it (the registry, :mod:`models.registry`, keeps it): a file
jixiao did not write, or one changed since, is refused before a byte of it is unpickled.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import platform
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any, Sequence

import joblib
import sklearn

from models.labels import LabelledIndicator, training_sha256
from nlp.errors import JixiaoError
from nlp.normalize import SUB_TIERS

__all__ = [
    "ModelVersionError",
    "ModelMetadata",
    "TRAINED",
    "DEFAULT",
    "model_path",
    "save_model",
    "load_model",
    "read_metadata",
    "cache_is_current",
    "file_sha256",
    "write_atomic",
]

#: file stem of a model made by ``jixiao train``
TRAINED = "classifier"
#: file stem of the cached default model (fitted from the bundled samples)
DEFAULT = "default"

FORMAT = 1


class ModelVersionError(JixiaoError):
    """A saved model cannot be used by this installation; the message names the remedy."""


@dataclass(frozen=True)
class ModelMetadata:
    """What is recorded next to a saved model."""

    format: int
    estimator: str
    sklearn: str
    python: str
    libraries: dict[str, str]
    labels: tuple[str, ...]
    data_sha256: str
    n_rows: int
    metrics: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""


def model_path(data_dir: Path, stem: str = TRAINED) -> Path:
    """``<data_dir>/models/<stem>.joblib``."""
    return data_dir / "models" / f"{stem}.joblib"


def _versions() -> dict[str, str]:
    out = {}
    for dist in ("scikit-learn", "numpy", "scipy", "joblib", "jieba", "rjieba"):
        try:
            out[dist] = importlib_metadata.version(dist)
        except importlib_metadata.PackageNotFoundError:
            continue
    return out


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` in one step: readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def save_model(
    model: Any, path: Path, *, rows: Sequence[LabelledIndicator], metrics: dict[str, Any] | None = None,
    data_sha256: str | None = None,
) -> ModelMetadata:
    """Write ``path`` (joblib) and ``path.with_suffix('.json')`` (metadata), each atomically; return the metadata.

    ``data_sha256`` is :func:`models.labels.training_sha256` of ``rows`` when the caller has it already
    (a pass over every row otherwise). Record :func:`file_sha256` of ``path`` to load it again
    (:func:`load_model` checks it)."""
    meta = ModelMetadata(
        format=FORMAT,
        estimator=model.estimator,
        sklearn=sklearn.__version__,
        python=platform.python_version(),
        libraries=_versions(),
        labels=tuple(SUB_TIERS),
        data_sha256=training_sha256(rows) if data_sha256 is None else data_sha256,
        n_rows=len(rows),
        metrics=dict(metrics or {}),
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        joblib.dump(model, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    write_atomic(path.with_suffix(".json"), json.dumps(asdict(meta), ensure_ascii=False, indent=2).encode("utf-8"))
    return meta


def read_metadata(path: Path) -> ModelMetadata:
    """The metadata next to a model file; :class:`ModelVersionError` if missing or unreadable."""
    meta_path = path.with_suffix(".json")
    try:
        raw = json.loads(meta_path.read_text(encoding="utf-8"))
        raw["labels"] = tuple(raw["labels"])
        return ModelMetadata(**raw)
    except FileNotFoundError:
        raise ModelVersionError(f"{path}: metadata file {meta_path.name} is missing; run 'jixiao train' to rebuild the model") from None
    except (json.JSONDecodeError, TypeError, KeyError):
        raise ModelVersionError(f"{meta_path}: unreadable model metadata; run 'jixiao train' to rebuild the model") from None


def load_model(path: Path, *, sha256: str, remedy: str = "run 'jixiao train' to rebuild it") -> Any:
    """Load a model saved by :func:`save_model` whose file hash is ``sha256``, refusing one made by
    another scikit-learn or format, and any file whose bytes are not the ones recorded."""
    try:
        actual = file_sha256(path)
    except FileNotFoundError:
        raise ModelVersionError(f"{path}: the model file is missing; {remedy}") from None
    except OSError as exc:
        raise ModelVersionError(f"{path}: cannot read the model file ({exc.strerror or exc}); {remedy}") from None
    if actual != sha256:
        raise ModelVersionError(
            f"{path}: the file is not the one jixiao saved (SHA-256 differs: corrupted or replaced), so it is not "
            f"loaded; remove the file and {remedy}"
        )
    meta = read_metadata(path)
    if meta.sklearn != sklearn.__version__:
        raise ModelVersionError(
            f"{path}: model was built with scikit-learn {meta.sklearn}, this installation has "
            f"{sklearn.__version__}; run 'jixiao train' to rebuild it"
        )
    if meta.format != FORMAT or tuple(meta.labels) != tuple(SUB_TIERS):
        raise ModelVersionError(
            f"{path}: model format {meta.format} with labels {list(meta.labels)} is not the one this jixiao uses; "
            "run 'jixiao train' to rebuild it"
        )
    try:
        return joblib.load(path)
    except (pickle.UnpicklingError, EOFError, AttributeError, ModuleNotFoundError, ImportError, ValueError, KeyError,
            IndexError, TypeError, MemoryError) as exc:
        raise ModelVersionError(f"{path}: cannot load the model ({type(exc).__name__}); remove the file and {remedy}") from None


def cache_is_current(path: Path, *, data_sha256: str) -> bool:
    """True if a cached model exists, was built by this scikit-learn, and from exactly this data."""
    if not path.exists():
        return False
    try:
        meta = read_metadata(path)
    except ModelVersionError:
        return False
    return meta.sklearn == sklearn.__version__ and meta.format == FORMAT and meta.data_sha256 == data_sha256
