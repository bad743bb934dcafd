"""Vectorised MinHash signatures and LSH banding: sub-quadratic candidate pairs for near-duplicate text.

Texts are cut into character k-shingles (Chinese is not segmented for this: characters
are the natural unit and ``fuzz.ratio`` compares characters too). Everything is done
on numpy arrays over a whole batch, so a million short texts take seconds, and the
result is deterministic (no use of Python's randomised ``hash``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["minhash_signatures", "lsh_candidate_pairs"]

_MASK32 = np.uint64(0xFFFFFFFF)
#: buckets up to this size are paired fully by the vectorised pass
_SMALL = 9


def _codepoints(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """All texts' code points concatenated, and the start offset of each text."""
    joined = "".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    return codes, starts


def _shingle_hashes(texts: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, owner): one 64-bit hash per k-shingle, and the index of the text it belongs to.

    A text shorter than ``k`` contributes one shingle: itself.
    """
    codes, starts = _codepoints(texts)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    n_codes = len(codes)
    owner_of_code = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    if n_codes >= k:
        h = np.zeros(n_codes - k + 1, dtype=np.uint64)
        for j in range(k):
            h = h * np.uint64(0x100000001B3) + codes[j : n_codes - k + 1 + j]
        owner = owner_of_code[: n_codes - k + 1]
        # keep shingles that lie wholly inside one text
        last = owner_of_code[k - 1 :]
        keep = owner == last
        h, owner = h[keep], owner[keep]
    else:
        h = np.zeros(0, dtype=np.uint64)
        owner = np.zeros(0, dtype=np.int64)
    short = np.flatnonzero(lengths < k)
    if len(short):
        extra = np.array(
            [int.from_bytes(texts[i].encode("utf-8")[:8].ljust(8, b"\0"), "little") for i in short],
            dtype=np.uint64,
        )
        h = np.concatenate([h, extra])
        owner = np.concatenate([owner, short])
        order = np.argsort(owner, kind="stable")
        h, owner = h[order], owner[order]
    return h, owner


def minhash_signatures(
    texts: Sequence[str], *, num_perm: int = 96, k: int = 3, seed: int = 0, chunk: int = 50_000
) -> np.ndarray:
    """MinHash signature matrix of shape (len(texts), num_perm), dtype uint32.

    :param texts: strings; one shorter than ``k`` is a single shingle (itself).
    :param num_perm: number of hash functions (multiply-shift family, seeded).
    :param k: shingle length in characters.
    """
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    out = np.full((len(texts), num_perm), 0xFFFFFFFF, dtype=np.uint32)
    for lo in range(0, len(texts), chunk):
        part = texts[lo : lo + chunk]
        h, owner = _shingle_hashes(part, k)
        if len(h) == 0:
            continue
        seg_starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        seg_owner = owner[seg_starts]
        for p in range(num_perm):
            hp = ((h * a[p] + b[p]) >> np.uint64(32)) & _MASK32
            out[lo + seg_owner, p] = np.minimum.reduceat(hp, seg_starts).astype(np.uint32)
    return out


def lsh_candidate_pairs(signatures: np.ndarray, *, bands: int = 32, max_bucket: int = 400) -> np.ndarray:
    """Pairs (i, j), i < j, whose signatures agree on all rows of at least one band.

    :param bands: number of bands; ``signatures.shape[1]`` must be divisible by it.
    :param max_bucket: a bucket larger than this (thousands of near-identical boilerplate rows)
        is linked as a star around its first member instead of all pairs, keeping the pair
        count linear; callers that cluster by connectivity lose nothing by this.
    :returns: int64 array of shape (n_pairs, 2), unique, sorted.
    """
    n, num_perm = signatures.shape
    if num_perm % bands:
        raise ValueError(f"num_perm {num_perm} is not divisible by bands {bands}")
    rows = num_perm // bands
    chunks: list[np.ndarray] = []
    for band in range(bands):
        block = np.ascontiguousarray(signatures[:, band * rows : (band + 1) * rows])
        key = np.zeros(n, dtype=np.uint64)
        for r in range(rows):
            key = key * np.uint64(0x9E3779B97F4A7C15) + block[:, r].astype(np.uint64)
        order = np.argsort(key, kind="stable")
        sk = key[order]
        group = np.cumsum(np.r_[0, sk[1:] != sk[:-1]])
        # small buckets, vectorised: pair each member with the next _SMALL - 1 members of its bucket
        for d in range(1, min(_SMALL, n)):
            same = group[:-d] == group[d:]
            if not same.any():
                break
            chunks.append(np.stack([order[:-d][same], order[d:][same]], axis=1))
        # the few large buckets: all pairs, or a star when very large
        bounds = np.flatnonzero(np.r_[True, sk[1:] != sk[:-1], True])
        sizes = np.diff(bounds)
        for start, size in zip(bounds[:-1][sizes > _SMALL], sizes[sizes > _SMALL]):
            members = order[start : start + size]
            if size <= max_bucket:
                ii, jj = np.triu_indices(size, k=1)
                chunks.append(np.stack([members[ii], members[jj]], axis=1))
            else:
                chunks.append(np.stack([np.full(size - 1, members[0]), members[1:]], axis=1))
    if not chunks:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(chunks).astype(np.int64)
    pairs.sort(axis=1)
    codes = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack([codes // n, codes % n], axis=1)
