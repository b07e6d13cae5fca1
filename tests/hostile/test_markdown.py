"""Markdown outputs show untrusted text as text: no raw HTML, link, image or script survives.

Untrusted text goes in where a file from someone else or a player puts it: a scenario's title
(and a file name), an exercise's title and description (with line breaks), a decision and its
rationale typed in a live session. Every Markdown output that shows them is rendered with
markdown-it-py (CommonMark plus GFM tables and strikethrough, as GitHub and most viewers render
it) and must give no ``html_block``/``html_inline``, ``link`` or ``image`` token, no ``<script``,
``<img`` or ``href``/``src`` in the HTML, while the payload still reads, character for character,
in the rendered text (so the test fails if escaping dropped or mangled it).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from hostile.harness import ROOT
from policyengine.cli import cli
from policyengine.render.common import markdown_table, md_code, md_escape, md_line_start

#: one line of everything CommonMark turns into HTML or links
PAYLOAD = (
    "P0 <script>alert(1)</script> [c](javascript:alert(1)) <img src=x onerror=alert(1)> "
    "` <b>b</b> `` &lt;i&gt; &#60;s&#62; <javascript:alert(2)> ![i](javascript:alert(3)) "
    "<http://evil.example> *e* _u_ ~~s~~ a|b \\ end"
)
#: lines that would open HTML blocks, link definitions and headings if not escaped
BLOCK_PAYLOAD = ["<script>alert(5)</script>", "[ref]: javascript:alert(6)", "# not a heading", "- not a list"]
#: a file name with markup (every character but '/' is allowed)
EVIL_NAME = "ev`il <b>x [n](javascript:alert(7)) &amp;.yaml"

FORBIDDEN_TOKENS = {"html_block", "html_inline", "link_open", "image"}
#: an attribute that takes a URL, inside a tag (escaped text shows '<' as '&lt;', never a tag)
_URL_ATTRIBUTE = re.compile(r"<[a-z][^<>]*\s(?:href|src)\s*=")


def _md() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _tokens(tokens: list[Token]) -> Iterator[Token]:
    for t in tokens:
        yield t
        if t.children:
            yield from _tokens(t.children)


def forbidden(markdown: str) -> list[str]:
    """What in ``markdown`` a viewer would turn into HTML, a link or an image."""
    tokens = list(_tokens(_md().parse(markdown)))
    found = [f"{t.type}: {t.content or t.attrs}" for t in tokens if t.type in FORBIDDEN_TOKENS]
    html = _md().render(markdown).lower()
    found += [f"HTML holds {bad!r}" for bad in ("<script", "<img", "<b>", "<a ") if bad in html]
    found += [f"HTML has the attribute {m[0]!r}" for m in _URL_ATTRIBUTE.finditer(html)]
    return found


def shown_text(markdown: str) -> str:
    """The text a reader sees (text and code spans), with line breaks and cells joined by spaces."""
    parts = []
    for t in _tokens(_md().parse(markdown)):
        if t.type in ("text", "code_inline"):
            parts.append(t.content)
        elif t.type in ("softbreak", "hardbreak", "th_close", "td_close", "paragraph_close"):
            parts.append(" ")
    return " ".join("".join(parts).split())


def test_the_check_can_fail() -> None:
    assert forbidden(PAYLOAD)  # unescaped, the payload is HTML and links
    assert forbidden("\n".join(BLOCK_PAYLOAD))
    assert forbidden(f"`{EVIL_NAME}`")  # a naive code span breaks
    assert not forbidden(md_escape(PAYLOAD)) and shown_text(md_escape(PAYLOAD)) == " ".join(PAYLOAD.split())


@given(st.text(alphabet=st.sampled_from(list("<>&[]()`*_~|\\!:#-+=. \n/ajvscript1")), max_size=60))
def test_md_escape_shows_any_text_as_itself(text: str) -> None:
    for markdown in (md_line_start(md_escape(text)), md_code(text)):
        assert not forbidden(markdown), markdown
        assert shown_text(markdown) == " ".join(text.split()), markdown
    table = markdown_table(["a", "b"], [[text, md_code(text)]])
    assert not forbidden(table), table
    assert shown_text(table) == " ".join(f"a b {text} {text}".split()), table


# -- every Markdown output, on a hostile world and session -----------------------------------------


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    world = tmp_path_factory.mktemp("markdown")
    for name in ("exercises", "scenarios", "rules"):
        shutil.copytree(ROOT / name, world / name)
    scenario = world / "scenarios" / "korea_new_gov.yaml"
    text = scenario.read_text(encoding="utf-8")
    old = "en: The world after the new ROK government (May 2022) stepped up its Indo-Pacific engagement"
    assert old in text
    scenario.write_text(text.replace(old, "en: " + _quote(PAYLOAD)), encoding="utf-8")
    shutil.copy(scenario, world / "scenarios" / EVIL_NAME)
    exercise = world / "exercises" / "sea_lane_crisis.yaml"
    text = exercise.read_text(encoding="utf-8")
    old = 'en: "Sea lanes under pressure: does a Japan-ROK-Australia framework work?"'
    assert old in text
    text = text.replace(old, "en: " + _quote(PAYLOAD))
    start = text.index("    en: >-\n      A fictional crisis")
    end = text.index("  objectives:")
    block = "    en: |-\n" + "".join(f"      {line}\n" for line in ["Before.", *BLOCK_PAYLOAD])
    exercise.write_text(text[:start] + block + text[end:], encoding="utf-8")
    _play(world)
    return world


def _play(world: Path) -> None:
    from policyengine.api import load_pack
    from policyengine.exercise.load import load_exercise
    from policyengine.exercise.session import Session

    pack = load_pack(None)
    exercise = load_exercise(str(world / "exercises" / "sea_lane_crisis.yaml"), pack=pack)
    moment = dt.datetime(2022, 7, 4, 9, 0, tzinfo=dt.UTC)
    with Session.start(
        exercise, pack, str(world / "s.jsonl"), clock=lambda: moment, lang="en", fmt="markdown"
    ) as session:
        session.decide("mofa", PAYLOAD, PAYLOAD)  # typed by a player: free text
        session.decide("mod", "propose-framework/AUS+JPN+KOR", PAYLOAD)
        while session.complete_move() is not None:
            pass


P = " ".join(PAYLOAD.split())
EN = ["--lang", "en"]
MD = ["--format", "markdown", *EN]
KOREA, EVIL, EXERCISE = (
    "scenarios/korea_new_gov.yaml",
    f"scenarios/{EVIL_NAME}",
    "exercises/sea_lane_crisis.yaml",
)
REC = "propose-framework/AUS+JPN+KOR"
#: name: (arguments, texts the output must show as they are, times at least, slow)
OUTPUTS: dict[str, tuple[list[str], list[tuple[str, int]], bool]] = {
    "evaluate": (["evaluate", KOREA, *MD], [(P, 1)], False),
    "evaluate, hostile file name": (["evaluate", EVIL, *MD], [(P, 1), (EVIL_NAME, 1)], False),
    "matrix": (["matrix", KOREA, *MD], [(P, 1)], False),
    "diff": (["diff", "scenarios/baseline_2022.yaml", EVIL, *MD], [(EVIL_NAME, 1)], False),
    "timeline": (["timeline", EVIL, *MD], [(P, 1), (EVIL_NAME, 1)], False),
    "explain": (["explain", EVIL, REC, *MD], [(EVIL_NAME, 1)], False),
    "whatif": (["whatif", EVIL, REC, *MD], [], False),
    "sensitivity": (["sensitivity", EVIL, *MD], [], False),
    "exercise run": (["exercise", "run", EXERCISE, *MD], [(P, 1)], False),
    "exercise replay": (["exercise", "replay", "s.jsonl", "--format", "markdown"], [(P, 3)], False),
    "exercise report (AAR)": (["exercise", "report", "s.jsonl", *EN], [(P, 3)], False),
    "player handout": (["exercise", "handout", EXERCISE, "--role", "player", *EN], [(P, 1)], False),
    "facilitator guide": (["exercise", "handout", EXERCISE, "--role", "facilitator", *EN], [(P, 1)], False),
}  # fmt: skip


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=[pytest.mark.slow] if OUTPUTS[n][2] else []) for n in OUTPUTS]
)
def test_markdown_output_has_no_live_markup(
    hostile: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv, shows, _ = OUTPUTS[name]
    monkeypatch.chdir(hostile)
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code in (0, 1), result.output
    markdown = result.stdout
    assert not forbidden(markdown), "\n".join(forbidden(markdown))
    seen = shown_text(markdown)
    for text, times in shows:
        assert seen.count(text) >= times, (
            f"{text!r} shown {seen.count(text)} times, not {times}:\n{seen[:3000]}"
        )
    # the exercise's description: its lines are text, not an HTML block, a link definition, a heading
    if "handout" in name or "guide" in name or "report" in name:
        assert all(line in seen for line in BLOCK_PAYLOAD), seen[:3000]
