"""'Did you mean' suggestions for unknown names."""

from __future__ import annotations

from collections.abc import Iterable


def did_you_mean(name: str, candidates: Iterable[str], *, limit: int = 3) -> list[str]:
    """Return the candidates closest to ``name``, best first (case-insensitive)."""
    pool = sorted(set(candidates))
    by_lower: dict[str, str] = {}
    for c in pool:
        by_lower.setdefault(c.lower(), c)
    exact = by_lower.get(name.lower())
    if exact is not None and exact != name:
        return [exact]
    import difflib  # only when a name is unknown: not at every start-up

    close = difflib.get_close_matches(name.lower(), list(by_lower), n=limit, cutoff=0.6)
    return [by_lower[c] for c in close]


def hint_for(name: str, candidates: Iterable[str], *, noun: str = "values") -> str | None:
    """A hint sentence: ``did you mean 'x'?`` or, failing that, the valid choices when few.

    ``noun`` names the choices in the fallback sentence: ``valid keys: a, b``.
    """
    pool = sorted(set(candidates))
    close = did_you_mean(name, pool)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    if pool and len(pool) <= 12:
        return f"valid {noun}: " + ", ".join(pool)
    return None
