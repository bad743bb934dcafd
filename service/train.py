"""Train workflow: labelled rows from the store and/or a label file, corrections applied, fitted and saved."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Sequence

from index.store import DB_NAME, Store
from models.labels import LabelledIndicator, labels_from_documents, read_labels
from nlp.errors import JixiaoError

__all__ = ["training_rows", "train", "TrainRun", "train_record"]


def training_rows(data_dir: Path, labels: Path | None = None, *, use_store: bool = True) -> tuple[list[LabelledIndicator], str]:
    """Labelled rows from a label file and/or the store's documents (tier as filed), and where they came from."""
    rows: list[LabelledIndicator] = []
    sources = []
    if labels is not None:
        rows.extend(read_labels(labels))  # raises on any bad row: nothing is trained
        sources.append(str(labels))
    if use_store and (data_dir / DB_NAME).exists():
        with Store.open(data_dir, write=False) as store:
            from_store = labels_from_documents(store.iter_documents())
        if from_store:
            rows.extend(from_store)
            sources.append(f"store {data_dir} ({len({r.group for r in from_store})} documents)")
    return rows, " + ".join(sources)


@dataclass(frozen=True)
class TrainRun:
    estimator: str
    n_rows: int
    n_dropped: int
    source: str
    path: Path
    metadata: Any  #: models.persist metadata of the saved model


def train(data_dir: Path, *, labels: Path | None = None, use_store: bool = True,
          corrections: Sequence[Any] | None = None, corrections_name: str = "corrections",
          estimator: str | None = None) -> TrainRun:
    """Fit the classifier and save it as the data directory's model (what classify and audit then use)."""
    from models.classifier import DEFAULT_ESTIMATOR, ESTIMATORS, train_and_save
    from models.labels import apply_corrections
    from models.persist import read_metadata

    estimator = estimator or DEFAULT_ESTIMATOR
    if estimator not in ESTIMATORS or estimator == "baseline":
        raise JixiaoError(f"unknown estimator '{estimator}'; use one of {', '.join(e for e in ESTIMATORS if e != 'baseline')}")
    rows, source = training_rows(data_dir, labels, use_store=use_store)
    if not rows:
        raise JixiaoError(f"nothing to train on: no documents in {data_dir} and no labels; run 'jixiao ingest PATH' or give --labels FILE")
    if corrections:
        rows = apply_corrections(rows, corrections, source=corrections_name)
        source += f", corrected by {corrections_name}"
    from index.sync import writing

    with writing(data_dir):  # the data directory's one writer lock: one training run at a time
        model, path = train_and_save(rows, data_dir, estimator=estimator)
    return TrainRun(estimator, len(rows), len(model.dropped), source, path, read_metadata(path))


def train_record(run: TrainRun) -> dict[str, Any]:
    """The saved model's metadata plus its path (what ``train --json`` prints)."""
    return asdict(run.metadata) | {"path": str(run.path)}
