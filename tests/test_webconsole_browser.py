"""A whole sea_lane_crisis session played in a real browser (Debian's chromium, driven by playwright).

The facilitator's page releases every inject, records the MSEL's expected decisions (one of them
typed from the keyboard alone, one through "did you mean"), strikes a decision, takes notes and
ends every move with its confirmation; the players' page, in another browser context as on a
projector, follows without reloading and never shows a controller note. A stale tab and a page
without the token are refused. The log equals the one the terminal console writes for the same
decisions, timestamps aside.

The screenshots of both pages in both languages are written to the test's folder, and with
``pytest --update-golden`` to docs/images/ (docs/exercises.md shows them). The time from a click on
the facilitator's page to the players' page showing the change is printed (``-s`` shows it);
``benchmarks/webconsole_latency.py`` measures it over more clicks.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import system
from test_webconsole import leaks
from webserve import ROOT, Served, records, served, without_times

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'"
)

IMAGES = ROOT / "docs" / "images"
WHO = "佐藤"  # who decided: the same for every decision, as a facilitator leaves the field filled
TIMEOUT = 30_000  # ms: generous for a loaded machine; no test asserts a duration


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = system.chromium()
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


class Room:
    """The facilitator's and the players' pages of one served session, and what was done in them."""

    def __init__(self, browser: Any, s: Served, lang: str = "ja") -> None:
        self.s = s
        self.errors: list[str] = []
        self.latencies: list[float] = []
        self.done: list[tuple[str, dict[str, Any]]] = []  # what the facilitator did, for the terminal
        self.f_context = browser.new_context(viewport={"width": 1400, "height": 900}, locale=lang)
        self.p_context = browser.new_context(viewport={"width": 1280, "height": 800}, locale=lang)
        self.f = self.page(self.f_context, s.facilitator + f"&lang={lang}")
        self.p = self.page(self.p_context, s.player + f"?lang={lang}")
        # when the last click happened, on the browser's clock (the players' page uses the same)
        self.f.evaluate(
            "document.addEventListener('click', () => {"
            " window.peClickAt = performance.timeOrigin + performance.now(); }, true)"
        )

    def page(self, context: Any, url: str) -> Any:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.goto(url)
        page.wait_for_selector("#pe-app[data-state]:not([data-state=loading])")
        return page

    def state(self) -> dict[str, Any]:
        data: dict[str, Any] = self.f.evaluate("peConsole.state()")
        return data

    def seq(self) -> int:
        return self.state()["seq"]

    def players_follow(self, seq: int) -> None:
        """Wait until the players' page shows sequence ``seq``; note the time since the click."""
        self.p.wait_for_selector(f"#pe-app[data-seq='{seq}']")
        self.f.wait_for_selector(f"#pe-app[data-seq='{seq}']")
        at = self.p.evaluate("window.peRendered.at")
        clicked = self.f.evaluate("window.peClickAt")
        self.latencies.append(at - clicked)
        self.check_players()

    def check_players(self) -> None:
        shown = self.p.inner_text("body") + self.p.content()
        assert leaks(shown) == [], "the players' page shows a controller note"
        assert "#pe-recs" not in shown and "data-rec=" not in shown
        for _, args in self.done:
            if "text" in args:  # a facilitator's note
                assert args["text"] not in shown

    def release(self, number: str, inject: str) -> None:
        seq = self.seq()
        self.f.click(f"[data-release='{number}']")
        self.players_follow(seq + 1)
        assert self.p.locator(f"[data-inject='{inject}']").is_visible()
        self.done.append(("release", {"inject": number}))

    def decide(self, action: str, cell: str, rationale: str, *, keyboard: bool = False) -> None:
        seq = self.seq()
        if keyboard:
            self.f.locator("body").focus()
            self.f.keyboard.press("/")  # the decision field
            assert self.f.evaluate("document.activeElement.id") == "pe-action"
            self.f.keyboard.type(action)
            self.f.keyboard.press("Tab")
            assert self.f.evaluate("document.activeElement.id") == "pe-cell"
            cells = [""] + [c["id"] for c in self.state()["cells"]]
            steps = cells.index(cell) - cells.index(self.f.input_value("#pe-cell"))
            for _ in range(abs(steps)):
                self.f.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
            assert self.f.input_value("#pe-cell") == cell
            self.f.keyboard.press("Tab")
            self.f.keyboard.type(rationale)
            self.f.keyboard.press("Tab")
            self.f.keyboard.press("Control+A")
            self.f.keyboard.type(WHO)
            self.f.evaluate("window.peClickAt = performance.timeOrigin + performance.now()")
            self.f.keyboard.press("Enter")
        else:
            self.f.fill("#pe-action", action)
            self.f.select_option("#pe-cell", cell)
            self.f.fill("#pe-rationale", rationale)
            self.f.fill("#pe-who", WHO)
            self.f.click("#pe-record")
        self.players_follow(seq + 1)
        self.done.append(("decide", {"action": action, "cell": cell, "rationale": rationale, "who": WHO}))

    def decide_misspelt(self, typed: str, meant: str, cell: str) -> None:
        seq = self.seq()
        self.f.fill("#pe-action", typed)
        self.f.select_option("#pe-cell", cell)
        self.f.fill("#pe-rationale", "")
        self.f.click("#pe-record")
        self.f.wait_for_selector("#pe-suggest")
        assert meant in self.f.inner_text("#pe-suggest")
        self.f.click("#pe-suggest-use")
        self.players_follow(seq + 1)
        self.done.append(("decide", {"action": meant, "cell": cell, "rationale": "", "who": WHO}))

    def strike(self, number: int) -> None:
        seq = self.seq()
        self.f.click(f"[data-strike='{number}']")
        self.players_follow(seq + 1)
        self.done.append(("strike", {"number": number, "who": WHO}))

    def note(self, text: str) -> None:
        seq = self.seq()
        self.f.fill("#pe-note", text)
        self.f.click("#pe-note-add")
        self.players_follow(seq + 1)
        self.done.append(("note", {"text": text}))

    def end_move(self) -> None:
        seq = self.seq()
        self.f.click("#pe-end")
        self.f.wait_for_selector("#pe-confirm")
        self.f.click("#pe-confirm-cancel")  # going back changes nothing
        assert self.seq() == seq
        self.f.click("#pe-end")
        self.f.click("#pe-confirm-end")
        self.players_follow(seq + 1)
        self.done.append(("end", {}))

    def shoot(self, folder: Path, name: str, update: bool) -> None:
        for lang in ("ja", "en"):
            for page, role in ((self.f, "facilitator"), (self.p, "player")):
                page.click(f"#pe-lang-{lang}")
                page.wait_for_function(f"document.documentElement.lang === '{lang}'")
                target = folder / f"webconsole.{role}.{name}.{lang}.png"
                page.screenshot(path=str(target))
                if update:
                    (IMAGES / target.name).write_bytes(target.read_bytes())
        for page in (self.f, self.p):
            page.click("#pe-lang-ja")

    def close(self) -> None:
        self.f_context.close()
        self.p_context.close()


