"""durable-rules faults, prevented by construction: each case runs in a fresh process, where a
regression would show as a crash (negative return code) instead of taking the suite down."""

from __future__ import annotations

from pathlib import Path

from hostile.harness import ForkRunner, check_not_broken

MINIMAL = """\
scenario:
  id: minimal
  title: {ja: 最小, en: minimal}
  as_of: 2022-01-01
countries:
  - code: JPN
    name: {ja: 日本, en: Japan}
    region: indo-pacific
    alignment: us-ally
    indo_pacific_engagement: steady
"""


def test_a_scenario_no_rule_matches_evaluates(runner: ForkRunner, tmp_path: Path) -> None:
    # durable-rules used to free an uninitialised pointer when deleting a session in which no
    # action ever ran: this valid scenario crashed the interpreter (SIGSEGV).
    (tmp_path / "minimal.yaml").write_text(MINIMAL, encoding="utf-8")
    o = runner.run(["evaluate", "minimal.yaml", "--lang", "en", "--format", "json"], cwd=tmp_path)
    check_not_broken(o)
    assert o.rc == 0, o.describe()
    assert '"recommendations": []' in o.stdout
