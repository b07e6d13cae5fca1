"""The explain command: why a recommendation was made, or why it was not."""

from __future__ import annotations

import click

from policyengine.cli import (
    cli,
    document_formats,
    emit,
    format_option,
    lang_option,
    output_option,
    rules_option,
)


@cli.command()
@click.argument("scenario", type=click.Path(dir_okay=True))
@click.argument("rec_id", metavar="REC_ID")
@rules_option
@format_option(*document_formats())
@lang_option
@output_option
@click.option(
    "--trace",
    "show_trace",
    is_flag=True,
    help="Print the recorded trace events the explanation rests on, instead of the tree.",
)
@click.option(
    "--ids", "show_ids", is_flag=True, help="Show the id of each scenario fact beside where it is written."
)
def explain(
    scenario: str,
    rec_id: str,
    rules_path: str | None,
    fmt: str,
    lang: str,
    output: str | None,
    show_trace: bool,
    show_ids: bool,
) -> None:
    """Why REC_ID (ACTION/TARGET, a recommendation or risk) was made in SCENARIO, or why not.

    For an id that was made: the rules that made it, each with its section and verbatim quote,
    the facts they matched (with file:line and their own sources) and how every derived fact
    was derived, down to the scenario's facts. For an id that was not made: each rule that
    could make it, at the binding that comes nearest, with the conditions that fail in words.
    An unknown id is an error (exit 2) with a "did you mean". --format html draws the
    derivation as a graph, the failing conditions of a why-not highlighted (docs/pictures.md).
    """
    from policyengine.api import load, load_pack
    from policyengine.engine.trace import Tracer
    from policyengine.explain import explain_outcome, trace_of

    if show_trace and fmt == "html":
        raise click.UsageError("--trace prints the events as text, json or markdown; drop --format html")
    tracer = Tracer()
    explanation = explain_outcome(load(scenario), load_pack(rules_path), rec_id, tracer=tracer)
    if show_trace:
        from policyengine.render.trace import render as render_trace

        emit(render_trace(trace_of(explanation, tracer), fmt), output)
        return
    from policyengine.render.explain import render

    emit(render(explanation, fmt, lang, show_ids=show_ids), output)
