"""Registered packs: durable-rules never frees a ruleset itself, so the runtime does.

A process that compiles many packs (a rule author's editor loop, a fuzzing campaign, a server)
grew by about 1.4 MB per pack before: every compiled pack stayed registered until the end.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policyengine.compiler import compile_pack
from policyengine.engine import runtime
from policyengine.engine.runtime import PREPARED_MAX, PreparedPack, prepare
from policyengine.validation.rulepack import load_rule_pack

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pack_source():  # type: ignore[no-untyped-def]
    return load_rule_pack(str(ROOT / "rules"))


def _registered() -> set[str]:
    return set(runtime._get_host()._ruleset_directory)


def test_a_closed_pack_is_freed_and_registers_again_when_evaluated(korea, pack_source) -> None:  # type: ignore[no-untyped-def]
    pp = PreparedPack(compile_pack(pack_source))
    expected = pp.evaluate(korea).ids
    first = pp.name
    assert first in _registered()
    pp.close()
    assert not pp.registered and first not in _registered()
    pp.close()  # closing twice is harmless
    assert pp.evaluate(korea).ids == expected
    assert pp.registered and pp.name != first and pp.name in _registered()
    pp.close()


def test_prepare_keeps_only_the_most_recent_packs_registered(korea, pack_source) -> None:  # type: ignore[no-untyped-def]
    before = _registered()
    packs = [compile_pack(pack_source) for _ in range(PREPARED_MAX + 5)]
    prepared = [prepare(c) for c in packs]
    assert len(_registered() - before) <= PREPARED_MAX
    assert not prepared[0].registered and prepared[-1].registered
    expected = prepared[-1].evaluate(korea).ids
    # preparing an evicted pack again registers it again
    again = prepare(packs[0])
    assert again.registered and again.evaluate(korea).ids == expected
    # and one still held by a caller evaluates too (registering again; the caller closes it)
    assert prepared[0].evaluate(korea).ids == expected and prepared[0].registered
    prepared[0].close()


def test_many_compiled_packs_do_not_accumulate_in_the_engine(korea, pack_source) -> None:  # type: ignore[no-untyped-def]
    before = len(_registered())
    for _ in range(3 * PREPARED_MAX):
        prepare(compile_pack(pack_source)).evaluate(korea)
    assert len(_registered()) <= before + PREPARED_MAX


def test_a_pack_that_left_a_session_in_the_engine_is_never_freed(pack_source) -> None:  # type: ignore[no-untyped-def]
    # Deleting the ruleset would delete that session, with the partial matches that crash the
    # C engine when a session holding them is deleted.
    pp = PreparedPack(compile_pack(pack_source))
    pp._left_behind = True
    pp.close()
    assert pp.registered and pp.name in _registered()
    pp._left_behind = False
    pp.close()
    assert not pp.registered


def test_the_api_keeps_a_bounded_number_of_compiled_packs(tmp_path: Path) -> None:
    # a rule author editing a pack in a long-lived process: every edit is a new signature
    from policyengine import core as api

    text = (ROOT / "rules" / "paper.yaml").read_text(encoding="utf-8")
    path = tmp_path / "pack.yaml"
    for i in range(api._CACHE_MAX + 4):
        path.write_text(text + "#" * (i + 1) + "\n", encoding="utf-8")
        api.load_pack(str(path))
        assert len(api._cache) <= api._CACHE_MAX
    assert api.load_pack(str(path)) is api.load_pack(str(path))
