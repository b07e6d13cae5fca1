"""The pictures (docs/pictures.md): timeline, derivation graph, matrix heat map, sweep report.

Each is a self-contained HTML page with inline SVG; these tests pin them as golden files, check
they are byte-identical from run to run, and check what they draw against the result data they
are drawn from (lanes and markers against the timeline, cells against the matrix, failing
conditions against the why-not). tests/test_pictures_browser.py looks at them in chromium.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from policyengine.cli import cli

KOREA = "scenarios/korea_new_gov.yaml"
BASELINE = "scenarios/baseline_2022.yaml"
WORLD = "scenarios/world_2025.yaml"
VARY = "variations/korea_new_gov.yaml"
#: Anything that would make a page load from the network or run code.
EXTERNAL = re.compile(
    r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|<script|<link|@import""",
    re.I,
)


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # file names in the pages are relative to the repository


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def changed_world(tmp_path: Path) -> Path:
    """The baseline with the Quad's table row edited: maritime security ◎ -> 〇, HADR 〇 -> -,
    supply chains 〇 -> ◎ (and a scenario id of its own)."""
    lines = (ROOT / BASELINE).read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "- id: quad")
    areas = next(i for i in range(start, len(lines)) if lines[i].strip() == "areas:")
    out = []
    for i, line in enumerate(lines):
        if areas < i < areas + 14:
            if line.strip() == "maritime-security: focus":
                line = line.replace("focus", "mentioned")
            elif line.strip() == "hadr: mentioned":
                continue
            elif line.strip() == "supply-chain: mentioned":
                line = line.replace("mentioned", "focus")
        out.append(line)
    text = "\n".join(out) + "\n"
    text = text.replace("  id: baseline-2022\n", "  id: quad-reshaped\n", 1)
    path = tmp_path / "quad_reshaped.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def world_sized(tmp_path: Path) -> Path:
    """korea_new_gov with decades of history: RAAs with nine partners negotiated, signed and in
    force between 2023 and 2053, and three government changes in each of ten countries (after the
    start of the record, korea_new_gov's chain's 2022-05-09, as dated facts must be)."""
    partners = ["FRA", "CAN", "DEU", "IND", "IDN", "MYS", "PHL", "SGP", "GBR", "EU"]
    lines = [
        "scenario:",
        "  id: world-sized",
        "  title: {ja: 数十年の歴史をもつ世界, en: A world with decades of history}",
        "  as_of: 2060-01-01",
        f"  extends: {ROOT / KOREA}",
        "agreements:",
    ]
    for i, p in enumerate(partners[:9]):
        status = ["negotiating", "signed", "in-force"][i % 3]
        lines += [
            f"  - {{id: raa-jpn-{p.lower()}, kind: raa, parties: [JPN, {p}], status: {status},",
            f"     name: {{ja: 日{p}円滑化協定, en: Japan-{p} RAA}},",
            f"     dates: {{negotiation_started: {2023 + 3 * i}-0{1 + i}-1{i}"
            + (f", signed: {2027 + 3 * i}-0{1 + i}-2{i}" if status != "negotiating" else "")
            + (f", in_force: {2030 + 3 * i}-1{i % 3}-0{1 + i}" if status == "in-force" else "")
            + "}}",
        ]
    lines.append("events:")
    for i, p in enumerate(partners):
        for k, stance in enumerate(["increasing", "decreasing", "increasing"]):
            lines += [
                f"  - {{id: gov-{p.lower()}-{k}, date: {2026 + 3 * i + 9 * k}-0{1 + k}-1{k}, "
                f"kind: government-change, country: {p},",
                f"     name: {{ja: {p}の政権交代{k}, en: government change {k} in {p}}},",
                f"     stance: {{indo_pacific_engagement: {stance}}}}}",
            ]
    path = tmp_path / "world_sized.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def pictures(tmp_path: Path) -> dict[str, str]:
    """Every picture of the shipped scenarios, as the CLI writes it (name -> HTML)."""
    against = changed_world(tmp_path)
    report = tmp_path / "sweep.html"
    run(
        "sweep",
        KOREA,
        "--vary",
        VARY,
        "--sample",
        "24",
        "--seed",
        "3",
        "-q",
        "--report",
        str(report),
        "--lang",
        "en",
    )
    return {
        "timeline/korea_new_gov.ja.html": run("timeline", KOREA, "--format", "html"),
        "timeline/world_2025.ja.html": run("timeline", WORLD, "--format", "html"),
        "timeline/world_2025.changes.en.html": run(
            "timeline", WORLD, "--format", "html", "--lang", "en", "--changes-only"
        ),
        "timeline/korea_new_gov.changes.en.html": run(
            "timeline", KOREA, "--format", "html", "--lang", "en", "--changes-only"
        ),
        "explain/graph-propose-framework-AUS+JPN+KOR.ja.html": run(
            "explain", KOREA, "propose-framework/AUS+JPN+KOR", "--format", "html"
        ),
        "explain/graph-whynot-extend-asset-protection-AUS.en.html": run(
            "explain", KOREA, "extend-asset-protection/AUS", "--format", "html", "--lang", "en"
        ),
        "matrix/korea.ja.html": run("matrix", KOREA, "--format", "html"),
        "matrix/korea.en.html": run("matrix", KOREA, "--format", "html", "--lang", "en"),
        "matrix/against-quad-reshaped.en.html": run(
            "matrix", BASELINE, "--against", str(against), "--format", "html", "--lang", "en"
        ),
        "sweep/korea-sample24.en.html": report.read_text(encoding="utf-8"),
    }


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    import os

    here = os.getcwd()
    os.chdir(ROOT)
    try:
        return pictures(tmp_path_factory.mktemp("pictures"))
    finally:
        os.chdir(here)


