"""Benchmark the HTTP service: requests/s and latency of search and classify under concurrent clients.

    python bench/serve.py                         # bundled samples, 20 clients, 30 s per endpoint
    python bench/serve.py --data-dir DIR          # an existing data directory (e.g. a search bench store)
    python bench/serve.py --clients 20 --duration 30 --runs 3

Starts ``jixiao serve`` in its own process on a free loopback port (one uvicorn worker, as shipped),
then for each endpoint runs ``--clients`` client threads, each on its own keep-alive connection,
sending requests back to back until ``--duration`` seconds have passed (every request has a 30 s
timeout, so a phase is bounded). Search requests cycle through seeded queries drawn from the stored
project names (one word, two words, a word + department filter); classify requests send
``--batch`` indicators drawn from the stored rows. Any status other than 200, or a connection
error, counts as an error. Results are printed and written to ``bench/out/serve.json``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import OUT  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed_samples(data_dir: Path) -> None:
    from service.demo import bundled_samples_dir
    from service.ingest import ingest_and_index

    ingest_and_index([bundled_samples_dir()], data_dir)


def workload(data_dir: Path, seed: int, batch: int) -> tuple[list[str], list[bytes]]:
    """Search URLs and classify bodies drawn (seeded) from the stored projects and indicators."""
    from service.projects import list_projects

    rng = random.Random(seed)
    projects = list_projects(data_dir)
    words = sorted({p.name[i:i + 2] for p in projects for i in range(0, max(len(p.name) - 1, 1), 2)
                    if len(p.name[i:i + 2]) == 2 and p.name[i:i + 2].isalnum()})
    depts = sorted({p.department for p in projects if p.department})
    searches = []
    for _ in range(200):
        kind = rng.random()
        if kind < 0.4:
            params = {"q": rng.choice(words)}
        elif kind < 0.8:
            params = {"q": f"{rng.choice(words)} {rng.choice(words)}"}
        else:
            params = {"q": rng.choice(words), "dept": rng.choice(depts)[:2]}
        searches.append("/api/search?" + urlencode(params))
    from index.store import Store

    with Store.open(data_dir) as store:
        rows = [{"name": r["name"], "desc": r["desc"], "value": r["value"]} for r in store.export_rows() if r["name"]]
    bodies = [json.dumps({"items": rng.sample(rows, batch)}, ensure_ascii=False).encode() for _ in range(200)]
    return searches, bodies


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with status {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/documents")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not answer within 120 s")


def load(port: int, requests: list[tuple[str, str, bytes | None]], clients: int, duration: float) -> dict:
    """``clients`` threads send ``requests`` (cycled) back to back for ``duration`` seconds."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop = time.monotonic() + duration

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        i = k * 7
        while time.monotonic() < stop:
            method, path, body = requests[i % len(requests)]
            i += 1
            t0 = time.perf_counter()
            try:
                headers = {"Content-Type": "application/json"} if body is not None else {}
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            latencies[k].append(time.perf_counter() - t0)
            errors[k] += not ok
        conn.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    lat = sorted(x for xs in latencies for x in xs)
    return {"requests": len(lat), "errors": sum(errors), "seconds": round(wall, 2),
            "rps": round(len(lat) / wall, 1), "p50_ms": round(1000 * statistics.median(lat), 1),
            "p95_ms": round(1000 * lat[int(0.95 * (len(lat) - 1))], 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, help="An existing data directory (default: the bundled samples, ingested into a temporary one).")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--duration", type=float, default=30.0, help="Seconds per endpoint and run.")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--batch", type=int, default=10, help="Indicators per classify request.")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir
        if data_dir is None:
            data_dir = Path(tmp) / "data"
            seed_samples(data_dir)
        searches, bodies = workload(data_dir, args.seed, args.batch)
        port = free_port()
        env = {**os.environ, "JIXIAO_TOKEN": ""}
        proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "--data-dir", str(data_dir), "serve",
                                 "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_ready(port, proc)
            phases = {"search": [("GET", s, None) for s in searches],
                      "classify": [("POST", "/api/classify", b) for b in bodies]}
            for name, reqs in phases.items():  # warm up: index open, model loaded, caches filled
                load(port, reqs, 2, 2.0)
            results: dict[str, list[dict]] = {name: [] for name in phases}
            for run in range(args.runs):
                for name, reqs in phases.items():
                    r = load(port, reqs, args.clients, args.duration)
                    results[name].append(r)
                    print(f"run {run + 1} {name}: {r['rps']} req/s, p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, "
                          f"{r['requests']} requests, {r['errors']} errors", flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    summary = {name: {"rps_median": statistics.median(r["rps"] for r in rs),
                      "p95_ms_median": statistics.median(r["p95_ms"] for r in rs),
                      "errors": sum(r["errors"] for r in rs), "runs": rs} for name, rs in results.items()}
    load_avg = os.getloadavg()
    out = {"clients": args.clients, "duration": args.duration, "batch": args.batch,
           "data_dir": str(args.data_dir or "bundled samples"), "loadavg_after": load_avg, "results": summary}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "serve.json").write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for name, s in summary.items():
        print(f"{name}: median {s['rps_median']} req/s, p95 {s['p95_ms_median']} ms over {len(s['runs'])} run(s), "
              f"{s['errors']} errors")
    print(f"load average after: {load_avg[0]:.2f} {load_avg[1]:.2f} {load_avg[2]:.2f}")


if __name__ == "__main__":
    main()
