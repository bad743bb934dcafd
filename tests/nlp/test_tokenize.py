"""Specification of the Chinese tokeniser (nlp/tokenize.py)."""

from __future__ import annotations

import logging
import pickle
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.tokenize import (
    DEFAULT_USERDICT,
    STOPWORDS_ZH,
    Backend,
    SegmentMode,
    TokenizerError,
    TokenSpan,
    build_segmenter,
    default_backend,
    normalize_text,
    token_spans,
    tokenize_zh,
    use_cache_dir,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_TEXTS = {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted((ROOT / "samples").glob("*.txt"))}

DOMAIN_TERMS = ["创业担保贷款", "城乡居民养老保险", "满意度", "覆盖率", "发放率", "合格率", "及时率"]


def texts(text: str, **kwargs: object) -> list[str]:
    return [s.text for s in token_spans(text, **kwargs)]  # type: ignore[arg-type]


# ---------------------------------------------------------------- numbers, operators, units


def test_tokenize_zh_keeps_number_percent_and_operator() -> None:
    assert tokenize_zh("完成率≥95%") == ["完成率", "≥", "95", "%"]


def test_days_and_money_keep_their_numbers_and_units() -> None:
    assert tokenize_zh("≤31天") == ["≤", "31", "天"]
    assert tokenize_zh("=24.4万") == ["=", "24.4", "万"]


def test_decimal_number_is_one_token_and_thousands_separator_dropped() -> None:
    assert texts("共1,000.5万元") == ["共", "1000.5", "万元"]


def test_full_width_operator_and_percent_are_normalised() -> None:
    assert texts("满意度＞＝９０％") == ["满意度", "≥", "90", "%"]
    assert texts("满意度>=90%") == ["满意度", "≥", "90", "%"]


# ---------------------------------------------------------------- offsets


def test_offsets_slice_the_original_text() -> None:
    text = "满意度＞＝９０％， 共 1,000 人（城乡居民养老保险）"
    spans = token_spans(text)
    assert [text[s.start : s.end] for s in spans] == [
        "满意度", "＞＝", "９０", "％", "，", "共", "1,000", "人", "（", "城乡居民养老保险", "）",
    ]
    assert all(normalize_text(text[s.start : s.end]) == s.text for s in spans)


@pytest.mark.parametrize("mode", list(SegmentMode))
def test_every_span_of_the_samples_is_the_normalised_slice_it_points_at(mode: SegmentMode) -> None:
    text = SAMPLE_TEXTS["000"]
    spans = token_spans(text, mode=mode)
    assert spans
    assert [s for s in spans if normalize_text(text[s.start : s.end]) != s.text] == []


def test_precise_spans_are_ordered_and_do_not_overlap() -> None:
    spans = token_spans(SAMPLE_TEXTS["002"])
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
    assert [s.position for s in spans] == list(range(len(spans)))


# ---------------------------------------------------------------- domain dictionary


@pytest.mark.parametrize("term", DOMAIN_TERMS)
def test_domain_terms_stay_whole(term: str) -> None:
    assert term in texts(f"做好{term}工作")


@pytest.mark.parametrize("term", DOMAIN_TERMS)
def test_domain_terms_are_almost_never_cut_apart_in_the_samples(term: str) -> None:
    """At least 95 % of the occurrences lie inside one token (the term or a longer word such as
    养老金发放及时率). Known exception: 创业担保贷款贴息资金 → 创业/担保/贷款贴息资金 (2 of 47)."""
    found, cut_apart = 0, []
    for text in SAMPLE_TEXTS.values():
        spans = token_spans(text)
        covering = {i: (s.start, s.end) for s in spans for i in range(s.start, s.end)}
        occurrences = [i for i in range(len(text)) if text.startswith(term, i)]
        found += len(occurrences)
        cut_apart += [
            text[max(0, i - 6) : i + len(term) + 6]
            for i in occurrences
            if covering[i][1] < i + len(term)
        ]
    assert found > 0
    assert len(cut_apart) <= 0.05 * found, f"{term} cut apart in {cut_apart}"


def test_domain_dictionary_changes_segmentation_of_the_samples() -> None:
    """Guards the backend-equivalence test: the dictionary must actually be in play."""
    stock = build_segmenter(Backend.RJIEBA, userdict=None)
    domain = build_segmenter(Backend.RJIEBA)
    assert stock.cut("创业担保贷款发放率") != domain.cut("创业担保贷款发放率")


def test_malformed_dictionary_is_refused_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "userdict.txt"
    bad.write_text("创业担保贷款 9\n发放率\n", encoding="utf-8")
    with pytest.raises(TokenizerError) as err:
        build_segmenter(Backend.RJIEBA, userdict=bad)
    assert str(err.value) == (
        f"{bad}:2: expected 'term frequency', got '发放率'; rebuild it with bench/build_userdict.py"
    )


# ---------------------------------------------------------------- search mode


def test_search_mode_finds_yanglao_inside_chengxiang_jumin_yanglao_baoxian() -> None:
    spans = token_spans("城乡居民养老保险", mode=SegmentMode.SEARCH)
    words = [s.text for s in spans]
    assert {"养老", "保险", "养老保险", "城乡居民养老保险"} <= set(words)
    yanglao = spans[words.index("养老")]
    assert (yanglao.start, yanglao.end) == (4, 6)


def test_search_mode_sub_words_share_the_position_of_their_word() -> None:
    spans = token_spans("参加城乡居民养老保险", mode=SegmentMode.SEARCH)
    assert {s.position for s in spans if s.text != "参加"} == {1}
    assert [s.position for s in spans if s.text == "参加"] == [0]


def test_precise_mode_has_no_sub_words() -> None:
    assert texts("城乡居民养老保险") == ["城乡居民养老保险"]


# ---------------------------------------------------------------- stop words


def test_stop_words_are_removed_only_by_tokenize_zh() -> None:
    text = "参保人员的满意度，及时率"
    assert "的" in texts(text) and "，" in texts(text)
    assert tokenize_zh(text) == ["参保", "人员", "满意度", "及时率"]


def test_stop_words_keep_signal_tokens() -> None:
    assert not STOPWORDS_ZH & {"%", "≥", "≤", ">", "<", "=", "/", "不", "未", "无", "人", "天", "元"}


def test_tokenize_zh_equals_precise_spans_minus_stop_words_on_sample_lines() -> None:
    lines = [line for text in SAMPLE_TEXTS.values() for line in text.splitlines() if line.strip()]
    assert [tokenize_zh(line) for line in lines] == [
        [s.text for s in token_spans(line) if s.text not in STOPWORDS_ZH] for line in lines
    ]


def test_tokenize_zh_is_picklable_for_scikit_learn_models() -> None:
    assert pickle.loads(pickle.dumps(tokenize_zh))("及时率≥95%") == ["及时率", "≥", "95", "%"]


# ---------------------------------------------------------------- normalisation


def test_normalize_text_folds_width_operators_numbers_and_spaces() -> None:
    assert normalize_text("  完成率＞＝９５％，共\u30001,000\t人 ") == "完成率≥95%，共 1000 人"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalize_text_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("满意度率≥%９５０,.＞＝< =1 万元\t人（）")))
