"""How long diff, check, timeline and signposts take, on the shipped scenarios and on larger worlds.

    .venv/bin/python benchmarks/change.py [--sizes 50,200,800]

The larger worlds add N partner countries, each with an RAA under negotiation; the changed world
gives half of them asset protection, so that the diff has N/2 removed recommendations, each
caused by a fact that blocks a rule (the costliest kind of cause to find). Prints the median of
a few runs, in milliseconds. Measurement only: nothing here is asserted.
"""

from __future__ import annotations

import argparse
import copy
import functools
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _bigger(loaded, n: int, protect: bool):  # type: ignore[no-untyped-def]
    from policyengine.models.scenario import AgreementFact, AssetProtection, Country

    sc = loaded.scenario
    codes = [f"X{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}" for i in range(n)]
    countries = [
        Country.model_validate(
            {
                "code": c,
                "name": {"ja": c, "en": c},
                "region": "extra-regional",
                "alignment": "us-partner",
                "indo_pacific_engagement": "increasing",
            }
        )
        for c in codes
    ]
    agreements = [
        AgreementFact.model_validate(
            {"id": f"raa-jpn-{c.lower()}", "kind": "raa", "parties": ["JPN", c], "status": "negotiating"}
        )
        for c in codes
    ]
    protection = (
        [AssetProtection.model_validate({"partner": c, "since": "2022-06-01"}) for c in codes[: n // 2]]
        if protect
        else []
    )
    out = copy.copy(loaded)
    out.scenario = sc.model_copy(
        update={
            "countries": [*sc.countries, *countries],
            "agreements": [*sc.agreements, *agreements],
            "asset_protection": [*sc.asset_protection, *protection],
        }
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="50,200,800")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from policyengine.api import evaluate, load, load_pack
    from policyengine.checks import check_files
    from policyengine.diff import diff_results
    from policyengine.signposts import check_signposts
    from policyengine.timeline import timeline

    pack = load_pack()
    base = load(str(ROOT / "scenarios" / "baseline_2022.yaml"))
    korea = load(str(ROOT / "scenarios" / "korea_new_gov.yaml"))
    signposts = load(str(ROOT / "scenarios" / "signposts_2022.yaml"))
    rb, rk = evaluate(base, pack), evaluate(korea, pack)
    rows = [
        ("evaluate korea_new_gov", _median_ms(lambda: evaluate(korea, pack), args.runs)),
        (
            "diff_results baseline -> korea (no evaluation)",
            _median_ms(lambda: diff_results(base, rb, korea, rk), args.runs),
        ),
        (
            "diff baseline -> korea (2 evaluations + diff)",
            _median_ms(
                lambda: diff_results(base, evaluate(base, pack), korea, evaluate(korea, pack)), args.runs
            ),
        ),
        (
            "check korea_new_gov (load, evaluate, 31 expectations)",
            _median_ms(
                lambda: check_files(
                    str(ROOT / "scenarios" / "korea_new_gov.yaml"),
                    str(ROOT / "expectations" / "korea_new_gov.yaml"),
                    pack,
                ),
                args.runs,
            ),
        ),
        (
            "timeline korea_new_gov (24 evaluations)",
            _median_ms(lambda: timeline(korea, pack), max(1, args.runs // 2)),
        ),
        (
            "signposts signposts_2022 (5 signposts)",
            _median_ms(lambda: check_signposts(signposts, pack), args.runs),
        ),
    ]
    for n in (int(s) for s in args.sizes.split(",")):
        old, new = _bigger(korea, n, False), _bigger(korea, n, True)
        ro, rn = evaluate(old, pack), evaluate(new, pack)
        d = diff_results(old, ro, new, rn)
        assert len(d.recommendations) == n // 2
        rows.append(
            (
                f"diff_results, +{n} partners, {n // 2} blocked recommendations",
                _median_ms(functools.partial(diff_results, old, ro, new, rn), args.runs),
            )
        )
    width = max(len(r[0]) for r in rows)
    for name, ms in rows:
        print(f"{name:<{width}}  {ms:9.1f} ms")


if __name__ == "__main__":
    main()
