"""Recommendation and risk ids as users type them, and their canonical form (``ACTION/TARGET``)."""

from __future__ import annotations

from policyengine.models.scenario import Scenario
from policyengine.models.vocabulary import COUNTRY_ALIASES


def _key(name: str) -> str:
    """How typed names are compared: case, spaces, dots, hyphens and a leading 'the' ignored."""
    folded = " ".join(name.casefold().replace(".", "").replace("-", " ").replace("_", " ").split())
    return folded.removeprefix("the ").replace(" ", "")


def _parts(name: str) -> list[str]:
    """A name and its bracketed alternative: 'Quad (Japan-US-Australia-India)' -> both halves."""
    head, _, rest = name.replace("（", "(").partition("(")
    inner = rest.replace("）", ")").partition(")")[0]
    return [part for part in (head.strip(), inner.strip()) if part]


def _names(scenario: Scenario) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Typed name -> country codes, and -> framework ids, of a scenario."""
    countries: dict[str, set[str]] = {}
    frameworks: dict[str, set[str]] = {}
    for c in scenario.countries:
        for name in (c.code, c.name.ja, c.name.en, *COUNTRY_ALIASES.get(c.code, ())):
            countries.setdefault(_key(name), set()).add(c.code)
    for f in scenario.frameworks:
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


def canonical_id(text: str, scenario: Scenario, actions: set[str]) -> str:
    """The canonical ``ACTION/TARGET`` for an id as a user may type it, or ``text`` unchanged.

    The action in any case (``Extend-Asset-Protection``); the target as a country's code in any
    case, its name in either language or a common alias (``UK``, ``Britain``, ``英国``), a
    framework's id or name (``日米豪印``), or a grouping in any order and spelling
    (``KOR+JPN+AUS``, ``日韓豪``). What names nothing, or more than one thing, is returned as
    typed, for the checks that follow to refuse with a "did you mean".
    """
    action, slash, target = text.strip().replace("／", "/").partition("/")
    if not slash:
        return text
    action = action.strip()
    by_key = {_key(a): a for a in actions}
    action = action if action in actions else by_key.get(_key(action), action)
    target = target.strip()
    countries, frameworks = _names(scenario)
    if target in {c.code for c in scenario.countries} | {f.id for f in scenario.frameworks}:
        return f"{action}/{target}"
    ids = frameworks.get(_key(target), set())
    code = _country(target, countries)
    if code is not None and not ids:
        return f"{action}/{code}"
    if len(ids) == 1 and code is None:
        return f"{action}/{next(iter(ids))}"
    grouping = _grouping(target, countries)
    return f"{action}/{grouping}" if grouping is not None else f"{action}/{target}"


__all__ = ["canonical_id"]
