"""``update:`` injects: only the named fields of an existing fact change, validated as a whole fact;
mistakes are located with "did you mean"."""

from __future__ import annotations

from pathlib import Path

import pytest

from policyengine.errors import InputError
from policyengine.exercise.load import load_exercise
from policyengine.exercise.runner import play

TESTS = Path(__file__).resolve().parent / "exercises"
UPDATE = str(TESTS / "update_inject.yaml")
ROOT = Path(__file__).resolve().parents[1]


def test_update_changes_only_the_named_fields(compiled_pack) -> None:  # type: ignore[no-untyped-def]
    ex = load_exercise(UPDATE, pack=compiled_pack)
    (move,) = play(ex, compiled_pack).moves
    (raa,) = [a for a in move.loaded.scenario.agreements if a.id == "raa-jpn-gbr"]
    (before,) = [a for a in ex.start.scenario.agreements if a.id == "raa-jpn-gbr"]
    assert raa.status == "signed" and before.status == "negotiating"
    # a mapping merges key by key: the negotiation date and everything not named is kept
    assert raa.dates.signed is not None and raa.dates.signed.isoformat() == "2022-06-30"
    assert raa.dates.negotiation_started == before.dates.negotiation_started
    assert (raa.name, raa.parties, raa.kind, raa.source) == (
        before.name,
        before.parties,
        before.kind,
        before.source,
    )
    # the rules see it: the RAA no longer needs concluding
    assert move.changes.facts_altered == ["agreement:raa-jpn-gbr"]
    assert "conclude-raa/GBR" in move.changes.recommendations_removed
    assert move.changes.causes["conclude-raa/GBR"] == ["agreement:raa-jpn-gbr"]
    # the updated fact remembers the inject that wrote it
    origin = move.loaded.origins["agreement:raa-jpn-gbr"]
    assert (origin.location.file, origin.location.line) == (UPDATE, 23)
    assert ex.moves[0].injects[0].touched() == {"agreement:raa-jpn-gbr": "update"}


