"""Rebuild models/data/sample_indicators.csv from samples/*.txt with the real parser,
and copy the reviewers' verdicts samples/labels/sample_corrections.csv next to it.

Run from the repository root: ``.venv/bin/python models/data/regenerate.py``.
The labels are the tier and sub-tier AS FILED (see models.labels.labels_from_documents);
the corrections are checked against the regenerated rows (stale ones are an error).
"""

from __future__ import annotations

from pathlib import Path

import shutil

from models.labels import (
    BUNDLED_CORRECTIONS,
    BUNDLED_TRAINING,
    apply_corrections,
    labels_from_documents,
    read_corrections,
    write_labels_csv,
)
from nlp.parse import parse_text

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    docs = [parse_text(p.read_text(encoding="utf-8"), file=p.name) for p in sorted((ROOT / "samples").glob("*.txt"))]
    rows = labels_from_documents(docs)
    out = Path(__file__).resolve().parent / BUNDLED_TRAINING
    with out.open("w", encoding="utf-8") as f:
        write_labels_csv(rows, f)
    print(f"{len(rows)} labelled indicators from {len(docs)} documents -> {out}")
    source = ROOT / "samples" / "labels" / BUNDLED_CORRECTIONS
    corrections = read_corrections(source)
    apply_corrections(rows, corrections, source=str(source))  # raises if any verdict no longer matches its row
    shutil.copyfile(source, out.with_name(BUNDLED_CORRECTIONS))
    n = sum(c.verdict == "corrected" for c in corrections)
    print(f"{len(corrections)} adjudicated rows ({n} corrected) -> {out.with_name(BUNDLED_CORRECTIONS)}")


if __name__ == "__main__":
    main()
