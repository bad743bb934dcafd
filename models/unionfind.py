"""Disjoint sets over ``0 … n-1`` (union–find with path halving): joins pairs into groups."""

from __future__ import annotations

__all__ = ["UnionFind"]


class UnionFind:
    """Groups of the integers ``0 … n-1``; the root of a group is its smallest member."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
