"""`policyengine exercise serve`: the web console of a live session.

Starlette and uvicorn (the ``web`` extra) are imported inside the command only, so that
``policyengine --help`` and every other command start without them.
"""

from __future__ import annotations

import click

from policyengine.cli import rules_option
from policyengine.cli.exercise import exercise

DEFAULT_PORT = 8765
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@exercise.command("serve")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@rules_option
@click.option(
    "--log",
    "log_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Decision log to create (default: EXERCISE-ID.YYYYMMDD-HHMMSS.jsonl here).",
)
@click.option(
    "--resume",
    "resume_log",
    type=click.Path(dir_okay=False),
    default=None,
    help="Carry on a session from its log (one run in the terminal or in the browser).",
)
@click.option(
    "--lang",
    type=click.Choice(["ja", "en"]),
    default=None,
    help="First language of the pages (each switches on its own) "
    "[default: ja; with --resume, the session's].",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True, help="0: any free port."
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; any other than this machine's prints a warning.",
)
def serve_command(
    file: str | None,
    rules_path: str | None,
    log_path: str | None,
    resume_log: str | None,
    lang: str | None,
    port: int,
    host: str,
) -> None:
    """Run a live session in the browser: a facilitator page and a players' screen.

    The facilitator page (its URL holds a random token, checked on every request) releases
    injects, records and strikes decisions, takes hot-wash notes and ends moves; the players'
    screen, for the projector, follows it live and shows nothing players must not see. The
    decision log is the one `exercise run --interactive` writes: `report` and `replay` read it,
    and either console resumes it between moves.
    """
    from policyengine.cli.exercise import _clock, _usage
    from policyengine.errors.terminal import visible
    from policyengine.text import t
    from policyengine.webconsole.serve import bind, open_console, run_server

    if resume_log and log_path:
        raise _usage("--resume continues its own log; --log is for a new session")
    if not resume_log and file is None:
        raise _usage("name the exercise file", "policyengine exercise serve exercises/sea_lane_crisis.yaml")
    sock = bind(host, port)  # before the session: a busy port must not leave a new log behind
    try:
        console, opened = open_console(
            file, rules_path=rules_path, log_path=log_path, resume_log=resume_log, lang=lang, clock=_clock()
        )
    except BaseException:
        sock.close()
        raise
    lang = console.lang

    def say(text: str) -> None:
        click.echo(text, err=True)

    if opened.resumed is not None:
        if opened.resumed.cut is not None:
            say(opened.resumed.cut.warning(console.log_path, lang, cut=True))
        say(t("web.serve_resumed", lang, **opened.counts))
    shown = visible(console.log_path)
    say(t("web.serve_log", lang, log=shown))
    if host not in LOCAL_HOSTS:
        say(t("web.serve_host_warning", lang, host=host))
    token, base = opened.token, opened.base_url(sock)
    click.echo(t("web.serve_facilitator", lang, url=f"{base}/facilitator?token={token}"))
    click.echo(t("web.serve_player", lang, url=f"{base}/player"))
    say(t("web.serve_stop", lang))
    try:
        run_server(console, token, sock, host)  # until Ctrl+C or SIGTERM: what was recorded is in the log
    finally:
        console.close()
    say(t("web.serve_complete" if console.finished else "web.serve_stopped", lang, log=shown))
