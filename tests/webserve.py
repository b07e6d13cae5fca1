"""Helpers of the web console's tests: a served session, and plain HTTP requests to it."""

from __future__ import annotations

import datetime as dt
import http.client
import itertools
import json
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = ROOT / "exercises" / "sea_lane_crisis.yaml"


def ticking() -> Any:
    """A clock that ticks one minute per reading (the log's times differ, the records do not)."""
    ticks = itertools.count()
    start = dt.datetime(2022, 7, 4, 9, 0, tzinfo=dt.UTC)
    return lambda: start + dt.timedelta(minutes=next(ticks))


class Served:
    """A session served by the web console in a thread of the test process."""

    def __init__(self, log: Path, *, lang: str = "ja", resume: bool = False) -> None:
        pytest.importorskip("starlette", reason="the 'web' extra is not installed: pip install -e '.[web]'")
        pytest.importorskip("uvicorn", reason="the 'web' extra is not installed: pip install -e '.[web]'")
        from policyengine.webconsole.serve import Background, open_console

        self.log = log
        self.console, opened = open_console(
            None if resume else str(EXERCISE),
            rules_path=None,
            log_path=None if resume else str(log),
            resume_log=str(log) if resume else None,
            lang=lang,
            clock=ticking(),
        )
        try:
            self.server = Background(self.console, opened.token)
        except BaseException:
            self.console.close()
            raise
        self.token = opened.token
        parsed = urllib.parse.urlsplit(self.server.base)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80

    @property
    def facilitator(self) -> str:
        return self.server.facilitator

    @property
    def player(self) -> str:
        return self.server.player

    def close(self) -> None:
        self.server.stop()
        self.console.close()

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = "",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        """``path`` with the facilitator's token (``token=""``), another one, or none (``None``)."""
        if token is not None:
            sep = "&" if "?" in path else "?"
            path += f"{sep}token={urllib.parse.quote(token or self.token)}"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        data = None if body is None else json.dumps(body).encode("utf-8")
        sent = {"Content-Type": "application/json"} if data is not None else {}
        conn.request(method, path, body=data, headers={**sent, **(headers or {})})
        response = conn.getresponse()
        content = response.read()
        out = (response.status, {k.lower(): v for k, v in response.getheaders()}, content)
        conn.close()
        return out

    def act(self, op: str, seq: int | None = None, **args: Any) -> tuple[int, Any]:
        """A change as the facilitator's page sends it (``seq``: the log's, unless given)."""
        status, _, body = self.request(
            "POST",
            "/facilitator/act",
            {"seq": self.console.seq if seq is None else seq, "op": op, "args": args},
        )
        return status, json.loads(body)

    def first_event(self, path: str, *, token: str | None = None) -> dict[str, Any]:
        """The first state a page following ``path`` (an event stream) receives."""
        if token is not None:
            path += f"?token={urllib.parse.quote(token)}"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        conn.request("GET", path)
        response = conn.getresponse()
        assert response.status == 200
        assert response.getheader("content-type", "").startswith("text/event-stream")
        try:
            while True:
                line = response.fp.readline().decode("utf-8")
                assert line, "the event stream ended before its first state"
                if line.startswith("data: "):
                    data: dict[str, Any] = json.loads(line[len("data: ") :])
                    return data
        finally:
            conn.close()


@contextmanager
def served(log: Path, **kw: Any) -> Iterator[Served]:
    s = Served(log, **kw)
    try:
        yield s
    finally:
        s.close()


def records(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def without_times(recs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records as the log holds them, less what the clock and the file system put in them."""
    out = []
    for r in recs:
        r = {k: v for k, v in r.items() if k != "time"}
        if r["type"] == "exercise":
            r["exercise"] = {k: v for k, v in r["exercise"].items() if k not in ("relpath",)}
        out.append(r)
    return out
