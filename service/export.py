"""Export workflow: every stored indicator as CSV or JSON lines."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO, Any, Iterator

from index.store import EXPORT_FIELDS, Store
from nlp.errors import JixiaoError

__all__ = ["EXPORT_FORMATS", "write_export", "export_store"]

EXPORT_FORMATS = ("jsonl", "csv")
#: first character of every CSV jixiao writes: the UTF-8 byte-order mark, without which Excel on a
#: Chinese Windows reads the file as GBK and garbles it
CSV_BOM = "\ufeff"


def write_export(records: Iterator[dict[str, Any]], stream: IO[str], *, fmt: str) -> int:
    """Write export records as CSV or JSON lines; return how many."""
    n = 0
    if fmt == "csv":
        stream.write(CSV_BOM)
        writer = csv.DictWriter(stream, fieldnames=list(EXPORT_FIELDS), lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow({**record, "uncertain": ";".join(record["uncertain"]),
                             "extra": json.dumps(record["extra"], ensure_ascii=False) if record["extra"] else ""})
            n += 1
    else:
        for record in records:
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    stream.flush()
    return n


def export_store(data_dir: Path, stream: IO[str], *, fmt: str) -> int:
    """Write every stored indicator to ``stream``; refuses an empty store."""
    if fmt not in EXPORT_FORMATS:
        raise JixiaoError(f"--format must be jsonl or csv (got {fmt!r})")
    with Store.open(data_dir, write=False) as store:
        if not store.counts()["indicators"]:
            raise JixiaoError(f"the store in {data_dir} holds no indicators; run 'jixiao ingest PATH' first")
        return write_export(store.export_rows(), stream, fmt=fmt)
