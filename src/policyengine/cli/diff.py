"""Commands about change: diff, check, timeline, signposts."""

from __future__ import annotations

import sys

import click

from policyengine.cli import (
    EXIT_FINDING,
    cli,
    document_formats,
    emit,
    format_option,
    lang_option,
    output_option,
    rules_option,
)

#: ``--ids`` of timeline and signposts: fact and recommendation ids beside their names.
ids_option = click.option(
    "--ids", "show_ids", is_flag=True, help="Show the ids of facts and recommendations beside their names."
)


@cli.command()
@click.argument("old")
@click.argument("new")
@rules_option
@format_option(*document_formats())
@lang_option
@output_option
@click.option(
    "--exit-code",
    is_flag=True,
    help="Exit with 1 when anything differs and 0 when nothing does, as `git diff --exit-code`.",
)
@click.option("--ids", "show_ids", is_flag=True, help="Show the ids of the facts beside their names.")
def diff(
    old: str,
    new: str,
    rules_path: str | None,
    fmt: str,
    lang: str,
    output: str | None,
    exit_code: bool,
    show_ids: bool,
) -> None:
    """What changed between two scenarios, and what that changed in Japan's recommended actions.

    OLD and NEW are scenario files, or REV:PATH for a file as committed at a git revision
    (HEAD~1:scenarios/korea_new_gov.yaml; PATH from the top of the repository, or ./PATH from
    the current directory). Fact changes are matched by identity and located; every change of a
    recommendation or risk names the fact changes that caused it.
    """
    from policyengine.api import evaluate, load_pack
    from policyengine.core.gitfiles import load_any
    from policyengine.diff import diff_results
    from policyengine.errors import gather
    from policyengine.render.diff import render

    old_loaded, new_loaded = gather([lambda: load_any(old), lambda: load_any(new)])
    pack = load_pack(rules_path)
    result = diff_results(old_loaded, evaluate(old_loaded, pack), new_loaded, evaluate(new_loaded, pack))
    emit(render(result, fmt, lang, show_ids=show_ids), output)
    if exit_code and not result.empty:
        sys.exit(EXIT_FINDING)


@cli.command()
@click.argument("scenario")
@rules_option
@format_option(*document_formats())
@lang_option
@output_option
@click.option(
    "--changes-only",
    is_flag=True,
    help="Show only the dates that change recommendations or risks (text, markdown and html).",
)
@ids_option
def timeline(
    scenario: str,
    rules_path: str | None,
    fmt: str,
    lang: str,
    output: str | None,
    changes_only: bool,
    show_ids: bool,
) -> None:
    """How the recommendations change, date by date, over the dated facts of a scenario.

    The world is evaluated just before its first dated fact, then as of every distinct date a
    fact carries (event dates, asset protection since, agreement dates, frameworks and
    mechanisms established); each state is compared with the one before, with causes.
    SCENARIO may be REV:PATH, as for diff. --format html draws the recommendations and risks
    as lanes over time, the dated facts as numbered events (docs/pictures.md).
    """
    from policyengine.core.gitfiles import load_any
    from policyengine.render.timeline import render
    from policyengine.timeline import timeline as build

    loaded = load_any(scenario)
    built = build(loaded, rules_path)
    emit(render(built, fmt, lang, changes_only=changes_only, loaded=loaded, ids=show_ids), output)


@cli.command()
@click.argument("scenario")
@rules_option
@format_option(*document_formats())
@lang_option
@output_option
@click.option("--exit-code", is_flag=True, help="Exit with 1 when any signpost has tripped.")
@ids_option
def signposts(
    scenario: str,
    rules_path: str | None,
    fmt: str,
    lang: str,
    output: str | None,
    exit_code: bool,
    show_ids: bool,
) -> None:
    """Which signposts of a scenario have tripped, and what each of the others would change.

    A signpost (the scenario's `signposts:` section) watches for a fact, or for its absence.
    For one that has not tripped, the scenario is evaluated as it is and with the condition made
    true, and the recommendations it would turn on, turn off or change are listed with causes.
    """
    from policyengine.core.gitfiles import load_any
    from policyengine.render.signposts import render
    from policyengine.signposts import check_signposts

    report = check_signposts(load_any(scenario), rules_path)
    emit(render(report, fmt, lang, ids=show_ids), output)
    if exit_code and report.tripped:
        sys.exit(EXIT_FINDING)


@cli.command()
@click.argument("scenario")
@click.option(
    "--expect",
    "expect_path",
    required=True,
    type=click.Path(dir_okay=False),
    help="Expectations file (YAML): recommendations and risks that must, or must not, appear.",
)
@rules_option
@format_option(*document_formats())
@lang_option
@output_option
@click.option("--verbose", "-v", is_flag=True, help="List the expectations that hold too.")
def check(
    scenario: str,
    expect_path: str,
    rules_path: str | None,
    fmt: str,
    lang: str,
    output: str | None,
    verbose: bool,
) -> None:
    """Check a scenario's conclusions against an expectations file; exit 1 if any is broken.

    Each broken expectation is reported with FILE:LINE:COL, what was expected and found, and
    why: for a missing recommendation, each rule that could make it at its nearest binding and
    the conditions that fail (explain's why-not, in short); for an unexpected one, the rule and
    evidence that made it. SCENARIO may be REV:PATH.
    """
    from policyengine.checks import check_files
    from policyengine.render.check import render

    report = check_files(scenario, expect_path, rules_path, lang=lang)
    emit(render(report, fmt, verbose=verbose, lang=lang), output)
    if not report.passed:
        sys.exit(EXIT_FINDING)
