"""Benchmark the search index on the synthetic corpus: build rate, query latency, size, vs a naive SQLite LIKE scan.

    python bench/search.py                          # 10,000 and 100,000 projects
    python bench/search.py --sizes 10000 --runs 3 --procs 2

For each size: the corpus (``bench/corpus.py docs``) is ingested once into a store under
``bench/out/search_<N>/`` (reused when present), then

* **build**: ``index.build.rebuild_index`` from the store, ``--build-runs`` times → projects/s (median);
* **queries (loaded searcher)**: 200 mixed queries drawn (seeded) from the stored projects — whole
  project names, two-character words, quoted indicator phrases, values such as ``≥95%``, project
  codes, department + word — each through one open ``index.search.ProjectSearcher`` (as a service
  or a long CLI session would: parse, rank 10 hits, highlight them); p50/p95 per run, median over ``--runs``;
* **whoosh only**: the same queries through a searcher with ``use_postings=False`` (whoosh's own
  matchers rank them, as before the numpy postings), ``--whoosh-runs`` times; ratio whoosh-only / postings;
* **cold CLI query**: ``jixiao search QUERY --json`` in a fresh process (interpreter start, imports,
  tokeniser load, index open, one search), ``--cold`` queries, median wall time;
* **baseline**: the same queries as ``LIKE '%word%' AND …`` over the project text and its
  indicators joined in SQLite (unranked, no highlights), ``--like-runs`` times; p50/p95 and the
  ratio LIKE / jixiao search (postings);
* **size**: bytes of the live index generation.

Results are printed and written to ``bench/out/search.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # sibling modules when run as a script

from _common import OUT, median, stopwatch, table  # noqa: E402


def ensure_store(projects: int, seed: int) -> Path:
    """A data directory holding the ingested corpus of ``projects`` projects."""
    from ingest import ensure_corpus

    from index.ingest import ingest_paths
    from index.store import Store

    data_dir = OUT / f"search_{projects}_{seed}"
    done = data_dir / "ingested.json"
    if done.exists():
        return data_dir
    corpus_dir, manifest = ensure_corpus(projects, seed)
    with stopwatch() as sw, Store.open(data_dir) as store:
        outcomes = ingest_paths([corpus_dir / e["file"] for e in manifest["files"]], store)
    failed = [o.reason for o in outcomes if not o.ok]
    if failed:
        raise RuntimeError(f"ingest failed: {failed[:3]}")
    done.write_text(json.dumps({"projects": sum(o.n_projects for o in outcomes)}), encoding="utf-8")
    print(f"ingested {len(outcomes)} documents in {sw.seconds:.1f} s -> {data_dir}")
    return data_dir


def make_queries(db: Path, n: int, seed: int) -> list[str]:
    """``n`` mixed queries drawn from the stored projects (deterministic for a seed)."""
    from nlp.tokenize import tokenize_zh

    rng = random.Random(seed)
    conn = sqlite3.connect(db)
    projects = conn.execute("SELECT name, code, doc FROM projects").fetchall()
    depts = [r[0] for r in conn.execute("SELECT DISTINCT department FROM documents WHERE department IS NOT NULL")]
    indicators = [r[0] for r in conn.execute("SELECT DISTINCT name FROM indicators WHERE length(name) >= 4")]
    values = [r[0] for r in conn.execute("SELECT DISTINCT value FROM indicators WHERE value LIKE '%\\%%' ESCAPE '\\'"
                                         " AND length(value) <= 6")]
    conn.close()
    han2 = [m for name, _, _ in projects for m in re.findall(r"[\u4e00-\u9fff]{2}", name)]
    out: list[str] = []
    kinds = ["name", "word", "phrase", "value", "code", "dept"]
    while len(out) < n:
        kind = kinds[len(out) % len(kinds)]
        name, code, _ = rng.choice(projects)
        if kind == "name":
            out.append(re.sub(r"[\s\"()]", "", name)[:20] or "经费")
        elif kind == "word":
            word = rng.choice(han2)
            if tokenize_zh(word):  # not a stop word alone (关于), which jixiao search rejects
                out.append(word)
        elif kind == "phrase":
            out.append('"' + re.sub(r'[\s"()]', "", rng.choice(indicators))[:10] + '"')
        elif kind == "value" and values:
            out.append(re.sub(r"\s", "", rng.choice(values)))
        elif kind == "code" and code:
            out.append(code)
        elif kind == "dept" and depts:
            out.append(f"{rng.choice(depts)[:3]} {rng.choice(han2)}")
    return out


def _words(query: str) -> list[str]:
    return [w for w in re.split(r"[\s\"]+", query) if w and w not in {"AND", "OR", "NOT"}]


_LIKE_SQL = (
    "SELECT p.project_id FROM projects p JOIN documents d ON d.doc = p.doc"
    " LEFT JOIN (SELECT project_id, group_concat(name || ' ' || desc || ' ' || value || ' ' || basis, ' ') AS t"
    "            FROM indicators GROUP BY project_id) i ON i.project_id = p.project_id"
    " WHERE {where}"
)
_HAYSTACK = ("(p.name || ' ' || coalesce(p.code, '') || ' ' || p.targets || ' ' || p.funds_use || ' ' ||"
             " coalesce(d.department, '') || ' ' || coalesce(i.t, ''))")


def like_scan(conn: sqlite3.Connection, query: str) -> int:
    words = _words(query)
    sql = _LIKE_SQL.format(where=" AND ".join([f"{_HAYSTACK} LIKE ?"] * len(words)))
    return len(conn.execute(sql, [f"%{w}%" for w in words]).fetchall())


def _med(values: list[float], digits: int = 2) -> float | None:
    return round(median(values), digits) if values else None


def _ratio(a: list[float], b: list[float]) -> float | None:
    return round(median(a) / median(b), 1) if a and b else None


def percentiles(latencies: list[float]) -> tuple[float, float]:
    s = sorted(latencies)
    return s[len(s) // 2] * 1000, s[min(len(s) - 1, int(len(s) * 0.95))] * 1000


def bench_size(projects: int, *, seed: int, runs: int, build_runs: int, like_runs: int, n_queries: int,
               n_cold: int, procs: int, whoosh_runs: int) -> dict:
    from index.build import current_generation, read_info, rebuild_index
    from index.store import Store

    data_dir = ensure_store(projects, seed)
    index_dir = data_dir / "index"
    rates, n_indexed = [], 0
    for _ in range(build_runs):
        with Store.open(data_dir) as store, stopwatch() as sw:
            info = rebuild_index(index_dir, store.iter_documents(), procs=procs)
        n_indexed = info.n_projects
        rates.append(info.n_projects / sw.seconds)
        print(f"{projects}: build {rates[-1]:.0f} projects/s", flush=True)
    n_indexed = n_indexed or read_info(current_generation(index_dir)).n_projects
    size_mb = sum(f.stat().st_size for f in current_generation(index_dir).rglob("*") if f.is_file()) / 1e6

    queries = make_queries(data_dir / "jixiao.db", n_queries, seed)
    w50, w95, hits, exact = [], [], 0, 0
    for _ in range(runs):
        lat, results = loaded_search(index_dir, queries)
        hits = sum(1 for r in results if r.total)
        exact = sum(1 for r in results if r.total_exact)
        p50, p95 = percentiles(lat)
        w50.append(p50)
        w95.append(p95)
        print(f"{projects}: loaded searcher p50 {p50:.1f} ms p95 {p95:.1f} ms", flush=True)
    o50, o95 = [], []
    for _ in range(whoosh_runs):
        lat, _ = loaded_search(index_dir, queries, use_postings=False)
        p50, p95 = percentiles(lat)
        o50.append(p50)
        o95.append(p95)
        print(f"{projects}: whoosh only p50 {p50:.1f} ms p95 {p95:.1f} ms", flush=True)
    cold = cold_cli(data_dir, queries[:: max(1, len(queries) // n_cold)][:n_cold]) if n_cold else []
    l50, l95 = [], []
    conn = sqlite3.connect(data_dir / "jixiao.db")
    for _ in range(like_runs):
        lat = []
        for q in queries:
            t0 = time.perf_counter()
            like_scan(conn, q)
            lat.append(time.perf_counter() - t0)
        p50, p95 = percentiles(lat)
        l50.append(p50)
        l95.append(p95)
        print(f"{projects}: LIKE p50 {p50:.1f} ms p95 {p95:.1f} ms", flush=True)
    conn.close()
    return {
        "projects": n_indexed,
        "build_projects_per_s": _med(rates, 1),
        "build_runs": [round(r, 1) for r in rates],
        "index_mb": round(size_mb, 1),
        "queries": len(queries),
        "queries_with_hits": hits,
        "queries_with_exact_total": exact,
        "loaded_p50_ms": _med(w50),
        "loaded_p95_ms": _med(w95),
        "loaded_runs_p95_ms": [round(x, 1) for x in w95],
        "whoosh_only_p50_ms": _med(o50),
        "whoosh_only_p95_ms": _med(o95),
        "whoosh_only_over_postings_p95": _ratio(o95, w95),
        "cold_cli_median_ms": _med(cold, 1),
        "cold_cli_runs_ms": [round(x, 1) for x in cold],
        "like_p50_ms": _med(l50),
        "like_p95_ms": _med(l95),
        "like_over_whoosh_p50": _ratio(l50, w50),
        "like_over_whoosh_p95": _ratio(l95, w95),
        "procs": procs,
        "runs": runs,
        "like_runs": like_runs,
    }


def loaded_search(index_dir: Path, queries: list[str], *, use_postings: bool = True) -> tuple[list[float], list]:
    """Latency of each query through one open :class:`index.search.ProjectSearcher` (warmed by one query)."""
    from index.search import ProjectSearcher

    lat, results = [], []
    with ProjectSearcher(index_dir, use_postings=use_postings) as searcher:
        searcher.search(queries[0], limit=10)
        for q in queries:
            t0 = time.perf_counter()
            results.append(searcher.search(q, limit=10))
            lat.append(time.perf_counter() - t0)
    return lat, results


def cold_cli(data_dir: Path, queries: list[str]) -> list[float]:
    """Wall time of ``jixiao search QUERY --json`` in a fresh interpreter, one per query."""
    out = []
    for q in queries:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import cli; cli.run()", "--data-dir", str(data_dir), "search", q,
                        "--json"], check=True, capture_output=True, cwd=Path(__file__).resolve().parents[1])
        out.append(time.perf_counter() - t0)
    return [x * 1000 for x in out]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3, help="query runs (loaded searcher)")
    parser.add_argument("--build-runs", type=int, default=3)
    parser.add_argument("--like-runs", type=int, default=3)
    parser.add_argument("--whoosh-runs", type=int, default=1, help="runs with whoosh's matchers alone")
    parser.add_argument("--cold", type=int, default=5, help="cold CLI queries")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--procs", type=int, default=1, help="whoosh writer processes for the build")
    args = parser.parse_args(argv)
    results = [bench_size(n, seed=args.seed, runs=args.runs, build_runs=args.build_runs, like_runs=args.like_runs,
                          n_queries=args.queries, n_cold=args.cold, procs=args.procs, whoosh_runs=args.whoosh_runs)
               for n in args.sizes]
    cols = ["projects", "build_projects_per_s", "index_mb", "loaded_p50_ms", "loaded_p95_ms", "whoosh_only_p95_ms",
            "cold_cli_median_ms",
            "like_p50_ms", "like_p95_ms", "like_over_whoosh_p50", "like_over_whoosh_p95", "queries_with_hits",
            "queries_with_exact_total"]
    print(table(cols, [[r[c] for c in cols] for r in results]))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"search_{'_'.join(map(str, args.sizes))}.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
