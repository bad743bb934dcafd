"""Tokeniser throughput: jieba vs jieba_fast vs rjieba, and jixiao's own tokenize_zh.

Measures, on all text of ``samples/*.txt`` (HMM off everywhere, domain dictionary loaded):

* raw segmenter speed in MB/s (UTF-8 bytes of the input per second) of ``jieba``,
  ``jieba_fast`` (if installed) and ``rjieba``, each cutting the Han runs of the text;
* whether each one's words equal jieba's (the reference);
* :func:`nlp.tokenize.token_spans` end to end (normalisation + runs + segmentation) per backend;
* :func:`nlp.tokenize.tokenize_zh` in indicators/s on indicator-table lines of the samples
  (the lines between a ``三级指标`` header and the end of that table).

Every figure is the median of ``--runs`` passes in this process, after one warm-up pass.
Run from the repository root::

    .venv/bin/python bench/tokenizer.py --runs 5
"""

from __future__ import annotations

import sys
from pathlib import Path

# named tokenizer.py, not tokenize.py: a bench/tokenize.py would shadow the stdlib module
# ``tokenize`` for every script run from bench/ (linecache and tracebacks import it)
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from typing import Callable  # noqa: E402

from nlp.tokenize import (  # noqa: E402
    DEFAULT_USERDICT,
    ENV_BACKEND,
    Backend,
    build_segmenter,
    segmenter,
    token_spans,
    tokenize_zh,
)

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def sample_text(samples: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(samples.glob("*.txt")))


def indicator_lines(text: str) -> list[str]:
    """Non-empty lines inside indicator tables: after a header naming 三级指标, until a 绩效目标表 title."""
    out, inside = [], False
    for line in text.splitlines():
        line = line.strip()
        if "三级指标" in line:
            inside = True
            continue
        if "绩效目标表" in line or "部门预算" in line:
            inside = False
        if inside and line:
            out.append(line)
    return out


def _userdict_entries() -> list[tuple[str, int]]:
    rows = [line.split() for line in DEFAULT_USERDICT.read_text(encoding="utf-8").splitlines()]
    return [(w, int(f)) for w, f in rows]


def _jieba_like(module_name: str) -> Callable[[str], list[str]]:
    """A jieba-API tokenizer (jieba or jieba_fast) with the domain dictionary, built in memory."""
    module = __import__(module_name)
    logging.getLogger(module_name).setLevel(logging.WARNING)
    tk = module.Tokenizer()
    tk.FREQ, tk.total = tk.gen_pfdict(tk.get_dict_file())
    tk.initialized = True
    for word, freq in _userdict_entries():
        tk.add_word(word, freq)
    return lambda run: list(tk.cut(run, HMM=False))


def _rjieba() -> Callable[[str], list[str]]:
    import rjieba

    rj = rjieba.Jieba()
    for word, freq in _userdict_entries():
        rj.add_word(word, freq, None)
    return lambda run: rj.cut(run, False)


def _timed(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Tokeniser throughput (median of runs).")
    ap.add_argument("--samples", type=Path, default=ROOT / "samples")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)

    text = sample_text(args.samples)
    mb = len(text.encode("utf-8")) / 1e6
    runs = _HAN_RUN.findall(text)
    lines = indicator_lines(text)
    results: dict[str, object] = {
        "input_mb": round(mb, 3),
        "han_runs": len(runs),
        "indicator_lines": len(lines),
        "indicator_mean_chars": round(sum(map(len, lines)) / max(len(lines), 1), 1),
        "runs": args.runs,
    }

    cutters: dict[str, Callable[[str], list[str]]] = {}
    load_s: dict[str, float] = {}
    for name, make in (("jieba", lambda: _jieba_like("jieba")),
                       ("jieba_fast", lambda: _jieba_like("jieba_fast")),
                       ("rjieba", _rjieba)):
        t0 = time.perf_counter()
        try:
            cutters[name] = make()
        except ImportError as exc:
            results[f"{name}_error"] = f"not installed: {exc}"
            continue
        load_s[name] = time.perf_counter() - t0
    reference = [cutters["jieba"](r) for r in runs]
    for name, cut in cutters.items():
        seconds = _timed(lambda cut=cut: [cut(r) for r in runs], args.runs)
        words = [cut(r) for r in runs]
        same = sum(a == b for a, b in zip(words, reference))
        results[f"segment_{name}"] = {
            "mb_per_s": round(mb / seconds, 2),
            "load_s": round(load_s[name], 2),
            "han_runs_identical_to_jieba": f"{same}/{len(runs)}",
        }

    for backend in Backend:
        segmenter(backend)  # load outside the timing
        seconds = _timed(lambda b=backend: token_spans(text, backend=b), args.runs)
        results[f"token_spans_{backend.value}_mb_per_s"] = round(mb / seconds, 2)
    for backend in Backend:
        os.environ[ENV_BACKEND] = backend.value  # tokenize_zh takes its backend from the environment
        seconds = _timed(lambda: [tokenize_zh(line) for line in lines], args.runs)
        results[f"tokenize_zh_{backend.value}_indicators_per_s"] = round(len(lines) / seconds)
    t0 = time.perf_counter()
    build_segmenter(Backend.JIEBA)
    results["jieba_segmenter_build_s_no_cache"] = round(time.perf_counter() - t0, 2)

    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for key, value in results.items():
            print(f"{key:45} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