def play(room: Room, shots: Path | None = None, update: bool = False) -> None:
    """The whole exercise, as a facilitator would run it."""
    move = 0
    while not room.state()["finished"]:
        move += 1
        state = room.state()
        for n, inject in enumerate([i for i in state["injects"] if i["applies"] and not i["released"]]):
            room.release(inject["number"], inject["id"])
            for k, e in enumerate(inject["expect"]):
                cell = next(c["id"] for c in state["cells"] if e["cell"] in (None, c["name"], c["id"]))
                room.decide(
                    e["action"], cell, f"MSEL [{inject['number']}] <b>expects</b> it & more", keyboard=k == 0
                )
            if move == 2 and shots is not None and n == 1:
                room.shoot(shots, "move2", update)
        if move == 1:
            room.decide_misspelt("propose-framwork/AUS+JPN+KOR", "propose-framework/AUS+JPN+KOR", "nss")
            room.decide("待って韓国の回答を見る <script>alert(1)</script>", "mod", "様子見")
            taken_back = max(d["number"] for d in room.state()["decisions"])
            room.strike(taken_back)
            assert "待って韓国の回答を見る" not in room.p.inner_text("#pe-main")
            assert room.f.locator(f"[data-decision='{taken_back}'] del").is_visible()
        room.note(f"ホットウォッシュ用メモ {move}: 外務省と防衛省の調整に時間がかかった")
        room.end_move()
    assert room.p.locator(".finished").is_visible()
    room.note("全体の振り返り：三カ国の枠組みの提案は早かった")  # the hot wash, after the last move


