"""The web console (`exercise serve`) over HTTP, without a browser: tokens, sequence checks, what
each page is sent, and the log it writes (the one the session controller writes for every console).

The browser plays the same session in tests/test_webconsole_browser.py.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from webserve import EXERCISE, ROOT, Served, records, served

pytest.importorskip("starlette", reason="the 'web' extra is not installed: pip install -e '.[web]'")
pytest.importorskip("uvicorn", reason="the 'web' extra is not installed: pip install -e '.[web]'")


def secrets_of_the_exercise() -> list[str]:
    """Every text only the facilitator may see: controller notes of moves and injects, and the
    notes of the MSEL's expected actions, in both languages."""
    from policyengine.api import load_pack
    from policyengine.exercise.load import load_exercise

    loaded = load_exercise(str(EXERCISE), pack=load_pack(None))
    texts = []
    for move in loaded.moves:
        notes = (
            [move.notes] + [i.notes for i in move.injects] + [e.note for i in move.injects for e in i.expect]
        )
        texts += [n.get(lang) for n in notes if n is not None for lang in ("ja", "en")]
    assert len(texts) > 10  # the check below has something to find
    return texts


SECRETS = secrets_of_the_exercise()


def texts(data: Any) -> str:
    """Every text in a JSON value (or JSON text), one a line."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            return data
    out: list[str] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return "\n".join(out)


def leaks(data: Any) -> list[str]:
    """The secrets found in ``data`` (a page's state, as JSON or parsed, or a text)."""
    found = texts(data)
    return [s[:40] for s in SECRETS if s in found]


# -- the token ----------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "wrong-token"], ids=["no token", "wrong token"])
def test_the_facilitator_side_refuses_a_request_without_its_token(tmp_path: Path, token: str | None) -> None:
    with served(tmp_path / "s.jsonl") as s:
        before = (tmp_path / "s.jsonl").read_bytes()
        for method, path in [
            ("GET", "/facilitator"),
            ("GET", "/facilitator/state"),
            ("GET", "/facilitator/events"),
            ("GET", "/facilitator/resolve?text=1"),
        ]:
            status, _, body = s.request(method, path, token=token)
            assert status == 403, path
            assert leaks(body.decode("utf-8")) == []
        status, _, _ = s.request(
            "POST", "/facilitator/act", {"seq": s.console.seq, "op": "release"}, token=token
        )
        assert status == 403
        assert (tmp_path / "s.jsonl").read_bytes() == before  # nothing recorded
        assert s.request("GET", "/facilitator")[0] == 200  # with the token


def test_the_token_is_random_and_long() -> None:
    from policyengine.webconsole.app import new_token

    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(t) >= 22 and re.fullmatch(r"[A-Za-z0-9_-]+", t) for t in tokens)


def test_a_request_naming_another_host_is_refused(tmp_path: Path) -> None:
    # a page of another site that resolves its own name to 127.0.0.1 (DNS rebinding) cannot read the state
    with served(tmp_path / "s.jsonl") as s:
        status, _, _ = s.request("GET", "/player/state", token=None, headers={"Host": "attacker.example"})
        assert status == 400
        assert s.request("GET", "/player/state", token=None)[0] == 200


# -- sequence checks ----------------------------------------------------------------------------


def test_a_change_from_a_stale_page_records_nothing(tmp_path: Path) -> None:
    log = tmp_path / "s.jsonl"
    with served(log) as s:
        seen = s.console.seq
        status, state = s.act("release", seq=seen)
        assert status == 200 and state["seq"] == seen + 1
        lines = log.read_bytes()
        # the same click again (a double click, a second tab that had not seen the change)
        status, body = s.act("release", seq=seen)
        assert status == 409
        assert body == {"error": "stale", "message": body["message"], "seq": seen + 1}
        status, body = s.act("decide", seq=seen, action="propose-framework/AUS+JPN+KOR", cell="mofa")
        assert status == 409
        assert log.read_bytes() == lines
        assert [r["type"] for r in records(log)] == ["exercise", "release"]


