"""Snippets are a function of the text and the words: equal-scored fragments are chosen by position."""

from __future__ import annotations

from index.snippet import snippet


def test_tied_fragments_are_chosen_by_position_every_time():
    lines = [f"第{n}段说明文字很长很长很长很长很长很长很长很长很长很长，就业补助资金用于第{n}项工作，其余文字很长很长很长很长很长很长很长" for n in range(8)]
    text = "\n".join(lines)
    first = snippet(text, frozenset({"就业"}))
    keep = [snippet(text, frozenset({"就业"})) for _ in range(200)]  # allocations in between move object addresses
    assert all(s == first for s in keep)
    assert "用于第0" in first and "用于第1" in first and "用于第2" not in first
