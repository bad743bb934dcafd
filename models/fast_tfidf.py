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

__all__ = ["FastTfidfVectorizer", "count_matrix", "char_ngrams", "accelerate", "plain"]


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


def count_matrix(
    docs: list[str], analyze: Callable[[str], list[str]], vocabulary: Mapping[str, Any], dtype: Any
) -> sparse.csr_array:
    """Count matrix ``(len(docs), len(vocabulary))`` of in-vocabulary n-grams, column indices sorted.

    Each distinct document is analysed once; out-of-vocabulary n-grams are dropped.
    """
    slot: dict[str, int] = {}
    inverse = np.fromiter((slot.setdefault(d, len(slot)) for d in docs), dtype=np.int64, count=len(docs))
    get = vocabulary.get
    cols: list[Any] = []
    lengths = np.empty(len(slot), dtype=np.int64)
    for k, doc in enumerate(slot):
        grams = analyze(doc)
        cols.extend(map(get, grams, repeat(-1, len(grams))))
        lengths[k] = len(grams)
    n_vocab = len(vocabulary)
    col = np.array(cols, dtype=np.int64) if cols else np.empty(0, dtype=np.int64)
    row = np.repeat(np.arange(len(slot), dtype=np.int64), lengths)
    keep = col >= 0
    keys, counts = np.unique(row[keep] * n_vocab + col[keep], return_counts=True)
    indptr = np.zeros(len(slot) + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys // max(n_vocab, 1), minlength=len(slot)), out=indptr[1:])
    index_dtype = np.int32 if len(keys) <= np.iinfo(np.int32).max else np.int64
    distinct = sparse.csr_array(
        (counts.astype(dtype), (keys % max(n_vocab, 1)).astype(index_dtype), indptr.astype(index_dtype)),
        shape=(len(slot), n_vocab),
    )
    if len(slot) == len(docs) and np.array_equal(inverse, np.arange(len(docs))):
        return distinct
    out = distinct[inverse]
    out.sort_indices()
    return out


class FastTfidfVectorizer(TfidfVectorizer):
    """``TfidfVectorizer`` with the same parameters and fit; ``transform`` builds its count matrix
    with :func:`count_matrix` (see the module docstring)."""

    def _fast_analyzer(self) -> Callable[[str], list[str]] | None:
        if self.input != "content" or self.binary:
            return None
        if self.analyzer == "word":
            return self.build_analyzer()
        if self.analyzer != "char":
            return None
        preprocess, decode, spaces = self.build_preprocessor(), self.decode, self._white_spaces.sub
        min_n, max_n = self.ngram_range

        def analyze(doc: str) -> list[str]:
            return char_ngrams(spaces(" ", preprocess(decode(doc))), min_n, max_n)

        return analyze

    def _count_vocab(self, raw_documents: Any, fixed_vocab: bool) -> Any:
        analyze = self._fast_analyzer() if fixed_vocab else None
        if analyze is None:  # fitting, or a configuration the fast path does not cover
            return super()._count_vocab(raw_documents, fixed_vocab)
        return self.vocabulary_, count_matrix(list(raw_documents), analyze, self.vocabulary_, self.dtype)


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
