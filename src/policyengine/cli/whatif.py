"""Counterfactual commands: whatif, sensitivity, sweep."""

from __future__ import annotations

import sys

import click

from policyengine.cli import cli, emit, format_option, lang_option, output_option, rules_option


@cli.command()
@click.argument("scenario", type=click.Path(dir_okay=True))
@click.argument("rec_id")
@click.option(
    "--max-changes",
    type=click.IntRange(1, 4),
    default=2,
    show_default=True,
    help="Largest change set to look for (1: single facts; 2: pairs; ...).",
)
@click.option(
    "--max-evaluations",
    type=click.IntRange(1, 1_000_000),
    default=600,
    show_default=True,
    help="Stop after evaluating this many changed scenarios.",
)
@click.option(
    "--time-budget",
    type=click.FloatRange(0.1, 86_400),
    default=60.0,
    show_default=True,
    help="Stop after this many seconds.",
)
@rules_option
@format_option("text", "json", "markdown")
@lang_option
@output_option
def whatif(
    scenario: str,
    rec_id: str,
    max_changes: int,
    max_evaluations: int,
    time_budget: float,
    rules_path: str | None,
    fmt: str,
    lang: str,
    output: str | None,
) -> None:
    """The smallest changes to the world that make REC_ID disappear (or appear).

    REC_ID is ACTION/TARGET, e.g. propose-framework/AUS+JPN+KOR. If the scenario recommends it,
    the answer is what would make it unnecessary; if not, what would make it needed. Every
    answer was verified by re-evaluating the changed scenario, and no part of it alone suffices.
    """
    from policyengine.api import load, load_pack
    from policyengine.counterfactual.whatif import whatif as run
    from policyengine.render.whatif import render_whatif

    loaded = load(scenario)
    result = run(
        loaded,
        load_pack(rules_path),
        rec_id,
        max_changes=max_changes,
        max_evaluations=max_evaluations,
        time_budget=time_budget,
    )
    emit(render_whatif(result, fmt, lang), output)


@cli.command()
@click.argument("scenario", type=click.Path(dir_okay=True))
@rules_option
@format_option("text", "json", "markdown")
@lang_option
@output_option
def sensitivity(scenario: str, rules_path: str | None, fmt: str, lang: str, output: str | None) -> None:
    """Which facts carry which recommendations (load-bearing assumptions, single points of failure).

    Each fact is removed in turn (with the facts that cannot stand without it) and the scenario
    re-evaluated: the recommendations that disappear rest on it.
    """
    from policyengine.api import load, load_pack
    from policyengine.counterfactual.sensitivity import sensitivity as run
    from policyengine.render.whatif import render_sensitivity

    emit(render_sensitivity(run(load(scenario), load_pack(rules_path)), fmt, lang), output)


def _stderr_is_tty() -> bool:
    return sys.stderr.isatty()
