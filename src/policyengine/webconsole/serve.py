"""Starting the web console: the listening socket, the session (new or resumed) and the server.

The socket is bound before the session is opened, so that a busy port leaves no new log behind;
the session is started or resumed exactly as the terminal console does it (same log, same lock).
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from policyengine.errors import input_error
from policyengine.exercise.log import Clock, utc_now

if TYPE_CHECKING:
    from policyengine.exercise.session import Replayed
    from policyengine.webconsole.console import WebConsole


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (``port`` 0: any free one); E501 when refused."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError) as error:
        raise input_error("E501", f"--host '{host}': {error}", None, "e.g. --host 127.0.0.1") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise input_error(
            "E501",
            f"cannot listen on {host} port {port}: {error.strerror or error}",
            None,
            "choose another port with --port N (--port 0 takes any free port)",
        ) from None
    sock.setblocking(False)
    return sock


@dataclass
class Opened:
    """A console's session as opened: its facilitator token, and what a resume found."""

    token: str
    resumed: Replayed | None = None
    counts: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def base_url(sock: socket.socket) -> str:
        host, port = sock.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        if host in ("0.0.0.0", "::"):
            shown = "127.0.0.1"
        return f"http://{shown}:{port}"


def open_console(
    file: str | None,
    *,
    rules_path: str | None,
    log_path: str | None,
    resume_log: str | None,
    lang: str | None,
    clock: Clock = utc_now,
) -> tuple[WebConsole, Opened]:
    """Start a session on ``file`` (a new log) or resume ``resume_log``, behind a web console."""
    from policyengine.core import load_pack
    from policyengine.exercise.load import load_exercise
    from policyengine.exercise.session import Session, resume
    from policyengine.webconsole.app import new_token
    from policyengine.webconsole.console import WebConsole

    if resume_log:
        session, replayed = resume(resume_log, exercise_path=file, rules_path=rules_path, clock=clock)
        lang = lang or str(replayed.log.header.get("lang", "ja"))
        counts = {
            "log": resume_log,
            "completed": replayed.completed,
            "total": len(session.run.exercise.moves),
            "decisions": sum(len(m.decisions) for m in session.run.moves),
        }
        opened = Opened(new_token(), replayed, counts)
    else:
        assert file is not None
        lang = lang or "ja"
        pack = load_pack(rules_path)
        loaded = load_exercise(file, pack=pack)
        if log_path is None:
            log_path = f"{loaded.id}.{clock().strftime('%Y%m%d-%H%M%S')}.jsonl"
        session = Session.start(loaded, pack, log_path, rules_path=rules_path, clock=clock, lang=lang)
        opened = Opened(new_token())
    try:
        console = WebConsole(session, lang=lang)
    except BaseException:
        session.close()
        raise
    return console, opened


def run_server(console: WebConsole, token: str, sock: socket.socket, host: str) -> None:
    """Serve ``console`` on ``sock`` until interrupted (Ctrl+C)."""
    import uvicorn

    from policyengine.webconsole.app import create_app

    # On this machine only, a request naming another host is refused (a DNS-rebinding page).
    hosts = ["127.0.0.1", "localhost"] if host in ("127.0.0.1", "localhost") else None
    config = uvicorn.Config(
        create_app(console, token, hosts=hosts),
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=1,
        access_log=False,
    )
    server(console, config).run(sockets=[sock])


def server(console: WebConsole, config: Any) -> Any:
    """uvicorn's server for ``console``: on shutdown it first ends the pages' event streams (else
    uvicorn waits for them, then cancels them with a traceback), and Ctrl+C or SIGTERM stop it as
    a normal end (uvicorn raises the signal again once it has shut down, which would end the
    command as interrupted)."""
    import contextlib
    from collections.abc import Iterator

    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            with super().capture_signals():
                try:
                    yield
                finally:
                    getattr(self, "_captured_signals", []).clear()

        async def shutdown(self, sockets: Any = None) -> None:
            console.end_streams()
            await super().shutdown(sockets=sockets)

    return Server(config)


class Background:
    """A server run in a thread of this process (tests, benchmarks): :meth:`stop` ends it."""

    def __init__(self, console: WebConsole, token: str, host: str = "127.0.0.1") -> None:
        import threading

        import uvicorn

        from policyengine.webconsole.app import create_app

        self.sock = bind(host, 0)
        self.token = token
        self.base = Opened.base_url(self.sock)
        app = create_app(console, token, hosts=["127.0.0.1", "localhost"])
        config = uvicorn.Config(
            app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1, access_log=False
        )
        self.server = server(console, config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        import time

        deadline = time.monotonic() + 30
        while not self.server.started and self.thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)

    @property
    def facilitator(self) -> str:
        return f"{self.base}/facilitator?token={self.token}"

    @property
    def player(self) -> str:
        return f"{self.base}/player"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()
