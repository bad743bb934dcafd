"""The fast predict path computes exactly what the straightforward one did.

FastTfidfVectorizer against scikit-learn's TfidfVectorizer (same fitted state), the batched
rule evidence of the stack against its per-row definition, and the prediction records
against the per-row loop they replaced; on every bundled sample indicator and a seeded
set of synthetic rows.
"""

from __future__ import annotations

import copy
import pickle
import random

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

import models.features as features_module
from models.classifier import TIER_LABELS, Prediction, TierModel, fit_tier_model, predictions_from_proba
from models.fast_tfidf import FastTfidfVectorizer, accelerate, char_count_matrix, char_ngrams, char_tables, count_matrix, plain
from models.features import IndicatorText, unit_class
from models.labels import LabelledIndicator
from models.stacking import _SUB_INDEX, BY_UNIT, EVIDENCE, RULES, evidence
from nlp.normalize import SUB_PARENT, SUB_TIERS

_ODD = ["  ", "\t", " \u3000 ", "１２", "95%", "≥", "α", "😀", "Ab", "\n\n", "〇", "0.5"]


def _synthetic(rows: list[LabelledIndicator], n: int = 1500, seed: int = 0) -> list[IndicatorText]:
    """Seeded rows spliced from sample names and descriptions, with digits, white space runs,
    full-width forms and characters the vocabulary never saw."""
    rng = random.Random(seed)
    names = [r.text.name for r in rows]
    descs = [r.text.desc for r in rows if r.text.desc]
    values = [r.text.value for r in rows if r.text.value] + [None, "", "有效保障"]
    out = []
    for _ in range(n):
        a, b = rng.choice(names), rng.choice(names)
        name = a[: rng.randrange(len(a) + 1)] + rng.choice(_ODD + [""] * 6) + b[rng.randrange(len(b) + 1) :]
        roll = rng.random()
        desc = None if roll < 0.2 else " " if roll < 0.25 else rng.choice(descs) + rng.choice(_ODD + [""] * 4)
        out.append(IndicatorText(name or rng.choice(names), desc, rng.choice(values)))
    return out


@pytest.fixture(scope="module")
def texts(sample_rows: list[LabelledIndicator]) -> list[IndicatorText]:
    return [r.text for r in sample_rows] + _synthetic(sample_rows)


def _vectorizers(model: TierModel) -> dict[str, TfidfVectorizer]:
    union = model.pipeline.estimator_.named_steps["features"]
    return {name: part.named_steps["tfidf"] for name, part in union.transformer_list if name not in ("value_shape", "knowledge")}


def _assert_same_sparse(a: object, b: object) -> None:
    a, b = a.tocsr(), b.tocsr()  # type: ignore[attr-defined]
    a.sort_indices()
    b.sort_indices()
    assert a.shape == b.shape and a.dtype == b.dtype
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_allclose(a.data, b.data, rtol=0, atol=0)


@pytest.mark.parametrize("text", ["", "a", "满意度", "服务  对象\t\t满意度 ≥90%", "ab c", "一二三四五六七"])
@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (1, 3), (2, 3), (3, 5)])
def test_char_ngrams_are_those_of_scikit_learn(text: str, ngram_range: tuple[int, int]) -> None:
    vec = TfidfVectorizer(analyzer="char", ngram_range=ngram_range)
    folded = vec._white_spaces.sub(" ", text)
    assert char_ngrams(folded, *ngram_range) == vec._char_ngrams(text)


def test_the_shipped_features_use_the_fast_vectorizer(sample_model: TierModel) -> None:
    assert {type(v) for v in _vectorizers(sample_model).values()} == {FastTfidfVectorizer}


def test_each_fast_vectorizer_equals_scikit_learns(sample_model: TierModel, texts: list[IndicatorText]) -> None:
    union = sample_model.pipeline.estimator_.named_steps["features"]
    for name, part in union.transformer_list:
        if name in ("value_shape", "knowledge"):  # not TF-IDF blocks
            continue
        docs = part.named_steps["field"].transform(texts)
        fast = part.named_steps["tfidf"]
        reference = plain(copy.deepcopy(fast))
        assert type(reference) is TfidfVectorizer
        _assert_same_sparse(fast.transform(docs), reference.transform(docs))


