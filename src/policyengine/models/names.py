"""Display names, in Japanese or English, of the things scenarios and rules talk about."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from policyengine.models.factview import canonical_codes
from policyengine.models.registry import label_keys, path_label_keys
from policyengine.models.scenario import SECTION_BY_KIND, Scenario, fact_of
from policyengine.models.vocabulary import AREA_NAMES, CAPABILITY_DOMAINS, VALUE_NAMES
from policyengine.text import t


def format_date(d: dt.date, lang: str) -> str:
    return t("display.date", lang, year=d.year, month=t(f"display.month_{d.month}", lang), day=d.day)


def format_time(stamp: str, lang: str) -> str:
    """A recorded ISO timestamp as people read it: 4 July 2022, 09:00 UTC (the text itself if it is
    not a timestamp)."""
    try:
        when = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    offset = when.utcoffset()
    if offset is None:
        zone = ""
    elif not offset:
        zone = "UTC"
    else:
        zone = "UTC" + when.strftime("%z")[:3] + ":" + when.strftime("%z")[3:]
    day = format_date(when.date(), lang)
    if not zone:
        return f"{day} {when:%H:%M}"
    return t("display.date_time", lang, date=day, time=f"{when:%H:%M}", zone=zone)


#: First words of English names that take "the" (the United Kingdom, the Republic of Korea).
_THE_FIRST = frozenset(
    {
        "United",
        "European",
        "Republic",
        "Democratic",
        "Kingdom",
        "Federated",
        "Federal",
        "Quad",
        "Trilateral",
        "Association",
        "Commonwealth",
        "Czech",
        "Central",
        "Russian",
        "Holy",
        "Gulf",
    }
)
#: Last words (before any parenthesis) of plural names: the Philippines, the Solomon Islands.
_THE_PLURAL = frozenset(
    {
        "Philippines",
        "Netherlands",
        "Maldives",
        "Bahamas",
        "Islands",
        "Emirates",
        "States",
        "Nations",
        "Comoros",
        "Seychelles",
        "Marshall",
        "Territories",
    }
)
#: Words naming an institution or an instrument: the Japan-US Alliance, the ASEAN Regional Forum.
_THE_ANY = frozenset(
    {
        "Union",
        "Alliance",
        "Agreement",
        "Arrangement",
        "Forum",
        "Dialogue",
        "Partnership",
        "Organization",
        "Organisation",
        "Treaty",
        "Talks",
        "Meeting",
        "Summit",
        "Consultations",
        "Committee",
        "Declaration",
        "Community",
        "Council",
        "Pact",
        "Initiative",
        "Framework",
        "Conference",
    }
)


#: First words of area names that stay capitalised inside a sentence (North Korea, COVID-19).
_AREA_PROPER = frozenset({"North", "South", "COVID-19", "Indo-Pacific", "Pacific"})


def takes_the(name: str) -> bool:
    """Whether an English proper name is said with "the" (the United Kingdom, the Quad)."""
    words = name.split()
    if not words or words[0] in ("the", "The"):
        return False
    head = name.split(" (", 1)[0].split()
    return (
        words[0] in _THE_FIRST
        or (bool(head) and head[-1] in _THE_PLURAL)
        or any(w.strip("(),'’") in _THE_ANY for w in head)
    )


def the(name: str, *, start: bool = False) -> str:
    """An English proper name as it goes into a sentence: "the United Kingdom", "the Quad (...)",
    "France"; ``start`` capitalises the article at the start of a sentence."""
    if takes_the(name):
        name = f"the {name}"
    if start and name[:1].islower():
        name = name[0].upper() + name[1:]
    return name


def possessive(name: str) -> str:
    """An English possessive: "France's", "the United States'"."""
    return name + ("'" if name.endswith("s") else "'s")


def join(items: list[str], lang: str) -> str:
    """``a・b・c`` in Japanese, ``a, b and c`` in English."""
    if len(items) <= 1:
        return "".join(items)
    return t("display.list_sep", lang).join(items[:-1]) + t("display.list_last", lang) + items[-1]


class Names:
    """Looks up display names of countries, frameworks, agreements, areas ... in a scenario."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.countries = {c.code: c.name for c in scenario.countries}
        self.frameworks = {f.id: f.name for f in scenario.frameworks}
        self.agreements = {a.id: a for a in scenario.agreements}
        self.events = {e.id: e for e in scenario.events}
        self.interests = {i.id: i for i in scenario.interests}
        self.areas = {a: names for a, names in AREA_NAMES.items()}
        self.areas.update({a.id: (a.name.ja, a.name.en) for a in scenario.areas})

    def fact_name(self, kind: str, fact: Any, lang: str) -> str:
        """A scenario fact's display name: a country's, a framework's, an event's name ..."""
        if kind == "country":
            return self.country(fact.code, lang)
        if kind == "asset_protection":
            return self.country(fact.partner, lang)
        if kind == "capability":
            domain = CAPABILITY_DOMAINS.get(fact.domain)
            what = domain[0 if lang == "ja" else 1] if domain else fact.domain
            return t("display.holder_domain", lang, holder=self.country(fact.holder, lang), domain=what)
        if kind == "interest":
            return self.member_key(fact.member_key, lang)
        if kind == "agreement":
            return str(fact.name.get(lang)) if fact.name is not None else self.agreement(fact.id, lang)
        if kind == "event" and fact.name is None:
            return t("display.event_on", lang, kind=value(fact.kind, lang), day=format_date(fact.date, lang))
        name = getattr(fact, "name", None)
        if name is not None and hasattr(name, "get"):
            return str(name.get(lang))
        return str(SECTION_BY_KIND[kind].identity(fact))

    def fact_by_id(self, fact_id: str, lang: str) -> str:
        """A scenario fact's display name from its id (``agreement:raa-jpn-gbr``; a part such as
        ``#members.JPN`` names its fact); the id itself when the scenario has no such fact."""
        fact = fact_of(self.scenario, fact_id.partition("#")[0])
        return fact_id if fact is None else self.fact_name(fact_id.partition(":")[0], fact, lang)

    def country(self, code: str, lang: str) -> str:
        name = self.countries.get(code)
        return name.get(lang) if name else code

    def framework(self, fid: str, lang: str) -> str:
        name = self.frameworks.get(fid)
        return name.get(lang) if name else fid

    def agreement(self, aid: str, lang: str) -> str:
        a = self.agreements.get(aid)
        if a is None:
            return aid
        if a.name is not None:
            return a.name.get(lang)
        kind = value(a.kind, lang)
        return f"{join([self.country(p, lang) for p in canonical_codes(a.parties)], lang)} {kind}"

    def area(self, aid: str, lang: str) -> str:
        names = self.areas.get(aid)
        return names[0 if lang == "ja" else 1] if names else aid

    def event(self, eid: str, lang: str) -> str:
        e = self.events.get(eid)
        if e is None:
            return eid
        if e.name is not None:
            return e.name.get(lang)
        return e.description.get(lang) if e.description else eid

    def interest(self, iid: str, lang: str) -> str:
        i = self.interests.get(iid)
        if i is None:
            return iid
        return i.description.get(lang) if i.description else iid

    def member_key(self, key: str, lang: str) -> str:
        """``AUS+JPN+KOR`` -> 日本・韓国・豪州 (Japan first, then the paper's order of mention)."""
        codes = key.split("+")
        codes.sort(key=lambda c: (c != "JPN", c))
        return join([self.country(c, lang) for c in codes], lang)

    def entity(self, refers_to: str | None, raw: Any, lang: str) -> str:
        """Name of ``raw`` when it identifies a ``refers_to`` thing; else a readable value."""
        if isinstance(raw, list):
            return join([self.entity(refers_to, v, lang) for v in raw], lang)
        if raw is None:
            return "—"
        if isinstance(raw, str):
            if refers_to == "country":
                return self.country(raw, lang)
            if refers_to == "framework":
                return self.framework(raw, lang)
            if refers_to == "agreement":
                return self.agreement(raw, lang)
            if refers_to == "area":
                return self.area(raw, lang)
            if refers_to == "event":
                return self.event(raw, lang)
            if refers_to == "interest":
                return self.interest(raw, lang)
            if refers_to == "target":
                return self.target(raw, lang)
            if refers_to == "capability-domain" and raw in CAPABILITY_DOMAINS:
                return CAPABILITY_DOMAINS[raw][0 if lang == "ja" else 1]
            if "+" in raw and all(len(p) in (2, 3) and p.isupper() for p in raw.split("+")):
                return self.member_key(raw, lang)
            return value(raw, lang)
        return value(raw, lang)

    def in_sentence(self, refers_to: str | None, raw: Any, lang: str, *, start: bool = False) -> str:
        """:meth:`entity`, said inside a sentence: in English a name that takes "the" gets it
        ("the RAA with the United Kingdom"), a list gets it for each name ("the Philippines and
        Japan"). Tables and headings use :meth:`entity` (a bare name)."""
        if lang != "en":
            return self.entity(refers_to, raw, lang)
        if isinstance(raw, list):
            named = [self.in_sentence(refers_to, v, lang) for v in raw]
            text = join(named, lang)
        elif isinstance(raw, str) and self._proper(refers_to, raw):
            if "+" in raw and refers_to in (None, "target"):
                codes = sorted(raw.split("+"), key=lambda c: (c != "JPN", c))
                text = join([the(self.country(c, lang)) for c in codes], lang)
            else:
                text = the(self.entity(refers_to, raw, lang))
        elif refers_to == "area" and isinstance(raw, str):
            text = self.entity(refers_to, raw, lang)
            first = text.split(" ", 1)[0]
            if first not in _AREA_PROPER and not first.isupper():
                text = text[:1].lower() + text[1:]  # "interests in capacity building"
        else:
            text = self.entity(refers_to, raw, lang)
        return text[0].upper() + text[1:] if start and text[:1].islower() else text

    def _proper(self, refers_to: str | None, raw: str) -> bool:
        """Whether ``raw`` names a country, framework, agreement or grouping (a proper name)."""
        if refers_to in ("country", "framework", "agreement"):
            return True
        if refers_to == "target" or refers_to is None:
            return (
                raw in self.countries
                or raw in self.frameworks
                or ("+" in raw and all(len(p) in (2, 3) and p.isupper() for p in raw.split("+")))
            )
        return False

    def target(self, target: str, lang: str) -> str:
        """Name of a recommendation target: a country, a framework, or a grouping ``A+B+C``."""
        if target in self.countries:
            return self.country(target, lang)
        if target in self.frameworks:
            return self.framework(target, lang)
        if "+" in target:
            return self.member_key(target, lang)
        return target


