"""Build ``nlp/data/userdict.txt`` (the domain dictionary) from the sample corpus and domain.md.

Deterministic: same inputs, same output file (terms sorted, frequencies computed from
jieba's stock dictionary only, never from the order terms are added).

Two sources of terms, both extracted, none typed in by hand:

1. **Corpus terms** (``samples/*.txt`` and the indicator names of the multi-sector corpus,
   ``models/data/corpus_indicators.csv``): character n-grams (3–8 Han characters, inside one
   line) that end in a domain *suffix family* (…率, …度, …人数, …贷款, …保险, …补贴 …) and
   that behave like words:

   * seen at least ``--min-count`` times;
   * free on the left and on the right (accessor variety): at least ``--min-variety``
     distinct neighbouring characters on each side; a line edge counts as a fresh
     neighbour each time;
   * made of whole jieba words: in most occurrences both ends fall on a boundary of
     jieba's stock segmentation, the first stock word has at least two characters and
     no stock word is a stop word of ``nlp/data/stopwords.txt`` (this drops fragments
     such as 金补助 and phrases such as 的满意度, 资金在规定时间);
   * not already one word of jieba's stock dictionary.

2. **Vocabulary terms** (domain.md §3 "Vocabulary", up to §3a): every Han run of 3–10
   characters in its tables (tier / sub-tier names and variants, typical indicator
   names, basis types) that jieba's stock dictionary does not already hold.

Each term gets the frequency jieba itself would suggest for it against the stock
dictionary (``suggest_freq(term, tune=False)``) times ``--boost`` times the number of
times it occurs in the samples (at least 1): it wins over the split it would otherwise
get, and where two terms compete for the same characters (创业担保贷款 | 贷款贴息资金 in
创业担保贷款贴息资金) the more frequent one wins, as in a unigram model. Run::

    .venv/bin/python bench/build_userdict.py            # writes nlp/data/userdict.txt
    .venv/bin/python bench/build_userdict.py --check    # exit 1 if the committed file is stale
"""

from __future__ import annotations

import argparse
import collections
import logging
import re
import sys
from pathlib import Path

import jieba

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SAMPLES = ROOT / "samples"
DEFAULT_CORPUS = ROOT / "models" / "data" / "corpus_indicators.csv"
DEFAULT_DOMAIN = ROOT.parent / "shared" / "docs" / "domain.md"
DEFAULT_OUT = ROOT / "nlp" / "data" / "userdict.txt"
STOPWORDS = ROOT / "nlp" / "data" / "stopwords.txt"

#: suffix families of indicator names and programme names (domain.md §3.3 names and units)
SUFFIXES: tuple[str, ...] = (
    "率", "满意度", "程度", "知晓度", "认可度", "人数", "人次", "户数", "次数", "数量", "贷款", "保险", "补贴", "补助",
    "资金", "经费", "成本", "时间", "时限", "金额", "标准", "工资",
)

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def _stock_tokenizer() -> jieba.Tokenizer:
    """jieba's stock dictionary, built in memory (no cache file anywhere)."""
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.FREQ, tk.total = tk.gen_pfdict(tk.get_dict_file())
    tk.initialized = True
    return tk


def _boundaries(tk: jieba.Tokenizer, run: str) -> set[int]:
    cuts, pos = {0}, 0
    for word in tk.cut(run, HMM=False):
        pos += len(word)
        cuts.add(pos)
    return cuts


def _stopwords() -> frozenset[str]:
    lines = STOPWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("# "))


def corpus_terms(
    lines: list[str], tk: jieba.Tokenizer, *, min_count: int, min_variety: int
) -> list[str]:
    """Word-like n-grams ending in a suffix family (see module docstring)."""
    count: collections.Counter[str] = collections.Counter()
    aligned: collections.Counter[str] = collections.Counter()
    left: dict[str, collections.Counter[object]] = collections.defaultdict(collections.Counter)
    right: dict[str, collections.Counter[object]] = collections.defaultdict(collections.Counter)
    edge = 0
    for line in lines:
        for run in _HAN_RUN.findall(line):
            cuts = _boundaries(tk, run)
            for n in range(3, 9):
                for i in range(len(run) - n + 1):
                    gram = run[i : i + n]
                    if not any(gram.endswith(s) and n > len(s) for s in SUFFIXES):
                        continue
                    count[gram] += 1
                    edge += 1
                    left[gram][run[i - 1] if i > 0 else ("edge", edge)] += 1
                    right[gram][run[i + n] if i + n < len(run) else ("edge", edge)] += 1
                    if i in cuts and i + n in cuts:
                        aligned[gram] += 1
    stop = _stopwords()
    terms = []
    for gram, c in count.items():
        if c < min_count or tk.FREQ.get(gram):
            continue
        if len(left[gram]) < min_variety or len(right[gram]) < min_variety:
            continue
        if aligned[gram] / c < 0.5:
            continue
        words = list(tk.cut(gram, HMM=False))
        if len(words[0]) < 2 or stop.intersection(words):
            continue
        terms.append(gram)
    return terms


def vocabulary_terms(domain_md: str, tk: jieba.Tokenizer) -> list[str]:
    """Han runs of 3–10 characters in the tables of domain.md §3 (Vocabulary)."""
    start = domain_md.index("## 3. Vocabulary")
    end = domain_md.index("## 3a.", start)
    terms = []
    for line in domain_md[start:end].splitlines():
        if not line.startswith("|"):
            continue
        for run in _HAN_RUN.findall(line):
            if 3 <= len(run) <= 10 and not tk.FREQ.get(run):
                terms.append(run)
    return terms


def corpus_lines(corpus: Path | None) -> list[str]:
    """The indicator names of the bundled multi-sector corpus (models/data/corpus_indicators.csv), one per line."""
    if corpus is None or not corpus.exists():
        return []
    import csv

    with corpus.open(encoding="utf-8") as f:
        return [row["name"] for row in csv.DictReader(f)]


def build(
    samples: Path, domain: Path, *, min_count: int = 3, min_variety: int = 3, boost: int = 3, corpus: Path | None = None
) -> str:
    """The dictionary file's text: ``term freq`` lines, sorted by term."""
    tk = _stock_tokenizer()
    lines: list[str] = []
    for path in sorted(samples.glob("*.txt")):
        lines += path.read_text(encoding="utf-8").splitlines()
    lines += corpus_lines(corpus)
    terms = set(corpus_terms(lines, tk, min_count=min_count, min_variety=min_variety))
    terms |= set(vocabulary_terms(domain.read_text(encoding="utf-8"), tk))
    corpus = "\n".join(lines)
    rows = [f"{t} {tk.suggest_freq(t, False) * boost * max(corpus.count(t), 1)}" for t in sorted(terms)]
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES)
    ap.add_argument("--domain", type=Path, default=DEFAULT_DOMAIN)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                    help="indicator names of many sectors to take terms from as well (default: %(default)s)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--min-variety", type=int, default=3)
    ap.add_argument("--boost", type=int, default=3)
    ap.add_argument("--check", action="store_true", help="only compare with the existing file")
    args = ap.parse_args(argv)
    text = build(
        args.samples, args.domain, min_count=args.min_count, min_variety=args.min_variety, boost=args.boost,
        corpus=args.corpus,
    )
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{args.out} is stale; rerun bench/build_userdict.py")
        return 0 if same else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: {text.count(chr(10))} terms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
