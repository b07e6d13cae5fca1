"""A scenario whose text is JSON is read by the json module, with the same tree and locations as YAML's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policyengine.errors import InputError
from policyengine.loading import jsontree
from policyengine.loading.yamltree import Limits, YMap, YSeq, parse_yaml, plain
from policyengine.validation.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]

keys = st.text(max_size=6)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["2022-05-10", "yes", "~", "0x1F", "1e5", "#x", "a: b", "- c"]),
)
documents = st.dictionaries(
    keys,
    st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
        max_leaves=15,
    ),
    max_size=5,
)


def _marks(tree: Any) -> list[Any]:
    """Every location a tree can report, in a fixed order."""
    out: list[Any] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, YMap):
            out.append(node.location())
            for k, v in node.items():
                out.extend([k, node.location(k), node.location(k, of_value=True)])
                stack.append(v)
        elif isinstance(node, YSeq):
            out.append(node.location())
            out.extend(node.location(i) for i in range(len(node)))
            stack.extend(node)
    return out


def _both(text: str, limits: Limits | None = None) -> tuple[Any, Any]:
    def read(fast: bool) -> Any:
        try:
            kw = {"limits": limits} if limits is not None else {}
            return parse_yaml(text, "f.json", fast=fast, **kw)
        except InputError as exc:
            return ("error", exc.render())

    return read(True), read(False)


@settings(max_examples=150, deadline=None)
@given(documents, st.sampled_from([None, 1, 2]))
def test_json_text_gives_the_yaml_tree_and_locations(doc: dict[str, Any], indent: int | None) -> None:
    text = json.dumps(doc, indent=indent, ensure_ascii=False)
    fast, located = _both(text)
    if isinstance(located, tuple):  # the YAML reader refuses it (a control character, ...)
        assert fast == located
        return
    assert plain(fast) == plain(located)
    assert _marks(fast) == _marks(located)


@pytest.mark.parametrize(
    "text",
    [
        '{\t"a":\t1}',
        '{"a":1,"b":[true,false,null],"c":{}}\r\n',
        '\n\n  { "a" : [ ] ,\r\n "b" : { "c" : -0.0e+1 } }  \n',
        '{"s": "tab\\t, quote \\", slash \\/ \\u00e9 \\u65e5"}',
        '{"日本": "東京", "k": "line\\nbreak"}',
    ],
)
def test_json_layouts_read_the_same(text: str) -> None:
    fast, located = _both(text)
    assert isinstance(fast, jsontree.JMap)
    assert plain(fast) == plain(located)
    assert _marks(fast) == _marks(located)


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',  # duplicate key: E111, located
        '{"a": NaN}',  # text to YAML, a float to JSON
        '{"a": 99999999999999999999}',  # beyond 64 bits: E116
        '{"a": "\\ud83d\\ude00"}',  # escaped surrogates: a YAML syntax error
        '{"a": [1, 2}',  # not JSON at all
        "[1, 2]",  # top level not a mapping
        '{"a": {"b": {"c": 1}}}',  # deeper than the limit below
        '{"a": [1, 2, 3, 4, 5, 6, 7]}',  # more nodes than the limit below
    ],
)
def test_texts_the_parsers_could_read_differently_go_to_yaml(text: str) -> None:
    limits = Limits(max_depth=2, max_nodes=8)
    fast, located = _both(text, limits)
    assert fast == located if isinstance(located, tuple) else plain(fast) == plain(located)
    assert jsontree.parse_json(text, "f.json", limits) is jsontree.FALLBACK


def test_limits_are_those_of_the_yaml_reader_exactly() -> None:
    # The YAML reader counts 6 nodes here (the mapping, the key, the list, its 3 items) at depth 2.
    text = '{"a": [1, 2, 3]}'
    limits = Limits(max_depth=2, max_nodes=6)
    assert isinstance(jsontree.parse_json(text, "f.json", limits), jsontree.JMap)
    assert jsontree.parse_json(text, "f.json", Limits(max_depth=2, max_nodes=5)) is jsontree.FALLBACK
    assert jsontree.parse_json(text, "f.json", Limits(max_depth=1, max_nodes=6)) is jsontree.FALLBACK
    with pytest.raises(InputError, match="E104"):
        parse_yaml(text, "f.json", Limits(max_depth=2, max_nodes=5), fast=False)


def _json_scenario(tmp_path: Path, edit: Any = None) -> Path:
    data = plain(parse_yaml((ROOT / "scenarios" / "baseline_2022.yaml").read_bytes(), "b.yaml"))
    if edit is not None:
        edit(data)
    path = tmp_path / "world.json"
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    return path


def _load_both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    def load() -> Any:
        try:
            return load_scenario(str(path))
        except InputError as exc:
            return exc.render()

    fast = load()
    with monkeypatch.context() as m:
        m.setattr(jsontree, "looks_like_json", lambda text: False)
        located = load()
    return fast, located


def test_a_json_scenario_loads_like_yaml_and_finds_its_lines_only_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, located = _load_both(_json_scenario(tmp_path), monkeypatch)
    assert fast.scenario == located.scenario
    some = next(iter(fast.origins.values()))
    assert isinstance(some.raw, jsontree.JMap)
    assert some.raw._locator.done is False  # nothing asked for a line yet
    assert {k: o.location for k, o in fast.origins.items()} == {
        k: o.location for k, o in located.origins.items()
    }
    assert fast.origin("framework:quad").field_location("members") == located.origin(
        "framework:quad"
    ).field_location("members")


def _break(data: dict[str, Any]) -> None:
    data["frameworks"][2]["members"][1] = "XXX"  # unknown country (cross-check)
    data["countries"][3]["region"] = "pacific"  # not an allowed value (schema)
    data["agreements"][0]["parties"].append(data["agreements"][0]["parties"][0])  # listed twice


def test_errors_in_a_json_scenario_are_located_exactly_as_by_the_yaml_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, located = _load_both(_json_scenario(tmp_path, _break), monkeypatch)
    assert isinstance(fast, str)
    assert fast == located
    assert "world.json:" in fast


@pytest.mark.parametrize("char", ["\x7f", "\x85", "\x9f", "\u2028", "\ufffe", "\xa9", "\xa0", "日"])
def test_characters_yaml_reads_its_own_way_are_found_in_the_bytes_too(char: str) -> None:
    data = json.dumps({"k": f"a{char}b", f"k{char}": None}, ensure_ascii=False).encode()
    special = char not in "\xa9\xa0日"
    parsed = jsontree.parse_json(data.decode(), "f.json", Limits(), data)
    assert (parsed is jsontree.FALLBACK) == special

    def read(fast: bool) -> Any:
        try:
            return plain(parse_yaml(data, "f.json", fast=fast))
        except InputError as exc:
            return exc.render()

    assert read(True) == read(False)


# -- the loader's own checks apply to JSON text exactly as to YAML ---------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "\\u001b[2J",  # a terminal escape sequence (ESC), escaped
        "bell\\u0007",
        "back\\bspace",
        "form\\ffeed",
        "carriage\\rreturn",
        "del\\u007F",
        "c1\\u0085",
        "\\u202Eevil",  # a bidirectional override, escaped
        "\u202eevil",  # ... and written as it is
        "\u2066isolate\u2069",
        "nul\\u0000",
    ],
)
@pytest.mark.parametrize("where", ["value", "key"])
def test_control_characters_in_json_text_are_e117_located_as_by_the_yaml_reader(
    value: str, where: str
) -> None:
    inner = f'"{value}": 1' if where == "key" else f'"k": "{value}"'
    text = '{\n  "a": 1,\n  "b": {' + inner + "}\n}\n"
    assert jsontree.parse_json(text, "f.json", Limits(), text.encode()) is jsontree.FALLBACK
    fast, located = _both(text)
    assert fast == located
    assert isinstance(fast, tuple)
    assert fast[1].startswith("f.json:3:") and ": E117: the text contains the " in fast[1]


@pytest.mark.parametrize(
    "value", ["tab\\tand\\nline", "\\u0009\\u000a", "\\u0070\\u00e9", "a\\\\b", "\u202f\u2010"]
)
def test_harmless_escapes_read_the_same_either_way(value: str) -> None:
    text = '{"k": "' + value + '"}'
    fast, located = _both(text)
    assert not isinstance(located, tuple)
    assert plain(fast) == plain(located)
    assert _marks(fast) == _marks(located)


def _scenario_json(edit: Any = None) -> str:
    data = plain(parse_yaml((ROOT / "scenarios" / "baseline_2022.yaml").read_bytes(), "b.yaml"))
    if edit is not None:
        edit(data)
    return json.dumps(data, indent=1, ensure_ascii=False, default=str)


def test_a_control_character_in_a_json_scenario_is_reported_where_yaml_reports_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def hostile(data: dict[str, Any]) -> None:
        data["countries"][2]["name"]["en"] = "\x1b]0;owned\x07"

    path = tmp_path / "world.json"
    path.write_text(_scenario_json(hostile), encoding="utf-8")
    fast, located = _load_both(path, monkeypatch)
    assert isinstance(fast, str)
    assert fast == located
    assert "world.json:" in fast and "E117" in fast


@pytest.mark.parametrize(
    "encoding", ["utf-16-le", "utf-16-be", "utf-16", "utf-32-le", "utf-32-be", "utf-32"], ids=str
)
def test_json_in_utf16_or_utf32_is_e105_as_for_yaml(tmp_path: Path, encoding: str) -> None:
    # With or without a byte-order mark ('utf-16' and 'utf-32' write one): named, never read as binary.
    data = '{"scenario": {"id": "x", "title": {"ja": "世界", "en": "world"}}}'.encode(encoding)
    for fast in (True, False):
        with pytest.raises(InputError) as info:
            parse_yaml(data, "f.json", fast=fast)
        assert info.value.codes == ["E105"]
        assert ("UTF-16" if "16" in encoding else "UTF-32") in info.value.render()


def test_json_with_a_utf8_byte_order_mark_takes_the_fast_path() -> None:
    data = b"\xef\xbb\xbf" + '{"k": "日本"}'.encode()
    tree = parse_yaml(data, "f.json")
    assert isinstance(tree, jsontree.JMap)
    assert plain(tree) == plain(parse_yaml(data, "f.json", fast=False))


def test_nul_bytes_and_invalid_utf8_in_json_are_refused_as_for_yaml() -> None:
    for data, code in ((b'{"k": "a\x00b"}', "E106"), (b'{"k": "a\xffb"}', "E105")):
        renders = []
        for fast in (True, False):
            with pytest.raises(InputError) as info:
                parse_yaml(data, "f.json", fast=fast)
            assert info.value.codes == [code]
            renders.append(info.value.render())
        assert renders[0] == renders[1]


def test_the_size_limit_applies_to_json_files(tmp_path: Path) -> None:
    path = tmp_path / "world.json"
    path.write_text(_scenario_json(), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(str(path), limits=Limits(max_bytes=1_000))
    assert info.value.codes == ["E104"]


def test_a_json_scenario_may_extend_a_json_file_but_not_any_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "base.json").write_text(_scenario_json(), encoding="utf-8")

    def child(target: str) -> Path:
        text = json.dumps(
            {
                "scenario": {
                    "id": "child",
                    "title": {"ja": "子", "en": "child"},
                    "as_of": "2022-06-01",
                    "extends": target,
                }
            },
            indent=2,
            ensure_ascii=False,
        )
        path = tmp_path / "child.json"
        path.write_text(text, encoding="utf-8")
        return path

    loaded = load_scenario(str(child("base.json")))
    assert loaded.files == [str(tmp_path / "child.json"), str(tmp_path / "base.json")]
    for target, code in (("/etc/passwd", "E305"), ("child.json", "E304"), ("missing.json", "E305")):
        fast, located = _load_both(child(target), monkeypatch)
        assert isinstance(fast, str) and fast == located
        # the 'extends' value, on line 9 of the indented JSON, located although nothing else asked
        assert fast.startswith(f"{tmp_path / 'child.json'}:9:") and f": {code}: " in fast


def test_every_problem_of_a_json_file_is_reported_at_once_as_for_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A duplicate key sends the file to the YAML reader, which reads past it: the schema and
    # reference errors of the same file are reported with it, as for a YAML file.
    text = _scenario_json(_break).replace('"scenario": {', '"scenario": {\n  "id": "dup",', 1)
    path = tmp_path / "world.json"
    path.write_text(text, encoding="utf-8")
    fast, located = _load_both(path, monkeypatch)
    assert isinstance(fast, str) and fast == located
    for code in ("E111", "E301"):
        assert f": {code}: " in fast
