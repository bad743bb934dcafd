"""Benchmark ``index.ingest`` on the synthetic corpus: MB/s, indicators/s and peak memory.

    python bench/ingest.py                        # 10,000 projects, sizes 2500 and 10000, 3 runs each
    python bench/ingest.py --sizes 10000 --runs 5
    python bench/ingest.py --formats pipe,html,docx,xlsx,xls,csv,pdf --format-projects 300 --runs 3

The corpus is generated once into ``bench/out/corpus_<projects>_<seed>/`` (reused when its
manifest matches). A size of N ingests the first documents of that corpus up to N projects.
Each run is a fresh subprocess ingesting into a fresh data directory, so its peak RSS
(``ru_maxrss``) is its own; the numbers reported are medians over the runs. Every run also
checks the ingested project / indicator counts against the manifest.
Results are printed as a table and written to ``bench/out/ingest.json``.

``--formats`` measures each input format instead: the first ``--format-projects``
projects of the corpus plan (documents of 8–12 projects) are written by
``bench/formats.py`` as pipe text, HTML, DOCX, XLSX, XLS, CSV and PDF (reportlab)
into ``bench/out/formats_<projects>_<seed>/<format>/``, each project a metadata
block (项目名称, 主管部门) over a table with merged 一级/二级 cells; every format is
ingested in fresh processes and checked against the counts planned. MB are the
files' bytes on disk (a DOCX or XLSX is zip-compressed, a PDF carries fonts and
drawing), so indicators/s is the figure to compare across formats. Results go to
``bench/out/ingest_formats.json``.
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
    import corpus

    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        styles = [s.value for s in corpus.Style]  # a corpus written before a layout was added is rewritten
        if manifest.get("projects") == projects and manifest.get("seed") == seed and manifest.get("styles") == styles:
            return folder, manifest
        shutil.rmtree(folder)

    with stopwatch() as sw:
        manifest = corpus.write_corpus(corpus.load_pool(), folder, seed=seed, n_projects=projects)
    print(f"generated {manifest['documents']} documents, {manifest['projects']} projects, "
          f"{manifest['indicators']} indicators, {manifest['bytes'] / 1e6:.1f} MB in {sw.seconds:.1f} s -> {folder}")
    return folder, manifest


FORMAT_SUFFIX = {"pipe": ".txt", "html": ".html", "docx": ".docx", "xlsx": ".xlsx", "xls": ".xls",
                 "csv": ".csv", "pdf": ".pdf"}


def _load_formats():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_formats", Path(__file__).resolve().parent / "formats.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_formats"] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


def _as_table_doc(fm, doc) -> object:
    """A corpus document as a table document: per project a metadata block and a merged-cell table."""
    blocks = [fm.Para(f"{doc.department}{doc.year}年部门预算项目绩效目标表", heading=True)]
    for p in doc.projects:
        blocks += [fm.Para(f"项目名称:{p.name}"), fm.Para(f"主管部门:{doc.department}")]
        rows = [("一级指标", "二级指标", "三级指标", "指标值", "指标说明")]
        prev = None
        for r in p.rows:
            same_tier = prev is not None and prev.tier_raw == r.tier_raw
            same_sub = same_tier and prev.sub_raw == r.sub_raw
            rows.append((fm.UP if same_tier else r.tier_raw, fm.UP if same_sub else r.sub_raw, r.name, r.value,
                         r.desc))
            prev = r
        blocks.append(fm.Grid(rows=tuple(rows), header_rows=1))
    return fm.Doc(blocks=tuple(blocks), title=f"{doc.department}{doc.year}年项目绩效目标")


def ensure_format_corpus(fmt: str, projects: int, seed: int) -> tuple[Path, dict]:
    """The folder of one format's files and its manifest, generating them when missing."""
    folder = OUT / f"formats_{projects}_{seed}" / fmt
    manifest_path = folder / "manifest.json"
    if manifest_path.exists():
        return folder, json.loads(manifest_path.read_text(encoding="utf-8"))
    import corpus

    fm = _load_formats()
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    with stopwatch() as sw:
        for doc in corpus.plan_documents(corpus.load_pool(), seed=seed, n_projects=projects,
                                         min_projects=8, max_projects=12):
            table_doc = _as_table_doc(fm, doc)
            path = folder / (Path(doc.file).stem + FORMAT_SUFFIX[fmt])
            if fmt == "pipe":
                path.write_text(fm.write_text(table_doc, sep="|", dropped=True), encoding="utf-8")
            elif fmt == "html":
                path.write_bytes(fm.write_html(table_doc))
            elif fmt == "csv":
                path.write_text(fm.write_csv(table_doc), encoding="utf-8")
            elif fmt == "pdf":
                fm.write_pdf_reportlab(table_doc, path, landscape=True)
            else:
                getattr(fm, f"write_{fmt}")(table_doc, path)
            entries.append({"file": path.name, "projects": len(doc.projects), "indicators": doc.n_indicators,
                            "bytes": path.stat().st_size})
    manifest = {"projects": projects, "seed": seed, "format": fmt, "files": entries}
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"generated {len(entries)} {fmt} documents in {sw.seconds:.1f} s -> {folder}", file=sys.stderr)
    return folder, manifest