def test_a_refused_change_says_why_in_both_languages_and_records_nothing(tmp_path: Path) -> None:
    log = tmp_path / "s.jsonl"
    with served(log) as s:
        lines = log.read_bytes()
        for op, args, code in [
            ("decide", {"action": "   "}, "empty"),
            ("decide", {"action": "?"}, "not-a-decision"),
            ("decide", {"action": "x", "cell": "navy"}, "unknown-cell"),
            ("strike", {"number": 7}, "unknown-decision"),
            ("release", {"inject": "9.9"}, "unknown-inject"),
            ("note", {"text": "a\x1b[31mred"}, "bad-text"),
        ]:
            status, body = s.act(op, **args)
            assert (status, body["error"]) == (422, code), (op, args)
            assert set(body["message"]) == {"ja", "en"}
            # (a 'bad-text' names its problem in the session's language only: the controller's words)
            assert code == "bad-text" or body["message"]["ja"] != body["message"]["en"]
        assert log.read_bytes() == lines


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1]",
        b'{"op": "end"}',
        b'{"seq": "1", "op": "end"}',
        b'{"seq": 1, "op": "end", "args": 3}',
        b'{"seq": 1, "op": "explode"}',
        b'{"seq": 1, "op": "decide", "args": {"action": 5}}',
        b'{"seq": 1, "op": "strike", "args": {"number": "1"}}',
    ],
)
def test_a_malformed_request_is_refused(tmp_path: Path, body: bytes) -> None:
    log = tmp_path / "s.jsonl"
    with served(log) as s:
        lines = log.read_bytes()
        status, _, _ = _raw_post(s, body)
        assert status == 400
        assert log.read_bytes() == lines


def _raw_post(s: Served, body: bytes) -> tuple[int, dict[str, str], bytes]:
    import http.client

    conn = http.client.HTTPConnection(s.host, s.port, timeout=30)
    conn.request(
        "POST", f"/facilitator/act?token={s.token}", body=body, headers={"Content-Type": "application/json"}
    )
    response = conn.getresponse()
    out = (response.status, dict(response.getheaders()), response.read())
    conn.close()
    return out


def test_a_change_must_be_sent_as_json(tmp_path: Path) -> None:
    # a form of another site cannot post JSON without a preflight (and does not know the token)
    with served(tmp_path / "s.jsonl") as s:
        status, _, _ = s.request("POST", "/facilitator/act", None, headers={"Content-Type": "text/plain"})
        assert status == 415


# -- what each page is sent ---------------------------------------------------------------------


def play_all(s: Served, check: Any) -> None:
    """Release every inject, take the MSEL's expected decisions, strike one, note, end every move;
    ``check(s)`` after each change."""
    while not s.console.finished:
        view = json.loads(s.console.snapshot().facilitator)
        for inj in view["injects"]:
            if inj["applies"] and not inj["released"]:
                assert s.act("release", inject=inj["number"])[0] == 200
                check(s)
                for e in inj["expect"]:
                    assert (
                        s.act("decide", action=e["action"], rationale="<script>alert(1)</script>")[0] == 200
                    )
                    check(s)
        status, state = s.act("decide", action="a decision taken back", cell="nss")
        assert status == 200
        mine = [d for d in state["decisions"] if d["action"] == "a decision taken back" and not d["struck"]]
        assert s.act("strike", number=mine[0]["number"])[0] == 200
        assert s.act("note", text="the room hesitated")[0] == 200
        check(s)
        assert s.act("end")[0] == 200
        check(s)


def test_the_players_are_never_sent_a_controller_note(tmp_path: Path) -> None:
    seen: list[str] = []

    def check(s: Served) -> None:
        snapshot = s.console.snapshot()
        player = snapshot.player
        assert leaks(player) == []
        assert '"recommendations"' not in player and "the room hesitated" not in player
        assert json.loads(s.request("GET", "/player/state", token=None)[2]) == json.loads(player)
        seen.append(snapshot.facilitator)

    with served(tmp_path / "s.jsonl") as s:
        check(s)
        assert leaks(s.first_event("/player/events")) == []
        play_all(s, check)
        assert s.console.finished
    # the facilitator was sent every note: the check above could fail
    assert set(leaks([json.loads(f) for f in seen])) == {x[:40] for x in SECRETS}


def test_both_pages_are_sent_both_languages(tmp_path: Path) -> None:
    with served(tmp_path / "s.jsonl", lang="en") as s:
        s.act("release")
        player = s.first_event("/player/events")
        facilitator = s.first_event("/facilitator/events", token=s.token)
    assert player["exercise"]["ja"].startswith("シーレーンの危機")
    assert player["exercise"]["en"].startswith("Sea lanes under pressure")
    assert set(player["move"]["title"]) == {"ja", "en"}
    assert set(player["injects"][0]["description"]) == {"ja", "en"}
    rec = facilitator["recommendations"][0]
    assert set(rec["justification"]) == {"ja", "en"} and rec["sources"] and rec["sources"][0]["quote"]
    assert facilitator["changes"]["first"] is True
    assert "propose-framework/AUS+JPN+KOR" in facilitator["ids"]


