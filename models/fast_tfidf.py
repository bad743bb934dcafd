"""A ``TfidfVectorizer`` whose ``transform`` counts n-grams by direct vocabulary lookup.

scikit-learn's ``transform`` runs its Python analyzer and a per-document counting
loop for every row; on the classifier's predict path that was ~85 % of the time.
:class:`FastTfidfVectorizer` changes only how the *count matrix* of a fitted
vectorizer is built; fitting and the TF-IDF weighting (sublinear tf, idf, l2 norm) are
scikit-learn's own code, so the features are the same numbers:

* every distinct document of a batch is analysed once (names and descriptions repeat
  across rows even when whole rows are distinct), its rows are copied for the repeats;
* character n-grams are cut with ``map`` over string slices (the n-grams of
  ``_char_ngrams``: white space runs folded to one space, all n of ``ngram_range``);
  word n-grams come from scikit-learn's own analyzer;
* n-grams are looked up with ``dict.get`` and counted with one ``numpy.unique`` over the
  batch, which yields the CSR arrays (sorted column indices) directly.

Only the configurations the classifier uses take the fast path (``analyzer`` "char" or
"word", ``input="content"``, no ``binary``); anything else falls back to scikit-learn.
``tests/models/test_fast_tfidf.py`` proves equality with the plain vectorizer.
"""

from __future__ import annotations

from itertools import repeat
from operator import add
from typing import Any, Callable, Iterable, Mapping

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from models.distinct import distinct

__all__ = ["FastTfidfVectorizer", "MAX_KEYED_N", "accelerate", "char_count_matrix", "char_ngrams", "char_tables", "count_matrix", "plain"]


def char_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    """Character n-grams of ``text`` for ``min_n <= n <= max_n``, as scikit-learn's ``_char_ngrams``
    (after white space runs are folded to one space)."""
    out: list[str] = []
    grams: Iterable[str] = text
    for n in range(1, min(max_n, len(text)) + 1):
        if n > 1:
            grams = list(map(add, grams, text[n - 1 :]))
        if n >= min_n:
            out.extend(grams)
    return out


def _counts(row: np.ndarray, col: np.ndarray, n_rows: int, n_vocab: int, dtype: Any) -> sparse.csr_array:
    """CSR count matrix from one ``(row, col)`` pair per n-gram occurrence; column indices sorted."""
    width = max(n_vocab, 1)
    keys, counts = np.unique(row * width + col, return_counts=True)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys // width, minlength=n_rows), out=indptr[1:])
    index_dtype = np.int32 if len(keys) <= np.iinfo(np.int32).max else np.int64
    return sparse.csr_array(
        (counts.astype(dtype), (keys % width).astype(index_dtype), indptr.astype(index_dtype)), shape=(n_rows, n_vocab)
    )


def _spread(rows: sparse.csr_array, inverse: np.ndarray) -> sparse.csr_array:
    """The ``rows`` of the distinct documents in the order of ``inverse`` (each input document gets its distinct
    document's row)."""
    if len(inverse) == rows.shape[0] and np.array_equal(inverse, np.arange(len(inverse))):
        return rows
    out = rows[inverse]
    out.sort_indices()
    return out


def count_matrix(
    docs: list[str], analyze: Callable[[str], list[str]], vocabulary: Mapping[str, Any], dtype: Any
) -> sparse.csr_array:
    """Count matrix ``(len(docs), len(vocabulary))`` of in-vocabulary n-grams, column indices sorted.

    Each distinct document is analysed once; out-of-vocabulary n-grams are dropped.
    """
    unique, inverse = distinct(docs)
    get = vocabulary.get
    cols: list[Any] = []
    lengths = np.empty(len(unique), dtype=np.int64)
    for k, doc in enumerate(unique):
        grams = analyze(doc)
        cols.extend(map(get, grams, repeat(-1, len(grams))))
        lengths[k] = len(grams)
    col = np.array(cols, dtype=np.int64) if cols else np.empty(0, dtype=np.int64)
    row = np.repeat(np.arange(len(unique), dtype=np.int64), lengths)
    keep = col >= 0
    return _spread(_counts(row[keep], col[keep], len(unique), len(vocabulary), dtype), inverse)


#: bits per character in an integer n-gram key (Unicode code points are below 2**21)
_BITS = 21
#: longest character n-gram whose key fits an int64
MAX_KEYED_N = 3


def _gram_key(gram: str) -> int:
    key = 0
    for ch in gram:
        key = (key << _BITS) | ord(ch)
    return key


