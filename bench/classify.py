"""Classifier benchmark: batch throughput (model loaded) and training time, with tokeniser MB/s beside.

Usage (run the final figures under the shared lock, and note ``uptime``)::

    flock /tmp/jixiao-bench.lock .venv/bin/python bench/classify.py --n 100000 --runs 5 --train-runs 1
    flock /tmp/jixiao-bench.lock .venv/bin/python bench/classify.py --n 1000000 --runs 3 --train-runs 1

Indicators come from ``bench/corpus.py indicators --n N --seed 0`` (generated into
bench/out/ if missing). One core (BLAS/OpenMP threads pinned to 1).

* classify throughput = indicators per second of ``TierModel.predict`` with the default
  model already fitted, median of ``--runs`` runs, on two batches of ``--predict-n``:
  ``corpus`` = the first rows of the corpus as they come (copies included: the model scores
  identical rows once, as real copy-pasted tables have them), ``distinct`` = rows that are
  all different (their names and descriptions still repeat across rows, and the feature transform
  analyses each distinct field value once), and ``unique text`` = the distinct rows with two
  seeded random Han characters (from the corpus' own) inserted into every name and description, so
  that no name or description repeats (nothing at all to share; harsher than real tables);
* tokeniser MB/s = ``nlp.tokenize.tokenize_zh`` over the names + descriptions of the distinct batch;
* training time = ``fit_tier_model`` on all N labelled rows (label-noise filter on, and off),
  median of ``--train-runs``.

Writes ``bench/out/classify_<N>.json`` and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import OUT, median, peak_rss_mb, stopwatch, table  # noqa: E402


def corpus(n: int) -> Path:
    out = OUT / f"indicators_{n}_0.jsonl"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / "corpus.py"), "indicators", "--n", str(n), "--seed", "0",
                        "--out", str(out)], check=True)
    return out


def unique_text(texts: list, seed: int = 0) -> list:
    """``texts`` with two seeded random Han characters (from their own) inserted into every name and
    description, re-drawn until no name repeats: a batch in which no field value is shared."""
    import random

    from models.features import IndicatorText

    rng = random.Random(seed)
    chars = sorted({c for t in texts for c in t.name + (t.desc or "") if "\u4e00" <= c <= "\u9fff"})

    def spliced(text: str) -> str:
        k = rng.randrange(len(text) + 1)
        return text[:k] + rng.choice(chars) + rng.choice(chars) + text[k:]

    out, names, descs = [], set(), set()
    for t in texts:
        name = spliced(t.name)
        while name in names:
            name = spliced(t.name)
        desc = spliced(t.desc or "")
        while desc in descs:
            desc = spliced(t.desc or "")
        names.add(name)
        descs.add(desc)
        out.append(IndicatorText(name, desc, t.value))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="training-set size")
    ap.add_argument("--runs", type=int, default=3, help="runs of the classify/tokenise timings")
    ap.add_argument("--train-runs", type=int, default=1, help="runs of each training timing")
    ap.add_argument("--predict-n", type=int, default=20_000)
    ap.add_argument("--train-estimator", default="", help="estimator for the training timing (default: the shipped one)")
    args = ap.parse_args(argv)

    import warnings

    from models.classifier import DEFAULT_ESTIMATOR, fit_tier_model, load_default
    from models.features import IndicatorText
    from models.labels import LabelledIndicator
    from nlp.normalize import SUB_PARENT
    from nlp.tokenize import tokenize_zh

    warnings.filterwarnings("ignore", module="sklearn")
    rows = []
    with corpus(args.n).open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r.get("sub") not in SUB_PARENT:
                continue
            text = IndicatorText(r["name"], r.get("desc") or None, r.get("value") or None)
            rows.append(LabelledIndicator(text, SUB_PARENT[r["sub"]], r["sub"], r["doc"]))
    batch = [r.text for r in rows[: args.predict_n]]
    distinct = list(dict.fromkeys(r.text for r in rows))[: args.predict_n]
    unique = unique_text(distinct)

    model = load_default(None)
    model.predict(batch[:100])  # warm the tokeniser
    timings: dict[str, list[float]] = {"corpus": [], "distinct": [], "unique text": [], "tokenise": []}
    batches = {"corpus": batch, "distinct": distinct, "unique text": unique}
    for _ in range(args.runs):
        for key, texts in batches.items():
            with stopwatch() as sw:
                model.predict(texts)
            timings[key].append(sw.seconds)
        with stopwatch() as sw:
            for t in distinct:
                tokenize_zh(t.name)
                if t.desc:
                    tokenize_zh(t.desc)
        timings["tokenise"].append(sw.seconds)
    mb = sum(len(t.name.encode()) + len((t.desc or "").encode()) for t in distinct) / 1e6

    estimator = args.train_estimator or DEFAULT_ESTIMATOR
    train: dict[str, list[float]] = {"noise filter on": [], "noise filter off": []}
    dropped = 0
    for _ in range(args.train_runs):
        for key, drop in (("noise filter on", True), ("noise filter off", False)):
            with stopwatch() as sw:
                fitted = fit_tier_model(rows, estimator=estimator, drop_noise=drop)
            train[key].append(sw.seconds)
            if drop:
                dropped = len(fitted.dropped)

    result = {
        "n": len(rows),
        "distinct_rows": len({(r.text, r.sub) for r in rows}),
        "estimator": estimator,
        "predict_n": {"corpus": len(batch), "distinct": len(distinct), "distinct_in_corpus_batch": len(set(batch)),
                      "distinct_names_in_distinct_batch": len({t.name for t in distinct}),
                      "distinct_descs_in_distinct_batch": len({t.desc for t in distinct}),
                      "unique text": len(unique)},
        "classify_per_s": {k: round(len(batches[k]) / median(v)) for k, v in timings.items() if k != "tokenise"},
        "tokenise_mb_per_s": round(mb / median(timings["tokenise"]), 2),
        "train_s": {k: round(median(v), 1) for k, v in train.items()},
        "runs": args.runs,
        "train_runs": args.train_runs,
        "rows_dropped_as_noise": dropped,
        "peak_rss_mb": round(peak_rss_mb()),
        "raw": {"classify_s": timings, "train_s": train},
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"classify_{args.n}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(table(
        ["measure", "value"],
        [
            ["labelled rows (distinct text+label)", f"{len(rows):,} ({result['distinct_rows']:,})"],
            [f"classify/s, corpus batch of {len(batch):,} ({len(set(batch)):,} distinct), median of {args.runs}",
             f"{result['classify_per_s']['corpus']:,}"],
            [f"classify/s, {len(distinct):,} all-distinct rows ({len({t.name for t in distinct}):,} distinct names), median of {args.runs}",
             f"{result['classify_per_s']['distinct']:,}"],
            [f"classify/s, {len(unique):,} rows, every name and description unique, median of {args.runs}",
             f"{result['classify_per_s']['unique text']:,}"],
            [f"tokenize_zh MB/s, median of {args.runs}", f"{result['tokenise_mb_per_s']:.2f}"],
            [f"train {estimator}, noise filter on, s (median of {args.train_runs})", f"{result['train_s']['noise filter on']:.1f}"],
            [f"train {estimator}, noise filter off, s (median of {args.train_runs})", f"{result['train_s']['noise filter off']:.1f}"],
            ["rows left out as noise", f"{dropped:,}"],
            ["peak RSS MB", f"{result['peak_rss_mb']:,}"],
        ],
    ))
    print(json.dumps({k: v for k, v in result.items() if k != "raw"}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
