"""distinct(): each item once, in first-seen order, and where every input item went."""

from __future__ import annotations

from models.distinct import distinct


def test_items_are_kept_once_in_first_seen_order_with_the_way_back() -> None:
    items = ["养老", "就业", "养老", "培训", "就业"]
    unique, inverse = distinct(items)
    assert unique == ["养老", "就业", "培训"]
    assert [unique[i] for i in inverse] == items


def test_an_empty_batch() -> None:
    unique, inverse = distinct([])
    assert unique == [] and inverse.shape == (0,)
