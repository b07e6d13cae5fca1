"""The paper's table: which framework covers which cooperation area, and how strongly."""

from __future__ import annotations

from dataclasses import dataclass

from policyengine.models.scenario import Framework, Scenario, ScenarioHeader
from policyengine.models.vocabulary import AREA_NAMES, TABLE_AREA_IDS, TABLE_FRAMEWORK_IDS


@dataclass(frozen=True)
class Matrix:
    """Frameworks (columns) x areas (rows); ``cells[framework][area]`` is 'focus' or 'mentioned'."""

    frameworks: list[Framework]
    areas: list[str]
    area_names: dict[str, tuple[str, str]]
    cells: dict[str, dict[str, str]]
    #: the scenario the table describes (its title and date head the rendered table)
    header: ScenarioHeader | None = None
    #: the kinds of framework shown (the paper's table shows the minilateral ones)
    kinds: tuple[str, ...] = ("minilateral",)

    def to_dict(self) -> dict[str, object]:
        """The JSON contract of ``policyengine matrix --format json``."""
        return {
            "frameworks": [f.id for f in self.frameworks],
            "areas": list(self.areas),
            "cells": {fid: dict(row) for fid, row in self.cells.items()},
        }

    def level(self, framework: str, area: str) -> str | None:
        return self.cells.get(framework, {}).get(area)


def _framework_order(f: Framework) -> tuple[int, str]:
    try:
        return (TABLE_FRAMEWORK_IDS.index(f.id), "")
    except ValueError:
        return (len(TABLE_FRAMEWORK_IDS), f.id)


def build_matrix(scenario: Scenario, *, kinds: tuple[str, ...] = ("minilateral",)) -> Matrix:
    """The table of the paper for this world: minilateral frameworks by default.

    Order does not depend on the order of facts in the files: the paper's frameworks in its
    column order, then others by id; the paper's 12 areas in its row order, then others by id.
    """
    frameworks = sorted((f for f in scenario.frameworks if f.kind in kinds), key=_framework_order)
    declared = {a.id: (a.name.ja, a.name.en) for a in scenario.areas}
    names = {**AREA_NAMES, **declared}
    used = {a for f in frameworks for a in f.areas}
    extra = sorted(used - set(TABLE_AREA_IDS))
    areas = [*TABLE_AREA_IDS, *extra]
    cells: dict[str, dict[str, str]] = {
        f.id: {a: str(f.areas[a]) for a in areas if a in f.areas} for f in frameworks
    }
    return Matrix(
        frameworks, areas, {a: names.get(a, (a, a)) for a in areas}, cells, scenario.scenario, kinds
    )
