"""Core commands: validate, schema, matrix, evaluate."""

from __future__ import annotations

import datetime as dt
import sys

import click

from policyengine.cli import (
    EXIT_INPUT,
    as_of_option,
    cli,
    document_formats,
    emit,
    format_option,
    lang_option,
    output_option,
    rules_option,
)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@click.option("--strict", is_flag=True, help="Treat warnings (W codes) as errors: exit 2 when there are any.")
def validate(files: tuple[str, ...], strict: bool) -> None:
    """Check scenario files and rule packs; report every problem with FILE:LINE:COL.

    Warnings (W codes: a fact that will not count, ...) are printed and do not fail the file
    unless --strict. Exit 0 when all files are valid, 2 otherwise.
    """
    from policyengine.errors import InputError
    from policyengine.errors.terminal import visible
    from policyengine.inputs import count_of, validate_file_warning

    failed = False
    for path in files:
        try:
            summary, warnings = validate_file_warning(path)
        except InputError as exc:
            failed = True
            click.echo(exc.render(), err=True)
            continue
        for w in warnings:
            click.echo(w.format(), err=True)
        if warnings and strict:
            failed = True
            click.echo(
                f"failed: {visible(path)}: {count_of(len(warnings), 'warning')} under --strict", err=True
            )
            continue
        click.echo(
            f"ok: {visible(path)}: {summary}"
            + (f" ({count_of(len(warnings), 'warning')})" if warnings else "")
        )
    if failed:
        sys.exit(EXIT_INPUT)


@cli.command()
@click.option(
    "--kind",
    type=click.Choice(["scenario", "rules", "expectations"]),
    default="scenario",
    show_default=True,
    help="Which file format to describe.",
)
@output_option
def schema(kind: str, output: str | None) -> None:
    """Print the JSON Schema of scenario files (or of rule packs, or expectations files).

    Point an editor at it with a first line such as
    `# yaml-language-server: $schema=scenario.schema.json`.
    """
    from policyengine.models.schema import json_schema
    from policyengine.render.common import to_json

    emit(to_json(json_schema(kind)), output)


@cli.command()
@click.argument("scenario", type=click.Path(dir_okay=True))
@format_option("text", "json", "csv", "markdown", "html")
@lang_option
@output_option
@click.option("--all-kinds", is_flag=True, help="Include alliances, bilateral and multilateral bodies too.")
@click.option(
    "--against",
    "against",
    metavar="NEW",
    type=click.Path(dir_okay=True),
    default=None,
    help="Draw NEW's table with the cells that differ from SCENARIO's marked (needs --format html).",
)
def matrix(
    scenario: str, fmt: str, lang: str, output: str | None, all_kinds: bool, against: str | None
) -> None:
    """The framework x area table, the way the paper prints it (◎ focus, 〇 mentioned, - none).

    --format html draws it as a heat map; `matrix OLD --against NEW --format html` draws NEW's
    table and marks the cells that changed since OLD (docs/pictures.md).
    """
    from policyengine.matrix import build_matrix
    from policyengine.render.matrix import render, render_html
    from policyengine.validation.scenario import load_scenario

    if against is not None and fmt != "html":
        raise click.UsageError("--against marks changed cells in the picture: add --format html")
    loaded = load_scenario(scenario)
    kinds = ("alliance", "bilateral", "minilateral", "multilateral") if all_kinds else ("minilateral",)
    table = build_matrix(loaded.scenario, kinds=kinds)
    if against is not None:
        new = build_matrix(load_scenario(against).scenario, kinds=kinds)
        emit(render_html(new, lang, against=table), output)
        return
    emit(render(table, fmt, lang), output)


@cli.command()
@click.argument("scenario", type=click.Path(dir_okay=True))
@rules_option
@format_option(*document_formats())
@lang_option
@output_option
@as_of_option
@click.option(
    "--against",
    type=click.Path(dir_okay=False),
    default=None,
    help="Say what is new or gone against this scenario (default: the scenario it extends).",
)
@click.option("--ids", "show_ids", is_flag=True, help="Show the ids of the facts each item rests on.")
def evaluate(
    scenario: str,
    rules_path: str | None,
    fmt: str,
    lang: str,
    output: str | None,
    as_of: dt.date | None,
    against: str | None,
    show_ids: bool,
) -> None:
    """Derive Japan's suggested actions for a scenario, each with its reasons and sources.

    The report starts with its bottom line: the actions that matter most, then what is new or
    gone against a reference world (the scenario this one extends, or --against FILE).

    With --as-of DATE, the world as of that date: events, asset protection, frameworks and
    mechanisms dated after it are left out, agreements take the status they had then.
    """
    from policyengine.api import brief
    from policyengine.api import evaluate as run
    from policyengine.render.evaluate import render

    if fmt == "json":  # the JSON contract has no comparison
        result, reference = run(scenario, rules_path, as_of=as_of), None
    else:
        result, reference = brief(scenario, rules_path, lang=lang, as_of=as_of, against=against)
    emit(render(result, fmt, lang, reference=reference, show_ids=show_ids), output)