def char_tables(vocabulary: Mapping[str, Any], ngram_range: tuple[int, int]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per n-gram length: the sorted integer keys of the vocabulary's n-grams of that length and their columns."""
    tables = {}
    for n in range(ngram_range[0], ngram_range[1] + 1):
        items = [(_gram_key(g), c) for g, c in vocabulary.items() if len(g) == n]
        keys = np.array([k for k, _ in items], dtype=np.int64)
        cols = np.array([c for _, c in items], dtype=np.int64)
        order = np.argsort(keys, kind="stable")
        tables[n] = (keys[order], cols[order])
    return tables


def char_count_matrix(
    docs: list[str],
    prepare: Callable[[str], str],
    tables: Mapping[int, tuple[np.ndarray, np.ndarray]],
    n_vocab: int,
    dtype: Any,
) -> sparse.csr_array:
    """Count matrix of the character n-grams of ``prepare(doc)``, all documents at once.

    The n-gram lengths are the keys of ``tables`` (at most ``MAX_KEYED_N``): each n-gram
    becomes an integer made of its code points and is looked up by binary search in the
    vocabulary's sorted keys (:func:`char_tables`). Each distinct document is prepared once.
    """
    unique, inverse = distinct(docs)
    texts = [prepare(d) for d in unique]
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    points = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    left = np.repeat(np.cumsum(lengths), lengths) - np.arange(len(points))  # characters from here to the end of the document
    rows, cols = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int64)]
    key = points
    for n in range(1, max(tables, default=0) + 1):
        if n > 1:
            key = (key[:-1] << _BITS) | points[n - 1 :]
        table_keys, table_cols = tables.get(n, (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)))
        if not len(table_keys):
            continue
        at = np.flatnonzero(left[: len(key)] >= n)
        k = key[at]
        pos = np.minimum(np.searchsorted(table_keys, k), len(table_keys) - 1)
        hit = table_keys[pos] == k
        rows.append(doc[at[hit]])
        cols.append(table_cols[pos[hit]])
    return _spread(_counts(np.concatenate(rows), np.concatenate(cols), len(unique), n_vocab, dtype), inverse)


class FastTfidfVectorizer(TfidfVectorizer):
    """``TfidfVectorizer`` with the same parameters and fit; ``transform`` builds its count matrix
    with :func:`char_count_matrix` (character n-grams up to ``MAX_KEYED_N``) or :func:`count_matrix`
    (see the module docstring)."""

    def _prepare(self) -> Callable[[str], str]:
        preprocess, decode, spaces = self.build_preprocessor(), self.decode, self._white_spaces.sub

        def prepare(doc: str) -> str:
            return spaces(" ", preprocess(decode(doc)))

        return prepare

    def _char_tables(self) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        cached = self.__dict__.get("_char_tables_cache")
        if cached is None or cached[0] is not self.vocabulary_:  # built once per fitted vocabulary
            cached = (self.vocabulary_, char_tables(self.vocabulary_, self.ngram_range))
            self._char_tables_cache = cached
        return cached[1]

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        state.pop("_char_tables_cache", None)  # derived from vocabulary_, rebuilt on first use
        return state

    def _count_vocab(self, raw_documents: Any, fixed_vocab: bool) -> Any:
        if not fixed_vocab or self.input != "content" or self.binary or self.analyzer not in ("char", "word"):
            return super()._count_vocab(raw_documents, fixed_vocab)  # fitting, or a configuration without fast path
        docs = list(raw_documents)
        if self.analyzer == "word":
            return self.vocabulary_, count_matrix(docs, self.build_analyzer(), self.vocabulary_, self.dtype)
        min_n, max_n = self.ngram_range
        prepare = self._prepare()
        if max_n <= MAX_KEYED_N:
            return self.vocabulary_, char_count_matrix(docs, prepare, self._char_tables(), len(self.vocabulary_), self.dtype)
        return self.vocabulary_, count_matrix(docs, lambda d: char_ngrams(prepare(d), min_n, max_n), self.vocabulary_, self.dtype)


def _walk(obj: Any, visit: Callable[[Any], None], seen: set[int]) -> None:
    """Call ``visit`` on ``obj`` and on every estimator reachable through attributes, lists, tuples and dicts."""
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, (list, tuple)):
        for item in obj:
            _walk(item, visit, seen)
    elif isinstance(obj, dict):
        for item in obj.values():
            _walk(item, visit, seen)
    elif hasattr(obj, "get_params") or hasattr(obj, "pipeline"):
        visit(obj)
        for item in vars(obj).values():
            _walk(item, visit, seen)


def accelerate(model: Any) -> Any:
    """Make every plain fitted ``TfidfVectorizer`` inside ``model`` a :class:`FastTfidfVectorizer`
    (same state, faster transform); returns ``model``. Used on models pickled before this module existed."""

    def visit(obj: Any) -> None:
        if type(obj) is TfidfVectorizer:
            obj.__class__ = FastTfidfVectorizer

    _walk(model, visit, set())
    return model


def plain(model: Any) -> Any:
    """The reverse of :func:`accelerate` (every :class:`FastTfidfVectorizer` becomes a plain one),
    for comparing against scikit-learn; returns ``model``."""

    def visit(obj: Any) -> None:
        if type(obj) is FastTfidfVectorizer:
            obj.__class__ = TfidfVectorizer

    _walk(model, visit, set())
    return model
