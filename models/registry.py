"""Model versions under ``<data_dir>/models/``: which files jixiao wrote, which one is active.

``registry.json`` (replaced atomically, changed under a lock) records every saved model:

* ``versions``: one entry per ``jixiao train`` run — ``version`` (``v1``, ``v2``…), ``file``,
  ``sha256`` of the file, ``created_at``, ``estimator``, ``sklearn``, ``training`` (what it was
  fitted on), ``metrics`` (the held-out comparison that decided its promotion) and ``recipe``
  (how to fit it again on other documents: whether it used the store, the last reviewer label
  it saw, the extra labelled rows it was given);
* ``active``: the version ``classify``, ``audit`` and ``search`` use; ``null`` = the default model;
* ``previous``: the versions that were active before, latest last (``rollback`` pops one);
* ``default``: the default model (fitted from the bundled samples, deterministic) and its hash.

Only files named here with a matching SHA-256 are ever unpickled (:func:`models.persist.load_model`).
A model file nobody registered (copied or planted into the folder) is never opened; a registered
file whose bytes changed is refused with the remedy. The version name ``default`` stands for the
default model everywhere a version is expected.
"""

from __future__ import annotations

import fcntl
import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Sequence

import sklearn

from models import persist
from models.labels import LabelledIndicator
from nlp.errors import JixiaoError

__all__ = [
    "DEFAULT_VERSION",
    "REGISTRY",
    "ActiveModel",
    "ModelNotFound",
    "RegistryError",
    "read_registry",
    "load_active",
    "load_version",
    "default_model",
    "save_version",
    "promote",
    "rollback",
    "list_versions",
    "get_version",
    "active_version",
]

REGISTRY = "registry.json"
DEFAULT_VERSION = "default"
FORMAT = 1


class RegistryError(JixiaoError):
    """The registry cannot be read or changed; the message names the remedy."""


class ModelNotFound(RegistryError):
    """No such model version."""


@dataclass(frozen=True)
class ActiveModel:
    model: Any  #: a fitted TierModel
    version: str  #: ``v3``, or ``default``


def _dir(data_dir: Path) -> Path:
    return data_dir / "models"


def _empty() -> dict[str, Any]:
    return {"format": FORMAT, "active": None, "previous": [], "versions": [], "default": None}


def read_registry(data_dir: Path) -> dict[str, Any]:
    """The registry (an empty one if the file does not exist yet)."""
    path = _dir(data_dir) / REGISTRY
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _empty()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RegistryError(
            f"{path}: unreadable model registry ({type(exc).__name__}); move the models folder away and retrain "
            "('jixiao train'), or restore it from a backup"
        ) from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT or not isinstance(raw.get("versions"), list):
        raise RegistryError(f"{path}: not a model registry this jixiao reads; move the models folder away and retrain")
    return {**_empty(), **raw}


