"""The distinct items of a batch and where each input item went: the basis of doing batch work once per copy."""

from __future__ import annotations

from typing import Hashable, Sequence, TypeVar

import numpy as np

__all__ = ["distinct"]

H = TypeVar("H", bound=Hashable)


def distinct(items: Sequence[H]) -> tuple[list[H], np.ndarray]:
    """The distinct items in first-seen order, and for each input item the index of its distinct one.

    >>> distinct(["a", "b", "a"])
    (['a', 'b'], array([0, 1, 0]))
    """
    slot: dict[H, int] = {}
    inverse = np.fromiter((slot.setdefault(x, len(slot)) for x in items), dtype=np.int64, count=len(items))
    return list(slot), inverse
