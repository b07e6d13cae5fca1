"""The rules commands: list, show, lint, coverage."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from policyengine.loading.sources import SourceText

source_option = click.option(
    "--source",
    "source_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="The paper's text (default: the paper beside the checkout, ../shared/seed/*.txt).",
)


def _source(path: str | None) -> SourceText:
    from policyengine.errors import input_error
    from policyengine.errors.locations import Location
    from policyengine.loading.sources import default_paper_path, load_source

    if path is None:
        found = default_paper_path()
        if found is None:
            raise input_error(
                "E501",
                "no source text: none was given and none is beside the checkout (../shared/seed/*.txt)",
                None,
                "give the paper's text with --source FILE",
            )
        return load_source(found)
    try:
        return load_source(path)
    except FileNotFoundError:
        raise input_error("E101", "source text not found", Location(path), "check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise input_error("E103", f"cannot read the source text: {exc}", Location(path)) from None


@cli.group()
def rules() -> None:
    """List, show and lint rule packs, and see which sentences of the paper they encode."""


@rules.command("list")
@rules_option
@format_option(*document_formats())
@lang_option
@output_option
def list_rules(rules_path: str | None, fmt: str, lang: str, output: str | None) -> None:
    """Every rule of the pack: its stratum, what it produces, the section it encodes."""
    from policyengine.api import load_pack
    from policyengine.render.rules import render_list
    from policyengine.ruletools.catalog import list_rules as catalog

    emit(render_list(catalog(load_pack(rules_path)), fmt, lang), output)


@rules.command()
@click.argument("rule_id", metavar="ID")
@rules_option
@format_option(*document_formats())
@lang_option
@output_option
def show(rule_id: str, rules_path: str | None, fmt: str, lang: str, output: str | None) -> None:
    """One rule in full: its source and quote, its conditions in words, what it produces."""
    from policyengine.api import load_pack
    from policyengine.render.rules import render_show
    from policyengine.ruletools.catalog import show_rule

    emit(render_show(show_rule(load_pack(rules_path), rule_id), fmt, lang), output)


@rules.command()
@rules_option
@source_option
@click.option(
    "--scenarios",
    "scenario_paths",
    multiple=True,
    type=click.Path(),
    help="Scenario files or folders the rules must fire in (repeatable; default: scenarios/*.yaml).",
)
@format_option("text", "json")
@output_option
def lint(
    rules_path: str | None,
    source_path: str | None,
    scenario_paths: tuple[str, ...],
    fmt: str,
    output: str | None,
) -> None:
    """Find what is wrong with a rule pack, each finding as FILE:LINE:COL: CODE: message.

    Quotes not in the source text, rules that fire in no scenario, unknown fields, derived
    facts nobody uses, negation cycles, duplicate ids, missing translations, templates naming
    unbound variables. Exit 0 when clean, 1 with findings, 2 when the pack or source is missing.
    """
    from policyengine.core.pack import default_rules_path
    from policyengine.render.rules import render_lint
    from policyengine.ruletools.lint import default_scenarios, lint_pack, scenario_files

    source = _source(source_path)
    scenarios = scenario_files(scenario_paths) if scenario_paths else default_scenarios()
    report = lint_pack(rules_path or default_rules_path(), source, scenarios)
    emit(render_lint(report, fmt), output)
    if not report.clean:
        sys.exit(EXIT_FINDING)


@rules.command()
@rules_option
@source_option
@format_option(*document_formats())
@lang_option
@output_option
def coverage(
    rules_path: str | None, source_path: str | None, fmt: str, lang: str, output: str | None
) -> None:
    """Which sentences of 日本への含意 the rules cite, and which no rule encodes yet."""
    from policyengine.api import load_pack
    from policyengine.render.rules import render_coverage
    from policyengine.ruletools.coverage import coverage as measure

    source = _source(source_path)
    # Compiled like every other command's pack: a pack that cannot run is refused with its
    # located errors rather than measured ('rules lint' lists everything wrong with it).
    pack = load_pack(rules_path).source
    emit(render_coverage(measure(pack, source), fmt, lang), output)
