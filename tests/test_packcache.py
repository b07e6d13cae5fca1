"""The compiled-pack cache on disk (policyengine.core.packcache, policyengine.system.diskcache):
a hit gives what a cold compile gives; damaged, tampered or foreign entries are ignored and
written again; a changed pack misses; concurrent writers leave one whole entry."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from policyengine import core
from policyengine.compiler import compile_pack
from policyengine.compiler.pipeline import CompiledPack
from policyengine.core import packcache
from policyengine.errors import InputError
from policyengine.loading.packfiles import pack_files
from policyengine.render.common import to_json
from policyengine.system import diskcache
from policyengine.validation.rulepack import load_rule_pack

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
PACKS = ROOT / "tests" / "packs"
KOREA = str(ROOT / "scenarios" / "korea_new_gov.yaml")
BASELINE = str(ROOT / "scenarios" / "baseline_2022.yaml")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty cache folder, and no compiled pack kept in this process."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(diskcache.DIR_VAR, str(folder))
    monkeypatch.delenv(diskcache.OFF_VAR, raising=False)
    monkeypatch.setattr(core, "_cache", type(core._cache)())
    return folder


def _entries(folder: Path) -> list[Path]:
    return sorted((folder / packcache.AREA).glob("*.json"))


def _same(a: CompiledPack, b: CompiledPack) -> None:
    for f in dataclasses.fields(CompiledPack):
        if f.name != "loaded":
            assert getattr(a, f.name) == getattr(b, f.name), f.name


def _evaluated(compiled: CompiledPack, scenario: str) -> str:
    return to_json(core.evaluate(scenario, compiled).to_dict())


def test_hit_equals_cold_compile_and_evaluates_identically(cache: Path) -> None:
    cold = compile_pack(load_rule_pack(str(RULES)))
    first = core.load_pack(str(RULES))  # a miss: compiles and writes the entry
    assert len(_entries(cache)) == 1
    core._cache.clear()
    hit = core.load_pack(str(RULES))
    assert hit.loaded is None  # from the cache: nothing was loaded from YAML
    _same(hit, cold)
    _same(first, cold)
    for scenario in (KOREA, BASELINE):
        assert _evaluated(hit, scenario) == _evaluated(cold, scenario)
    # What lint and the exercises read is loaded again on first use, with its locations.
    assert [r.rule for r in hit.source.rules] == [r.rule for r in cold.source.rules]
    assert [r.location for r in hit.source.rules] == [r.location for r in cold.source.rules]


def test_the_cli_gives_the_same_output_with_and_without_the_cache(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from policyengine.cli import cli

    args = ["evaluate", KOREA, "--format", "json"]
    monkeypatch.setenv(diskcache.OFF_VAR, "1")
    off = CliRunner().invoke(cli, args)
    assert not cache.exists()  # turned off: nothing written
    monkeypatch.delenv(diskcache.OFF_VAR)
    core._cache.clear()
    miss = CliRunner().invoke(cli, args)
    core._cache.clear()
    hit = CliRunner().invoke(cli, args)
    assert len(_entries(cache)) == 1
    assert off.exit_code == miss.exit_code == hit.exit_code == 0
    assert off.output == miss.output == hit.output


def _paper_rules() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = yaml.safe_load((RULES / "paper.yaml").read_text(encoding="utf-8"))
    return data["pack"], data["rules"]


_HEADER, _RULES = _paper_rules()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chosen=st.sets(st.integers(0, len(_RULES) - 1), min_size=1))
def test_any_pack_round_trips_through_the_cache(chosen: set[int], tmp_path_factory: Any) -> None:
    """Packs made of any subset of the paper's rules: what the cache gives back equals what was
    compiled, and evaluates to the same results."""
    folder = tmp_path_factory.mktemp("pack")
    path = folder / "pack.yaml"
    rules = [_RULES[i] for i in sorted(chosen)]
    path.write_text(yaml.safe_dump({"pack": _HEADER, "rules": rules}, allow_unicode=True), encoding="utf-8")
    try:
        cold = compile_pack(load_rule_pack(str(path)))
    except InputError:
        assume(False)  # a rule whose derived facts come from a rule left out: not a pack
        raise
    back = packcache.decode(json.loads(json.dumps(packcache.encode(dataclasses.replace(cold, loaded=None)))))
    assert isinstance(back, CompiledPack)
    _same(back, cold)
    assert _evaluated(back, KOREA) == _evaluated(cold, KOREA)


@pytest.mark.parametrize("pack", ["clean.yaml", "semantics.yaml", "absent_ne_quiet.yaml"])
def test_test_packs_round_trip(pack: str, cache: Path) -> None:
    path = str(PACKS / pack)
    cold = compile_pack(load_rule_pack(path))
    core.load_pack(path)
    core._cache.clear()
    hit = core.load_pack(path)
    assert hit.loaded is None
    _same(hit, cold)


def _damage(entry: Path, how: str) -> None:
    raw = entry.read_bytes()
    digest, _, payload = raw.partition(b"\n")
    if how == "truncated":
        entry.write_bytes(raw[: len(raw) // 2])
    elif how == "garbage":
        entry.write_bytes(b"\x00\xff not json at all")
    elif how == "empty":
        entry.write_bytes(b"")
    elif how == "edited":  # the payload changed, the digest not
        entry.write_bytes(digest + b"\n" + payload.replace(b'"ja"', b'"jx"', 1))
    elif how == "foreign class":  # a consistent digest, but a class the cache never writes
        bad = payload.replace(b"policyengine.compiler.pipeline:CompiledPack", b"os:system", 1)
        entry.write_bytes(hashlib.sha256(bad).hexdigest().encode() + b"\n" + bad)
    elif how == "wrong shape":  # a consistent digest over a value that is no compiled pack
        bad = json.dumps({"format": diskcache.FORMAT, "key": entry.stem, "data": {"j": [1, 2]}}).encode()
        entry.write_bytes(hashlib.sha256(bad).hexdigest().encode() + b"\n" + bad)
    elif how == "missing field":
        data = json.loads(payload)
        data["data"]["v"] = data["data"]["v"][:-1]
        bad = json.dumps(data).encode()
        entry.write_bytes(hashlib.sha256(bad).hexdigest().encode() + b"\n" + bad)
    else:
        raise AssertionError(how)


@pytest.mark.parametrize(
    "how", ["truncated", "garbage", "empty", "edited", "foreign class", "wrong shape", "missing field"]
)
def test_a_damaged_entry_is_ignored_and_rewritten(how: str, cache: Path) -> None:
    cold = core.load_pack(str(RULES))
    (entry,) = _entries(cache)
    good = entry.read_bytes()
    _damage(entry, how)
    assert packcache.read(entry.stem) is None
    core._cache.clear()
    again = core.load_pack(str(RULES))  # no error: compiled as if there were no cache
    assert again.loaded is not None
    _same(again, cold)
    assert entry.read_bytes() == good  # and written again, whole
    core._cache.clear()
    assert core.load_pack(str(RULES)).loaded is None


def test_a_changed_pack_misses(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "pack.yaml"
    header, rules = _paper_rules()
    path.write_text(yaml.safe_dump({"pack": header, "rules": rules}, allow_unicode=True), encoding="utf-8")
    before = core.load_pack(str(path))
    key_before = packcache.key(str(path), pack_files(str(path)))
    changed = [dict(r) for r in rules]
    changed[0] = {**changed[0], "title": {"ja": "変更した題", "en": "A changed title"}}
    path.write_text(yaml.safe_dump({"pack": header, "rules": changed}, allow_unicode=True), encoding="utf-8")
    key_after = packcache.key(str(path), pack_files(str(path)))
    assert key_after != key_before
    core._cache.clear()
    after = core.load_pack(str(path))
    assert after.loaded is not None  # compiled, not read
    assert after.rules[0].rule.title.en == "A changed title"
    assert before.rules[0].rule.title.en != "A changed title"
    assert len(_entries(cache)) == 2


def test_the_key_covers_the_path_as_given_and_policyengine_code(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = pack_files(str(RULES))
    here = packcache.key(str(RULES), files)
    assert here == packcache.key(str(RULES), files)
    # Locations in the compiled pack name the files as given.
    assert here != packcache.key(str(RULES) + "/", files)
    # Other code (another version, an edited module) never reads this entry.
    monkeypatch.setattr(diskcache, "_code", "0" * 64)
    assert packcache.key(str(RULES), files) != here


def test_an_unwritable_cache_never_fails_a_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(diskcache.DIR_VAR, str(blocker / "cache"))
    monkeypatch.setattr(core, "_cache", type(core._cache)())
    compiled = core.load_pack(str(RULES))
    assert compiled.loaded is not None
    assert _evaluated(compiled, KOREA) == _evaluated(compile_pack(load_rule_pack(str(RULES))), KOREA)


def test_the_cache_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(diskcache.DIR_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert diskcache.cache_dir() == tmp_path / "policyengine"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/not/used")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert diskcache.cache_dir() == tmp_path / "home" / ".cache" / "policyengine"
    monkeypatch.setenv(diskcache.OFF_VAR, "1")
    assert not diskcache.enabled()
    monkeypatch.setenv(diskcache.OFF_VAR, "0")
    assert diskcache.enabled()


def _writer(folder: str, key: str, rounds: int) -> None:
    import os

    os.environ[diskcache.DIR_VAR] = folder
    compiled = compile_pack(load_rule_pack(str(RULES)))
    for _ in range(rounds):
        assert packcache.write(key, compiled)


def test_concurrent_writers_leave_one_whole_entry(cache: Path) -> None:
    key = packcache.key(str(RULES), pack_files(str(RULES)))
    ctx = multiprocessing.get_context("spawn")
    writers = [ctx.Process(target=_writer, args=(str(cache), key, 15)) for _ in range(3)]
    for w in writers:
        w.start()
    entry = diskcache.entry_path(packcache.AREA, key)
    while any(w.is_alive() for w in writers):
        if entry.exists():
            # Whenever the entry is there, it is whole: its digest matches and it decodes.
            assert packcache.read(key) is not None
    for w in writers:
        w.join()
        assert w.exitcode == 0
    assert packcache.read(key) is not None
    assert not [p for p in entry.parent.iterdir() if p.name.endswith(".tmp")]  # no leftovers


def test_the_catalog_is_cached_and_equal_to_its_files(cache: Path) -> None:
    from policyengine import text

    fresh = text._read_catalog()
    text.catalog.cache_clear()
    try:
        assert text.catalog() == fresh  # a miss: read and written
        assert list((cache / "catalog").glob("*.json"))
        text.catalog.cache_clear()
        assert text.catalog() == fresh  # a hit
        (entry,) = (cache / "catalog").glob("*.json")
        entry.write_bytes(b"damaged")
        text.catalog.cache_clear()
        assert text.catalog() == fresh
    finally:
        text.catalog.cache_clear()