def test_a_whole_session_in_the_browser(browser: Any, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    update = bool(request.config.getoption("--update-golden"))
    log = tmp_path / "web.jsonl"
    with served(log) as s:
        room = Room(browser, s)
        try:
            room.check_players()
            play(room, tmp_path, update)
            # start to AAR: the finished facilitator page opens the after-action report
            with room.f_context.expect_page() as opened:
                room.f.locator("#pe-report-link").click()
            aar = opened.value
            aar.wait_for_load_state()
            assert "AAR/IP" in aar.locator("h1").first.inner_text()
            aar.close()
            assert room.errors == []
        finally:
            room.close()
    recs = records(log)
    kinds = [r["type"] for r in recs]
    assert kinds.count("move") == 3 and kinds.count("strike") == 1 and kinds.count("note") == 4
    # the text players typed is recorded as typed (and shown as text, never as markup: no alert ran)
    assert any("<script>alert(1)</script>" in r.get("action", "") for r in recs)
    ms = sorted(room.latencies)
    print(
        f"\nclick -> players' page updated, {len(ms)} changes: median {statistics.median(ms):.1f} ms, "
        f"min {ms[0]:.1f} ms, max {ms[-1]:.1f} ms"
    )
    for name in ("facilitator", "player"):
        for lang in ("ja", "en"):
            assert (tmp_path / f"webconsole.{name}.move2.{lang}.png").stat().st_size > 10_000
    (tmp_path / "done.json").write_text(json.dumps(room.done, ensure_ascii=False), encoding="utf-8")
    terminal = terminal_session(tmp_path / "terminal.jsonl", room.done)
    assert without_times(records(terminal)) == without_times(recs)


def terminal_session(log: Path, done: list[tuple[str, dict[str, Any]]]) -> Path:
    """Play the same changes in the terminal console (``exercise run --interactive``)."""
    from click.testing import CliRunner

    from policyengine.cli import cli
    from webserve import EXERCISE

    lines: list[str] = []
    for op, args in done:
        if op == "release":
            lines.append(f"release {args['inject']}")
        elif op == "decide":
            lines += [f"decide {args['action']}", args["cell"], args["rationale"], args["who"]]
        elif op == "strike":
            lines.append(f"strike {args['number']}")
        elif op == "note":
            lines.append(f"note {args['text']}")
        elif op == "end":
            lines += ["end", "y"]
    result = CliRunner().invoke(
        cli,
        ["exercise", "run", str(EXERCISE), "--interactive", "--log", str(log), "--lang", "ja"],
        input="\n".join(lines) + "\n",
    )
    assert result.exit_code == 0, result.output[-3000:]
    return log


def test_a_stale_tab_is_refused_and_shows_the_latest_state(browser: Any, tmp_path: Path) -> None:
    log = tmp_path / "web.jsonl"
    with served(log) as s:
        room = Room(browser, s)
        try:
            # a second facilitator tab whose live updates are lost (a laptop that slept): it keeps
            # the state it had when it opened
            stale = room.f_context.new_page()
            stale.set_default_timeout(TIMEOUT)
            first = s.console.snapshot().facilitator
            stale.route(
                "**/facilitator/events*",
                lambda route: route.fulfill(
                    status=200,
                    content_type="text/event-stream",
                    body=f"retry: 60000\nevent: state\ndata: {first}\n\n",
                ),
            )
            stale.goto(s.facilitator)
            stale.wait_for_selector("#pe-app[data-seq='1']")
            room.release("1.1", room.state()["injects"][0]["id"])  # the first tab goes on
            lines = log.read_bytes()
            stale.click("[data-release='1.1']")  # the old tab offers 1.1 again
            stale.wait_for_selector("#pe-message.stale")
            assert log.read_bytes() == lines  # nothing recorded twice
            stale.wait_for_selector("#pe-app[data-seq='2']")  # and it now shows the latest state
            assert not stale.locator("[data-release='1.1']").count()
            # a double click sends one change: the second request is refused
            statuses = room.f.evaluate(
                """async () => {
                    const url = location.pathname + '/act' + location.search;
                    const body = JSON.stringify({seq: peConsole.state().seq, op: 'release', args: {}});
                    const headers = {'Content-Type': 'application/json'};
                    const send = () => fetch(url, {method: 'POST', headers, body});
                    const responses = await Promise.all([send(), send()]);
                    return responses.map((r) => r.status).sort();
                }"""
            )
            assert statuses == [200, 409]
            assert [r["type"] for r in records(log)] == ["exercise", "release", "release"]
        finally:
            room.close()


def test_a_page_without_the_token_is_refused(browser: Any, tmp_path: Path) -> None:
    with served(tmp_path / "web.jsonl") as s:
        context = browser.new_context()
        try:
            page = context.new_page()
            for url in (s.facilitator.split("?")[0], s.facilitator.split("?")[0] + "?token=guess"):
                response = page.goto(url)
                assert response is not None and response.status == 403
                assert "peConsole" not in page.content()
        finally:
            context.close()