def value(raw: Any, lang: str) -> str:
    """A value as text: enumerated values translated, dates formatted, booleans in words."""
    if isinstance(raw, bool):
        return t("display.yes" if raw else "display.no", lang)
    if isinstance(raw, dt.date):
        return format_date(raw, lang)
    if isinstance(raw, str) and raw in VALUE_NAMES:
        return VALUE_NAMES[raw][0 if lang == "ja" else 1]
    return str(raw)


class LabelTable(Mapping[str, tuple[str, str]]):
    """Labels by name, as ``(ja, en)``, read from the message catalog on first use (a command that
    prints no label never reads the catalog)."""

    def __init__(self, keys: Callable[[], dict[str, str]]) -> None:
        self._keys = keys
        self._table: dict[str, tuple[str, str]] | None = None

    def _load(self) -> dict[str, tuple[str, str]]:
        if self._table is None:
            from policyengine.text import t

            self._table = {name: (t(key, "ja"), t(key, "en")) for name, key in self._keys().items()}
        return self._table

    def __getitem__(self, name: str) -> tuple[str, str]:
        return self._load()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


#: What each field is called, ``(ja, en)`` by field name (fields of one name share a meaning).
FIELD_LABELS: Mapping[str, tuple[str, str]] = LabelTable(label_keys)
#: Labels of scenario paths that what-if and sweep change, where not their field's own label.
PATH_LABELS: Mapping[str, tuple[str, str]] = LabelTable(path_label_keys)
