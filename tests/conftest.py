"""Shared fixtures: paths to the repository's scenarios, rules and the paper."""

from __future__ import annotations

from pathlib import Path

import pytest

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
