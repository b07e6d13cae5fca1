"""The documentation keeps up with the code.

- every command of the CLI (nested groups too) has a row in README's Commands table and is
  described somewhere under docs/;
- docs/errors.md describes every code of ``errors.CODES`` (errors and lint findings) with its
  meaning, and an example for each code the code base reports (the others are marked reserved);
- the examples of reading, schema and reference errors are messages the loader really gives, and
  those of lint findings are what ``rules lint`` reports for the seeded packs of tests/packs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from policyengine.cli import cli
from policyengine.errors import CODES
from test_loader_errors import CASES

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
SRC = ROOT / "src" / "policyengine"


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, bool]]:
    """Every command as ``"rules list"``, and whether it is a group."""
    for name, command in sorted(group.commands.items()):
        if command.hidden:
            continue
        path = (*prefix, name)
        is_group = isinstance(command, click.Group)
        yield " ".join(path), is_group
        if is_group:
            assert isinstance(command, click.Group)
            yield from command_paths(command, path)


COMMANDS = list(command_paths(cli))


def readme_commands() -> list[str]:
    """The command words of each row of README's Commands table (up to the first argument)."""
    text = README.read_text(encoding="utf-8")
    table = text.split("## Commands", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in table.splitlines():
        m = re.match(r"\|\s*`policyengine ((?:[a-z][a-z-]*(?: |`))+)", line)
        if m:
            rows.append(m[1].rstrip("` "))
    return rows


def test_the_cli_has_commands() -> None:
    assert {"evaluate", "validate", "schema", "matrix"} <= {path for path, _ in COMMANDS}


@pytest.mark.parametrize(("path", "is_group"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_is_in_the_readme(path: str, is_group: bool) -> None:
    rows = readme_commands()
    if is_group:
        assert any(r.startswith(path + " ") for r in rows), f"no README row for a '{path}' subcommand"
    else:
        assert path in rows, f"README's Commands table has no row for 'policyengine {path}'"


@pytest.mark.parametrize(("path", "is_group"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_is_described_in_docs(path: str, is_group: bool) -> None:
    pattern = re.compile(rf"policyengine {re.escape(path)}(?![a-z-])")
    pages = [p.name for p in sorted(DOCS.glob("*.md")) if pattern.search(p.read_text(encoding="utf-8"))]
    assert pages, f"no page under docs/ describes 'policyengine {path}'"


def test_readme_rows_are_commands() -> None:
    known = {path for path, _ in COMMANDS}
    assert [r for r in readme_commands() if r not in known] == []


# ----------------------------------------------------------------------------- docs/errors.md


def error_sections() -> dict[str, tuple[str, str]]:
    """code -> (title, body) of each '### EXXX title' (or LXXX) section of docs/errors.md."""
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    parts = re.split(r"^### ([ELW]\d{3}) (.+)$", text, flags=re.MULTILINE)
    return {parts[i]: (parts[i + 1].strip(), parts[i + 2]) for i in range(1, len(parts), 3)}


def reported_codes() -> set[str]:
    """Codes the code base reports: those written as a literal outside the table of codes."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name == "errors.py" and path.parent == SRC:
            text = re.sub(r"(?s)^CODES: .*?^\}", "", text, flags=re.MULTILINE)  # the table itself
        found |= set(re.findall(r"[\"']([ELW]\d{3})[\"']", text))
    return found


def test_errors_md_lists_every_code_with_its_meaning() -> None:
    sections = error_sections()
    assert sorted(sections) == sorted(CODES), "docs/errors.md sections vs errors.CODES"
    for code, (title, _) in sections.items():
        assert title == CODES[code], f"{code}: heading '{title}' vs CODES '{CODES[code]}'"


@pytest.mark.parametrize("code", sorted(CODES))
def test_errors_md_has_an_example_of_each_reported_code(code: str) -> None:
    _, body = error_sections()[code]
    examples = re.findall(r"```\n(.*?)```", body, flags=re.DOTALL)
    if code in reported_codes():
        assert any(f": {code}: " in e for e in examples), f"{code}: no example message in docs/errors.md"
    else:
        assert body.strip().startswith("Reserved"), f"{code} is never reported: mark it reserved"
        assert examples == []


def test_error_examples_are_real_messages() -> None:
    """Examples of E1xx-E3xx are taken from the exact reports of tests/test_loader_errors.py."""
    reports = "\n".join(case.expected for case in CASES)
    for code, (_, body) in error_sections().items():
        # E103 needs a refused read (test_unreadable_file); E109, E118 and E308 come from writing,
        # logs and evaluation (test_examples_of_writing_logs_and_limits); E309 from evaluate --as-of
        # (test_timeline.test_a_date_before_the_start_of_the_record_is_refused)
        elsewhere = ("E100", "E103", "E109", "E118", "E308", "E309")
        if not code.startswith(("E1", "E2", "E3")) or code in elsewhere:
            continue
        for example in re.findall(r"```\n(.*?)```", body, flags=re.DOTALL):
            assert example.rstrip("\n") in reports, f"{code}: example not produced by any case:\n{example}"


def _example(code: str) -> str:
    (example,) = re.findall(r"```\n(.*?)```", error_sections()[code][1], flags=re.DOTALL)
    return str(example).rstrip("\n")


def test_examples_of_writing_logs_and_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The examples of E109, E118, E308 and E407 are what policyengine reports."""
    import errno
    import os

    from policyengine.api import evaluate, load, load_pack
    from policyengine.engine import runtime
    from policyengine.errors import InputError
    from policyengine.loading import jsonlines
    from policyengine.system import fileio

    monkeypatch.chdir(tmp_path)

    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(os, "write", full)
        with pytest.raises(InputError) as info:
            fileio.atomic_write_text("report.md", "x")
    assert info.value.render() == _example("E109")

    (tmp_path / "ttx.jsonl").write_bytes(b'{"seq":0}\n{"seq":1}\n{"seq":2,"ty')
    torn = jsonlines.read_jsonl("ttx.jsonl").torn
    assert torn is not None and torn.format() == _example("E118")

    values = ", ".join(f"e{i}" for i in range(65))
    (tmp_path / "e407.yaml").write_text(
        "pack:\n  id: demo\n  title: {ja: 例, en: Example}\nrules:\n  - id: demo-rule\n"
        "    title: {ja: 例, en: Example}\n"
        "    source: {document: minilateral-2022, section: 日本への含意, quote: 日本への含意}\n"
        "    when:\n      - match: event\n        as: e\n"
        f"        where: {{id: {{in: [{values}]}}}}\n"
        "    then:\n      derive: [{kind: demo, fields: {id: $e.id}}]\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        load_pack("e407.yaml")
    assert info.value.render() == _example("E407")

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(runtime, "MAX_VIEW_FACTS", 100)
    with pytest.raises(InputError) as info:
        evaluate(load("scenarios/korea_new_gov.yaml"))
    assert info.value.render() == _example("E308")


def test_lint_examples_are_real_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Examples of lint findings (L1xx, E406) are what `rules lint` reports for the seeded packs."""
    from policyengine.loading.sources import load_source
    from policyengine.ruletools.lint import lint_pack

    paper = ROOT.parent / "shared" / "seed" / "000_cd568db34d9aead0.txt"
    assert paper.is_file(), f"the source paper is missing: {paper}"
    monkeypatch.chdir(ROOT)
    scenarios = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "scenarios").glob("*.yaml"))]
    source = load_source(paper)
    for code, (_, body) in error_sections().items():
        if not (code.startswith("L") or code == "E406"):
            continue
        examples = re.findall(r"```\n(.*?)```", body, flags=re.DOTALL)
        assert examples, f"{code}: no example"
        for example in examples:
            pack = example.split(":", 1)[0]
            findings = "\n".join(d.format() for d in lint_pack(pack, source, scenarios).findings)
            assert example.rstrip("\n") in findings, f"{code}: example not reported for {pack}:\n{findings}"


# ----------------------------------------------------------------------------- docs/scenarios.md

SCENARIOS_MD = DOCS / "scenarios.md"


def test_scenarios_md_example_of_extends_is_valid(tmp_path: Path) -> None:
    """The extends/remove example loads on top of the shipped scenarios and does what it says."""
    from policyengine.validation.scenario import load_scenario

    text = SCENARIOS_MD.read_text(encoding="utf-8")
    (example,) = re.findall(r"```yaml\n(# scenarios/gbr_raa_signed\.yaml.*?)```", text, flags=re.DOTALL)
    for shipped in (ROOT / "scenarios").glob("*.yaml"):
        (tmp_path / shipped.name).write_bytes(shipped.read_bytes())
    (tmp_path / "gbr_raa_signed.yaml").write_text(example, encoding="utf-8")
    world = load_scenario(str(tmp_path / "gbr_raa_signed.yaml")).scenario
    raa = next(a for a in world.agreements if a.id == "raa-jpn-gbr")
    assert raa.status == "signed"
    assert "jpn-defense-budget" not in {c.id for c in world.capabilities}


def test_scenarios_md_documents_every_field_and_value() -> None:
    """Each key of each section, and each allowed value, appears in docs/scenarios.md."""
    from typing import Literal, get_args, get_origin

    from pydantic import BaseModel

    from policyengine.models import scenario as sm
    from policyengine.models.common import Source

    text = SCENARIOS_MD.read_text(encoding="utf-8")
    models: list[type[BaseModel]] = [sm.ScenarioHeader, sm.Mechanism, sm.AgreementDates, sm.Stance, Source]
    models += [s.model for s in sm.SECTIONS]
    missing: list[str] = []
    for model in models:
        for name, field in model.model_fields.items():
            if f"`{name}`" not in text:
                missing.append(f"{model.__name__}.{name}")
            for tp in [field.annotation, *get_args(field.annotation)]:
                if get_origin(tp) is Literal:
                    missing += [f"{model.__name__}.{name}={v}" for v in get_args(tp) if f"`{v}`" not in text]
    for section in sm.SECTIONS:
        if f"## {section.key}" not in text:
            missing.append(f"section {section.key}")
    assert missing == []
