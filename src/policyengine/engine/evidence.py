"""Evidence: the scenario facts that a fact, a support or an outcome of an evaluation rests on.

A base fact is its own evidence (by the scenario fact it shows, ``agreement:raa-jpn-gbr``),
except the ``scenario`` fact that rules read the as_of date from, which is evidence of nothing; a
derived fact rests on the evidence of every support that derived it; a count on the facts it
counted. ``evaluate`` lists it for each recommendation, ``diff`` follows it to find causes.
"""

from __future__ import annotations

from collections.abc import Iterable

from policyengine.compiler.emit import COUNT
from policyengine.engine.runtime import GroupMatch, RawEvaluation, Support


class Evidence:
    """The evidence of the facts of one evaluation, each computed once."""

    def __init__(self, raw: RawEvaluation) -> None:
        self.raw = raw
        self._of_fact: dict[int, frozenset[str]] = {}
        self._groups: dict[int, frozenset[str]] = {}  # by id of a product's group, kept alive by raw

    def of_fact(self, fid: int) -> frozenset[str]:
        cached = self._of_fact.get(fid)
        if cached is not None:
            return cached
        self._of_fact[fid] = frozenset()  # guards against recursive derivations
        f = self.raw.facts[fid]
        if f.view is not None:
            # The scenario fact (its id and as_of date) is the frame of every evaluation, not
            # evidence for one recommendation; naming it would also make every evidence list
            # differ between two scenarios that differ only in their id.
            out = frozenset() if f.kind == "scenario" else frozenset({f.view.origin})
        elif f.kind == COUNT:
            out = frozenset().union(*(self.of_fact(m) for m in f.members))
        else:
            out = self.of_supports(f.supports)
        self._of_fact[fid] = out
        return out

    def of_support(self, s: Support) -> frozenset[str]:
        return self.of_supports((s,))

    def of_supports(self, supports: Iterable[Support]) -> frozenset[str]:
        parts: list[frozenset[str]] = []
        seen: set[int] = set()
        for s in supports:
            parts.extend(self.of_fact(fid) for _, fid in s.bindings)
            for group in s.others:
                if id(group) not in seen:
                    seen.add(id(group))
                    parts.append(self._of_group(group))
        return frozenset().union(*parts)

    def _of_group(self, group: list[GroupMatch]) -> frozenset[str]:
        """The evidence of every match of a product's group (compiler.products), computed once:
        the group is shared by every support of its rule."""
        cached = self._groups.get(id(group))
        if cached is None:
            cached = frozenset().union(*(self.of_fact(fid) for _, bound in group for _, fid in bound))
            self._groups[id(group)] = cached
        return cached


__all__ = ["Evidence"]
