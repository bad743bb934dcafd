"""Benchmark copy-paste detection (issue 5): time and peak memory at 100k and 1M indicators, and
recall/speed against rapidfuzz's exact all-pairs ``process.cdist`` on a 20k subset, in one run.

    python bench/dupes.py                       # 100k and 1M, 3 runs each, subset 20k
    python bench/dupes.py --sizes 100000 --runs 1

The indicator corpora come from ``bench/corpus.py indicators`` (generated into bench/out/ when
missing). Each timed run is a fresh subprocess so its peak RSS (ru_maxrss) is its own.
Results are printed as a table and written to bench/out/dupes.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def corpus_file(n: int, seed: int) -> Path:
    path = OUT / f"indicators_{n}_{seed}.jsonl"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "corpus.py"), "indicators", "--n", str(n), "--seed", str(seed),
             "--out", str(path)],
            check=True,
        )
    return path


def load_rows(path: Path, limit: int | None = None):
    from models.dupes import DupeRow

    rows = []
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if limit is not None and i >= limit:
                break
            r = json.loads(line)
            rows.append(
                DupeRow(doc=r["doc"], department=r.get("department"), year=r.get("year"), project_id=r["project_id"],
                        project_name=r["project_name"], project_text=r["project_name"], line=i + 1,
                        tier=r.get("tier"), sub=r.get("sub"), name=r["name"], desc=r.get("desc") or "",
                        value=r.get("value") or "")
            )
    return rows


def child_run(path: Path, scope: str, threshold: float) -> dict:
    """One timed clustering run (executed in a fresh process)."""
    from models.dupes import Scope, find_clusters

    rows = load_rows(path)
    t0 = time.perf_counter()
    clusters = find_clusters(rows, scope=Scope(scope), threshold=threshold)
    seconds = time.perf_counter() - t0
    return {
        "rows": len(rows),
        "seconds": seconds,
        "clusters": len(clusters),
        "copied": sum(c.kind == "copied" for c in clusters),
        "misfit_rows": sum(c.n_misfit for c in clusters),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def subset_compare(path: Path, n: int, threshold: float) -> dict:
    from models.dupes import exact_pairs_cdist, find_pairs, match_text, pair_recall

    rows = load_rows(path, limit=n)
    texts = [match_text(r.name, r.desc, r.value) for r in rows]
    t0 = time.perf_counter()
    exact = exact_pairs_cdist(texts, threshold=threshold, workers=1)
    t_exact = time.perf_counter() - t0
    t0 = time.perf_counter()
    found = find_pairs(texts, threshold=threshold)
    t_lsh = time.perf_counter() - t0
    return {
        "subset": len(texts),
        "exact_pairs": len(exact),
        "found_pairs": len(found),
        "false_pairs": len(found - exact),
        "recall": pair_recall(found, exact),
        "cdist_seconds": t_exact,
        "lsh_seconds": t_lsh,
        "speedup": t_exact / t_lsh if t_lsh else None,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--subset", type=int, default=20_000)
    ap.add_argument("--threshold", type=float, default=90.0)
    ap.add_argument("--scope", default="all", choices=["document", "year", "all"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child_run(args.child, args.scope, args.threshold)))
        return

    report: dict = {"threshold": args.threshold, "scope": args.scope, "sizes": {}}
    for n in args.sizes:
        path = corpus_file(n, args.seed)
        runs = []
        for _ in range(args.runs):
            res = subprocess.run(
                [sys.executable, __file__, "--child", str(path), "--scope", args.scope,
                 "--threshold", str(args.threshold)],
                check=True, capture_output=True, text=True,
            )
            runs.append(json.loads(res.stdout.strip().splitlines()[-1]))
        report["sizes"][n] = {
            "median_seconds": statistics.median(r["seconds"] for r in runs),
            "median_peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs),
            "runs": runs,
        }
        print(f"{n:>9,} rows  clustering median {report['sizes'][n]['median_seconds']:8.1f} s  "
              f"peak RSS {report['sizes'][n]['median_peak_rss_mb']:7.0f} MB  "
              f"clusters {runs[0]['clusters']:,} (copied {runs[0]['copied']:,}, misfit rows {runs[0]['misfit_rows']:,})",
              flush=True)
    path = corpus_file(max(args.sizes), args.seed)
    cmp = subset_compare(path, args.subset, args.threshold)
    report["subset"] = cmp
    print(f"subset {cmp['subset']:,}: cdist {cmp['cdist_seconds']:.1f} s, LSH {cmp['lsh_seconds']:.2f} s, "
          f"speed ratio {cmp['speedup']:.1f}x, recall {cmp['recall']:.4f} "
          f"({cmp['found_pairs']:,} of {cmp['exact_pairs']:,} exact pairs; {cmp['false_pairs']} false)")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "dupes.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