def test_feature_union_and_predictions_are_unchanged(sample_model: TierModel, texts: list[IndicatorText]) -> None:
    reference = plain(copy.deepcopy(sample_model))
    assert {type(v) for v in _vectorizers(reference).values()} == {TfidfVectorizer}
    union = sample_model.pipeline.estimator_.named_steps["features"]
    ref_union = reference.pipeline.estimator_.named_steps["features"]
    _assert_same_sparse(union.transform(texts), ref_union.transform(texts))
    np.testing.assert_array_equal(sample_model.sub_proba(texts), reference.sub_proba(texts))
    assert sample_model.predict(texts) == reference.predict(texts)


def test_training_with_the_fast_vectorizer_is_unchanged(
    sample_rows: list[LabelledIndicator], sample_model: TierModel, texts: list[IndicatorText], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(features_module, "FastTfidfVectorizer", TfidfVectorizer)
    reference = fit_tier_model(sample_rows)
    assert {type(v) for v in _vectorizers(reference).values()} == {TfidfVectorizer}
    assert reference.dropped == sample_model.dropped
    np.testing.assert_array_equal(reference.pipeline.theta_, sample_model.pipeline.theta_)
    np.testing.assert_array_equal(reference.sub_proba(texts), sample_model.sub_proba(texts))


def test_a_model_pickled_with_plain_vectorizers_loads_with_the_fast_ones(sample_model: TierModel, texts: list[IndicatorText]) -> None:
    old = pickle.dumps(plain(copy.deepcopy(sample_model)))
    loaded = pickle.loads(old)
    assert {type(v) for v in _vectorizers(loaded).values()} == {FastTfidfVectorizer}
    np.testing.assert_array_equal(loaded.sub_proba(texts), sample_model.sub_proba(texts))
    assert accelerate(plain(copy.deepcopy(sample_model))).predict(texts[:50]) == sample_model.predict(texts[:50])


def test_repeated_documents_get_the_rows_of_their_first_copy() -> None:
    vocabulary = {"a": 0, "b": 1, "ab": 2}
    docs = ["ab", "b", "ab", "zz", "", "b"]
    m = count_matrix(docs, lambda d: char_ngrams(d, 1, 2), vocabulary, np.float32).toarray()
    np.testing.assert_array_equal(
        m, np.array([[1, 1, 1], [0, 1, 0], [1, 1, 1], [0, 0, 0], [0, 0, 0], [0, 1, 0]], dtype=np.float32)
    )


def test_a_configuration_without_fast_path_falls_back_to_scikit_learn(texts: list[IndicatorText]) -> None:
    docs = [t.name for t in texts]
    for params in ({"analyzer": "char_wb", "ngram_range": (1, 3)}, {"analyzer": "char", "binary": True}):
        fast, reference = FastTfidfVectorizer(**params).fit(docs[:400]), TfidfVectorizer(**params).fit(docs[:400])
        _assert_same_sparse(fast.transform(docs), reference.transform(docs))


def _rule_hits(text: str) -> tuple[int, np.ndarray]:
    """The class of the first rule that matches ``text`` (-1 if none) and which classes any rule names."""
    first = -1
    any_ = np.zeros(len(SUB_TIERS), dtype=bool)
    for sub, pattern in RULES:
        if pattern.search(text):
            any_[_SUB_INDEX[sub]] = True
            if first < 0:
                first = _SUB_INDEX[sub]
    return first, any_


from models.knowledge import knowledge_vote  # noqa: E402


def _evidence_per_row(X: list[IndicatorText], model_p: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """The stack's evidence as first written: one row at a time (the reference)."""
    n, s = len(X), len(SUB_TIERS)
    F = np.zeros((n, s, len(EVIDENCE)))
    seen = np.broadcast_to(np.asarray(seen, dtype=bool), (n, s))
    log_p = np.where(seen, np.log(model_p + 1e-3), np.log(1.0 / s))
    F[:, :, 0] = log_p
    for i, x in enumerate(X):
        first, any_ = _rule_hits(x.name or "")
        if first >= 0:
            F[i, first, 1] = 1.0
        else:
            F[i, :, 6] = log_p[i]
            value = (x.value or "").strip()
            default = BY_UNIT.get(unit_class(value)) if value else None
            if default is not None:
                F[i, _SUB_INDEX[default], 5] = 1.0
        F[i, :, 2] = any_
        d_first, d_any = _rule_hits(x.desc or "")
        if d_first >= 0:
            F[i, d_first, 3] = 1.0
        F[i, :, 4] = d_any
        vote = knowledge_vote(x)
        if vote is not None:
            F[i, _SUB_INDEX[vote], 7] = 1.0
    return F


def test_batched_rule_evidence_equals_the_per_row_definition(texts: list[IndicatorText]) -> None:
    rng = np.random.default_rng(0)
    model_p = rng.dirichlet(np.ones(len(SUB_TIERS)), size=len(texts))
    seen = rng.random((len(texts), len(SUB_TIERS))) > 0.2
    np.testing.assert_array_equal(evidence(texts, model_p, seen), _evidence_per_row(texts, model_p, seen))
    assert evidence([], model_p[:0], seen[:0]).shape == (0, len(SUB_TIERS), len(EVIDENCE))


from models.classifier import UNCERTAIN_MARGIN  # noqa: E402


def _predictions_per_row(sub_p: np.ndarray, n_alternatives: int) -> list[Prediction]:
    """predictions_from_proba as first written (the reference)."""
    tier_of_sub = np.array([TIER_LABELS.index(SUB_PARENT[s]) for s in SUB_TIERS])
    tier_p = np.stack([sub_p[:, tier_of_sub == t].sum(axis=1) for t in range(len(TIER_LABELS))], axis=1)
    tiers = tier_p.argmax(axis=1)
    subs = np.where(tier_of_sub[None, :] == tiers[:, None], sub_p, -1.0).argmax(axis=1)
    order = np.argsort(-sub_p, axis=1, kind="stable")
    out = []
    for i in range(sub_p.shape[0]):
        alts = tuple((SUB_TIERS[j], round(float(sub_p[i, j]), 4)) for j in order[i] if j != subs[i])
        first, second = sorted(tier_p[i])[-1], sorted(tier_p[i])[-2]
        margin = float(first - second)
        out.append(Prediction(TIER_LABELS[tiers[i]], SUB_TIERS[subs[i]], round(float(sub_p[i, subs[i]]), 4),
                              alts[:n_alternatives], round(float(tier_p[i, tiers[i]]), 4), round(margin, 4),
                              margin < UNCERTAIN_MARGIN))
    return out


@pytest.mark.parametrize("n_alternatives", [0, 1, 3, 8, 20, -2])
def test_prediction_records_equal_the_per_row_definition(n_alternatives: int) -> None:
    rng = np.random.default_rng(1)
    sub_p = rng.dirichlet(np.full(len(SUB_TIERS), 0.3), size=400)
    sub_p[:20] = np.round(sub_p[:20], 1)  # ties
    sub_p[20] = 1.0 / len(SUB_TIERS)
    assert predictions_from_proba(sub_p, n_alternatives=n_alternatives) == _predictions_per_row(sub_p, n_alternatives)


def test_integer_keyed_char_counts_equal_the_dict_lookup_ones() -> None:
    rng = random.Random(2)
    alphabet = "满意度培训人数合格率 \t0%≥😀ab"
    docs = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12))) for _ in range(300)] + ["", "😀😀😀"]
    for ngram_range in ((1, 3), (2, 3), (1, 1), (3, 3)):
        grams = {g for d in docs[:100] for g in char_ngrams(d, *ngram_range)}
        vocab = {g: i for i, g in enumerate(sorted(grams, key=lambda g: (g[::-1], len(g))))}
        fast = char_count_matrix(docs, str, char_tables(vocab, ngram_range), len(vocab), np.float32)
        slow = count_matrix(docs, lambda d: char_ngrams(d, *ngram_range), vocab, np.float32)
        assert fast.nnz > 0
        _assert_same_sparse(fast, slow)
    empty = char_count_matrix(docs, str, {1: char_tables({}, (1, 1))[1]}, 4, np.float32)
    assert empty.shape == (len(docs), 4) and empty.nnz == 0
