"""The scenario data against the paper it encodes.

- both worlds load and validate;
- every quote in the files occurs in the paper (whitespace ignored), under the section it names;
- the matrix of both worlds is the paper's table, parsed here from the paper's own text;
- korea_new_gov differs from the baseline only by the ROK government-change event.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from paper_table import TABLE_FOOTNOTE, TABLE_TITLE, parse_table
from policyengine.loading.sources import SourceText, load_source
from policyengine.matrix import build_matrix
from policyengine.models.common import Source
from policyengine.models.scenario import SECTIONS, Scenario
from policyengine.validation.scenario import LoadedScenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "baseline_2022.yaml"
KOREA = SCENARIOS / "korea_new_gov.yaml"
FILES = (BASELINE, KOREA)
PAPER = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_cd568db34d9aead0.txt"

DOCUMENT = "minilateral-2022"
LOCATORS = ("ミニラテラリズムの意義と役割", "表", "日本への含意")
NEW_EVENT = "kor-new-government-2022"

# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def paper() -> SourceText:
    # The paper is part of the project's shared inputs: its absence is a failure, not a skip.
    assert PAPER.is_file(), f"the source paper is missing: {PAPER}"
    return load_source(PAPER)


@pytest.fixture(scope="module")
def baseline() -> LoadedScenario:
    return load_scenario(str(BASELINE))


@pytest.fixture(scope="module")
def korea() -> LoadedScenario:
    return load_scenario(str(KOREA))


@pytest.fixture(scope="module")
def paper_table(paper: SourceText) -> tuple[list[str], list[str], dict[str, dict[str, str]]]:
    """(framework ids, area ids, cells) parsed from the paper's text."""
    return parse_table(paper.raw)


# ----------------------------------------------------------------------------- helpers


def _label(item: dict[str, Any]) -> str:
    for key in ("id", "code", "partner"):
        if key in item:
            return f"[{item[key]}]"
    return ""


