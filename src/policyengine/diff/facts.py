"""What changed in the world: facts added, removed and altered between two scenarios.

Facts are matched by identity (``kind:identity``, e.g. ``agreement:raa-jpn-gbr``), never by
position, so reordering a file changes nothing. An altered fact lists its changed fields as
paths (``dates.signed``, ``areas.infrastructure``, ``mechanisms[defense-ministers].activity``)
with the old and the new value, each located in the file that wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from policyengine.errors.locations import Location
from policyengine.loading.yamltree import YMap, YSeq
from policyengine.models.names import Names
from policyengine.models.scenario import SECTIONS, ScenarioHeader, Section
from policyengine.validation.scenario import FactOrigin, LoadedScenario

ADDED = "added"
REMOVED = "removed"
ALTERED = "altered"


@dataclass(frozen=True)
class FieldChange:
    """One changed value: ``path`` in the fact, old and new (JSON values; None when absent)."""

    path: str
    old: Any
    new: Any
    location: Location | None = None  # where the new value is written (the old one if it went)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "old": self.old,
            "new": self.new,
            "location": str(self.location) if self.location else None,
        }


@dataclass(frozen=True)
class FactChange:
    """A fact added, removed or altered, with where it is written on each side."""

    fact_id: str
    kind: str
    identity: str
    change: str  # added | removed | altered
    label: dict[str, str]  # display name, ja and en
    old_location: Location | None = None
    new_location: Location | None = None
    fields: tuple[FieldChange, ...] = field(default_factory=tuple)

    @property
    def location(self) -> Location | None:
        """Where to look: the new file for added and altered facts, the old one for removed."""
        return self.new_location or self.old_location

    def to_dict(self) -> dict[str, Any]:
        return {
            "fact": self.fact_id,
            "kind": self.kind,
            "identity": self.identity,
            "change": self.change,
            "label": dict(self.label),
            "old_location": str(self.old_location) if self.old_location else None,
            "new_location": str(self.new_location) if self.new_location else None,
            "fields": [f.to_dict() for f in self.fields],
        }


def diff_header(old: ScenarioHeader, new: ScenarioHeader) -> list[FieldChange]:
    """Changes to the ``scenario:`` block (id, title, as_of, ...): not facts, shown apart."""
    out: list[FieldChange] = []
    _walk(old.model_dump(mode="json"), new.model_dump(mode="json"), "", None, None, out)
    return out


def diff_facts(old: LoadedScenario, new: LoadedScenario) -> list[FactChange]:
    """Every fact added, removed or altered from ``old`` to ``new``, in section then identity order."""
    old_names, new_names = Names(old.scenario), Names(new.scenario)
    out: list[FactChange] = []
    for section in SECTIONS:
        before = {section.identity(f): f for f in getattr(old.scenario, section.key)}
        after = {section.identity(f): f for f in getattr(new.scenario, section.key)}
        for ident in sorted(set(before) | set(after)):
            fid = f"{section.kind}:{ident}"
            was, now = before.get(ident), after.get(ident)
            old_origin, new_origin = old.origin(fid), new.origin(fid)
            old_loc = old_origin.location if old_origin else None
            new_loc = new_origin.location if new_origin else None
            if was is None:
                out.append(
                    FactChange(
                        fid, section.kind, ident, ADDED, _label(section, now, new_names), None, new_loc
                    )
                )
            elif now is None:
                out.append(
                    FactChange(fid, section.kind, ident, REMOVED, _label(section, was, old_names), old_loc)
                )
            else:
                changes: list[FieldChange] = []
                _walk(
                    was.model_dump(mode="json"),
                    now.model_dump(mode="json"),
                    "",
                    new_origin.raw if new_origin else None,
                    new_loc,
                    changes,
                )
                if changes:
                    _relocate(changes, new_origin)
                    out.append(
                        FactChange(
                            fid,
                            section.kind,
                            ident,
                            ALTERED,
                            _label(section, now, new_names),
                            old_loc,
                            new_loc,
                            tuple(changes),
                        )
                    )
    return out


def _relocate(changes: list[FieldChange], origin: FactOrigin | None) -> None:
    """Field locations carry the ``extends`` chain of the fact they belong to."""
    if origin is None or not origin.location.via:
        return
    for i, c in enumerate(changes):
        if c.location is not None:
            changes[i] = FieldChange(c.path, c.old, c.new, c.location.with_via(origin.location.via))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _identified(items: Any) -> bool:
    return isinstance(items, list) and all(
        isinstance(i, dict) and isinstance(i.get("id"), str) for i in items
    )


def _scalars(items: list[Any]) -> list[str]:
    return sorted(repr(i) for i in items)


def _walk(old: Any, new: Any, path: str, raw: Any, loc: Location | None, out: list[FieldChange]) -> None:
    """Append the differences between two JSON values; ``raw`` is the new side as read (located)."""
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            child_raw = raw.get(key) if isinstance(raw, YMap) else None
            child_loc = raw.location(key, of_value=True) if isinstance(raw, YMap) and key in raw else loc
            _walk(old.get(key), new.get(key), _join(path, key), child_raw, child_loc, out)
        return
    if _identified(old) and _identified(new) and (old or new):
        before = {i["id"]: i for i in old}
        after = {i["id"]: i for i in new}
        raw_items: dict[str, tuple[Any, Location | None]] = {}
        if isinstance(raw, YSeq):
            for index, item in enumerate(raw):
                if isinstance(item, YMap) and isinstance(item.get("id"), str):
                    raw_items[item["id"]] = (item, raw.location(index))
        for ident in sorted(set(before) | set(after)):
            item_raw, item_loc = raw_items.get(ident, (None, loc))
            _walk(before.get(ident), after.get(ident), f"{path}[{ident}]", item_raw, item_loc, out)
        return
    if isinstance(old, list) and isinstance(new, list) and _scalars(old) == _scalars(new):
        return  # the same members in another order: no rule can tell the difference
    out.append(FieldChange(path, old, new, loc))


def _label(section: Section, fact: Any, names: Names) -> dict[str, str]:
    return {lang: names.fact_name(section.kind, fact, lang) for lang in ("ja", "en")}
