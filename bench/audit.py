"""Benchmark a whole-store audit: wall time and peak memory at growing store sizes.

    python bench/audit.py                                  # 1,000 / 5,000 / 20,000 projects, 3 runs each
    python bench/audit.py --sizes 1000,6000 --runs 1

The synthetic corpus of ``bench/corpus.py`` (seed 0) is generated once into
``bench/out/corpus_<projects>_<seed>/``; a size of N stores its first documents up to N projects
in ``bench/out/audit_store_<N>/`` (kept between runs). Each timed run is a fresh process that
runs exactly what ``jixiao --data-dir STORE audit --format json -o /dev/null`` runs (every
document of the store, default profile, M01 with the default classifier, the JSON report), so its
peak RSS (``ru_maxrss``) is that command's. The classifier is built into the store's data
directory before the first run, so no run pays for training it. Medians over the runs are
printed and written to ``bench/out/audit.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # sibling modules when run as a script

from _common import OUT, ROOT, median, peak_rss_mb, run_child, stopwatch, table  # noqa: E402


def ensure_store(corpus_dir: Path, manifest: dict, size: int) -> Path:
    """A data directory holding the first documents of the corpus up to ``size`` projects (built once)."""
    from ingest import select

    data = OUT / f"audit_store_{size}"
    marker = data / "bench.json"
    entries = select(manifest, size)
    want = {"corpus": corpus_dir.name, "files": [e["file"] for e in entries]}
    if marker.exists() and json.loads(marker.read_text(encoding="utf-8")) == want:
        return data
    import shutil

    from index.ingest import ingest_paths
    from index.store import Store
    from models.classifier import load_default

    shutil.rmtree(data, ignore_errors=True)
    with Store.open(data) as store:
        outcomes = ingest_paths([corpus_dir / e["file"] for e in entries], store)
    failed = [o.reason for o in outcomes if not o.ok]
    if failed:
        raise SystemExit(f"{len(failed)} corpus documents failed to ingest, e.g. {failed[0]}")
    load_default(data)  # the classifier M01 uses, cached in the data directory
    marker.write_text(json.dumps(want), encoding="utf-8")
    return data


def child(data: Path) -> dict:
    """One timed whole-store audit (run in its own process)."""
    sys.path.insert(0, str(ROOT))
    from cli import app
    from index.store import Store

    with Store.open(data, write=False) as store:
        counts = store.counts()
    rss_before = peak_rss_mb()
    with stopwatch() as sw:
        app(["--data-dir", str(data), "audit", "--format", "json", "-o", "/dev/null"], standalone_mode=False)
    return {"documents": counts["documents"], "projects": counts["projects"], "indicators": counts["indicators"],
            "seconds": sw.seconds, "rss_before_mb": rss_before, "peak_rss_mb": peak_rss_mb()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="whole-store audit: time and peak RSS by store size")
    parser.add_argument("--sizes", default="1000,5000,20000", help="comma-separated project counts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    from ingest import ensure_corpus

    sizes = [int(s) for s in args.sizes.split(",")]
    folder, manifest = ensure_corpus(max(sizes), args.seed)
    results = []
    for size in sizes:
        data = ensure_store(folder, manifest, size)
        runs = []
        for k in range(args.runs):
            r = run_child(Path(__file__), ["--child", str(data)])
            runs.append(r)
            print(f"  {r['projects']} projects run {k + 1}: {r['seconds']:.1f} s, peak RSS {r['peak_rss_mb']:.0f} MB",
                  file=sys.stderr)
        first = runs[0]
        results.append({
            "projects": first["projects"], "documents": first["documents"], "indicators": first["indicators"],
            "runs": args.runs, "seconds_median": median([r["seconds"] for r in runs]),
            "seconds_all": [round(r["seconds"], 2) for r in runs],
            "peak_rss_mb": median([r["peak_rss_mb"] for r in runs]),
            "peak_rss_all": [round(r["peak_rss_mb"]) for r in runs],
            "rss_before_audit_mb": median([r["rss_before_mb"] for r in runs]),
        })
    print(table(
        ["projects", "docs", "indicators", "s (median)", "s / 1k projects", "peak RSS MB", "RSS over start MB",
         "MB / 1k projects"],
        [[r["projects"], r["documents"], r["indicators"], f"{r['seconds_median']:.1f}",
          f"{1000 * r['seconds_median'] / r['projects']:.2f}", f"{r['peak_rss_mb']:.0f}",
          f"{r['peak_rss_mb'] - r['rss_before_audit_mb']:.0f}",
          f"{1000 * (r['peak_rss_mb'] - r['rss_before_audit_mb']) / r['projects']:.1f}"] for r in results],
    ))
    report = {"corpus": folder.name, "seed": args.seed, "python": sys.version.split()[0], "results": results}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "audit.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"-> {OUT / 'audit.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
