"""The command line. It parses arguments and calls the library; nothing else imports it.

The group and shared options are here; each command family has its own module.

Exit codes: 0 success; 1 a finding the user asked about; 2 bad input or usage; 3 internal error.
Heavy modules are imported inside the commands so that ``policyengine --help`` starts fast.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import click

from policyengine import __version__

F = TypeVar("F", bound=Callable[..., Any])

EXIT_FINDING = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3


class PolicyEngineGroup(click.Group):
    """Maps library exceptions to exit codes, for every subcommand."""

    def invoke(self, ctx: click.Context) -> Any:
        from policyengine.errors import InputError
        from policyengine.system.fileio import command_inputs
        from policyengine.system.interrupts import Terminated

        try:
            with command_inputs():  # no output may replace a file the command read
                return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except InputError as exc:
            click.echo(exc.render(), err=True)
            ctx.exit(EXIT_INPUT)
        except KeyboardInterrupt:
            click.echo("policyengine: interrupted", err=True)
            ctx.exit(130)
        except Terminated as exc:
            click.echo("policyengine: terminated", err=True)
            ctx.exit(128 + exc.signum)
        except Exception as exc:
            wrapped = _interrupt_within(exc)
            if isinstance(wrapped, Terminated):
                click.echo("policyengine: terminated", err=True)
                ctx.exit(128 + wrapped.signum)
            if isinstance(wrapped, KeyboardInterrupt):
                click.echo("policyengine: interrupted", err=True)
                ctx.exit(130)
            if _debug(ctx):
                traceback.print_exc()
            from policyengine.errors.terminal import visible

            message = visible(str(exc).splitlines()[0]) if str(exc) else ""
            click.echo(
                f"policyengine: internal error: {type(exc).__name__}: {message} "
                "(run with --debug for the traceback)",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)


def _interrupt_within(exc: BaseException) -> BaseException | None:
    """A Ctrl-C or SIGTERM that Python wrapped in another exception, or None.

    The signal handler raises wherever the program is; Python 3.11 turns an exception raised
    while a class is being created (``__set_name__``, as dataclasses and pydantic do on import)
    into ``RuntimeError`` caused by it. Such an error is the interrupt, not an internal error.
    """
    from policyengine.system.interrupts import Terminated

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, Terminated | KeyboardInterrupt):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _debug(ctx: click.Context) -> bool:
    root = ctx.find_root()
    return bool((root.obj or {}).get("debug")) or os.environ.get("POLICYENGINE_DEBUG") == "1"


def format_option(*choices: str, default: str = "text") -> Callable[[F], F]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format.",
    )


def document_formats() -> tuple[str, ...]:
    """The formats of a command that renders a document: text, json, then one a backend
    (``policyengine.render.backends``): a new backend module is a new format of every such command."""
    from policyengine.render.backends import FORMATS

    return ("text", "json", *(f for f in FORMATS if f != "text"))


lang_option = click.option(
    "--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True, help="Language of the output."
)
output_option = click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write to this file (atomically) instead of standard output.",
)


rules_option = click.option(
    "--rules",
    "rules_path",
    type=click.Path(),
    default=None,
    help="Rule pack: a YAML file or a folder of them (default: the shipped pack).",
)


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """Option callback: a calendar date written YYYY-MM-DD (None stays None)."""
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date: write YYYY-MM-DD, e.g. 2022-05-10") from None


as_of_option = click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    callback=parse_date,
    default=None,
    help="Evaluate the world as of this date (YYYY-MM-DD): only facts dated on or before it.",
)


def emit(text: str, output: str | None) -> None:
    """Print, or write the whole text to ``output`` atomically."""
    if output:
        from policyengine.system.fileio import atomic_write_text

        atomic_write_text(output, text)
    else:
        click.echo(text, nl=False)


@click.group(cls=PolicyEngineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="policyengine")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """policyengine: what a policy paper's recommendations mean for the world as it is today.

    Scenario files (scenarios/*.yaml) describe the world; rule packs (rules/*.yaml) encode the
    paper's passages; `evaluate` derives Japan's suggested actions with their justifications.
    """
    ctx.obj = {"debug": debug}


def main() -> None:
    """Console-script entry point.

    SIGINT and SIGTERM become orderly exits (130 and 143): cleanups run, so an output file
    being written is left as it was or complete, and no temporary file remains.
    """
    from policyengine.system.interrupts import Terminated, install
    from policyengine.system.pydantic_plugins import disable_for_cli

    install()
    try:
        disable_for_cli()
        cli(prog_name="policyengine")
    except Terminated as exc:  # arrived outside a command (e.g. while click parsed arguments)
        click.echo("policyengine: terminated", err=True)
        raise SystemExit(128 + exc.signum) from None
    except KeyboardInterrupt:
        click.echo("policyengine: interrupted", err=True)
        raise SystemExit(130) from None
    except Exception as exc:  # an interrupt wrapped by Python while a class was being created
        wrapped = _interrupt_within(exc)
        if wrapped is None:
            raise
        if isinstance(wrapped, Terminated):
            click.echo("policyengine: terminated", err=True)
            raise SystemExit(128 + wrapped.signum) from None
        click.echo("policyengine: interrupted", err=True)
        raise SystemExit(130) from None


# Subcommands live in their own modules; each imports only click at import time.
from policyengine.cli import core, diff, exercise, explain, rules, serve, whatif  # noqa: E402,F401