def test_spans_point_at_their_text_for_any_input(text: str) -> None:
    for span in token_spans(text):
        assert normalize_text(text[span.start : span.end]) == span.text


# ---------------------------------------------------------------- backends


@pytest.mark.parametrize("mode", list(SegmentMode))
def test_fast_backend_matches_jieba_on_all_samples(mode: SegmentMode) -> None:
    for name, text in SAMPLE_TEXTS.items():
        reference = token_spans(text, mode=mode, backend=Backend.JIEBA)
        fast = token_spans(text, mode=mode, backend=Backend.RJIEBA)
        assert [(s.text, s.start, s.end, s.position) for s in fast] == [
            (s.text, s.start, s.end, s.position) for s in reference
        ], name


def test_backend_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JIXIAO_TOKENIZER", raising=False)
    assert default_backend() is Backend.RJIEBA
    monkeypatch.setenv("JIXIAO_TOKENIZER", "jieba")
    assert default_backend() is Backend.JIEBA


def test_unknown_backend_is_an_error_not_a_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_TOKENIZER", "pkuseg")
    with pytest.raises(TokenizerError) as err:
        tokenize_zh("满意度")
    assert str(err.value) == "JIXIAO_TOKENIZER='pkuseg' is not a tokenizer backend; use one of: jieba, rjieba"


def test_segmentation_is_deterministic_across_fresh_segmenters() -> None:
    text = SAMPLE_TEXTS["004"][:5000]
    first = build_segmenter(Backend.JIEBA)
    second = build_segmenter(Backend.JIEBA)
    runs = [r for r in text.split() if r]
    assert [first.cut(r) for r in runs] == [second.cut(r) for r in runs]


# ---------------------------------------------------------------- jieba's cache and noise


def test_jieba_writes_nothing_to_the_system_temp_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_tmp = tmp_path / "system-tmp"
    fake_tmp.mkdir()
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(fake_tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(fake_tmp))
    segmenter = build_segmenter(Backend.JIEBA, cache_dir=None)
    assert segmenter.cut("创业担保贷款") == ["创业担保贷款"]
    assert list(fake_tmp.iterdir()) == []


def test_jieba_cache_goes_to_the_given_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_tmp = tmp_path / "system-tmp"
    fake_tmp.mkdir()
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(fake_tmp))
    cache = tmp_path / "data" / "cache"
    build_segmenter(Backend.JIEBA, cache_dir=cache)
    assert [p.name for p in cache.iterdir()] == ["jieba.cache"]
    assert list(fake_tmp.iterdir()) == []


def test_use_cache_dir_routes_token_spans_through_that_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    try:
        use_cache_dir(cache)
        assert texts("发放率", backend=Backend.JIEBA) == ["发放率"]
    finally:
        use_cache_dir(None)
    assert (cache / "jieba.cache").is_file()


def test_loading_jieba_is_quiet(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    root_level = logging.getLogger().level
    build_segmenter(Backend.JIEBA, cache_dir=tmp_path / "cache")
    build_segmenter(Backend.JIEBA, cache_dir=tmp_path / "cache")  # second load reads the cache
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
    assert logging.getLogger().level == root_level


def test_default_dictionary_ships_inside_the_package() -> None:
    assert DEFAULT_USERDICT.parent == ROOT / "nlp" / "data"
    assert TokenSpan("满意度", 0, 3) == TokenSpan("满意度", 0, 3, position=7)


def test_traditional_script_is_searched_as_simplified_with_offsets_kept() -> None:
    from nlp.tokenize import normalize_text, token_spans

    text = "經費使用率達到95%"
    assert normalize_text(text) == "经费使用率达到95%"
    for span in token_spans(text):
        assert normalize_text(text[span.start:span.end]) == span.text
    assert [s.text for s in token_spans(text)][:2] == [s.text for s in token_spans("经费使用率达到95%")][:2]