def test_pictures_are_golden(pages: dict[str, str], golden) -> None:  # type: ignore[no-untyped-def]
    for name, html in pages.items():
        golden(name, html)


def test_pictures_are_byte_identical_on_rerun(pages: dict[str, str], tmp_path: Path) -> None:
    assert pictures(tmp_path) == pages


def test_pictures_are_self_contained(pages: dict[str, str]) -> None:
    for name, html in pages.items():
        assert not EXTERNAL.search(html), (name, EXTERNAL.search(html))
        assert "<svg" in html and "Noto Sans CJK JP" in html, name
        assert "@media print" in html, name


def test_the_timeline_draws_every_change_of_the_timeline(pages: dict[str, str]) -> None:
    from policyengine.api import load
    from policyengine.timeline import timeline

    t = timeline(load(WORLD))
    html = pages["timeline/world_2025.ja.html"]
    changes = [o for s in t.steps for o in (*s.diff.recommendations, *s.diff.risks)]
    assert html.count('class="on"') == sum(1 for o in changes if o.change == "added")
    assert html.count('class="off"') == sum(1 for o in changes if o.change == "removed")
    assert html.count('class="changed"') == sum(1 for o in changes if o.change == "changed")
    # a bar from the start for every outcome there at the start, and one from every switch-on
    initial = len(t.initial.recommendations) + len(t.initial.risks)
    assert html.count('class="span ') == initial + sum(1 for o in changes if o.change == "added")
    assert html.count('class="span risk"') == len(t.initial.risks) + sum(
        1 for o in changes if o.change == "added" and o.kind == "risk"
    )
    for step in t.steps:  # every date has its numbered event and legend entry
        assert f"<strong>{step.date.isoformat()}</strong>" in html
    assert "scenarios/world_2025.yaml:" in html  # facts cite where they are written


def test_changes_only_leaves_out_dates_and_lanes_without_changes(pages: dict[str, str]) -> None:
    full = pages["timeline/world_2025.ja.html"]
    short = pages["timeline/world_2025.changes.en.html"]
    assert short.count("<strong>") < full.count("<strong>")
    # the first Japan-US-Australia-Philippines ministers' meeting changes no recommendation
    assert "<strong>2023-06-03</strong>" in full and "2023-06-03" not in short
    assert "<strong>2023-01-11</strong>" in short
    assert short.count('class="span ') < full.count('class="span ')
    assert "not shown (--changes-only)" in short


def test_the_derivation_graph_has_a_box_per_node_with_its_passage(pages: dict[str, str]) -> None:
    from policyengine.api import load, load_pack
    from policyengine.explain import explain_outcome

    ex = explain_outcome(load(KOREA), load_pack(None), "propose-framework/AUS+JPN+KOR")
    assert ex.derivation is not None
    html = pages["explain/graph-propose-framework-AUS+JPN+KOR.ja.html"]
    assert html.count('class="node outcome"') == 1
    rules = {a.rule.id for a in ex.derivation.applications}
    assert rules == {"propose-framework"}
    for app in ex.derivation.applications:  # the rule's passage is in the legend, in 「」
        assert f"「{app.rule.quote}」" in html
    assert 'class="node derived"' in html and 'class="node fact"' in html
    assert "fails" not in html.split("<figure", 1)[1].split("</figure>", 1)[0]


