"""timeline, signposts, check, sweep and rules list/show/coverage render through the document model:
each offers every document format, draws in every one, escapes what it prints by construction,
and (timeline, signposts) says facts by their names unless the reader asks for ids."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from policyengine.cli import cli
from policyengine.render.backends import FORMATS, render
from policyengine.render.blocks import Document, Entry, Field, Outline

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"

SIGNPOSTS = "scenarios/signposts_2022.yaml"
KOREA = "scenarios/korea_new_gov.yaml"
WORLD = "scenarios/world_2025.yaml"
BROKEN = ("scenarios/baseline_2022.yaml", "--expect", "tests/expectations/broken_on_baseline.yaml")
SWEEP = (
    KOREA,
    "--vary",
    "variations/korea_new_gov.yaml",
    "--sample",
    "12",
    "--seed",
    "1",
    "--jobs",
    "1",
    "-q",
)

#: each command of this part, with arguments and a word its report always holds (in English)
COMMANDS: dict[str, tuple[tuple[str, ...], str]] = {
    "timeline": (("timeline", KOREA, "--changes-only"), "the new ROK government"),
    "signposts": (("signposts", SIGNPOSTS), "Japan-France RAA"),
    "check": (("check", *BROKEN), "bilateral-cooperation/KOR"),
    "sweep": (("sweep", *SWEEP), "conclude-raa/GBR"),
    "rules list": (("rules", "list"), "raa-partner"),
    "rules show": (("rules", "show", "link-partner"), "link-partner"),
    "rules coverage": (("rules", "coverage"), "elevate-cooperation"),
}

#: a fact id as the engine writes it: kind, colon, identity
FACT_ID = re.compile(r"\b(?:agreement|asset_protection|event|framework|capability|country|interest):[A-Za-z]")


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.output


def _command(name: str) -> click.Command:
    group: click.Command = cli
    for part in name.split():
        assert isinstance(group, click.Group)
        found = group.get_command(click.Context(group), part)
        assert found is not None, name
        group = found
    return group


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_offers_every_document_format(name: str) -> None:
    option = next(p for p in _command(name).params if p.name == "fmt")
    assert isinstance(option.type, click.Choice)
    assert {"text", "json", *FORMATS} <= set(option.type.choices)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_renders_in_every_document_format(name: str, fmt: str) -> None:
    args, word = COMMANDS[name]
    out = _run(*args, "--format", fmt, "--lang", "en")
    assert word in out
    if fmt == "html":
        assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A scenario extending the signposts' world whose title and signpost name are markup."""
    path = tmp_path / "hostile.yaml"
    path.write_text(
        f"""scenario:
  id: hostile
  title: {{ja: '<script>alert("x")</script> & *em*', en: '<script>alert("x")</script> & *em*'}}
  as_of: 2022-06-01
  extends: {ROOT / SIGNPOSTS}
signposts:
  - id: raa-fra-in-force
    name: {{ja: '<b>日仏</b> & co', en: '<b>RAA</b> & [x](javascript:alert(1))'}}
    watch: {{fact: agreement, where: {{id: raa-jpn-fra, status: in-force}}}}
""",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("command", ["signposts", "timeline"])
def test_html_and_markdown_escape_what_the_scenario_says(hostile: Path, command: str) -> None:
    html = _run(command, str(hostile), "--format", "html", "--lang", "en")
    assert "<script>" not in html and "<b>" not in html
    md = _run(command, str(hostile), "--format", "markdown", "--lang", "en")
    assert "<script>" not in md and "](javascript:" not in md


def test_an_outline_nests_in_every_backend() -> None:
    outline = Outline([(0, "top <b>"), (1, "under"), (2, "deeper"), (0, "next")])
    doc = Document("t", [Entry("key", None, [Field("why", ""), outline]), outline], lang="en", compact=True)
    text = render(doc, "text")
    assert "\n      top <b>\n        under\n          deeper\n      next\n" in text
    md = render(doc, "markdown")
    assert "- top \\<b\\>\n  - under\n    - deeper\n- next\n" in md
    html = render(doc, "html")
    assert (
        html.count(
            "<ul><li>top &lt;b&gt;<ul><li>under<ul><li>deeper</li></ul></li></ul></li><li>next</li></ul>"
        )
        == 2
    )


# -- plain words: facts by their names, ids on request (issue 16) -------------------------------


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize(
    "args", [("timeline", WORLD), ("signposts", SIGNPOSTS)], ids=["timeline", "signposts"]
)
def test_facts_are_named_and_dates_readable_unless_ids_are_asked_for(
    args: tuple[str, ...], lang: str
) -> None:
    plain = _run(*args, "--lang", lang)
    assert not FACT_ID.search(plain), FACT_ID.search(plain)
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", plain.split("\n\n", 1)[1].split("Sources")[0])
    with_ids = _run(*args, "--lang", lang, "--ids")
    assert FACT_ID.search(with_ids)


def test_the_timeline_names_a_fact_by_its_kind() -> None:
    out = _run("timeline", WORLD, "--lang", "en", "--changes-only")
    assert "the SDF's asset protection for the United Kingdom's forces begins" in out
    assert "the Japan-UK Reciprocal Access Agreement signed" in out
    assert "11 January 2023" in out
    ja = _run("timeline", WORLD, "--lang", "ja", "--changes-only")
    assert "英国の部隊への自衛隊による武器等防護が始まる" in ja and "2023年1月11日" in ja


def test_signposts_say_what_trips_them_in_words() -> None:
    out = _run("signposts", SIGNPOSTS, "--lang", "en")
    assert "Tripped by the new ROK government (May 2022)." in out
    assert "Held back by the Japan-UK Reciprocal Access Agreement." in out
    assert "where" not in out  # the watched condition as rules write it: only with --ids
    assert "agreement where id = raa-jpn-fra" in _run("signposts", SIGNPOSTS, "--lang", "en", "--ids")


@pytest.mark.parametrize("folder", ["timeline", "signposts"])
def test_no_golden_of_timeline_or_signposts_names_a_fact_by_its_id(folder: str) -> None:
    files = [p for p in (GOLDEN / folder).iterdir() if p.suffix in (".txt", ".md") and ".ids." not in p.name]
    assert files
    for path in files:
        found = FACT_ID.search(path.read_text(encoding="utf-8"))
        assert not found, f"{path.name}: {found}"


# -- goldens in both languages ----------------------------------------------------------------

GOLDENS = [
    ("timeline/korea_new_gov.changes.ja.txt", ("timeline", KOREA, "--changes-only", "--lang", "ja")),
    (
        "timeline/korea_new_gov.changes.ids.en.md",
        ("timeline", KOREA, "--changes-only", "--ids", "--lang", "en", "--format", "markdown"),
    ),
    ("signposts/signposts_2022.ja.txt", ("signposts", SIGNPOSTS, "--lang", "ja")),
    ("signposts/signposts_2022.ja.md", ("signposts", SIGNPOSTS, "--lang", "ja", "--format", "markdown")),
    ("check/broken_on_baseline.en.md", ("check", *BROKEN, "--lang", "en", "--format", "markdown")),
    ("sweep/korea-sample12.en.txt", ("sweep", *SWEEP, "--lang", "en")),
    ("sweep/korea-sample12.ja.md", ("sweep", *SWEEP, "--lang", "ja", "--format", "markdown")),
]


@pytest.mark.parametrize(("name", "args"), GOLDENS, ids=[g[0] for g in GOLDENS])
def test_output_is_golden(golden, name: str, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    golden(name, _run(*args))
