"""The peer benchmark's four engines give the same recommendations (small N; timing is not tested)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import peers


@pytest.fixture(scope="module")
def engines() -> dict[str, peers.Evaluate]:
    return {name: peers.ENGINES[name]() for name in peers.available_engines()}


@pytest.mark.parametrize("n", [1, 2, 50, 400])
def test_every_engine_gives_the_same_recommendations(engines: dict[str, peers.Evaluate], n: int) -> None:
    w = peers.make_workload(n, seed=n)
    results = {name: evaluate(w) for name, evaluate in engines.items()}
    peers.check_agree(results)
    if n >= 400:
        actions = {action for action, _ in results["python"]}
        # The workload exercises every rule, or agreement would prove little.
        assert actions == {
            "engage", "link", "conclude", "watch", "share-intelligence", "exercise", "propose-acsa", "deploy"
        }  # fmt: skip


def test_clips_is_compared_when_installed(engines: dict[str, peers.Evaluate]) -> None:
    pytest.importorskip("clips")
    assert "clips" in engines


def test_negation_waits_for_every_agreement(engines: dict[str, peers.Evaluate]) -> None:
    # The ally's ACSA comes last in the batch: an engine that fires the negation as facts arrive
    # would wrongly propose an ACSA.
    ally = peers.Partner("P000001", "indo-pacific", "us-ally", "steady")
    w = peers.Workload((ally,), (peers.Agreement("a1", "P000001", "acsa", "signed"),))
    for name, evaluate in engines.items():
        assert ("propose-acsa", "P000001") not in evaluate(w), name
        assert ("watch", "P000001") in evaluate(w), name


def test_check_agree_names_the_engine_that_differs() -> None:
    with pytest.raises(AssertionError, match="durable disagrees"):
        peers.check_agree({"python": frozenset({("a", "b")}), "durable": frozenset()})