def test_update_gives_the_same_world_as_a_whole_replacement(compiled_pack, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = Path(UPDATE).read_text(encoding="utf-8").replace("../../scenarios", str(ROOT / "scenarios"))
    whole = text.replace(
        """        update:
          agreements:
            - id: raa-jpn-gbr
              status: signed
              dates: {signed: 2022-06-30}""",
        """        replace:
          agreements:
            - id: raa-jpn-gbr
              kind: raa
              name: {ja: 日英円滑化協定, en: Japan-UK Reciprocal Access Agreement}
              parties: [JPN, GBR]
              status: signed
              dates: {negotiation_started: 2021-10-07, signed: 2022-06-30}""",
    )
    assert whole != text
    (tmp_path / "u.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "r.yaml").write_text(whole, encoding="utf-8")
    moves = [
        play(load_exercise(str(tmp_path / n), pack=compiled_pack), compiled_pack).moves[0]
        for n in ("u.yaml", "r.yaml")
    ]
    u, r = (m.result for m in moves)
    assert [(x.id, x.priority, x.justification) for x in u.recommendations] == [
        (x.id, x.priority, x.justification) for x in r.recommendations
    ]
    assert [(x.id, x.severity) for x in u.risks] == [(x.id, x.severity) for x in r.risks]


BAD = """
      - id: bad
        title: {ja: a, en: a}
        description: {ja: a, en: a}
        update:
          agreements:
            - id: raa-jpn-gbrr
              status: signed
            - id: raa-jpn-fra
              stauts: signed
            - id: raa-jpn-aus
              status: in-forse
            - id: raa-jpn-aus
            - status: signed
          countries:
            - code: AUS
              indo_pacific_engagement: sideways
"""


def _errors(tmp_path: Path, extra: str) -> tuple[str, list[str]]:
    text = Path(UPDATE).read_text(encoding="utf-8").replace("../../scenarios", str(ROOT / "scenarios"))
    path = tmp_path / "x.yaml"
    path.write_text(text + extra.lstrip("\n"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_exercise(str(path))
    return str(path), [d.format() for d in info.value.diagnostics]


def test_update_mistakes_are_located_with_did_you_mean(tmp_path: Path) -> None:
    p, errors = _errors(tmp_path, BAD)
    assert errors == [
        f"{p}:31:19: E306: inject 'bad' cannot update agreement 'raa-jpn-gbrr': "
        "the world at this point has no such fact\n"
        "  hint: did you mean 'raa-jpn-gbr' or 'raa-jpn-fra' or 'raa-jpn-aus'?",
        f"{p}:34:15: E201: unknown field 'stauts' in the update of agreement 'raa-jpn-fra'\n"
        "  hint: did you mean 'status'?",
        f"{p}:36:23: E204: inject 'bad' updates agreement 'raa-jpn-aus': "
        "invalid value 'in-forse' for 'status'\n"
        "  hint: did you mean 'in-force'?",
        f"{p}:37:15: E202: update of agreement 'raa-jpn-aus' changes no field\n"
        "  hint: add the fields to change, e.g. one of: source, assumption, note, kind, name, parties, "
        "status, dates, history",
        f"{p}:37:15: E302: agreement 'raa-jpn-aus' is listed twice in 'update.agreements'\n"
        "  hint: each fact appears once per inject",
        f"{p}:38:15: E202: update of agreement: 'id' must name the agreement to change\n"
        "  hint: write 'id: ...' with the identity of an existing agreement",
        f"{p}:41:40: E204: inject 'bad' updates country 'AUS': invalid value 'sideways' for "
        "'indo_pacific_engagement'\n"
        "  hint: valid values of 'indo_pacific_engagement': decreasing, increasing, steady",
    ]


def test_an_update_that_breaks_the_fact_is_refused_like_a_whole_fact(tmp_path: Path) -> None:
    # signed before the negotiations started (the date kept from the fact): the model's own check
    p, errors = _errors(
        tmp_path,
        """
      - id: in-force
        title: {ja: a, en: a}
        description: {ja: a, en: a}
        update:
          agreements:
            - id: raa-jpn-gbr
              status: signed
              dates: {signed: 2020-01-01}
""",
    )
    assert errors == [
        f"{p}:33:31: E307: inject 'in-force' updates agreement 'raa-jpn-gbr': dates: 'signed' (2020-01-01) "
        "is before 'negotiation_started' (2021-10-07)\n"
        "  hint: an agreement is negotiated, then signed, then enters into force"
    ]


def test_update_and_replace_of_one_fact_in_one_inject(tmp_path: Path) -> None:
    p, errors = _errors(
        tmp_path,
        """
      - id: both
        title: {ja: a, en: a}
        description: {ja: a, en: a}
        remove:
          agreements: [raa-jpn-fra]
        update:
          agreements:
            - id: raa-jpn-fra
              status: signed
""",
    )
    assert errors[0] == (
        f"{p}:31:9: E307: inject 'both' both removes and updates agreement:raa-jpn-fra\n"
        "  hint: an inject changes each fact once: replace, update or remove it"
    )


def test_an_update_of_a_fact_missing_on_one_branch_is_found_before_the_session(tmp_path: Path) -> None:
    p, errors = _errors(
        tmp_path,
        """
  - id: move-2
    title: {ja: b, en: b}
    date: 2022-08-01
    injects:
      - id: talks-collapse
        title: {ja: a, en: a}
        description: {ja: a, en: a}
        when: {decided: link-partner/GBR}
        remove:
          agreements: [raa-jpn-gbr]
      - id: in-force
        title: {ja: a, en: a}
        description: {ja: a, en: a}
        update:
          agreements:
            - id: raa-jpn-gbr
              status: in-force
              dates: {in_force: 2022-07-30}
""",
    )
    assert errors == [
        f"{p}:41:19: E306: inject 'in-force' cannot update agreement 'raa-jpn-gbr': the world at this "
        "point has no such fact (on the branch where players decided link-partner/GBR)\n"
        "  hint: did you mean 'raa-jpn-fra' or 'raa-jpn-aus'?"
    ]
