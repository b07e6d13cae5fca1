"""`policyengine matrix`: the paper's table in every format and both languages.

- JSON is exactly the contract of DESIGN.md and, for both shipped worlds, the paper's table
  cell by cell (parsed from the paper's own text);
- CSV holds the same cells;
- text, markdown and HTML are pinned by golden files (tests/golden/matrix/, refreshed with
  ``pytest --update-golden``); HTML is a self-contained page;
- the table does not depend on the order of facts in the file.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from paper_table import parse_table
from policyengine.cli import cli
from policyengine.matrix import build_matrix
from policyengine.models.scenario import Scenario
from policyengine.render.matrix import render
from policyengine.validation.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
WORLDS = {"baseline": SCENARIOS / "baseline_2022.yaml", "korea": SCENARIOS / "korea_new_gov.yaml"}
PAPER = ROOT.parent / "shared" / "seed" / "000_cd568db34d9aead0.txt"
EXTENSIONS = {"text": "txt", "markdown": "md", "html": "html", "csv": "csv"}


@pytest.fixture(scope="module")
def table() -> tuple[list[str], list[str], dict[str, dict[str, str]]]:
    assert PAPER.is_file(), f"the source paper is missing: {PAPER}"
    return parse_table(PAPER.read_text(encoding="utf-8"))


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, ["matrix", *args])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout


@pytest.mark.parametrize("world", sorted(WORLDS))
def test_json_is_the_papers_table_cell_by_cell(
    world: str, table: tuple[list[str], list[str], dict[str, dict[str, str]]]
) -> None:
    frameworks, areas, cells = table
    data = json.loads(run(str(WORLDS[world]), "--format", "json"))
    assert list(data) == ["frameworks", "areas", "cells"]
    assert data["frameworks"] == frameworks
    assert data["areas"] == areas
    assert list(data["cells"]) == frameworks
    for fid in frameworks:
        for area in areas:
            assert data["cells"][fid].get(area) == cells[fid].get(area), f"{fid} x {area}"
        assert set(data["cells"][fid]) <= set(areas), "no cell outside the table"
    assert data["cells"] == cells


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_json_does_not_depend_on_the_language(lang: str) -> None:
    korea = str(WORLDS["korea"])
    assert run(korea, "--format", "json", "--lang", lang) == run(korea, "--format", "json")


def test_csv_holds_the_papers_cells(table: tuple[list[str], list[str], dict[str, dict[str, str]]]) -> None:
    frameworks, areas, cells = table
    rows = list(csv.reader(io.StringIO(run(str(WORLDS["korea"]), "--format", "csv"))))
    assert rows[0] == ["area", *frameworks]
    assert [r[0] for r in rows[1:]] == areas
    for row in rows[1:]:
        assert row[1:] == [cells[f].get(row[0], "") for f in frameworks], row[0]


@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_golden(fmt: str, lang: str, golden) -> None:  # type: ignore[no-untyped-def]
    golden(
        f"matrix/korea.{lang}.{EXTENSIONS[fmt]}", run(str(WORLDS["korea"]), "--format", fmt, "--lang", lang)
    )


def test_golden_all_kinds(golden) -> None:  # type: ignore[no-untyped-def]
    """Alliances and multilateral bodies follow the paper's eight columns, by id."""
    golden("matrix/korea-all-kinds.en.txt", run(str(WORLDS["korea"]), "--all-kinds", "--lang", "en"))


class _Page(HTMLParser):
    """Collects what an HTML page would load from elsewhere, and checks tags are balanced."""

    VOID = frozenset({"meta", "link", "br", "img", "hr", "input", "col", "base", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.external: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("src", "href") or (value and "://" in value):
                self.external.append(f"<{tag} {name}={value}>")
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else ''}>"
        self.open.pop()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_html_is_a_self_contained_page(lang: str) -> None:
    page = run(str(WORLDS["korea"]), "--format", "html", "--lang", lang)
    assert page.startswith("<!DOCTYPE html>\n")
    assert f'<html lang="{lang}">' in page
    assert '<meta charset="utf-8">' in page
    parser = _Page()
    parser.feed(page)
    parser.close()
    assert parser.open == [], "every tag is closed"
    assert parser.external == []
    assert "script" not in parser.tags and "link" not in parser.tags and "iframe" not in parser.tags
    # the heat map's patterns are referenced within the page (url(#dots)); nothing else is
    assert not re.search(r"url\((?!#)", page) and "@import" not in page and "http" not in page


def test_the_table_does_not_depend_on_the_order_of_facts() -> None:
    sc = load_scenario(str(WORLDS["korea"])).scenario
    shuffled = Scenario.model_validate(
        {
            **dict(sc),
            "frameworks": [
                f.model_copy(update={"areas": dict(reversed(f.areas.items()))})
                for f in reversed(sc.frameworks)
            ],
        }
    )
    for fmt in ("text", "json", "csv", "markdown", "html"):
        for lang in ("ja", "en"):
            assert render(build_matrix(shuffled), fmt, lang) == render(build_matrix(sc), fmt, lang)


def test_areas_beyond_the_table_follow_its_rows(tmp_path: Path) -> None:
    def framework(ident: str, kind: str, areas: str) -> str:
        return (
            f"  - id: {ident}\n"
            f"    name: {{ja: {ident}, en: {ident}}}\n"
            "    members: [JPN, AUS]\n"
            f"    kind: {kind}\n"
            "    formal_treaty: false\n"
            "    status: active\n"
            f"    areas: {areas}\n"
        )

    (tmp_path / "extra.yaml").write_text(
        "scenario: {id: extra, title: {ja: 追加, en: Extra}, as_of: 2022-06-01}\n"
        "areas:\n  - {id: undersea-cables, name: {ja: 海底ケーブル, en: Undersea cables}}\n"
        "countries:\n"
        "  - {code: JPN, name: {ja: 日本, en: Japan}, region: indo-pacific, alignment: us-ally,"
        " indo_pacific_engagement: steady}\n"
        "  - {code: AUS, name: {ja: 豪州, en: Australia}, region: indo-pacific, alignment: us-ally,"
        " indo_pacific_engagement: steady}\n"
        "frameworks:\n"
        + framework("jpn-aus-b", "minilateral", "{undersea-cables: focus, sea-lane-defense: mentioned}")
        + framework("jpn-aus-a", "minilateral", "{hadr: focus}")
        + framework("jpn-aus-alliance", "alliance", "{north-korea: focus}"),
        encoding="utf-8",
    )
    data = json.loads(run(str(tmp_path / "extra.yaml"), "--format", "json"))
    assert data["frameworks"] == ["jpn-aus-a", "jpn-aus-b"]
    assert data["areas"][:12] == parse_table(PAPER.read_text(encoding="utf-8"))[1]
    assert data["areas"][12:] == ["sea-lane-defense", "undersea-cables"]
    assert data["cells"] == {
        "jpn-aus-a": {"hadr": "focus"},
        "jpn-aus-b": {"sea-lane-defense": "mentioned", "undersea-cables": "focus"},
    }
    text = run(str(tmp_path / "extra.yaml"), "--lang", "en")
    assert "Undersea cables" in text and "Sea-lane defence" in text
    everything = json.loads(run(str(tmp_path / "extra.yaml"), "--format", "json", "--all-kinds"))
    assert everything["frameworks"] == ["jpn-aus-a", "jpn-aus-alliance", "jpn-aus-b"]
