"""No engine vocabulary in prose (issue 16): the goldens a reader sees by default carry no derived
kind names, no rule syntax and no raw timestamps.

JSON goldens (data), traces (``--trace``: rule syntax on request) and ``rules show`` / lint
(documents about the rules themselves) are outside the scan. A golden listed in ``NOT_YET`` is owned
by another area that has not been reworded yet; the test checks that each still leaks (so that the
list shrinks when one is fixed) and that every other golden is clean.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"

#: Goldens whose content is rule syntax or data by design.
OUT_OF_SCOPE = re.compile(r"(\.json$|^explain/trace-|^rules/show-|^rules/list|^rules/coverage|^lint/)")

#: Goldens still to be reworded, with the area that owns them.
NOT_YET: dict[str, str] = {}


def _derived_kinds() -> list[str]:
    import yaml

    pack = yaml.safe_load((ROOT / "rules" / "paper.yaml").read_text(encoding="utf-8"))
    return sorted({d["kind"] for r in pack["rules"] for d in r["then"].get("derive", [])})


def leaks(text: str, kinds: list[str]) -> list[str]:
    """Internal identifiers in prose: a derived kind named as the engine names facts
    (``raa-partner (country: ...)``, ``no raa-partner``), rule syntax (``$partner.code``,
    ``absent raa-partner where``), a count sign (``2 × recommendation``), a raw ISO timestamp."""
    found: list[str] = []
    names = "|".join(re.escape(k) for k in kinds)
    patterns = [
        rf"(?<![\w/:.+-])(?:{names})(?:\s?\(|（)",
        rf"\b(?:no|absent)\s+(?:{names})\b",
        r"\$[a-z_]+\.[a-z_]+",
        r"\b(?:match|absent|count)\s+[a-z_-]+\s+where\b",
        r"\d+ × [a-z]",
        r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}",
    ]
    for pattern in patterns:
        found += [m.group(0) for m in re.finditer(pattern, text)]
    return found


def _goldens() -> list[str]:
    return sorted(
        p.relative_to(GOLDEN).as_posix()
        for p in GOLDEN.rglob("*")
        if p.is_file() and not OUT_OF_SCOPE.search(p.relative_to(GOLDEN).as_posix())
    )


def test_the_scan_finds_what_it_looks_for() -> None:
    kinds = _derived_kinds()
    assert "raa-partner" in kinds
    assert leaks("Because: raa-partner (country: United Kingdom)", kinds)
    assert leaks("該当条件: engaging-partner（国：カナダ）", kinds)
    assert leaks("no non-ally-member (framework: Quad)", kinds)
    assert leaks("absent raa-partner where country = $partner.code (= GBR)", kinds)
    assert leaks("2 × recommendation (action: x)", kinds)
    assert leaks("started 2025-01-02T03:04:05Z", kinds)
    assert not leaks("cited by: raa-partner, conclude-raa", kinds)
    assert not leaks("the United Kingdom's RAA with Japan is under negotiation", kinds)


@pytest.mark.parametrize("name", _goldens())
def test_no_engine_vocabulary_in_prose(name: str) -> None:
    text = (GOLDEN / name).read_text(encoding="utf-8")
    found = leaks(text, _derived_kinds())
    if name in NOT_YET:
        assert found, f"{name} is clean now: remove it from NOT_YET ({NOT_YET[name]})"
    else:
        assert not found, f"{name}: internal identifiers in prose: {sorted(set(found))[:8]}"


#: A scenario fact's id (``asset_protection:FRA``, ``agreement:raa-jpn-gbr``).
FACT_ID = re.compile(
    r"\b(?:country|framework|agreement|asset_protection|interest|event|capability|area|signpost):[A-Za-z0-9]"
)
#: Goldens of a default view that names facts in words (ids only under ``--ids`` and in JSON).
#: explain's graph (``graph-*.html``, render/charts) still numbers facts by id in its legend.
NAMES_FACTS = ("diff/", "explain/extend", "explain/keep", "explain/whynot", "explain/elevate", "whatif/")
#: Goldens of a default view whose dates are readable (``1 June 2022``, not ``2022-06-01``).
READABLE_DATES = ("diff/", "explain/", "whatif/")


def _default_views(prefixes: tuple[str, ...]) -> list[str]:
    return [n for n in _goldens() if n.startswith(prefixes) and ".ids." not in n]


def test_the_fact_id_scan_finds_what_it_looks_for() -> None:
    assert FACT_ID.search("+ asset_protection:FRA (new evidence)")
    assert FACT_ID.search("at: agreement:raa-jpn-gbr")
    assert not FACT_ID.search("the SDF's asset protection for France's forces; 理由：英国")


@pytest.mark.parametrize("name", _default_views(NAMES_FACTS))
def test_default_views_name_facts_in_words(name: str) -> None:
    text = (GOLDEN / name).read_text(encoding="utf-8")
    assert not FACT_ID.findall(text), f"{name}: fact ids in the default view: {FACT_ID.findall(text)[:5]}"


@pytest.mark.parametrize("name", _default_views(READABLE_DATES))
def test_default_views_write_readable_dates(name: str) -> None:
    text = (GOLDEN / name).read_text(encoding="utf-8")
    iso = re.findall(r"\b\d{4}-\d{2}-\d{2}\b", text)
    assert not iso, f"{name}: ISO dates in the default view: {iso[:5]}"


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("United Kingdom", "the United Kingdom"),
        ("United States", "the United States"),
        ("Philippines", "the Philippines"),
        ("Quad (Japan-US-Australia-India)", "the Quad (Japan-US-Australia-India)"),
        ("European Union", "the European Union"),
        ("Japan-US Alliance", "the Japan-US Alliance"),
        ("France", "France"),
        ("AUKUS (Australia-UK-US)", "AUKUS (Australia-UK-US)"),
        ("Japan-US-Australia", "Japan-US-Australia"),
    ],
)
def test_english_names_take_their_article(name: str, said: str) -> None:
    from policyengine.models.names import the

    assert the(name) == said
    assert the(name, start=True) == said[0].upper() + said[1:]


def test_every_rule_of_the_shipped_pack_has_a_translation_shown_beside_the_quote() -> None:
    import yaml

    from policyengine.api import evaluate
    from policyengine.render.evaluate import render

    pack = yaml.safe_load((ROOT / "rules" / "paper.yaml").read_text(encoding="utf-8"))
    missing = [r["id"] for r in pack["rules"] if not r["source"].get("translation")]
    assert not missing
    result = evaluate(str(ROOT / "scenarios" / "korea_new_gov.yaml"))
    en = render(result, "text", "en")
    ja = render(result, "text", "ja")
    assert "Translation (made by this project, not the paper's words)" in en
    assert (
        "「英国やフランスとは現在円滑化協定の締結に向けた交渉が進められている」" in en
    )  # the original stays
    assert "Translation" not in ja and "英訳" not in ja


@given(
    st.text(alphabet="あいうかき漢字日本っゃョーゝ々、。，）」』「（『0123456789件年", max_size=300),
    st.integers(min_value=20, max_value=60),
)
def test_japanese_lines_break_by_kinsoku(text: str, columns: int) -> None:
    from policyengine.render.common import _NO_LINE_END, _NO_LINE_START, wrap

    lines = wrap(text, "", columns)
    assert "".join(lines) == text  # nothing lost, nothing added
    assert all(line[:1] not in _NO_LINE_START for line in lines[1:])
    assert all(len(line) == 1 or line[-1:] not in _NO_LINE_END for line in lines[:-1])


def test_a_number_keeps_its_counter() -> None:
    from policyengine.render.common import wrap

    text = "あ" * 38 + "事実4件に基づく"
    lines = wrap(text, "", 81)  # "4" would fit, "4件" does not
    assert lines[0].endswith("事実") and lines[1].startswith("4件")