def _sources_in(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every ``source`` mapping anywhere in a raw YAML tree, with a readable path to its fact."""
    if isinstance(node, dict):
        src = node.get("source")
        if isinstance(src, dict):
            yield path, src
        for key, value in node.items():
            if key != "source":
                yield from _sources_in(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            label = _label(item) if isinstance(item, dict) else ""
            yield from _sources_in(item, f"{path}{label or f'[{i}]'}")


def _model_sources(scenario: Scenario) -> Iterator[tuple[str, Source]]:
    """Every Source of the merged world's facts and of the frameworks' mechanisms."""
    for section in SECTIONS:
        for fact in getattr(scenario, section.key):
            fact_id = section.fact_id(fact)
            src = getattr(fact, "source", None)
            if src is not None:
                yield fact_id, src
            for mech in getattr(fact, "mechanisms", []):
                if mech.source is not None:
                    yield f"{fact_id}/mechanism:{mech.id}", mech.source


# ----------------------------------------------------------------------------- (a) loading


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_scenario_loads(path: Path) -> None:
    loaded = load_scenario(str(path))
    assert loaded.scenario.countries and loaded.scenario.frameworks


def test_headers(baseline: LoadedScenario, korea: LoadedScenario) -> None:
    assert baseline.scenario.scenario.id == "baseline-2022"
    assert str(baseline.scenario.scenario.as_of) == "2022-05-09"
    assert korea.scenario.scenario.id == "korea-new-gov"
    assert str(korea.scenario.scenario.as_of) == "2022-06-01"
    assert korea.scenario.scenario.extends == "baseline_2022.yaml"


# ----------------------------------------------------------------------------- (b) quotes


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_quote_occurs_in_the_paper(path: Path, paper: SourceText) -> None:
    tree = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = list(_sources_in(tree, ""))
    assert found, f"{path.name}: no sources at all"
    missing = [
        f"{path.name}: {where}: quote not in the paper: {src['quote']!r}"
        for where, src in found
        if src.get("quote") is not None and not paper.contains(str(src["quote"]))
    ]
    assert not missing, "\n".join(missing)


def test_quotes_are_written_without_extraction_spaces() -> None:
    for path in FILES:
        tree = yaml.safe_load(path.read_text(encoding="utf-8"))
        for where, src in _sources_in(tree, ""):
            quote = src.get("quote")
            if quote is not None:
                assert not re.search(r"\s", str(quote)), f"{path.name}: {where}: {quote!r}"


# ----------------------------------------------------------------------------- (c) the table


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_matrix_is_the_papers_table(
    path: Path, paper_table: tuple[list[str], list[str], dict[str, dict[str, str]]]
) -> None:
    frameworks, areas, cells = paper_table
    got = build_matrix(load_scenario(str(path)).scenario).to_dict()
    assert got["frameworks"] == frameworks
    assert got["areas"] == areas
    got_cells = got["cells"]
    assert isinstance(got_cells, dict)
    for fid in frameworks:
        for area in areas:
            assert got_cells[fid].get(area) == cells[fid].get(area), (
                f"{path.name}: {fid} x {area}: expected {cells[fid].get(area)}, "
                f"got {got_cells[fid].get(area)}"
            )
    assert got_cells == cells


def test_table_parser_reads_every_cell(
    paper: SourceText, paper_table: tuple[list[str], list[str], dict[str, dict[str, str]]]
) -> None:
    frameworks, areas, cells = paper_table
    assert len(frameworks) * len(areas) == 96
    # Sanity check of the parser: as many marks as the table's text holds, symbol by symbol.
    body = paper.raw[paper.raw.index(TABLE_TITLE) + len(TABLE_TITLE) : paper.raw.index(TABLE_FOOTNOTE)]
    assert sum(v == "focus" for row in cells.values() for v in row.values()) == body.count("◎")
    assert sum(v == "mentioned" for row in cells.values() for v in row.values()) == body.count("〇")
    assert 96 - sum(len(row) for row in cells.values()) == len(re.findall(r"(?<=\s)-(?=\s)", body))


# ----------------------------------------------------------------------------- (d) the change


def test_korea_new_gov_adds_only_the_government_change(
    baseline: LoadedScenario, korea: LoadedScenario
) -> None:
    for section in SECTIONS:
        before = {section.identity(f): f for f in getattr(baseline.scenario, section.key)}
        after = {section.identity(f): f for f in getattr(korea.scenario, section.key)}
        if section.key == "events":
            assert NEW_EVENT not in before
            assert set(after) - set(before) == {NEW_EVENT}
            after.pop(NEW_EVENT)
        assert after == before, f"section {section.key} differs"

    event = next(e for e in korea.scenario.events if e.id == NEW_EVENT)
    assert event.kind == "government-change"
    assert str(event.date) == "2022-05-10"
    assert event.country == "KOR"
    assert event.stance is not None and event.stance.indo_pacific_engagement == "increasing"
    # The country fact is unchanged: the event carries the change.
    kor = korea.scenario.country("KOR")
    assert kor is not None and kor.indo_pacific_engagement == "steady"


# ----------------------------------------------------------------------------- (e) locators


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_paper_sources_name_a_section(path: Path, paper: SourceText) -> None:
    problems: list[str] = []
    for where, src in _model_sources(load_scenario(str(path)).scenario):
        if src.document != DOCUMENT:
            continue
        if src.locator not in LOCATORS:
            problems.append(f"{where}: locator {src.locator!r} is not one of {LOCATORS}")
        elif src.quote is not None and paper.section_of(src.quote) != src.locator:
            problems.append(
                f"{where}: quote is in {paper.section_of(src.quote)!r}, locator says {src.locator!r}"
            )
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_every_source_cites_the_paper_by_its_id() -> None:
    for path in FILES:
        tree = yaml.safe_load(path.read_text(encoding="utf-8"))
        for where, src in _sources_in(tree, ""):
            assert src.get("document") == DOCUMENT, f"{path.name}: {where}: {src.get('document')!r}"


# ----------------------------------------------------------------------------- (e) world_2025

WORLD = SCENARIOS / "world_2025.yaml"


def test_world_2025_quotes_occur_in_the_paper(paper: SourceText) -> None:
    tree = yaml.safe_load(WORLD.read_text(encoding="utf-8"))
    missing = [
        f"{where}: {src['quote']!r}"
        for where, src in _sources_in(tree, "")
        if src.get("quote") is not None and not paper.contains(str(src["quote"]))
    ]
    assert not missing, "\n".join(missing)


def _entries(tree: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every fact world_2025 writes, each mechanism, and each dated history entry."""
    for key in ("frameworks", "agreements", "asset_protection", "events", "capabilities"):
        for item in tree.get(key, []):
            where = f"{key}{_label(item)}"
            yield where, item
            for m in item.get("mechanisms", []):
                yield f"{where}.mechanisms{_label(m)}", m
            for holder in (item, *item.get("mechanisms", [])):
                for i, entry in enumerate(holder.get("history", [])):
                    yield f"{where}{_label(holder) if holder is not item else ''}.history[{i}]", entry


def test_world_2025_every_fact_is_sourced_with_issuer_document_and_date() -> None:
    tree = yaml.safe_load(WORLD.read_text(encoding="utf-8"))
    problems = []
    for where, item in _entries(tree):
        if "history" in item:
            continue  # its entries carry the sources
        src = item.get("source")
        if not isinstance(src, dict):
            if not item.get("note"):
                problems.append(f"{where}: neither a source nor a note saying why there is none")
            elif any(k in item for k in ("since", "date", "established")):
                problems.append(f"{where}: a dated fact without a source")
            continue
        if src.get("document") == "minilateral-2022":
            if not (src.get("quote") and src.get("locator")):
                problems.append(f"{where}: the paper cited without locator and quote")
        elif not (src.get("issuer") and src.get("document") and src.get("date")):
            problems.append(f"{where}: a source beyond the paper needs issuer, document and date")
    assert not problems, "\n".join(problems)
