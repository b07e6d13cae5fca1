"""Tabletop exercise commands: run (live or not), replay, report, handout."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from policyengine.cli import cli, emit, format_option, lang_option, output_option, rules_option

if TYPE_CHECKING:
    from policyengine.exercise.session import Replayed

EXIT_INTERRUPTED = 130

exercise_option = click.option(
    "--exercise",
    "exercise_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="The exercise file (default: the one named in the log, relative to the log's folder).",
)


def _usage(message: str, hint: str | None = None) -> Exception:
    from policyengine.errors import input_error

    return input_error("E501", message, None, hint)


def _warn_torn(replayed: Replayed, lang: str) -> None:
    if replayed.log.torn is not None:
        click.echo(replayed.log.torn.warning(replayed.log.path, lang), err=True)


def _clock() -> Any:
    # Looked up at call time so that tests can replace the clock (policyengine.exercise.log.utc_now).
    from policyengine.exercise import log

    return log.utc_now


@cli.group()
def exercise() -> None:
    """Tabletop exercises: play a scenario forward move by move, record decisions, report.

    An exercise file (exercises/*.yaml) starts from a scenario and lists moves, each with its
    injects (the MSEL). `run` shows every move with the rules' recommendations and what changed;
    `run --interactive` also records the players' decisions in a decision log; `report` writes
    the after-action report from that log; `handout` writes the player handout or the facilitator
    guide. See docs/exercises.md.
    """


@exercise.command("run")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@rules_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown"]),
    default=None,
    help="Output format [default: text; with --replay or --resume, the session's].",
)
@click.option(
    "--lang",
    type=click.Choice(["ja", "en"]),
    default=None,
    help="Language of the output [default: ja; with --replay or --resume, the session's].",
)
@output_option
@click.option(
    "--interactive",
    "-i",
    is_flag=True,
    help="The facilitator's console: release injects, record decisions, strikes and notes in a log.",
)
@click.option(
    "--log",
    "log_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Decision log to create with --interactive (default: EXERCISE-ID.YYYYMMDD-HHMMSS.jsonl here).",
)
@click.option(
    "--resume",
    "resume_log",
    type=click.Path(dir_okay=False),
    default=None,
    help="Carry on an interrupted interactive session from its log.",
)
@click.option(
    "--replay",
    "replay_log",
    type=click.Path(dir_okay=False),
    default=None,
    help="Reproduce a recorded session from its log (same as `exercise replay LOG`).",
)
@click.option(
    "--view",
    type=click.Choice(["facilitator", "player"]),
    default=None,
    help="With --interactive or --resume: what the console shows [default: facilitator]; "
    "player: only what players may see (safe to project).",
)
@click.option(
    "--decide",
    "decide",
    multiple=True,
    metavar="MOVE=ACTION",
    help="Preview a branch: take this decision in MOVE (repeatable; not recorded).",
)
def run_command(
    file: str | None,
    rules_path: str | None,
    fmt: str | None,
    lang: str | None,
    output: str | None,
    interactive: bool,
    log_path: str | None,
    resume_log: str | None,
    replay_log: str | None,
    view: str | None,
    decide: tuple[str, ...],
) -> None:
    """Play an exercise: every move's injects, the rules' recommendations and what changed.

    Without options, no decisions are taken (conditional injects that need one do not apply);
    --decide MOVE=ACTION previews a branch. --interactive opens the facilitator's console (type
    help there), which records decisions in an append-only log (one fsync'd JSON line per
    record); --resume LOG carries on after an interruption; --replay LOG prints a recorded
    session's record, the same every time.
    """
    modes = [
        m
        for m, on in (("--interactive", interactive), ("--resume", resume_log), ("--replay", replay_log))
        if on
    ]
    if len(modes) > 1:
        raise _usage(f"choose one of {', '.join(modes)}")
    if replay_log:
        if decide or log_path or view:
            raise _usage("--replay takes neither --decide, --log nor --view")
        _replay(replay_log, file, rules_path, fmt, lang, output)
        return
    if interactive or resume_log:
        if output:
            raise _usage("an interactive session prints to the terminal; --output is for runs and replays")
        if decide:
            raise _usage("--decide previews branches without players; use it without --interactive")
        _interactive(file, rules_path, fmt, lang, log_path, resume_log, view or "facilitator")
        return
    if log_path:
        raise _usage("--log names the log of an --interactive session")
    if view:
        raise _usage("--view is for an --interactive session's console")
    fmt, lang = fmt or "text", lang or "ja"
    if file is None:
        raise _usage("name the exercise file", "policyengine exercise run exercises/sea_lane_crisis.yaml")
    from policyengine.api import load_pack
    from policyengine.exercise.load import load_exercise, pack_actions
    from policyengine.exercise.runner import play
    from policyengine.render.exercise import render_run

    pack = load_pack(rules_path)
    loaded = load_exercise(file, pack=pack)
    decisions = _decisions(decide, loaded, pack_actions(pack))
    emit(render_run(play(loaded, pack, decisions), fmt, lang, decisions=bool(decide)), output)


def _decisions(decide: tuple[str, ...], loaded: Any, actions: set[str]) -> dict[str, list[Any]]:
    from policyengine.errors import InputError
    from policyengine.errors.suggest import hint_for
    from policyengine.exercise.load import read_decision
    from policyengine.exercise.runner import Decision

    moves = [m.id for m in loaded.moves]
    out: dict[str, list[Decision]] = {}
    for item in decide:
        move, sep, action = item.partition("=")
        if not sep or not action.strip():
            raise _usage(f"--decide '{item}': write MOVE=ACTION", "e.g. --decide move-1=conclude-raa/FRA")
        if move not in moves:
            raise _usage(f"--decide '{item}': unknown move '{move}'", hint_for(move, moves, noun="moves"))
        try:
            decided = read_decision(loaded, action, actions)
        except InputError as e:
            d = e.diagnostics[0]
            raise _usage(f"--decide '{item}': {d.message}", d.hint) from None
        out.setdefault(move, []).append(Decision(move, loaded.cell_ids()[0], decided))
    return out


def _replay(
    log: str, file: str | None, rules_path: str | None, fmt: str | None, lang: str | None, output: str | None
) -> None:
    from policyengine.exercise.session import open_log
    from policyengine.render.exercise import render_run
    from policyengine.text import t

    replayed = open_log(log, exercise_path=file, rules_path=rules_path)
    fmt = fmt or str(replayed.log.header.get("format", "text"))
    lang = lang or str(replayed.log.header.get("lang", "ja"))
    _warn_torn(replayed, lang)
    run = replayed.run
    if replayed.in_progress is not None or not replayed.finished:
        decided = len(replayed.in_progress.decisions) if replayed.in_progress else 0
        click.echo(
            t(
                "console.replay_stops",
                lang,
                move=replayed.completed + 1,
                total=len(run.exercise.moves),
                decisions=decided,
                path=log,
            ),
            err=True,
        )
    emit(render_run(run, fmt, lang), output)


def _interactive(
    file: str | None,
    rules_path: str | None,
    fmt: str | None,
    lang: str | None,
    log_path: str | None,
    resume_log: str | None,
    view: str,
) -> None:
    import shutil

    from policyengine.api import load_pack
    from policyengine.cli.console import Console, Quit
    from policyengine.cli.lineinput import LineInput
    from policyengine.errors.terminal import visible
    from policyengine.exercise.controller import Controller
    from policyengine.exercise.load import load_exercise
    from policyengine.exercise.session import Session, resume
    from policyengine.text import t

    clock = _clock()
    if resume_log:
        if log_path:
            raise _usage("--resume continues its own log; --log is for a new session")
        session, replayed = resume(resume_log, exercise_path=file, rules_path=rules_path, clock=clock)
        lang = lang or str(replayed.log.header.get("lang", "ja"))
        if replayed.cut is not None:
            click.echo(replayed.cut.warning(resume_log, lang, cut=True), err=True)
        log_path = resume_log
        click.echo(
            t(
                "console.resuming",
                lang,
                path=visible(resume_log),
                completed=replayed.completed,
                total=len(session.run.exercise.moves),
                decisions=len(session.ledger.live()),
            ),
            err=True,
        )
    else:
        if file is None:
            raise _usage("name the exercise file", "policyengine exercise run FILE --interactive")
        fmt, lang = fmt or "text", lang or "ja"
        pack = load_pack(rules_path)
        loaded = load_exercise(file, pack=pack)
        if log_path is None:
            log_path = f"{loaded.id}.{clock().strftime('%Y%m%d-%H%M%S')}.jsonl"
        session = Session.start(
            loaded, pack, log_path, rules_path=rules_path, clock=clock, fmt=fmt, lang=lang
        )
        click.echo(t("console.log_created", lang, path=visible(str(log_path))), err=True)

    line_input = LineInput()
    shown = visible(str(log_path))
    console = Console(
        Controller(session, lang),
        view="player" if view == "player" else "facilitator",
        ask=lambda question, words, history: line_input.ask(question, words, history=history),
        show=lambda text: click.echo(text),
        warn=lambda text: click.echo(text, err=True),
        columns=min(100, shutil.get_terminal_size((100, 24)).columns),
    )
    try:  # the session holds its log's lock until it ends (finally)
        if not resume_log:
            click.echo(t("console.session_title", lang, title=console.ctl.player_view().exercise))
        console.run()
    except Quit:
        if not session.finished:
            click.echo(t("console.paused", lang, path=shown), err=True)
            return
    except (EOFError, KeyboardInterrupt):
        if not session.finished:
            decisions = len(session.ledger.live())
            click.echo("\n" + t("console.interrupted", lang, decisions=decisions, path=shown), err=True)
            sys.exit(EXIT_INTERRUPTED)
        click.echo("", err=True)
    finally:
        session.close()
    click.echo(t("console.complete", lang, path=shown), err=True)


@exercise.command("replay")
@click.argument("log", type=click.Path(dir_okay=False))
@exercise_option
@rules_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown"]),
    default=None,
    help="Output format [default: the session's].",
)
@click.option(
    "--lang", type=click.Choice(["ja", "en"]), default=None, help="Language [default: the session's]."
)
@output_option
def replay_command(
    log: str,
    exercise_path: str | None,
    rules_path: str | None,
    fmt: str | None,
    lang: str | None,
    output: str | None,
) -> None:
    """Reproduce a recorded session from its decision log, byte for byte.

    Refuses (exit 2) when the exercise file, a scenario it reads or the rule pack changed since
    the log was written: their hashes are in the log's first record.
    """
    _replay(log, exercise_path, rules_path, fmt, lang, output)


@exercise.command("report")
@click.argument("log", type=click.Path(dir_okay=False))
@exercise_option
@rules_option
@format_option("markdown", "html", default="markdown")
@lang_option
@output_option
@click.option(
    "--plan",
    "plan_path",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="PLAN.yaml",
    help="The improvement plan file: owners, dates and status of the corrective actions.",
)
@click.option(
    "--plan-template",
    is_flag=True,
    help="Print an improvement plan file pre-filled from the report (YAML) instead of the report.",
)
def report_command(
    log: str,
    exercise_path: str | None,
    rules_path: str | None,
    fmt: str,
    lang: str,
    output: str | None,
    plan_path: str | None,
    plan_template: bool,
) -> None:
    """The after-action report (AAR/IP) of a recorded session, as HSEEP shapes it.

    Bottom line and executive summary first: the exercise objectives rated P/S/M/U from the
    MSEL's expected actions linked to them, the main strengths and areas for improvement. Then
    the analysis of each objective, strengths and areas for improvement with the players'
    rationale, the improvement plan (owners and dates from --plan PLAN.yaml), the hot-wash notes;
    the move-by-move analysis, the timeline and the matrix before and after in appendices.
    """
    from policyengine.exercise.plan import load_plan
    from policyengine.exercise.plan import plan_template as template
    from policyengine.exercise.report import build_report
    from policyengine.exercise.session import open_log
    from policyengine.render.aar import render_report

    if plan_path is not None and plan_template:
        raise _usage("--plan and --plan-template: give one of them")
    replayed = open_log(log, exercise_path=exercise_path, rules_path=rules_path)
    _warn_torn(replayed, lang)
    report = build_report(replayed)
    if plan_template:
        emit(template(report, lang), output)
        return
    if plan_path is not None:
        report.plan = load_plan(plan_path, report)
    emit(render_report(report, fmt, lang), output)


@exercise.command("handout")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--role",
    type=click.Choice(["player", "facilitator"]),
    required=True,
    help="player: no spoilers; facilitator: the guide with notes, expected outcomes and branches.",
)
@rules_option
@format_option("markdown", "html", default="markdown")
@lang_option
@output_option
@click.option(
    "--through",
    "through",
    default=None,
    metavar="MOVE",
    help="Player handout: cover the moves up to this one ('all': every move; default: the first).",
)
def handout_command(
    file: str, role: str, rules_path: str | None, fmt: str, lang: str, output: str | None, through: str | None
) -> None:
    """The player handout (situation, cells, unconditional injects, questions) or the facilitator guide."""
    from policyengine.api import load_pack
    from policyengine.errors.suggest import hint_for
    from policyengine.exercise.load import load_exercise
    from policyengine.render.handout import facilitator_guide, player_handout, render_handout

    pack = load_pack(rules_path)
    loaded = load_exercise(file, pack=pack)
    if through is not None and through != "all" and loaded.move(through) is None:
        raise _usage(
            f"--through: unknown move '{through}'",
            hint_for(through, [m.id for m in loaded.moves] + ["all"], noun="moves"),
        )
    if role == "player":
        doc = player_handout(loaded, lang, through=through)
    else:
        if through is not None:
            raise _usage("--through is for the player handout")
        from policyengine.exercise.guide import build_guide

        run, guide = build_guide(loaded, pack)
        doc = facilitator_guide(run, guide, lang)
    emit(render_handout(doc, fmt), output)
