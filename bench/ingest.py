"""Benchmark ``index.ingest`` on the synthetic corpus: MB/s, indicators/s and peak memory.

    python bench/ingest.py                        # 10,000 projects, sizes 2500 and 10000, 3 runs each
    python bench/ingest.py --sizes 10000 --runs 5

The corpus is generated once into ``bench/out/corpus_<projects>_<seed>/`` (reused when its
manifest matches). A size of N ingests the first documents of that corpus up to N projects.
Each run is a fresh subprocess ingesting into a fresh data directory, so its peak RSS
(``ru_maxrss``) is its own; the numbers reported are medians over the runs. Every run also
checks the ingested project / indicator counts against the manifest.
Results are printed as a table and written to ``bench/out/ingest.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # sibling modules when run as a script

from _common import OUT, median, peak_rss_mb, run_child, stopwatch, table  # noqa: E402


def ensure_corpus(projects: int, seed: int) -> tuple[Path, dict]:
    """The corpus folder and its manifest, generating it when missing."""
    folder = OUT / f"corpus_{projects}_{seed}"
    manifest_path = folder / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest.get("projects") == projects and manifest.get("seed") == seed:
            return folder, manifest
        shutil.rmtree(folder)
    import corpus

    with stopwatch() as sw:
        manifest = corpus.write_corpus(corpus.load_pool(), folder, seed=seed, n_projects=projects)
    print(f"generated {manifest['documents']} documents, {manifest['projects']} projects, "
          f"{manifest['indicators']} indicators, {manifest['bytes'] / 1e6:.1f} MB in {sw.seconds:.1f} s -> {folder}")
    return folder, manifest


def select(manifest: dict, max_projects: int) -> list[dict]:
    """The first manifest entries whose projects add up to at least ``max_projects``."""
    chosen, total = [], 0
    for entry in manifest["files"]:
        if total >= max_projects:
            break
        chosen.append(entry)
        total += entry["projects"]
    return chosen


def child(corpus_dir: Path, max_projects: int, data_dir: Path) -> dict:
    """One timed ingest (run in its own process)."""
    from index.ingest import ingest_paths
    from index.store import Store

    manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    entries = select(manifest, max_projects)
    paths = [corpus_dir / e["file"] for e in entries]
    if data_dir.exists():
        shutil.rmtree(data_dir)
    rss_before = peak_rss_mb()
    with stopwatch() as sw:
        store = Store.open(data_dir)
        try:
            outcomes = ingest_paths(paths, store)
        finally:
            store.close()
    expected = {e["file"]: (e["projects"], e["indicators"]) for e in entries}
    mismatched = [o.doc for o in outcomes if not o.ok or expected.get(o.doc) != (o.n_projects, o.n_indicators)]
    store_mb = sum(f.stat().st_size for f in data_dir.rglob("*") if f.is_file()) / 1e6
    shutil.rmtree(data_dir)
    return {
        "documents": len(paths),
        "projects": sum(o.n_projects for o in outcomes if o.ok),
        "indicators": sum(o.n_indicators for o in outcomes if o.ok),
        "expected_projects": sum(e["projects"] for e in entries),
        "expected_indicators": sum(e["indicators"] for e in entries),
        "bytes": sum(e["bytes"] for e in entries),
        "failed": sum(1 for o in outcomes if not o.ok),
        "mismatched_docs": mismatched[:10],
        "n_mismatched": len(mismatched),
        "seconds": sw.seconds,
        "rss_before_mb": rss_before,
        "peak_rss_mb": peak_rss_mb(),
        "store_mb": store_mb,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="ingest throughput on the synthetic corpus")
    parser.add_argument("--projects", type=int, default=10_000, help="corpus size in projects")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sizes", default="2500,10000", help="comma-separated project counts to ingest")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--max-projects", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        print(json.dumps(child(args.corpus, args.max_projects, args.data)))
        return 0

    sizes = [int(s) for s in args.sizes.split(",")]
    if max(sizes) > args.projects:
        parser.error(f"--sizes may not exceed --projects ({args.projects})")
    folder, manifest = ensure_corpus(args.projects, args.seed)
    results = []
    for size in sizes:
        runs = []
        for k in range(args.runs):
            data = OUT / f"ingest_data_{size}_{k}"
            r = run_child(Path(__file__), ["--child", "--corpus", str(folder), "--max-projects", str(size),
                                           "--data", str(data)])
            runs.append(r)
            print(f"  size {size} run {k + 1}: {r['seconds']:.2f} s, peak RSS {r['peak_rss_mb']:.0f} MB"
                  + (f", {r['n_mismatched']} documents differ from the manifest" if r["n_mismatched"] else ""),
                  file=sys.stderr)
        first = runs[0]
        secs = [r["seconds"] for r in runs]
        results.append({
            "projects": first["expected_projects"],
            "documents": first["documents"],
            "indicators": first["expected_indicators"],
            "mb": first["bytes"] / 1e6,
            "runs": args.runs,
            "seconds_median": median(secs),
            "seconds_all": secs,
            "mb_per_s": median([r["bytes"] / 1e6 / r["seconds"] for r in runs]),
            "indicators_per_s": median([r["indicators"] / r["seconds"] for r in runs]),
            "peak_rss_mb": median([r["peak_rss_mb"] for r in runs]),
            "rss_before_ingest_mb": median([r["rss_before_mb"] for r in runs]),
            "store_mb": first["store_mb"],
            "ingested_projects": first["projects"],
            "ingested_indicators": first["indicators"],
            "failed_docs": max(r["failed"] for r in runs),
            "docs_differing_from_manifest": max(r["n_mismatched"] for r in runs),
            "examples_differing": first["mismatched_docs"],
        })
    print(table(
        ["projects", "docs", "indicators", "MB", "s (median)", "MB/s", "indicators/s", "peak RSS MB", "store MB",
         "differ"],
        [[r["projects"], r["documents"], r["indicators"], f"{r['mb']:.1f}", f"{r['seconds_median']:.2f}",
          f"{r['mb_per_s']:.2f}", f"{r['indicators_per_s']:.0f}", f"{r['peak_rss_mb']:.0f}",
          f"{r['store_mb']:.1f}", r["docs_differing_from_manifest"]] for r in results],
    ))
    report = {"corpus": str(folder.relative_to(OUT.parent.parent)), "seed": args.seed,
              "python": sys.version.split()[0], "results": results}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "ingest.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"-> {OUT / 'ingest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
