"""Sweeps: many variants of one scenario, evaluated by a pool of worker processes.

A variant is a small change to a base scenario (a country's engagement, a framework's status, a
fact removed), applied in the worker to a base loaded once per worker, so that only the change
and the recommendation ids travel between processes. A *runner* evaluates a list of variants
with a number of workers and returns each variant's recommendation ids, in order:

    runner(scenario_path, variants, workers) -> list[list[str]]

``RUNNERS`` holds the runners the benchmark knows. ``pool`` is a multiprocessing pool of
``api.evaluate``; when ``policyengine sweep`` exists, a runner calling it is registered here
(see :func:`register`) and the benchmark measures it with ``--sweep-runner``.
"""

from __future__ import annotations

import copy
import multiprocessing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from policyengine.models.scenario import SECTION_BY_KEY


@dataclass(frozen=True)
class Variant:
    """One change to the base: set fields of one fact, or remove it (``updates`` is None)."""

    name: str
    section: str  # scenario section key: countries, frameworks, ...
    identity: str  # the fact's identity (country code, framework id, ...)
    updates: tuple[tuple[str, Any], ...] | None


def variants_of(loaded: Any, count: int) -> list[Variant]:
    """``count`` variants of a scenario: engagement and alignment of each country, status of each
    framework and agreement, each asset-protection partner removed; cycled to reach ``count``."""
    sc = loaded.scenario
    out: list[Variant] = []
    for c in sc.countries:
        for trend in ("increasing", "steady", "decreasing"):
            if trend != c.indo_pacific_engagement:
                out.append(
                    Variant(
                        f"{c.code}.engagement={trend}",
                        "countries",
                        c.code,
                        (("indo_pacific_engagement", trend),),
                    )
                )
    for f in sc.frameworks:
        out.append(Variant(f"{f.id}.status=suspended", "frameworks", f.id, (("status", "suspended"),)))
    for a in sc.agreements:
        status = "in-force" if a.status != "in-force" else "signed"
        dates = a.dates.model_copy(update={"in_force": None}) if status == "signed" else a.dates
        out.append(
            Variant(f"{a.id}.status={status}", "agreements", a.id, (("status", status), ("dates", dates)))
        )
    for ap in sc.asset_protection:
        out.append(Variant(f"-{ap.partner}", "asset_protection", ap.partner, None))
    return [out[i % len(out)] for i in range(count)]


def apply(loaded: Any, variant: Variant) -> Any:
    """The base scenario with the variant's change (the base is left as it was)."""
    section = SECTION_BY_KEY[variant.section]
    facts = list(getattr(loaded.scenario, variant.section))
    for i, fact in enumerate(facts):
        if section.identity(fact) == variant.identity:
            if variant.updates is None:
                del facts[i]
            else:
                facts[i] = fact.model_copy(update=dict(variant.updates))
            break
    else:
        raise KeyError(f"{variant.section} has no '{variant.identity}'")
    new = copy.copy(loaded)
    new.scenario = loaded.scenario.model_copy(update={variant.section: facts})
    return new


# -- the pool runner -------------------------------------------------------------------------------
_base: Any = None
_pack: Any = None


def _init(scenario_path: str) -> None:
    global _base, _pack
    from policyengine import api

    _base = api.load(scenario_path)
    _pack = api.load_pack()


def _evaluate(variant: Variant) -> list[str]:
    from policyengine import api

    return api.evaluate(apply(_base, variant), _pack).ids


def pool_runner(scenario_path: str, variants: Sequence[Variant], workers: int) -> list[list[str]]:
    """``workers`` processes, each loading the base and the pack once, evaluating variants in chunks."""
    ctx = multiprocessing.get_context("fork")
    chunk = max(1, len(variants) // (workers * 8))
    with ctx.Pool(workers, initializer=_init, initargs=(scenario_path,)) as pool:
        return pool.map(_evaluate, variants, chunksize=chunk)


def serial_runner(scenario_path: str, variants: Sequence[Variant], workers: int) -> list[list[str]]:
    """No pool at all: the reference the others must agree with."""
    _init(scenario_path)
    return [_evaluate(v) for v in variants]


Runner = Callable[[str, Sequence[Variant], int], list[list[str]]]
RUNNERS: dict[str, Runner] = {"pool": pool_runner}


def register(name: str, runner: Runner) -> None:
    """Make a runner (e.g. one calling ``policyengine sweep``) available to the benchmark."""
    RUNNERS[name] = runner