def test_why_not_highlights_the_failing_condition(pages: dict[str, str]) -> None:
    html = pages["explain/graph-whynot-extend-asset-protection-AUS.en.html"]
    assert html.count('class="node outcome-not"') == 1
    failing = re.findall(r'<g class="node [a-z-]+ fails"><title>([^<]*)</title>', html)
    assert failing, "no failing condition drawn"
    assert any("no SDF asset protection" in f for f in failing)
    assert any("asset_protection:AUS" in f for f in failing)  # the fact that blocks it
    assert '<li value="' in html and 'class="fails"' in html  # and in the legend, marked


def test_the_heat_map_has_a_cell_per_framework_and_area(pages: dict[str, str]) -> None:
    from policyengine.api import load
    from policyengine.matrix import build_matrix

    m = build_matrix(load(KOREA).scenario)
    html = pages["matrix/korea.ja.html"]
    cells = re.findall(r'<g class="cell"><title>[^<]*</title>\s*<rect [^>]*fill="([^"]+)"', html)
    assert len(cells) == len(m.frameworks) * len(m.areas)
    levels = [m.level(f.id, a) for a in m.areas for f in m.frameworks]
    fills = {"focus": "#2f5f8f", "mentioned": "url(#dots)", None: "#ffffff"}
    assert cells == [fills[x] for x in levels]  # ◎ dark, 〇 dotted, - white: apart in greyscale
    assert 'class="cell changed"' not in html


def test_against_marks_exactly_the_cells_that_changed(pages: dict[str, str]) -> None:
    html = pages["matrix/against-quad-reshaped.en.html"]
    marked = re.findall(r'<g class="cell changed"><title>([^<]*)</title>', html)
    assert len(marked) == 3
    assert any("Maritime security: 〇" in m and "was: ◎" in m for m in marked)
    assert any("Supply chains: ◎" in m and "was: 〇" in m for m in marked)
    assert "Cells that changed (baseline-2022 → quad-reshaped)" in html


def test_against_needs_the_html_picture() -> None:
    result = CliRunner().invoke(cli, ["matrix", BASELINE, "--against", KOREA])
    assert result.exit_code == 2
    assert "--format html" in result.output


def test_the_sweep_report_charts_the_summary(tmp_path: Path, pages: dict[str, str]) -> None:
    from policyengine.sweep.runner import run_sweep

    s = run_sweep(KOREA, VARY, sample=24, seed=3).summary
    html = pages["sweep/korea-sample24.en.html"]
    for r in s.recommendations:
        assert '<rect x="' in html and f"<title>{r.id}: " in html
    for r in (r for r in s.recommendations if r.drivers):
        assert f"<h3><code>{r.id}</code>" in html
        for d in r.drivers:
            for value in d.rates:
                assert f"{d.dimension} = {value}: " in html


def test_the_sweep_report_leaves_the_results_files_as_they_were(tmp_path: Path) -> None:
    for ext in ("csv", "jsonl"):
        plain, charted = tmp_path / f"plain.{ext}", tmp_path / f"charted.{ext}"
        common = ["sweep", KOREA, "--vary", VARY, "--sample", "6", "--seed", "1", "-q"]
        a = run(*common, "-o", str(plain))
        b = run(*common, "-o", str(charted), "--report", str(tmp_path / "r.html"))
        assert a == b
        assert plain.read_bytes() == charted.read_bytes()
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_world_sized_timeline_stays_readable(tmp_path: Path) -> None:
    from policyengine.api import load
    from policyengine.timeline import timeline

    world = world_sized(tmp_path)
    t = timeline(load(str(world)))
    assert len(t.steps) > 45 and t.steps[-1].date.year - t.steps[1].date.year > 25  # decades
    html = run("timeline", str(world), "--format", "html", "--lang", "en")
    width = float(re.findall(r'<svg width="([0-9.]+)" height="[0-9.]+" viewBox', html)[-1])
    assert width < 2400, "one column per date, narrower for long histories"
    assert len(re.findall(r"<circle [^>]*/>", html)) >= len(t.steps)  # a numbered event per date
    lanes = {o.id for s in t.steps for o in (*s.diff.recommendations, *s.diff.risks)}
    assert len(lanes) > 24  # dozens of lanes
    for oid in lanes:
        assert f"<title>{oid}</title>" in html


def test_the_trace_is_not_drawn() -> None:
    result = CliRunner().invoke(
        cli, ["explain", KOREA, "extend-asset-protection/GBR", "--trace", "--format", "html"]
    )
    assert result.exit_code == 2
    assert "--trace" in result.output