def test_bilingual_merges_only_what_differs() -> None:
    from policyengine.webconsole.views import bilingual

    ja = {"id": "move-1", "n": 2, "title": "妨害", "list": ["同じ", "日本"], "none": None}
    en = {"id": "move-1", "n": 2, "title": "harassment", "list": ["同じ", "Japan"], "none": None}
    assert bilingual(ja, en) == {
        "id": "move-1",
        "n": 2,
        "title": {"ja": "妨害", "en": "harassment"},
        "list": ["同じ", {"ja": "日本", "en": "Japan"}],
        "none": None,
    }


def test_pages_load_nothing_from_elsewhere_and_say_so(tmp_path: Path) -> None:
    with served(tmp_path / "s.jsonl") as s:
        for path, token in [
            ("/player", None),
            ("/facilitator", ""),
            ("/static/console.js", None),
            ("/static/console.css", None),
        ]:
            status, headers, body = s.request("GET", path, token=token)
            assert status == 200, path
            text = body.decode("utf-8")
            assert not re.search(r"(https?:)?//[a-z0-9]", text.replace("://127.0.0.1", "")), path
            csp = headers["content-security-policy"]
            assert "default-src 'none'" in csp and "script-src 'self'" in csp
            assert headers["referrer-policy"] == "no-referrer"  # the token never leaves in a Referer
        assert s.request("GET", "/static/../app.py", token=None)[0] == 404


def test_the_page_shell_cannot_be_broken_out_of() -> None:
    from policyengine.webconsole.pages import _script_json

    text = _script_json({"x": "</script><script>alert(1)</script><!--"})
    assert "<" not in text and ">" not in text
    assert json.loads(text) == {"x": "</script><script>alert(1)</script><!--"}


def test_the_script_never_parses_text_as_html() -> None:
    js = (ROOT / "src" / "policyengine" / "webconsole" / "static" / "console.js").read_text(encoding="utf-8")
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", js)


# -- the log ------------------------------------------------------------------------------------


def test_a_web_session_is_reported_and_replayed_like_a_terminal_one(tmp_path: Path) -> None:
    from policyengine.cli import cli

    log = tmp_path / "s.jsonl"
    with served(log) as s:
        play_all(s, lambda s: None)
    kinds = [r["type"] for r in records(log)]
    assert {"release", "decision", "strike", "note", "move"} <= set(kinds)
    runner = CliRunner()
    report = runner.invoke(cli, ["exercise", "report", str(log), "--lang", "en"])
    assert report.exit_code == 0, report.output
    assert "propose-framework/AUS+JPN+KOR" in report.output
    replay = runner.invoke(cli, ["exercise", "replay", str(log)])
    assert replay.exit_code == 0, replay.output


def test_a_session_moves_between_web_consoles_between_moves(tmp_path: Path) -> None:
    log = tmp_path / "s.jsonl"
    with served(log) as s:
        s.act("release")
        s.act("decide", action="propose-framework/AUS+JPN+KOR", cell="mofa")
        s.act("end")
        seq = s.console.seq
    with served(log, resume=True) as s:
        assert s.console.seq == seq
        view = json.loads(s.console.snapshot().facilitator)
        assert view["move"]["number"] == 2
        assert [d["action"] for d in view["decisions"]] == ["propose-framework/AUS+JPN+KOR"]
        # the log is locked while served: another console is refused
        from policyengine.errors import InputError
        from policyengine.exercise.session import resume

        with pytest.raises(InputError) as refused:
            resume(str(log))
        assert refused.value.codes == ["E606"]


# -- the command --------------------------------------------------------------------------------


def _serve(*args: str, cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "policyengine", "exercise", "serve", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_serve_prints_both_addresses_and_stops_cleanly(tmp_path: Path) -> None:
    import urllib.error
    import urllib.request

    proc = _serve(str(EXERCISE), "--log", "s.jsonl", "--port", "0", "--lang", "en", cwd=tmp_path)
    try:
        assert proc.stdout is not None
        facilitator = proc.stdout.readline().strip()
        player = proc.stdout.readline().strip()
        assert facilitator.startswith("facilitator page (keep this URL private): http://127.0.0.1:")
        assert player.startswith("players' screen (for the projector): http://127.0.0.1:")
        f_url, p_url = facilitator.split(": ", 1)[1], player.split(": ", 1)[1]
        assert re.search(r"/facilitator\?token=[A-Za-z0-9_-]{22,}$", f_url)
        with urllib.request.urlopen(p_url, timeout=30) as r:
            assert r.status == 200
        with urllib.request.urlopen(f_url, timeout=30) as r:
            assert r.status == 200
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f_url.split("?")[0], timeout=30)
        assert refused.value.code == 403
        following = urllib.request.urlopen(p_url + "/events", timeout=30)  # a page still following
        assert following.readline() == b"retry: 1000\n"
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert following.read().endswith(b"\n\n")  # its stream was ended, not cut
    assert "Traceback" not in err and "ERROR" not in err
    assert "policyengine exercise serve --resume" in err
    assert records(tmp_path / "s.jsonl")[0]["lang"] == "en"