def run_formats(formats: list[str], projects: int, seed: int, runs: int) -> int:
    """Ingest throughput per input format (see the module docstring)."""
    results = []
    for fmt in formats:
        folder, manifest = ensure_format_corpus(fmt, projects, seed)
        total = sum(e["projects"] for e in manifest["files"])
        rs = []
        for k in range(runs):
            data = OUT / f"ingest_data_{fmt}_{k}"
            rs.append(run_child(Path(__file__), ["--child", "--corpus", str(folder), "--max-projects", str(total),
                                                 "--data", str(data)]))
            print(f"  {fmt} run {k + 1}: {rs[-1]['seconds']:.2f} s", file=sys.stderr)
        first = rs[0]
        results.append({
            "format": fmt,
            "documents": first["documents"],
            "projects": first["expected_projects"],
            "indicators": first["expected_indicators"],
            "mb": first["bytes"] / 1e6,
            "runs": runs,
            "seconds_median": median([r["seconds"] for r in rs]),
            "mb_per_s": median([r["bytes"] / 1e6 / r["seconds"] for r in rs]),
            "indicators_per_s": median([r["indicators"] / r["seconds"] for r in rs]),
            "ingested_indicators": first["indicators"],
            "failed_docs": max(r["failed"] for r in rs),
            "docs_differing_from_plan": max(r["n_mismatched"] for r in rs),
            "examples_differing": first["mismatched_docs"],
        })
    # no peak RSS here: the children are forked from a process that may have just written the
    # files, and Linux carries the parent's high-water mark into the child's ru_maxrss
    print(table(
        ["format", "docs", "indicators", "MB", "s (median)", "MB/s", "indicators/s", "read", "failed", "differ"],
        [[r["format"], r["documents"], r["indicators"], f"{r['mb']:.2f}", f"{r['seconds_median']:.2f}",
          f"{r['mb_per_s']:.2f}", f"{r['indicators_per_s']:.0f}", r["ingested_indicators"], r["failed_docs"],
          r["docs_differing_from_plan"]] for r in results],
    ))
    OUT.mkdir(parents=True, exist_ok=True)
    report = {"projects": projects, "seed": seed, "python": sys.version.split()[0], "results": results}
    (OUT / "ingest_formats.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n",
                                             encoding="utf-8")
    print(f"-> {OUT / 'ingest_formats.json'}")
    return 0


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
    parser.add_argument("--formats", help="comma-separated input formats to measure instead "
                        "(pipe,html,docx,xlsx,xls,csv,pdf)")
    parser.add_argument("--format-projects", type=int, default=300, help="projects per format with --formats")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--max-projects", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        print(json.dumps(child(args.corpus, args.max_projects, args.data)))
        return 0
    if args.formats:
        chosen = [f.strip() for f in args.formats.split(",") if f.strip()]
        unknown = sorted(set(chosen) - set(FORMAT_SUFFIX))
        if unknown:
            parser.error(f"unknown formats {unknown}; choose from {sorted(FORMAT_SUFFIX)}")
        return run_formats(chosen, args.format_projects, args.seed, args.runs)

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
