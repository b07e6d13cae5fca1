"""What a sweep found: firing rates of recommendations, overall and per dimension value."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from policyengine.sweep.variations import Variations, value_label


@dataclass(frozen=True)
class VariantResult:
    """One evaluated variant: the value taken in each dimension and what was recommended."""

    index: int
    values: tuple[str, ...]
    recommendations: tuple[str, ...]
    risks: tuple[str, ...]
    error: str | None = None


class Tally:
    """Counts kept while results stream in (results themselves go to the output file)."""

    def __init__(self, variations: Variations) -> None:
        self.variations = variations
        self.done = 0
        self.invalid = 0
        self.valid = 0
        self.fired: Counter[str] = Counter()
        self.risks: Counter[str] = Counter()
        self.per_value_n: Counter[tuple[int, str]] = Counter()
        self.per_value_fired: dict[tuple[int, str], Counter[str]] = {}

    def add(self, r: VariantResult) -> None:
        self.done += 1
        if r.error is not None:
            self.invalid += 1
            return
        self.valid += 1
        self.fired.update(r.recommendations)
        self.risks.update(r.risks)
        for d, value in enumerate(r.values):
            key = (d, value)
            self.per_value_n[key] += 1
            self.per_value_fired.setdefault(key, Counter()).update(r.recommendations)


#: A dimension drives a recommendation when its values move the firing rate by at least this much
#: (in a full sweep an unrelated dimension moves it by exactly 0; a sample adds noise).
MIN_SPREAD = 0.05


def _rate(n: int, of: int) -> float:
    return round(n / of, 4) if of else 0.0


@dataclass
class Driver:
    dimension: str
    spread: float  # max - min firing rate across the dimension's values
    rates: dict[str, float]  # value -> firing rate


@dataclass
class RecommendationSummary:
    id: str
    count: int
    rate: float
    drivers: list[Driver] = field(default_factory=list)  # strongest first, spread >= MIN_SPREAD


@dataclass
class SweepSummary:
    sweep_id: str
    scenario_id: str
    space: int  # every combination
    selected: int  # variants asked for (all, or the sample)
    sample_seed: int | None
    done: int
    valid: int
    invalid: int
    interrupted: bool
    recommendations: list[RecommendationSummary]
    dimensions: list[dict[str, Any]]
    risks: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sweep": self.sweep_id,
            "scenario": self.scenario_id,
            "variants": {
                "space": self.space,
                "selected": self.selected,
                "sample_seed": self.sample_seed,
                "done": self.done,
                "valid": self.valid,
                "invalid": self.invalid,
                "interrupted": self.interrupted,
            },
            "recommendations": [
                {
                    "id": r.id,
                    "count": r.count,
                    "rate": r.rate,
                    "drivers": [
                        {"dimension": d.dimension, "spread": d.spread, "rates": dict(d.rates)}
                        for d in r.drivers
                    ],
                }
                for r in self.recommendations
            ],
            "dimensions": self.dimensions,
            "risks": dict(self.risks),
        }


def summarize(
    tally: Tally, *, scenario_id: str, selected: int, sample_seed: int | None, interrupted: bool
) -> SweepSummary:
    """Firing rate of every recommendation, and how much each dimension's value moves it."""
    v = tally.variations
    recs = sorted(tally.fired)
    summaries: list[RecommendationSummary] = []
    by_dim_rates: dict[int, dict[str, dict[str, float]]] = {}
    for d, dim in enumerate(v.dimensions):
        table: dict[str, dict[str, float]] = {}
        for value in (value_label(x) for x in dim.values):
            n = tally.per_value_n[(d, value)]
            fired = tally.per_value_fired.get((d, value), Counter())
            if n:
                table[value] = {rid: _rate(fired[rid], n) for rid in recs}
        by_dim_rates[d] = table
    for rid in recs:
        drivers = []
        for d, dim in enumerate(v.dimensions):
            rates = {value: row[rid] for value, row in by_dim_rates[d].items()}
            if len(rates) < 2:
                continue
            spread = round(max(rates.values()) - min(rates.values()), 4)
            if spread >= MIN_SPREAD:
                drivers.append(Driver(dim.id, spread, rates))
        drivers.sort(key=lambda x: (-x.spread, x.dimension))
        summaries.append(
            RecommendationSummary(rid, tally.fired[rid], _rate(tally.fired[rid], tally.valid), drivers)
        )
    summaries.sort(key=lambda r: (-r.rate, r.id))
    dimensions = []
    for d, dim in enumerate(v.dimensions):
        moved = sorted(
            {s.id for s in summaries for drv in s.drivers if drv.dimension == dim.id},
        )
        dimensions.append(
            {
                "id": dim.id,
                "fact": dim.fact,
                "field": dim.field,
                "values": [
                    {
                        "value": value,
                        "variants": tally.per_value_n[(d, value)],
                        "rates": {rid: row[rid] for rid in moved},
                    }
                    for value, row in by_dim_rates[d].items()
                ],
                "moves": moved,
            }
        )
    return SweepSummary(
        sweep_id=v.header.id,
        scenario_id=scenario_id,
        space=v.total,
        selected=selected,
        sample_seed=sample_seed,
        done=tally.done,
        valid=tally.valid,
        invalid=tally.invalid,
        interrupted=interrupted,
        recommendations=summaries,
        dimensions=dimensions,
        risks=dict(sorted(tally.risks.items())),
    )
