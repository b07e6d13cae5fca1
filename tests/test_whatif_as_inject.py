"""``whatif --as-inject``: every verified change set printed as an inject that, pasted into an
exercise, makes exactly the change the answer was verified on (the recommendation flips)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from policyengine.cli import cli
from policyengine.exercise.load import load_exercise
from policyengine.exercise.runner import play

ROOT = Path(__file__).resolve().parents[1]
KOREA = str(ROOT / "scenarios" / "korea_new_gov.yaml")

EXERCISE = f"""exercise:
  id: pasted
  title: {{ja: 貼り付け, en: Pasted}}
  scenario: {KOREA}
cells:
  - id: mofa
    name: {{ja: 外務省, en: MOFA}}
moves:
  - id: move-1
    title: {{ja: 第1ムーブ, en: First move}}
    date: 2022-06-01
    injects:
"""


def _injects(rec: str) -> list[tuple[str, str]]:
    result = CliRunner().invoke(cli, ["whatif", KOREA, rec, "--as-inject", "--lang", "en"])
    assert result.exit_code == 0, result.output
    # one block per answer: its comment line, then the inject indented to paste under 'injects:'
    blocks = re.split(r"\n(?=# \d+\. )", result.stdout.strip("\n"))
    assert blocks[0].startswith(f"# whatif {rec} on scenario 'korea-new-gov' as of 1 June 2022:")
    out = []
    for block in blocks[1:]:
        comment, _, body = block.partition("\n")
        assert body.startswith("      - id: whatif-")
        out.append((comment, body))
    return out


@pytest.mark.parametrize(("rec", "count"), [("propose-framework/AUS+JPN+KOR", 12), ("conclude-raa/GBR", 1)])
def test_each_printed_inject_flips_the_recommendation(  # type: ignore[no-untyped-def]
    tmp_path: Path, compiled_pack, rec: str, count: int
) -> None:
    injects = _injects(rec)
    assert len(injects) == count
    kinds = set()
    for i, (comment, body) in enumerate(injects):
        path = tmp_path / f"x{i}.yaml"
        path.write_text(EXERCISE + body + "\n", encoding="utf-8")
        ex = load_exercise(str(path), pack=compiled_pack)
        (inject,) = ex.moves[0].injects
        kinds |= set(inject.touched().values())
        run = play(ex, compiled_pack)
        assert run.start_result.recommendation(rec) is not None, comment
        assert run.moves[0].result.recommendation(rec) is None, comment
    # the answers above need every kind of block
    assert kinds == ({"add", "update", "remove"} if count > 1 else {"remove"})


def test_an_update_names_only_what_changes() -> None:
    injects = dict(_injects("propose-framework/AUS+JPN+KOR"))
    comment = "# 4. country:KOR alignment: us-ally -> us-competitor; also removes bilateral-cooperation/KOR"
    assert injects[comment].rstrip("\n").split("\n")[-4:] == [
        "        update:",
        "          countries:",
        "          - code: KOR",
        "            alignment: us-competitor",
    ]


def test_as_inject_takes_no_other_format() -> None:
    result = CliRunner().invoke(cli, ["whatif", KOREA, "conclude-raa/GBR", "--as-inject", "--format", "json"])
    assert result.exit_code == 2
    assert "E501: --as-inject prints YAML: it does not take --format json" in result.stderr


def test_as_inject_comments_are_in_the_sessions_language() -> None:
    """The comments around the YAML speak the language asked; the YAML itself is the same."""
    ja = CliRunner().invoke(cli, ["whatif", KOREA, "conclude-raa/GBR", "--as-inject", "--lang", "ja"]).stdout
    en = CliRunner().invoke(cli, ["whatif", KOREA, "conclude-raa/GBR", "--as-inject", "--lang", "en"]).stdout
    assert ja.startswith("# シナリオ'korea-new-gov'（2022年6月1日時点）へのwhatif conclude-raa/GBR：")
    assert "each inject below" not in ja and "also removes" not in ja
    yaml_lines = [[ln for ln in out.splitlines() if not ln.startswith("#")] for out in (ja, en)]
    assert yaml_lines[0] == yaml_lines[1]
