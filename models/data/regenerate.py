"""Rebuild models/data/sample_indicators.csv from samples/*.txt with the real parser.

Run from the repository root: ``.venv/bin/python models/data/regenerate.py``.
The labels are the tier and sub-tier AS FILED (see models.labels.labels_from_documents).
"""

from __future__ import annotations

from pathlib import Path

from models.labels import BUNDLED_TRAINING, labels_from_documents, write_labels_csv
from nlp.parse import parse_text

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    docs = [parse_text(p.read_text(encoding="utf-8"), file=p.name) for p in sorted((ROOT / "samples").glob("*.txt"))]
    rows = labels_from_documents(docs)
    out = Path(__file__).resolve().parent / BUNDLED_TRAINING
    with out.open("w", encoding="utf-8") as f:
        write_labels_csv(rows, f)
    print(f"{len(rows)} labelled indicators from {len(docs)} documents -> {out}")


if __name__ == "__main__":
    main()
