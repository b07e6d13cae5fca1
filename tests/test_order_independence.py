"""Results never depend on the order of facts (the durable-rules negation trap)."""

from __future__ import annotations

import contextlib
import functools
import random
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyengine.api import evaluate, load_pack
from policyengine.loading.yamltree import plain, read_yaml
from policyengine.models.scenario import SECTIONS
from policyengine.render.evaluate import render_json
from policyengine.validation.scenario import load_scenario
from worlds import shuffled


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_shuffling_every_fact_list_gives_byte_identical_json(korea, compiled_pack, seed: int) -> None:  # type: ignore[no-untyped-def]
    expected = render_json(evaluate(korea, compiled_pack))
    assert render_json(evaluate(shuffled(korea, seed), compiled_pack)) == expected


def test_repeated_evaluation_in_one_process_is_stable(korea, compiled_pack) -> None:  # type: ignore[no-untyped-def]
    first = render_json(evaluate(korea, compiled_pack))
    for _ in range(25):
        assert render_json(evaluate(korea, compiled_pack)) == first


# -- the same, through files: shuffled YAML for the scenario and the scenario it extends ---------

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
RULES = SCENARIOS.parent / "rules"
CHAIN = ("korea_new_gov.yaml", "baseline_2022.yaml")  # the child, then the file it extends
#: lists inside facts whose order carries no meaning (a framework's members, its mechanisms ...)
INNER_LISTS = frozenset({"members", "parties", "countries", "areas", "mechanisms"})


def _raw(name: str) -> dict[str, Any]:
    tree = plain(read_yaml(SCENARIOS / name))
    assert isinstance(tree, dict)
    return tree


RAW = {name: _raw(name) for name in CHAIN}


def _shuffle_tree(node: Any, rnd: random.Random, key: str | None = None) -> Any:
    """Every fact list, every list inside a fact and every mapping of areas, shuffled."""
    if isinstance(node, dict):
        items = [(k, _shuffle_tree(v, rnd, k)) for k, v in node.items()]
        if key == "areas":  # a framework's {area: level}
            rnd.shuffle(items)
        return dict(items)
    if isinstance(node, list):
        items = [_shuffle_tree(v, rnd) for v in node]
        if key in SECTION_KEYS or key in INNER_LISTS:
            rnd.shuffle(items)
        return items
    return node


SECTION_KEYS = frozenset(s.key for s in SECTIONS)


def _evaluate_files(folder: Path, trees: dict[str, dict[str, Any]], pack: Any) -> str:
    for name, tree in trees.items():
        text = yaml.dump(tree, Dumper=_DUMPER, allow_unicode=True, sort_keys=False)
        (folder / name).write_text(text, encoding="utf-8")
    # Relative names, so that the file names in the output are the same in every folder.
    with contextlib.chdir(folder):
        return render_json(evaluate(load_scenario(CHAIN[0]), pack))


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@functools.cache
def _unshuffled_json() -> str:
    with tempfile.TemporaryDirectory() as folder:
        return _evaluate_files(Path(folder), RAW, load_pack(str(RULES)))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_shuffled_files_give_byte_identical_json(seed: int) -> None:
    rnd = random.Random(seed)
    trees = {name: _shuffle_tree(tree, rnd) for name, tree in RAW.items()}
    assert trees != RAW  # the shuffle changed something (hundreds of lists: never all kept)
    with tempfile.TemporaryDirectory() as folder:
        assert _evaluate_files(Path(folder), trees, load_pack(str(RULES))) == _unshuffled_json()