@contextmanager
def _locked(data_dir: Path) -> Iterator[dict[str, Any]]:
    """The registry, read under an exclusive lock, written back atomically when the block ends normally."""
    folder = _dir(data_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = open(folder / "registry.lock", "a+b")
    except OSError as exc:
        raise RegistryError(f"{folder}: cannot write the models folder ({exc.strerror or exc}); check the --data-dir") from None
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = read_registry(data_dir)
        yield state
        _commit(data_dir, state)


def _commit(data_dir: Path, state: dict[str, Any]) -> None:
    persist.write_atomic(_dir(data_dir) / REGISTRY, json.dumps(state, ensure_ascii=False, indent=2).encode("utf-8"))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _entry(state: dict[str, Any], version: str) -> dict[str, Any]:
    if version == DEFAULT_VERSION:
        return {"version": DEFAULT_VERSION}
    for v in state["versions"]:
        if v["version"] == version:
            return v
    known = ", ".join([DEFAULT_VERSION] + [v["version"] for v in state["versions"]])
    raise ModelNotFound(f"no model version {version!r}; the versions are {known} (see 'jixiao models list')")


def active_version(data_dir: Path) -> str:
    return read_registry(data_dir)["active"] or DEFAULT_VERSION


def _load_entry(data_dir: Path, entry: dict[str, Any]) -> Any:
    path = _dir(data_dir) / entry["file"]
    if entry.get("sklearn") and entry["sklearn"] != sklearn.__version__:
        raise persist.ModelVersionError(
            f"{path}: model {entry['version']} was built with scikit-learn {entry['sklearn']}, this installation has "
            f"{sklearn.__version__}; run 'jixiao train' to rebuild it (or 'jixiao models rollback')"
        )
    return persist.load_model(path, sha256=entry["sha256"],
                              remedy="run 'jixiao train' to rebuild it (or 'jixiao models rollback')")


def load_version(data_dir: Path, version: str) -> Any:
    """The fitted model of ``version`` (``default`` included), hash-checked before loading."""
    if version == DEFAULT_VERSION:
        return default_model(data_dir)
    return _load_entry(data_dir, _entry(read_registry(data_dir), version))


def load_active(data_dir: Path | None) -> ActiveModel:
    """The model in use: the active version, or the default model when none is active."""
    if data_dir is None:
        return ActiveModel(default_model(None), DEFAULT_VERSION)
    state = read_registry(data_dir)
    if state["active"] is None:
        return ActiveModel(default_model(data_dir), DEFAULT_VERSION)
    return ActiveModel(_load_entry(data_dir, _entry(state, state["active"])), state["active"])


def default_model(data_dir: Path | None) -> Any:
    """The default model: fitted on the bundled training set (:func:`models.labels.load_default_training`:
    the samples with the reviewers' corrections, the multi-sector corpus, the reviewer's examples; a few
    seconds, deterministic) and kept as ``default.joblib``, registered with its hash.

    The kept file is used when the registry records it for exactly this bundled data, default
    estimator and scikit-learn, and its bytes match; when any of those changed it is fitted again
    and replaced. A ``default.joblib`` the registry does not record is never opened (it is
    overwritten). A recorded one whose bytes changed is refused with the remedy (remove it).
    """
    from models.classifier import DEFAULT_ESTIMATOR, fit_default_model
    from models.labels import load_default_training, training_sha256

    rows = load_default_training()
    sha = training_sha256(rows)
    if data_dir is None:
        return fit_default_model()
    state = read_registry(data_dir)
    entry = state.get("default")
    path = _dir(data_dir) / f"{persist.DEFAULT}.joblib"
    if (entry and entry.get("data_sha256") == sha and entry.get("estimator") == DEFAULT_ESTIMATOR
            and entry.get("sklearn") == sklearn.__version__ and path.exists()):
        return persist.load_model(path, sha256=entry["sha256"],
                                  remedy="jixiao fits the default model again from the bundled samples")
    model = fit_default_model()
    with _locked(data_dir) as state:
        entry = state.get("default")
        if (entry and entry.get("data_sha256") == sha and entry.get("estimator") == DEFAULT_ESTIMATOR
                and entry.get("sklearn") == sklearn.__version__ and path.exists()
                and persist.file_sha256(path) == entry.get("sha256")):
            return model  # another process saved the same default model meanwhile: its file stays, never rewritten
        persist.save_model(model, path, rows=rows, metrics={})
        state["default"] = {"file": path.name, "sha256": persist.file_sha256(path), "data_sha256": sha,
                            "estimator": DEFAULT_ESTIMATOR, "sklearn": sklearn.__version__, "created_at": _now(),
                            "n_rows": len(rows), "training": "bundled training set: samples (reviewers' corrections applied) + corpus + reviewer's examples"}
    return model


def _next_version(state: dict[str, Any]) -> str:
    numbers = [int(v["version"][1:]) for v in state["versions"] if v["version"][1:].isdigit()]
    return f"v{max(numbers, default=0) + 1}"


def save_version(
    data_dir: Path,
    model: Any,
    *,
    rows: Sequence[LabelledIndicator],
    training: dict[str, Any],
    metrics: dict[str, Any],
    recipe: dict[str, Any],
    activate: bool,
    heldout_fits: Sequence[tuple[Any, Sequence[LabelledIndicator], str, str | None]] = (),
    data_sha256: str | None = None,
) -> dict[str, Any]:
    """Save ``model`` as the next version (file first, then the registry entry, each atomic) and
    make it active if ``activate``; return its entry. Killed before the registry is written, the
    new file is simply not a version (never loaded) and the active model is unchanged.

    ``heldout_fits`` = (model, its rows, fingerprint, :func:`models.labels.training_sha256` of the rows or
    None) for each held-out split: the same recipe fitted without the split's documents, kept as
    ``<version>.heldout.joblib`` (``…heldout2.joblib`` …) so the next comparison against this version
    need not fit them again (:func:`load_heldout_fit`). ``data_sha256``: the
    :func:`models.labels.training_sha256` of ``rows``, when the caller has it."""
    with _locked(data_dir) as state:
        version = _next_version(state)
        path = _dir(data_dir) / f"{version}.joblib"
        meta = persist.save_model(model, path, rows=rows, metrics=metrics, data_sha256=data_sha256)
        entry = {"version": version, "file": path.name, "sha256": persist.file_sha256(path),
                 "created_at": meta.created_at, "estimator": meta.estimator, "sklearn": meta.sklearn,
                 "data_sha256": meta.data_sha256, "training": training, "metrics": metrics, "recipe": recipe}
        kept = []
        for k, (fitted, fitted_rows, fingerprint, fitted_sha) in enumerate(heldout_fits, start=1):
            hpath = _dir(data_dir) / f"{version}.heldout{k if k > 1 else ''}.joblib"
            persist.save_model(fitted, hpath, rows=fitted_rows, metrics={}, data_sha256=fitted_sha)
            kept.append({"file": hpath.name, "sha256": persist.file_sha256(hpath), "fingerprint": fingerprint})
        if kept:
            entry["heldout_fits"] = kept
        state["versions"].append(entry)
        if activate:
            _activate(state, version)
    return entry


def _activate(state: dict[str, Any], version: str) -> None:
    current = state["active"] or DEFAULT_VERSION
    if current == version:
        return
    state["previous"].append(current)
    state["active"] = None if version == DEFAULT_VERSION else version


def promote(data_dir: Path, version: str) -> str:
    """Make ``version`` the active model (after checking its file loads); return the version it replaced."""
    load_version(data_dir, version)  # a version that cannot be loaded is not made active
    with _locked(data_dir) as state:
        _entry(state, version)
        before = state["active"] or DEFAULT_VERSION
        _activate(state, version)
    return before


def rollback(data_dir: Path) -> tuple[str, str]:
    """Go back to the previously active version; return (version left, version now active)."""
    with _locked(data_dir) as state:
        if not state["previous"]:
            raise RegistryError("no previously active model to go back to (see 'jixiao models list')")
        left = state["active"] or DEFAULT_VERSION
        back = state["previous"].pop()
        state["active"] = None if back == DEFAULT_VERSION else back
    return left, back


def get_version(data_dir: Path, version: str) -> dict[str, Any]:
    """The listing entry of one version (see :func:`list_versions`)."""
    for v in list_versions(data_dir):
        if v["version"] == version:
            return v
    _entry(read_registry(data_dir), version)  # raises with the known versions
    raise AssertionError


def list_versions(data_dir: Path) -> list[dict[str, Any]]:
    """Every version, oldest first, the default model first: ``version``, ``created_at``, ``active``,
    ``training``, ``metrics`` (and ``estimator``, ``sha256``, ``file``)."""
    state = read_registry(data_dir)
    active = state["active"] or DEFAULT_VERSION
    d = state.get("default") or {}
    out = [{"version": DEFAULT_VERSION, "created_at": d.get("created_at"), "active": active == DEFAULT_VERSION,
            "training": {"source": d.get("training", "bundled samples, reviewers' corrections applied (fitted on first use)"),
                         "n_rows": d.get("n_rows")},
            "metrics": {}, "estimator": d.get("estimator"), "sha256": d.get("sha256"), "file": d.get("file")}]
    for v in state["versions"]:
        out.append({"version": v["version"], "created_at": v["created_at"], "active": v["version"] == active,
                    "training": v["training"], "metrics": v["metrics"], "estimator": v["estimator"],
                    "sha256": v["sha256"], "file": v["file"]})
    return out


def load_heldout_fit(data_dir: Path, version: str, fingerprint: str) -> Any | None:
    """The held-out fit kept with ``version`` that was fitted on rows with this fingerprint, else None."""
    entry = _entry(read_registry(data_dir), version)
    fits = list(entry.get("heldout_fits") or ([entry["heldout_fit"]] if entry.get("heldout_fit") else []))
    for fit in fits:
        if fit.get("fingerprint") == fingerprint:
            return persist.load_model(_dir(data_dir) / fit["file"], sha256=fit["sha256"])
    return None


def version_recipe(data_dir: Path, version: str) -> dict[str, Any] | None:
    """How ``version`` was fitted (None for the default model)."""
    if version == DEFAULT_VERSION:
        return None
    return dict(_entry(read_registry(data_dir), version)["recipe"])
