"""Chinese tokeniser: normalisation, word segmentation with the domain dictionary, stop words.

The only module of jixiao that imports a segmenter (jieba, rjieba). Everything else
receives :func:`tokenize_zh` or :func:`token_spans` as a plain function.

Pipeline for one text:

1. *fold* every character on its own (full-width → half-width, ``≧`` → ``≥``, white space
   → space, traditional → simplified), which keeps offsets: position *i* of the folded text is position *i* of
   the original;
2. split the folded text into runs: numbers (``1,000``, ``24.4`` are one token each),
   operators (``≥ ≤ > < =``, also written ``>=``), Latin words, Han runs, and any other
   single character (``%``, ``/``, punctuation); white space is dropped;
3. segment each Han run with the chosen :class:`Backend` (HMM off, domain dictionary
   ``nlp/data/userdict.txt`` loaded, built by ``bench/build_userdict.py``).

Each :class:`TokenSpan` carries the *normalised* token text and the offsets of the
characters it came from in the *original* text, so ``normalize_text(text[s.start:s.end])
== s.text``. Numbers, ``%``, operators and units are kept as tokens; only
:func:`tokenize_zh` removes stop words (:data:`STOPWORDS_ZH`).

Backends: ``Backend.JIEBA`` is the reference; ``Backend.RJIEBA`` (Rust port, ~20× faster)
is the default because ``tests/nlp/test_tokenize.py::test_fast_backend_matches_jieba_on_all_samples``
proves it segments every sample text exactly like jieba with the domain dictionary.
Choose per call (``backend=``) or per process (env ``JIXIAO_TOKENIZER=jieba|rjieba``); an
unknown or missing backend is an error, never a silent fallback.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Callable

from nlp.errors import JixiaoError
from nlp.normalize import to_halfwidth, to_simplified

__all__ = [
    "Backend",
    "DEFAULT_USERDICT",
    "ENV_BACKEND",
    "STOPWORDS_ZH",
    "SegmentMode",
    "Segmenter",
    "TokenSpan",
    "TokenizerError",
    "build_segmenter",
    "normalize_text",
    "segmenter",
    "token_spans",
    "tokenize_zh",
    "use_cache_dir",
]

_DATA = Path(__file__).resolve().parent / "data"

#: the domain dictionary shipped with the package (``term freq`` per line)
DEFAULT_USERDICT: Path = _DATA / "userdict.txt"

ENV_BACKEND = "JIXIAO_TOKENIZER"


class TokenizerError(JixiaoError):
    """The tokeniser cannot be set up: unknown backend, backend not installed, unreadable dictionary."""


class SegmentMode(Enum):
    """PRECISE: one token per word. SEARCH: also the dictionary words inside longer words (for recall)."""

    PRECISE = "precise"
    SEARCH = "search"


class Backend(Enum):
    """Word segmenter behind :func:`token_spans`. JIEBA is the reference; RJIEBA must match it."""

    JIEBA = "jieba"
    RJIEBA = "rjieba"


@dataclass(frozen=True)
class TokenSpan:
    """One token: normalised ``text`` and its offsets ``[start, end)`` in the original string.

    ``position`` is the index of the word in the token stream (what a search engine
    needs for phrase queries). In PRECISE mode it is the span's index in the list; in
    SEARCH mode the sub-words of a word share that word's position. It is derived
    data and takes no part in equality.
    """

    text: str
    start: int
    end: int
    position: int = field(default=0, compare=False)


# ---------------------------------------------------------------- normalisation

def _fold_table() -> dict[int, str]:
    table = {c: to_halfwidth(chr(c)) for c in range(0xFF01, 0xFF5F)}
    table[0x3000] = " "
    table.update({ord("≧"): "≥", ord("≦"): "≤"})
    table.update({ord(c): " " for c in "\u00a0\t\n\r\f\v\u2002\u2003\u2009\u200b"})
    return {c: r for c, r in table.items() if r != chr(c)}


class _FoldTable(dict):
    """The folding table, extended on first sight of each Han character by its simplified form
    (traditional script is searched and classified as simplified; OpenCC's character mapping)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        out = ch
        if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff":
            simple = to_simplified(ch)
            out = simple if len(simple) == 1 else ch
        self[code] = out
        return out


#: full-width ASCII → half-width (as :func:`nlp.normalize.to_halfwidth`), ≧≦ → ≥≤, spaces → " ",
#: traditional characters → simplified
_FOLD = _FoldTable(_fold_table())


def _fold(text: str) -> str:
    """Character-by-character folding; ``len(_fold(t)) == len(t)`` always."""
    return text.translate(_FOLD)


_OPERATOR_PAIRS = {">=": "≥", "=>": "≥", "<=": "≤", "=<": "≤"}
_OPERATOR_PAIR_RE = re.compile(r">=|=>|<=|=<")
_GROUPED_NUMBER_RE = re.compile(r"(?<![\d,.])\d{1,3}(?:,\d{3})+(?![\d,]|\.\d*,)")
_SPACES_RE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Canonical form of a text: what tokens are compared by.

    Full-width ASCII to half-width (``％`` → ``%``, ``１`` → ``1``; Chinese punctuation
    such as ``，（）`` kept), ``＞＝`` / ``>=`` → ``≥``, ``<=`` → ``≤``, thousands
    separators dropped (``1,000`` → ``1000``), white space folded to single spaces and
    trimmed. Idempotent.

    >>> normalize_text("完成率＞＝９５％，共 1,000 人")
    '完成率≥95%，共 1000 人'
    """
    text = _fold(text)
    text = _OPERATOR_PAIR_RE.sub(lambda m: _OPERATOR_PAIRS[m.group()], text)
    text = _GROUPED_NUMBER_RE.sub(lambda m: m.group().replace(",", ""), text)
    return _SPACES_RE.sub(" ", text).strip()


# ---------------------------------------------------------------- pre-tokenisation

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN_RE = re.compile(
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?)"
    rf"|(?P<op>>=|=>|<=|=<)"
    rf"|(?P<han>[{_HAN}]+)"
    rf"|(?P<lat>[A-Za-z][A-Za-z0-9]*)"
    rf"|(?P<sp>\s+)"
    rf"|(?P<other>.)",
    re.DOTALL,
)


# ---------------------------------------------------------------- segmenters


@dataclass(frozen=True)
class Segmenter:
    """A loaded backend: ``cut`` splits a Han run into words, ``is_word`` looks a word up."""

    backend: Backend
    cut: Callable[[str], list[str]]
    is_word: Callable[[str], bool]


def _read_userdict(path: Path) -> list[tuple[str, int]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise TokenizerError(f"{path}: cannot read the domain dictionary ({exc.strerror})") from exc
    entries = []
    for number, line in enumerate(lines, start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2 or not parts[1].isdigit():
            raise TokenizerError(
                f"{path}:{number}: expected 'term frequency', got {line!r}; "
                "rebuild it with bench/build_userdict.py"
            )
        entries.append((parts[0], int(parts[1])))
    return entries


def _build_jieba(entries: list[tuple[str, int]], cache_dir: Path | None) -> Segmenter:
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)  # no "Building prefix dict" chatter
    tk = jieba.Tokenizer()
    if cache_dir is None:
        # build the prefix dict in memory: jieba would otherwise write its cache to the system temp dir
        tk.FREQ, tk.total = tk.gen_pfdict(tk.get_dict_file())
        tk.initialized = True
    else:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tk.tmp_dir = str(cache_dir)
        tk.initialize()
    for word, freq in entries:
        tk.add_word(word, freq)
    freq_table = tk.FREQ

    def cut(run: str) -> list[str]:
        return list(tk.cut(run, HMM=False))

    def is_word(word: str) -> bool:
        return bool(freq_table.get(word))

    return Segmenter(Backend.JIEBA, cut, is_word)


def _build_rjieba(entries: list[tuple[str, int]]) -> Segmenter:
    try:
        import rjieba
    except ImportError as exc:
        raise TokenizerError(
            "the rjieba tokenizer backend is not installed; run 'pip install rjieba' "
            f"or set {ENV_BACKEND}=jieba"
        ) from exc
    rj = rjieba.Jieba()
    for word, freq in entries:
        rj.add_word(word, freq, None)

    def cut(run: str) -> list[str]:
        return rj.cut(run, False)

    return Segmenter(Backend.RJIEBA, cut, rj.has_word)


def build_segmenter(
    backend: Backend, *, userdict: Path | None = DEFAULT_USERDICT, cache_dir: Path | None = None
) -> Segmenter:
    """Load a backend with the domain dictionary (``None`` = stock dictionary only).

    :param cache_dir: where jieba may keep its prefix-dict cache; ``None`` builds it in
        memory and writes nothing. rjieba needs no cache.
    """
    entries = _read_userdict(userdict) if userdict is not None else []
    if backend is Backend.JIEBA:
        return _build_jieba(entries, cache_dir)
    return _build_rjieba(entries)


#: the one cached factory: one loaded segmenter per (backend, dictionary, cache dir)
segmenter = functools.cache(build_segmenter)


class _Settings:
    cache_dir: Path | None = None


_settings = _Settings()


def use_cache_dir(path: Path | None) -> None:
    """Let jieba keep its prefix-dict cache in ``path`` (cli.py passes ``<data_dir>/cache``).

    ``None`` (the default) means no cache file at all. Segmentation is the same either way.
    """
    _settings.cache_dir = Path(path) if path is not None else None


def default_backend() -> Backend:
    """The backend named by env ``JIXIAO_TOKENIZER`` (``jieba`` or ``rjieba``), else RJIEBA."""
    name = os.environ.get(ENV_BACKEND, "").strip().lower()
    if not name:
        return Backend.RJIEBA
    try:
        return Backend(name)
    except ValueError:
        choices = ", ".join(b.value for b in Backend)
        raise TokenizerError(f"{ENV_BACKEND}={name!r} is not a tokenizer backend; use one of: {choices}") from None


# ---------------------------------------------------------------- tokens


def _spans(text: str, seg: Segmenter, mode: SegmentMode) -> list[TokenSpan]:
    folded = _fold(text)
    out: list[TokenSpan] = []
    position = 0
    search = mode is SegmentMode.SEARCH
    for m in _RUN_RE.finditer(folded):
        kind = m.lastgroup
        start = m.start()
        if kind == "han":
            for word in seg.cut(m.group()):
                end = start + len(word)
                if search and len(word) > 2:
                    for n in range(2, len(word)):
                        for i in range(len(word) - n + 1):
                            sub = word[i : i + n]
                            if seg.is_word(sub):
                                out.append(TokenSpan(sub, start + i, start + i + n, position))
                out.append(TokenSpan(word, start, end, position))
                position += 1
                start = end
        elif kind == "sp":
            continue
        else:
            token = m.group()
            if kind == "num":
                token = token.replace(",", "")
            elif kind == "op":
                token = _OPERATOR_PAIRS[token]
            out.append(TokenSpan(token, start, m.end(), position))
            position += 1
    return out


def token_spans(
    text: str,
    *,
    mode: SegmentMode = SegmentMode.PRECISE,
    backend: Backend | None = None,
    userdict: Path | None = DEFAULT_USERDICT,
) -> list[TokenSpan]:
    """Tokens of ``text`` with offsets into ``text`` itself (white space dropped, nothing else).

    In SEARCH mode every word longer than two characters is preceded by the dictionary
    words inside it (2 characters up to its length − 1), at the same ``position``:
    城乡居民养老保险 also yields 城乡, 居民, 养老, 保险, 养老保险, …

    >>> [s.text for s in token_spans("完成率≥95%")]
    ['完成率', '≥', '95', '%']
    """
    seg = segmenter(backend or default_backend(), userdict=userdict, cache_dir=_settings.cache_dir)
    return _spans(text, seg, mode)


def _read_stopwords(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("# "))


#: function words and punctuation; digits, %, operators, units and negations are not stop words
STOPWORDS_ZH: frozenset[str] = _read_stopwords(_DATA / "stopwords.txt")


def tokenize_zh(text: str) -> list[str]:
    """Texts of the PRECISE spans of ``text`` minus :data:`STOPWORDS_ZH`; for scikit-learn's ``tokenizer=``.

    Same tokens as ``[s.text for s in token_spans(text)]`` without the stop words, computed
    without building spans (this is the classifier's hot path).

    >>> tokenize_zh("参保人员的满意度≥90%")
    ['参保', '人员', '满意度', '≥', '90', '%']
    """
    cut = segmenter(default_backend(), userdict=DEFAULT_USERDICT, cache_dir=_settings.cache_dir).cut
    out: list[str] = []
    for m in _RUN_RE.finditer(_fold(text)):
        kind = m.lastgroup
        if kind == "han":
            out.extend(cut(m.group()))
        elif kind == "num":
            out.append(m.group().replace(",", ""))
        elif kind == "op":
            out.append(_OPERATOR_PAIRS[m.group()])
        elif kind != "sp":
            out.append(m.group())
    return [t for t in out if t not in STOPWORDS_ZH]
