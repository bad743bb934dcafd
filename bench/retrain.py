"""Retraining after a review session: ``models.retrain.retrain`` with 1,000 new reviewer labels on
top of the N-indicator benchmark corpus, the active model having been trained on the same corpus.

Usage (final figures under the shared lock; note ``uptime``)::

    flock /tmp/jixiao-bench.lock .venv/bin/python bench/retrain.py --n 1000000 --labels 1000 --runs 3

Indicators come from ``bench/corpus.py indicators --n N --seed 0`` (generated into bench/out/ if
missing); each becomes a stored indicator of its synthetic document, filed as the corpus says. Setup
(not timed): a data directory whose active model ``v1`` was trained by ``retrain`` on the corpus with
no reviewer labels. Each timed run is a fresh process on a fresh copy of that directory: N seeded
labels (half of them correct the filed sub-tier to another one, half confirm it) are handed to
``retrain`` — the whole of what ``jixiao train`` does after reading the store (wall clock and the
process's CPU time, which on a shared machine says more): the candidate fitted
without the held-out documents, the active model's recipe likewise (or its cached held-out fit),
both scored on the held-out documents, the final fit on all rows, saving and promotion. Reading the
rows out of SQLite is not included (timed separately by the ingest/search benches). BLAS threads are
pinned to 1, but ``retrain`` fits the candidate in a second process (fork) while it fits the final
model, so a run uses up to two cores: the CPU time reported is both processes' (the child's through
``RUSAGE_CHILDREN``), and the peak RSS is reported for each.

Writes ``bench/out/retrain_<N>.json`` and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import OUT, median, peak_rss_mb, run_child, stopwatch, table  # noqa: E402


def load_records(n: int) -> list:
    from bench.classify import corpus
    from models.labelling import IndicatorRecord
    from nlp.normalize import SUB_PARENT

    out = []
    with corpus(n).open(encoding="utf-8") as f:
        for i, line in enumerate(f):
            r = json.loads(line)
            sub = r.get("sub") if r.get("sub") in SUB_PARENT else None
            out.append(IndicatorRecord(f"{i:020x}", r["doc"], i + 1, r["project_id"], r["project_name"], r["name"],
                                       r.get("desc") or "", r.get("value") or "", r.get("tier"), sub))
    return out


def make_labels(records: list, k: int, data_dir: Path) -> list:
    """``k`` labels as a reviewer gives them after ``jixiao label export --limit k``: the exported rows (one per
    distinct text, disagreements and unsure rows, spread over documents), each labelled with the active
    model's sub-tier where it disagrees with the filed one (the reviewer accepts the correction) and with
    the filed one elsewhere (the reviewer confirms it)."""
    from models.labelling import Label, review_candidates
    from models.registry import load_active
    from nlp.normalize import SUB_PARENT

    named = [r for r in records if r.name]
    preds = load_active(data_dir).model.predict([r.text for r in named], n_alternatives=0)
    out = []
    for row in review_candidates(named, preds, limit=k):
        sub = row.pred_sub if row.disagrees or row.record.filed_sub is None else row.record.filed_sub
        r = row.record
        out.append(Label(r.indicator_id, True, r.name, r.desc, r.value, SUB_PARENT[sub], sub))
    return out


def _retrain(data_dir: Path, records: list, labels: list, phases: list | None = None):
    """``labels`` as the label store would give them: label i (1-based) has id i, ``labels_upto(n)`` the first n."""
    import time
    import warnings

    from models.retrain import retrain

    warnings.filterwarnings("ignore", module="sklearn")
    upto = len(labels)
    marks = phases if phases is not None else []
    marks.append(("start", time.perf_counter()))
    outcome = retrain(data_dir, records=records, labels=labels,
                      labels_upto=lambda n: labels[:n], label_upto=upto,
                      on_phase=lambda what: marks.append((what, time.perf_counter())))
    marks.append(("end", time.perf_counter()))
    return outcome


def _phase_seconds(marks: list) -> dict[str, float]:
    """Seconds from each phase's start to the next mark ("start" = preparing the rows and the split)."""
    return {what: round(marks[i + 1][1] - t, 2) for i, (what, t) in enumerate(marks[:-1])}


