"""Counterfactual commands: whatif, sensitivity, sweep."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from rich.progress import Progress


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
@click.option(
    "--as-inject",
    is_flag=True,
    help="Print each answer as an exercise inject (YAML, ready to paste under a move's injects:).",
)
@click.option("--ids", "show_ids", is_flag=True, help="Show each change as fact ids (kind:id#path).")
@rules_option
@format_option(*document_formats())
@lang_option
@output_option
def whatif(
    scenario: str,
    rec_id: str,
    max_changes: int,
    max_evaluations: int,
    time_budget: float,
    as_inject: bool,
    show_ids: bool,
    rules_path: str | None,
    fmt: str,
    lang: str,
    output: str | None,
) -> None:
    """The smallest changes to the world that make REC_ID disappear (or appear).

    REC_ID is ACTION/TARGET, e.g. propose-framework/AUS+JPN+KOR. If the scenario recommends it,
    the answer is what would make it unnecessary; if not, what would make it needed. Every
    answer was verified by re-evaluating the changed scenario, and no part of it alone suffices.
    With --as-inject, each answer is printed as an exercise inject (docs/exercises.md).
    """
    from policyengine.api import load, load_pack
    from policyengine.counterfactual.whatif import whatif as run
    from policyengine.errors import input_error
    from policyengine.render.whatif import render_whatif

    if as_inject and fmt != "text":
        raise input_error("E501", f"--as-inject prints YAML: it does not take --format {fmt}", None)
    loaded = load(scenario)
    result = run(
        loaded,
        load_pack(rules_path),
        rec_id,
        max_changes=max_changes,
        max_evaluations=max_evaluations,
        time_budget=time_budget,
    )
    if as_inject:
        from policyengine.render.whatif_inject import render_as_inject

        emit(render_as_inject(result, lang), output)
        return
    emit(render_whatif(result, fmt, lang, show_ids=show_ids), output)


@cli.command()
@click.argument("scenario", type=click.Path(dir_okay=True))
@rules_option
@click.option("--ids", "show_ids", is_flag=True, help="Show the ids of the facts beside their names.")
@format_option(*document_formats())
@lang_option
@output_option
def sensitivity(
    scenario: str, rules_path: str | None, show_ids: bool, fmt: str, lang: str, output: str | None
) -> None:
    """Which facts carry which recommendations (load-bearing assumptions, single points of failure).

    Each fact is removed in turn (with the facts that cannot stand without it) and the scenario
    re-evaluated: the recommendations that disappear rest on it.
    """
    from policyengine.api import load, load_pack
    from policyengine.counterfactual.sensitivity import sensitivity as run
    from policyengine.render.whatif import render_sensitivity

    result = run(load(scenario), load_pack(rules_path))
    emit(render_sensitivity(result, fmt, lang, show_ids=show_ids), output)


@cli.command()
@click.argument("scenario", type=click.Path(dir_okay=True))
@click.option(
    "--vary",
    "vary",
    type=click.Path(dir_okay=False),
    required=True,
    help="Variation file (YAML): the facts to vary and the values each may take.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, None),
    default=1,
    show_default=True,
    help="Worker processes (at most 4 per core); with --executor dask and no --scheduler, "
    "the local Dask cluster's workers.",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where variants are evaluated: this machine's processes, or a Dask cluster "
    "(pip install 'policyengine[dask]').",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="The Dask scheduler to use (tcp://HOST:8786); without it, --executor dask starts a cluster "
    "on this machine.",
)
@click.option(
    "--sample",
    type=click.IntRange(1, None),
    default=None,
    help="Evaluate a random sample of this many variants instead of every combination.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random sample.")
@click.option(
    "--output",
    "-o",
    "results",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write every variant's results here: FILE.csv or FILE.jsonl (streamed, renamed at the end).",
)
@click.option(
    "--summary",
    "summary_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the summary to this file.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the summary as charts to this HTML file (firing rates and their drivers).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@rules_option
@format_option(*document_formats())
@lang_option
def sweep(
    scenario: str,
    vary: str,
    jobs: int,
    executor: str,
    scheduler: str | None,
    sample: int | None,
    seed: int,
    results: str | None,
    summary_path: str | None,
    report_path: str | None,
    quiet: bool,
    rules_path: str | None,
    fmt: str,
    lang: str,
) -> None:
    """Evaluate every combination of variations of SCENARIO (or a sample) in parallel.

    The summary tells how often each recommendation fires and which dimensions drive it; --report
    FILE.html draws it as charts (docs/pictures.md). Ctrl-C (or SIGTERM) stops the sweep, keeps
    the finished results and exits with 130 (143); a Dask cluster lost mid-sweep keeps them too
    and exits with 2 (E705).
    """
    import time

    from policyengine.errors import input_error
    from policyengine.errors.terminal import visible
    from policyengine.render.sweep import render
    from policyengine.sweep.runner import JOBS_PER_CORE, cores, max_jobs, run_sweep

    if scheduler is not None and executor != "dask":
        raise input_error("E501", "--scheduler names a Dask scheduler", None, "add --executor dask")
    if scheduler is None and jobs > max_jobs():
        limit = max_jobs()
        click.echo(
            f"policyengine: --jobs {jobs} is more than {limit} ({cores()} cores x {JOBS_PER_CORE});"
            f" using {limit}",
            err=True,
        )
        jobs = limit
    started = time.monotonic()
    progress = None if quiet or not sys.stderr.isatty() else _progress_bar()
    try:
        if progress is not None:
            progress.start()
        task = progress.add_task("sweep", total=None) if progress is not None else None

        def on_progress(done: int, total: int) -> None:
            if progress is not None and task is not None:
                progress.update(task, completed=done, total=total)

        run = run_sweep(
            scenario,
            vary,
            rules_path,
            jobs=jobs,
            sample=sample,
            seed=seed,
            output=results,
            on_progress=on_progress,
            executor=executor,
            scheduler=scheduler,
        )
    finally:
        if progress is not None:
            progress.stop()
    elapsed = time.monotonic() - started
    s = run.summary
    if not quiet:
        rate = s.done / elapsed if elapsed > 0 else 0.0
        where = f"{jobs} job{'s' if jobs > 1 else ''}"
        if executor == "dask":
            where = f"Dask scheduler {scheduler}" if scheduler else f"local Dask cluster of {jobs}"
        click.echo(
            f"policyengine: {s.done} of {s.selected} variants in {elapsed:.1f} s ({rate:.1f}/s, {where})"
            + (f"; results in {visible(results)}" if results else ""),
            err=True,
        )
    emit(render(s, fmt, lang), summary_path)
    if report_path:
        from policyengine.render.charts.sweep import render_html
        from policyengine.system.fileio import atomic_write_text

        atomic_write_text(report_path, render_html(s, lang))
    if run.stopped_by is not None:
        import signal

        what = "interrupted" if run.stopped_by == signal.SIGINT else "terminated"
        click.echo(f"policyengine: {what}; the finished results were kept", err=True)
        sys.exit(128 + run.stopped_by)
    if run.lost is not None:
        from policyengine.errors.locations import Location

        # located at the results file, which holds only the variants finished before
        raise input_error(
            "E705",
            f"the sweep stopped after {s.done:,} of {s.selected:,} variants: {run.lost}",
            Location(results) if results else None,
            f"the {'file' if results else 'summary'} holds the finished variants;"
            " check the cluster, then run the sweep again",
        )


def _progress_bar() -> Progress:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
