"""Recommendation and risk ids as users type them, and their canonical form (``ACTION/TARGET``).

One resolver for every place an id is typed: ``explain``, ``whatif``, ``check``'s expectations
files, an exercise's ``expect:``/``when:`` entries and ``--decide``, and the consoles' decisions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from policyengine.models.scenario import FactSections
from policyengine.models.vocabulary import COUNTRY_ALIASES

#: What ids are read against: one world, or several (an exercise's start and its injects' facts).
Worlds = FactSections | Sequence[FactSections]


def _key(name: str) -> str:
    """How typed names are compared: case, spaces, dots, hyphens and a leading 'the' ignored."""
    folded = " ".join(name.casefold().replace(".", "").replace("-", " ").replace("_", " ").split())
    return folded.removeprefix("the ").replace(" ", "")


def _parts(name: str) -> list[str]:
    """A name and its bracketed alternative: 'Quad (Japan-US-Australia-India)' -> both halves."""
    head, _, rest = name.replace("（", "(").partition("(")
    inner = rest.replace("）", ")").partition(")")[0]
    return [part for part in (head.strip(), inner.strip()) if part]


def _worlds(worlds: Worlds) -> list[FactSections]:
    return [worlds] if isinstance(worlds, FactSections) else list(worlds)


def _names(worlds: Iterable[FactSections]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Typed name -> country codes, and -> framework ids, of the worlds."""
    countries: dict[str, set[str]] = {}
    frameworks: dict[str, set[str]] = {}
    for world in worlds:
        for c in world.countries:
            for name in (c.code, c.name.ja, c.name.en, *COUNTRY_ALIASES.get(c.code, ())):
                countries.setdefault(_key(name), set()).add(c.code)
        for f in world.frameworks:
            for name in (f.id, f.name.ja, f.name.en, *_parts(f.name.ja), *_parts(f.name.en)):
                frameworks.setdefault(_key(name), set()).add(f.id)
    return countries, frameworks


def _country(name: str, countries: dict[str, set[str]]) -> str | None:
    codes = countries.get(_key(name), set())
    return next(iter(codes)) if len(codes) == 1 else None


def _grouping(target: str, countries: dict[str, set[str]]) -> str | None:
    """``kor+Japan+AUS`` or ``日韓豪`` (one character a country) -> ``AUS+JPN+KOR``, else None."""
    parts = target.replace("＋", "+").split("+") if "+" in target or "＋" in target else list(target)
    if len(parts) < 2:
        return None
    codes = [_country(p.strip(), countries) for p in parts]
    if any(c is None for c in codes) or len(set(codes)) != len(codes):
        return None
    return "+".join(sorted(c for c in codes if c is not None))


def _split(text: str, actions: set[str]) -> tuple[str, str] | None:
    """The action (in its canonical case when it is one) and the target as typed, or None."""
    action, slash, target = text.strip().replace("／", "/").partition("/")
    if not slash:
        return None
    action = action.strip()
    by_key = {_key(a): a for a in actions}
    return (action if action in actions else by_key.get(_key(action), action)), target.strip()


def canonical_id(text: str, worlds: Worlds, actions: set[str]) -> str:
    """The canonical ``ACTION/TARGET`` for an id as a user may type it, or ``text`` unchanged.

    The action in any case (``Extend-Asset-Protection``); the target as a country's code in any
    case, its name in either language or a common alias (``UK``, ``Britain``, ``英国``), a
    framework's id or name (``日米豪印``), or a grouping in any order and spelling
    (``KOR+JPN+AUS``, ``日韓豪``). What names nothing, or more than one thing, is returned as
    typed, for the checks that follow to refuse with a "did you mean" (see :func:`candidates`).
    """
    split = _split(text, actions)
    if split is None:
        return text
    action, target = split
    every = _worlds(worlds)
    countries, frameworks = _names(every)
    if target in {c.code for w in every for c in w.countries} | {f.id for w in every for f in w.frameworks}:
        return f"{action}/{target}"
    ids = frameworks.get(_key(target), set())
    code = _country(target, countries)
    if code is not None and not ids:
        return f"{action}/{code}"
    if len(ids) == 1 and code is None:
        return f"{action}/{next(iter(ids))}"
    grouping = _grouping(target, countries)
    return f"{action}/{grouping}" if grouping is not None else f"{action}/{target}"


def _words(name: str) -> set[str]:
    return {w for w in re.split(r"[\s\-'’()（）,.]+", name.casefold()) if w}


def candidates(text: str, worlds: Worlds, actions: set[str]) -> list[str]:
    """The canonical ids an id that :func:`canonical_id` could not settle may mean, sorted.

    A name two countries or frameworks share gives both; a word of countries' names gives
    those countries (``conclude-raa/Korea`` -> ``conclude-raa/KOR`` and ``conclude-raa/PRK``).
    Empty when the target settles, or when nothing has such a name or word: the callers'
    spelling suggestions take over. For the "did you mean" of a typed id.
    """
    split = _split(text, actions)
    if split is None:
        return []
    action, target = split
    key = _key(target)
    if not key or "+" in target:
        return []
    every = _worlds(worlds)
    countries, frameworks = _names(every)
    exact = countries.get(key, set()) | frameworks.get(key, set())
    if exact:
        found = exact if len(exact) > 1 else set()
    else:
        word = target.strip().casefold()
        found = {
            c.code
            for w in every
            for c in w.countries
            for name in (c.name.en, *COUNTRY_ALIASES.get(c.code, ()))
            if word in _words(name)
        }
    return [f"{action}/{i}" for i in sorted(found)]


def did_you_mean_ids(ids: Sequence[str]) -> str:
    """``did you mean 'a' or 'b'?``"""
    return "did you mean " + " or ".join(f"'{i}'" for i in ids) + "?"


__all__ = ["Worlds", "candidates", "canonical_id", "did_you_mean_ids"]
