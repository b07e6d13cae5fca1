"""Shared fixtures: paths to the repository's scenarios, rules and the paper."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest

# The compiled-pack and catalog cache (policyengine.system.diskcache) of the test run lives in a
# folder of its own, never in the user's ~/.cache; subprocesses inherit it.
if not os.environ.get("POLICYENGINE_CACHE_DIR"):
    import tempfile

    os.environ["POLICYENGINE_CACHE_DIR"] = tempfile.mkdtemp(prefix="policyengine-test-cache-")

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
RULES = ROOT / "rules"
PAPER = ROOT.parent / "shared" / "seed" / "000_cd568db34d9aead0.txt"


@pytest.fixture(scope="session")
def compiled_pack():  # type: ignore[no-untyped-def]
    from policyengine.api import load_pack

    return load_pack(str(RULES))


@pytest.fixture(scope="session")
def baseline():  # type: ignore[no-untyped-def]
    from policyengine.api import load

    return load(str(SCENARIOS / "baseline_2022.yaml"))


@pytest.fixture(scope="session")
def korea():  # type: ignore[no-untyped-def]
    from policyengine.api import load

    return load(str(SCENARIOS / "korea_new_gov.yaml"))


# -- golden files ------------------------------------------------------------------------------
# Exact-output tests compare with files under tests/golden/. Refresh them with
#     python -m pytest --update-golden
# and review the change in `git diff` before committing.

GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files under tests/golden/ from the current output",
    )


# A golden file names a rule of the shipped pack by its id, not by the line it starts on, so that
# editing one rule does not rewrite every golden file that cites a rule below it:
# `rules/paper.yaml:338:5` in the output is `rules/paper.yaml#extend-asset-protection` in the
# golden file. A location inside a rule (not its start) is kept as it is: there the line is the point.
_RULE_LOCATION = re.compile(r"(?<![\w/.-])rules/([\w.-]+\.yaml):(\d+):(\d+)")


@cache
def _rule_starts(name: str) -> dict[tuple[int, int], str]:
    """``(line, column)`` where each rule of ``rules/NAME`` starts -> the rule's id."""
    import yaml

    path = RULES / name
    if not path.is_file():
        return {}
    root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    starts: dict[tuple[int, int], str] = {}
    for key, value in getattr(root, "value", []):
        if key.value != "rules" or not isinstance(value, yaml.SequenceNode):
            continue
        for rule in value.value:
            ids = [v.value for k, v in getattr(rule, "value", []) if k.value == "id"]
            if ids:
                starts[(rule.start_mark.line + 1, rule.start_mark.column + 1)] = str(ids[0])
    return starts


def rules_by_id(text: str) -> str:
    """``text`` with each location of a rule's start in the shipped pack written as ``FILE#ID``."""

    def name(m: re.Match[str]) -> str:
        rule = _rule_starts(m[1]).get((int(m[2]), int(m[3])))
        return f"rules/{m[1]}#{rule}" if rule else m[0]

    return _RULE_LOCATION.sub(name, text)


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """``golden("explain/extend-gbr.txt", text)``: assert text equals the golden file (rules
    named by id: :func:`rules_by_id`)."""
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        text = rules_by_id(text)
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"missing golden file {path}; run pytest --update-golden and review it"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, (
            f"output differs from {path} (refresh with --update-golden and review the diff)"
        )

    return check


# -- the YAML case corpus (tests/cases/) ---------------------------------------------------------
# Every case file under tests/cases/ is collected (see tests/casefiles.py and tests/cases/README.md);
# a failure names the case file, the line of the case and the case.


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    from casefiles import is_case_file

    if file_path.suffix == ".yaml" and is_case_file(file_path):
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self):  # type: ignore[no-untyped-def]
        from casefiles import CaseFileError, ErrorCase, read_case_file

        try:
            cases = read_case_file(self.path)
        except CaseFileError as exc:
            raise self.CollectError(str(exc)) from None
        if isinstance(cases, ErrorCase):
            yield CaseItem.from_parent(self, name=cases.name, case=cases)
            return
        seen: set[str] = set()
        for case in cases:
            if case.name in seen:
                raise self.CollectError(f"{self.path.name}: two cases are named {case.name!r}")
            seen.add(case.name)
            yield CaseItem.from_parent(self, name=case.name, case=case)

    class CollectError(Exception):
        pass


class CaseItem(pytest.Item):
    def __init__(self, *, case, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        from casefiles import ErrorCase, check_rule_case, run_error_case

        if isinstance(self.case, ErrorCase):
            run_error_case(self.case)
        else:
            check_rule_case(self.case, self._pack())

    def _pack(self):  # type: ignore[no-untyped-def]
        from policyengine.api import load_pack

        return load_pack(str(RULES))

    def repr_failure(self, excinfo, style=None):  # type: ignore[no-untyped-def]
        from casefiles import CaseFailure, relative

        where = f"{relative(self.case.file)}:{self.case.line}: case {self.case.name!r}"
        if isinstance(excinfo.value, CaseFailure):
            return f"{where}\n{excinfo.value}"
        return f"{where}\n{super().repr_failure(excinfo, style=style)}"

    def reportinfo(self):  # type: ignore[no-untyped-def]
        return self.path, self.case.line - 1, f"case: {self.case.name}"


# -- hypothesis profiles ---------------------------------------------------------------------------
# "ci" (the default) keeps the suite fast; "long" fuzzes for real:
#     HYPOTHESIS_PROFILE=long python -m pytest tests/hostile
#     python -m pytest tests/hostile --hypothesis-profile=long
# Tests that fuzz scale their example counts with the profile (see tests/hostile/test_fuzz.py).
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", max_examples=100, deadline=None, print_blob=True)
_hypothesis_settings.register_profile("long", max_examples=3000, deadline=None, print_blob=True)
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