def test_serve_on_a_busy_port_says_so_and_leaves_no_log(tmp_path: Path) -> None:
    from policyengine.cli import cli

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = CliRunner().invoke(
            cli, ["exercise", "serve", str(EXERCISE), "--log", str(tmp_path / "s.jsonl"), "--port", str(port)]
        )
    assert result.exit_code == 2
    assert f"E501: cannot listen on 127.0.0.1 port {port}" in result.output
    assert not (tmp_path / "s.jsonl").exists()


def test_serve_warns_when_listening_beyond_this_machine(tmp_path: Path) -> None:
    proc = _serve(
        str(EXERCISE), "--log", "s.jsonl", "--port", "0", "--host", "0.0.0.0", "--lang", "en", cwd=tmp_path
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("facilitator page")
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert "warning: listening on 0.0.0.0: anyone on the network can open the players' screen" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--resume", "a.jsonl", "--log", "b.jsonl"], "--resume continues its own log"),
        ([], "name the exercise file"),
    ],
)
def test_serve_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    from policyengine.cli import cli

    result = CliRunner().invoke(cli, ["exercise", "serve", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_help_does_not_import_the_web_stack() -> None:
    code = (
        "import sys; from policyengine.cli import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('starlette', 'uvicorn', 'anyio')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_session_moves_between_the_terminal_and_the_browser(tmp_path: Path) -> None:
    from policyengine.cli import cli

    log = tmp_path / "s.jsonl"
    # move 1 in the terminal, then a pause
    first = CliRunner().invoke(
        cli,
        ["exercise", "run", str(EXERCISE), "-i", "--log", str(log), "--lang", "en"],
        input="\n".join(
            ["release", "decide propose-framework/AUS+JPN+KOR", "mofa", "", "", "end", "y", "quit", ""]
        ),
    )
    assert first.exit_code == 0, first.output
    # move 2 in the browser's console: it goes on where the terminal stopped
    with served(log, resume=True) as s:
        view = json.loads(s.console.snapshot().facilitator)
        assert view["move"]["number"] == 2
        assert [d["action"] for d in view["decisions"]] == ["propose-framework/AUS+JPN+KOR"]
        assert s.act("release")[0] == 200
        assert s.act("decide", action="elevate-cooperation/jpn-kor-aus", cell="mod")[0] == 200
        assert s.act("end")[0] == 200
    # move 3 in the terminal again
    last = CliRunner().invoke(cli, ["exercise", "run", "--resume", str(log)], input="end\ny\n")
    assert last.exit_code == 0, last.output
    recs = records(log)
    assert [r["move"] for r in recs if r["type"] == "move"] == ["move-1", "move-2", "move-3"]
    assert [r["seq"] for r in recs] == list(range(len(recs)))
    report = CliRunner().invoke(cli, ["exercise", "report", str(log), "--lang", "en"])
    assert report.exit_code == 0, report.output
    assert "elevate-cooperation/jpn-kor-aus" in report.output


def test_the_report_opens_in_the_browser_once_the_session_ends(tmp_path: Path) -> None:
    """Start to AAR in the browser: the facilitator's page links the AAR/IP of the finished session
    (the same document as ``exercise report LOG --format html``), guarded by the token."""
    from policyengine.exercise.report import build_report
    from policyengine.exercise.session import open_log
    from policyengine.render.aar import render_report

    log = tmp_path / "s.jsonl"
    with served(log) as s:
        status, _, body = s.request("GET", "/facilitator/report?lang=en")
        assert status == 409 and "once the last move has ended" in json.loads(body)["message"]
        play_all(s, lambda s: None)
        assert s.request("GET", "/facilitator/report", token=None)[0] == 403
        assert s.request("GET", "/facilitator/report", token="wrong")[0] == 403
        for lang in ("ja", "en"):
            status, headers, body = s.request("GET", f"/facilitator/report?lang={lang}")
            assert status == 200, body[:500]
            assert headers["content-type"].startswith("text/html")
            assert "script-src" not in headers["content-security-policy"]
            html = body.decode("utf-8")
            assert html == render_report(build_report(open_log(str(log))), "html", lang)
            assert ("After-action report" if lang == "en" else "事後検証報告書") in html
            assert "<script>alert(1)</script>" not in html  # the players' text is escaped
