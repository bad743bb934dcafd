"""The search analyzer: numbers kept, positions = non-space character offsets, PRECISE at query time."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from index.analyzer import make_analyzer, nonspace_offsets

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def tokens(text: str, mode: str = "index") -> list[tuple[str, int, int, int]]:
    return [(t.text, t.pos, t.startchar, t.endchar)
            for t in make_analyzer()(text, positions=True, chars=True, mode=mode)]


def test_numbers_percent_and_operators_are_kept_beside_the_whole_value() -> None:
    assert [(t[0], t[1]) for t in tokens("完成率≥95%")] == [
        ("完成", 0), ("完成率", 0), ("≥95%", 3), ("≥", 3), ("95", 4), ("%", 6)]


def test_query_mode_looks_a_value_up_whole() -> None:
    assert [t[0] for t in tokens("完成率≥95%", mode="query")] == ["完成率", "≥95%"]
    assert [t[0] for t in tokens("≥ 135人 100% 达到90", mode="query")] == ["≥135", "人", "100%", "达到", "90"]


def test_index_mode_adds_the_words_inside_long_words_at_their_own_offsets() -> None:
    got = {(text, pos) for text, pos, _, _ in tokens("城乡居民养老保险")}
    assert {("城乡居民养老保险", 0), ("城乡", 0), ("居民", 2), ("养老", 4), ("保险", 6)} <= got


def test_query_mode_gives_one_token_per_word() -> None:
    assert [t[0] for t in tokens("城乡居民养老保险", mode="query")] == ["城乡居民养老保险"]


def test_positions_skip_white_space_and_offsets_point_into_the_original() -> None:
    text = "参保 覆盖率\n≥ 95%"
    toks = tokens(text, mode="query")
    assert [(t[0], t[1]) for t in toks] == [("参保", 0), ("覆盖率", 2), ("≥95%", 5)]
    assert [text[s:e] for _, _, s, e in toks] == ["参保", "覆盖率", "≥ 95%"]


def test_stop_words_dropped_latin_lowercased_positions_not_renumbered() -> None:
    assert [(t[0], t[1]) for t in tokens("保障的ABC", mode="query")] == [("保障", 0), ("abc", 3)]


def test_nonspace_offsets() -> None:
    assert nonspace_offsets("a b\u200bc") == [0, 1, 1, 2, 2, 3]


def test_analyzer_survives_pickling_like_the_whoosh_schema_does() -> None:
    a = pickle.loads(pickle.dumps(make_analyzer()))
    assert [t.text for t in a("就业培训", mode="query")] == ["就业", "培训"]
    assert a == make_analyzer()


def test_a_segmented_text_gives_whoosh_the_same_tokens_without_segmenting_again(monkeypatch) -> None:
    import index.analyzer as analyzer_module
    from index.analyzer import segmented

    text = (SAMPLES / "001_269e4af91333dcae.txt").read_text(encoding="utf-8")[:3000]
    analyzer = make_analyzer()

    def seen(value: str, chars: bool = False) -> list[tuple]:
        return [(t.text, t.pos, t.startchar, t.endchar) if chars else (t.text, t.pos)
                for t in analyzer(value, positions=True, chars=chars, mode="index")]

    expected, with_chars = seen(text), seen(text, chars=True)
    carried = pickle.loads(pickle.dumps(segmented(text)))  # as whoosh hands it to a writer process
    assert seen(carried, chars=True) == with_chars  # character offsets are not carried: segmented again
    monkeypatch.setattr(analyzer_module, "_segment", lambda *a: pytest.fail("segmented again"))
    assert seen(carried) == expected and len(expected) > 500
