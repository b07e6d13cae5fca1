"""Fact ids that durable-rules cannot confuse.

durable-rules identifies a fact by a 32-bit FNV-1a hash of the text of its ``id`` and, on a
hash collision, reports the second fact as already observed (it never compares the ids
themselves). Ids here are integers; their decimal texts have pairwise distinct hashes for
0 <= i < 797,186 (checked by the test suite), and beyond that the pool skips colliding numbers.
"""

from __future__ import annotations

SAFE_PREFIX = 797_186  # first integer whose decimal text collides with a smaller one's

_extension: list[int] = []
_hashes: set[int] | None = None


def fnv1a32(text: str) -> int:
    h = 0x811C9DC5
    for b in text.encode():
        h ^= b
        h = (h * 16777619) & 0xFFFFFFFF
    return h


def fact_id(i: int) -> int:
    """The i-th id of a session (0-based); distinct hashes for all ids of one session."""
    if i < SAFE_PREFIX:
        return i
    return _extended(i - SAFE_PREFIX)


def _extended(k: int) -> int:
    global _hashes
    if _hashes is None:
        _hashes = {fnv1a32(str(n)) for n in range(SAFE_PREFIX)}
    candidate = _extension[-1] + 1 if _extension else SAFE_PREFIX
    while len(_extension) <= k:
        h = fnv1a32(str(candidate))
        if h not in _hashes:
            _hashes.add(h)
            _extension.append(candidate)
        candidate += 1
    return _extension[k]