def _children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes waited for (the candidate's fit)."""
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _children_peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def child(args: argparse.Namespace) -> None:
    import time

    records = load_records(args.n)
    labels = make_labels(records, args.labels, Path(args.data_dir))

    cpu, children = time.process_time(), _children_cpu()
    marks: list = []
    with stopwatch() as sw:
        outcome = _retrain(Path(args.data_dir), records, labels, marks)
    cpu, children = time.process_time() - cpu, _children_cpu() - children
    print(json.dumps({"seconds": sw.seconds, "cpu_seconds": cpu + children, "cpu_seconds_parent": cpu,
                      "cpu_seconds_child": children, "phases": _phase_seconds(marks),
                      "peak_rss_mb": peak_rss_mb(), "peak_rss_mb_child": _children_peak_rss_mb(),
                      "version": outcome.version,
                      "promoted": outcome.promoted, "candidate": outcome.candidate and outcome.candidate.__dict__,
                      "active": outcome.active and outcome.active.__dict__,
                      "n_rows": outcome.training["n_rows"], "n_reviewer_labels": outcome.training["n_reviewer_labels"]}))


def setup(args: argparse.Namespace) -> None:
    records = load_records(args.n)
    import time

    cpu = time.process_time() + _children_cpu()
    with stopwatch() as sw:
        outcome = _retrain(Path(args.data_dir), records, [])
    print(json.dumps({"seconds": sw.seconds, "cpu_seconds": time.process_time() + _children_cpu() - cpu,
                      "version": outcome.version,
                      "promoted": outcome.promoted}))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--labels", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--child", choices=("setup", "run"), help=argparse.SUPPRESS)
    ap.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child == "setup":
        setup(args)
        return 0
    if args.child == "run":
        child(args)
        return 0
    from bench.classify import corpus

    corpus(args.n)
    with tempfile.TemporaryDirectory(prefix="jixiao-retrain-") as tmp:
        template = Path(tmp) / "template"
        me = Path(__file__)
        first = run_child(me, ["--child", "setup", "--n", str(args.n), "--data-dir", str(template)])
        runs = []
        for i in range(args.runs):
            d = Path(tmp) / f"run{i}"
            shutil.copytree(template, d)
            runs.append(run_child(me, ["--child", "run", "--n", str(args.n), "--labels", str(args.labels),
                                       "--data-dir", str(d)]))
            shutil.rmtree(d)
    result = {"n": args.n, "labels": args.labels, "setup_seconds": first["seconds"], "runs": runs,
              "median_seconds": median([r["seconds"] for r in runs]),
              "median_cpu_seconds": median([r["cpu_seconds"] for r in runs]),
              "median_peak_rss_mb": median([r["peak_rss_mb"] for r in runs]), "load": os.getloadavg()}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"retrain_{args.n}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(table(["N", "labels", "runs", "retrain s (median)", "each run s", "CPU s (median, both processes)",
                 "each run CPU s (parent + child)", "peak RSS MB (parent / child)", "promoted"],
                [[args.n, args.labels, len(runs), f"{result['median_seconds']:.1f}",
                  " / ".join(f"{r['seconds']:.1f}" for r in runs), f"{result['median_cpu_seconds']:.1f}",
                  " / ".join(f"{r['cpu_seconds_parent']:.1f}+{r['cpu_seconds_child']:.1f}" for r in runs),
                  f"{result['median_peak_rss_mb']:.0f} / {median([r['peak_rss_mb_child'] for r in runs]):.0f}",
                  ",".join(str(r["promoted"]) for r in runs)]]))
    for r in runs:
        print("phases:", json.dumps(r["phases"], ensure_ascii=False))
    print(f"setup (v1 on the corpus, not timed): {first['seconds']:.1f} s wall, {first['cpu_seconds']:.1f} s CPU; "
          f"load average {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
