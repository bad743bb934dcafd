"""Evaluation inputs: the labelled rows (tier and sub-tier as filed) of the store and/or a label file."""

from __future__ import annotations

from pathlib import Path

from index.store import DB_NAME, Store
from models.labels import LabelledIndicator, labels_from_documents, read_labels

__all__ = ["training_rows"]


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
