# Expected messages are kept whole, one line each, to read as the user sees them.
# ruff: noqa: E501
"""Every way a scenario file can be wrong, with the exact message the user reads.

Each case writes small YAML files to a temporary folder (committing them to a git repository
there when the case reads a file at a revision, ``REV:PATH``), loads the first one and compares the
whole report (``FILE:LINE:COL: CODE: message`` and the hint lines) with what is written here.
A last test checks that every reading, schema and reference code of ``errors.CODES`` is met by
at least one case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

import system
from gitrepo import commit_all
from policyengine.core.gitfiles import is_revision_spec, load_revision
from policyengine.errors import CODES, InputError
from policyengine.loading.yamltree import Limits
from policyengine.validation.scenario import load_scenario

HEADER = """\
scenario:
  id: t
  title: {ja: 試験, en: Test}
  as_of: 2022-05-10
"""
JPN = (
    "  - {code: JPN, name: {ja: 日本, en: Japan}, region: indo-pacific, alignment: us-ally,"
    " indo_pacific_engagement: steady}\n"
)
AUS = (
    "  - {code: AUS, name: {ja: 豪州, en: Australia}, region: indo-pacific, alignment: us-ally,"
    " indo_pacific_engagement: steady}\n"
)
COUNTRIES = "countries:\n" + JPN + AUS


def framework(members: str = "[JPN, AUS]", areas: str = "{maritime-security: focus}") -> str:
    return (
        "frameworks:\n"
        "  - id: jpn-aus\n"
        "    name: {ja: 日豪, en: Japan-Australia}\n"
        f"    members: {members}\n"
        "    kind: minilateral\n"
        "    formal_treaty: false\n"
        "    status: active\n"
        f"    areas: {areas}\n"
    )


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, str | bytes]
    expected: str
    main: str = "a.yaml"  # or REV:PATH, a file at a git revision
    limits: Limits = field(default_factory=Limits)
    commit: bool = False  # the folder is a git repository with the files committed


def report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: Case) -> str:
    for name, text in case.files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    revision = is_revision_spec(case.main)
    if revision:
        system.git()
        # Whatever holds the temporary folder, git must not find a repository above it.
        monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    if case.commit:
        commit_all(tmp_path)
    with pytest.raises(InputError) as info:
        if revision:
            load_revision(case.main, limits=case.limits)
        else:
            load_scenario(case.main, limits=case.limits)
    return info.value.render()


CASES: list[Case] = [
    # ---------------------------------------------------------------------- reading the file
    Case(
        "file-not-found",
        {},
        "missing.yaml: E101: file not found\n  hint: check the path",
        main="missing.yaml",
    ),
    Case(
        "directory",
        {"sub/x.yaml": HEADER},
        "sub: E102: this is a directory, not a file\n  hint: name a .yaml file inside it",
        main="sub",
    ),
    Case(
        "too-large",
        {"a.yaml": HEADER + "# " + "x" * 200 + "\n"},
        "a.yaml: E104: file is 273 bytes; the limit is 256\n"
        "  hint: split the scenario with 'extends', or raise the limit from Python"
        " (policyengine.loading.Limits)",
        limits=Limits(max_bytes=256),
    ),
    Case(
        "too-many-nodes",
        {"a.yaml": HEADER + "countries: [" + ", ".join(["x"] * 50) + "]\n"},
        "a.yaml:5:58: E104: more than 30 YAML nodes\n"
        "  hint: split the scenario with 'extends', or raise the limit from Python"
        " (policyengine.loading.Limits)",
        limits=Limits(max_nodes=30),
    ),
    Case(
        "utf-16",
        {"a.yaml": HEADER.encode("utf-16")},
        "a.yaml: E105: the file is UTF-16 encoded\n  hint: save it as UTF-8, e.g. iconv -f UTF-16 -t UTF-8",
    ),
    Case(
        "utf-16-without-byte-order-mark",
        {"a.yaml": HEADER.encode("utf-16-le")},
        "a.yaml: E105: the file looks UTF-16 encoded\n  hint: save it as UTF-8, e.g. iconv -f UTF-16 -t UTF-8",
    ),
    Case(
        "invalid-utf-8",
        {"a.yaml": HEADER.encode() + "  description: {ja: café, en: x}\n".encode("latin-1")},
        "a.yaml:5:24: E105: invalid UTF-8 byte 0xe9\n  hint: save the file as UTF-8",
    ),
    Case(
        "nul-bytes",
        {"a.yaml": HEADER.encode() + b"countries: []\x00\n"},
        "a.yaml:5:14: E106: the file contains NUL bytes: it is binary, not YAML text\n"
        "  hint: give a YAML text file",
    ),
    # ---------------------------------------------------------------------- files at git revisions
    Case(
        "unknown-revision",
        {"a.yaml": HEADER},
        "HEAD~3:a.yaml: E107: unknown revision 'HEAD~3'\n"
        "  hint: name a commit, branch or tag (see `git log --oneline`), e.g. HEAD~1:a.yaml",
        main="HEAD~3:a.yaml",
        commit=True,
    ),
    Case(
        "no-revision",
        {"a.yaml": HEADER},
        ":b.yaml: E107: no revision before ':'\n"
        "  hint: write REV:PATH, e.g. HEAD~1:scenarios/korea_new_gov.yaml",
        main=":b.yaml",
        commit=True,
    ),
    Case(
        "not-in-a-repository",
        {"a.yaml": HEADER},
        "HEAD:a.yaml: E108: the current directory is not inside a git repository\n"
        "  hint: run policyengine inside the repository, or give the path of a file",
        main="HEAD:a.yaml",
    ),
    # ---------------------------------------------------------------------- YAML
    Case(
        "syntax-colon-in-flow-mapping",
        {"a.yaml": "scenario:\n  id: t\n  title: {ja: 題: 副題, en: t}\n"},
        "a.yaml:3:16: E110: YAML syntax error: did not find expected ',' or '}'\n"
        "  hint: separate the items of [...] and {...} with ', ', and quote values containing ':' or ','",
    ),
    Case(
        "syntax-tab",
        {"a.yaml": "scenario:\n\tid: t\n"},
        "a.yaml:2:1: E110: YAML syntax error: found character that cannot start any token\n"
        "  hint: YAML needs spaces, not tabs, for indentation",
    ),
    Case(
        "syntax-unclosed-quote",
        {"a.yaml": HEADER + "  description: {ja: 'あ, en: b}\ncountries: []\n"},
        "a.yaml:5:21: E110: YAML syntax error: found unexpected end of stream\n"
        "  hint: the quote opened here is never closed",
    ),
    Case(
        "syntax-indentation",
        {"a.yaml": "scenario:\n  id: t\n as_of: 2022-05-10\n"},
        "a.yaml:3:2: E110: YAML syntax error: did not find expected key\n"
        "  hint: the entries of one mapping must start in the same column",
    ),
    Case(
        "duplicate-keys",
        {"a.yaml": HEADER + "  id: u\ncountries: []\ncountries: []\n"},
        "a.yaml:5:3: E111: duplicate key 'id' (first written at line 2)\n"
        "  hint: YAML keeps only one value per key; merge the two entries or rename one\n"
        "a.yaml:7:1: E111: duplicate key 'countries' (first written at line 6)\n"
        "  hint: YAML keeps only one value per key; merge the two entries or rename one",
    ),
    Case(
        "too-deep",
        {"a.yaml": HEADER + "  note: " + "[" * 70 + "]" * 70 + "\n"},
        "a.yaml:5:71: E112: nesting deeper than 64 levels\n"
        "  hint: scenario and rule files need only a few levels; flatten the structure",
    ),
    Case(
        "alias-bomb",
        {
            "a.yaml": "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
            "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        },
        "a.yaml:4:36: E113: aliases expand to more than 10,000 nodes\n"
        "  hint: this looks like an alias bomb; write the data out instead of nesting aliases",
    ),
    Case(
        "unknown-alias",
        {"a.yaml": HEADER + "countries: *jpn\n"},
        "a.yaml:5:12: E110: unknown alias '*jpn'\n  hint: define '&jpn' on a value written before this alias",
    ),
    Case(
        "several-documents",
        {"a.yaml": HEADER + "---\n" + HEADER},
        "a.yaml:5:1: E114: the file holds more than one YAML document\n"
        "  hint: remove the '---' separator; one file is one document",
    ),
    Case(
        "top-level-list",
        {"a.yaml": "- scenario: {}\n"},
        "a.yaml:1:1: E114: the top level is a list; it must be a mapping of sections\n"
        "  hint: start the file with 'scenario:' (a scenario) or 'pack:' (a rule pack)",
    ),
    Case(
        "empty-file",
        {"a.yaml": "# nothing yet\n"},
        "a.yaml:1:1: E114: the top level is empty; it must be a mapping of sections\n"
        "  hint: start the file with 'scenario:' (a scenario) or 'pack:' (a rule pack)",
    ),
    Case(
        "non-text-keys",
        {"a.yaml": HEADER + "2022: x\n[a, b]: y\n"},
        "a.yaml:5:1: E114: mapping keys must be text\n"
        '  hint: quote the key to make it text, e.g. "2022":\n'
        "a.yaml:6:1: E114: mapping keys must be text\n"
        "  hint: a key must be a single word or quoted text, not a mapping or a list",
    ),
    Case(
        "explicit-tag",
        {"a.yaml": HEADER + "countries: !!python/object/apply:os.system [echo]\n"},
        "a.yaml:5:12: E115: explicit YAML tag '!!python/object/apply:os.system' is not supported\n"
        "  hint: remove the tag: policyengine reads plain data only, never objects\n"
        "a.yaml:5:45: E203: 'countries[0]' must be a mapping, not the text 'echo'\n"
        "  hint: write a mapping, e.g. {code: ..., name: ..., region: ..., alignment: ...,"
        " indo_pacific_engagement: ...}",
    ),
    Case(
        "merge-key",
        {"a.yaml": HEADER + "  description: &d {ja: あ, en: a}\ncountries:\n  - <<: *d\n    code: JPN\n"},
        "a.yaml:7:5: E115: YAML merge keys ('<<') are not supported\n"
        "  hint: write the keys out in this mapping instead of merging another one in\n"
        "a.yaml:7:5: E202: missing key 'alignment' in countries[JPN]\n"
        "  hint: add 'alignment:' to this mapping\n"
        "a.yaml:7:5: E202: missing key 'indo_pacific_engagement' in countries[JPN]\n"
        "  hint: add 'indo_pacific_engagement:' to this mapping\n"
        "a.yaml:7:5: E202: missing key 'name' in countries[JPN]\n"
        "  hint: add 'name:' to this mapping\n"
        "a.yaml:7:5: E202: missing key 'region' in countries[JPN]\n"
        "  hint: add 'region:' to this mapping",
    ),
    Case(
        "number-out-of-64-bits",
        {"a.yaml": HEADER + "  description: {ja: 123456789012345678901234567890, en: x}\n"},
        "a.yaml:5:21: E116: the number 123456789012345678901234567890 does not fit in 64 bits\n"
        "  hint: put the value in quotes if it is meant as text",
    ),
    Case(
        "impossible-date",
        {"a.yaml": HEADER.replace("2022-05-10", "2022-02-30")},
        "a.yaml:4:10: E116: '2022-02-30' is not a valid date (day is out of range for month)\n"
        "  hint: write a date that exists, as YYYY-MM-DD",
    ),
    Case(
        "impossible-quoted-date",
        {"a.yaml": HEADER.replace("2022-05-10", "'2022-13-01'")},
        "a.yaml:4:10: E204: invalid date '2022-13-01' for 'as_of': month must be in 1..12\n"
        "  hint: write a date that exists, as YYYY-MM-DD",
    ),
    Case(
        "terminal-escape-in-text",
        {"a.yaml": HEADER.replace("en: Test}", 'en: "Test \\e[2J"}')},
        "a.yaml:3:23: E117: the text contains the control character U+001B (ESC)\n"
        "  hint: remove it: control characters can rewrite the terminal or report that shows them, "
        "or make text read differently than it appears",
    ),
    # ---------------------------------------------------------------------- schema
    Case(
        "unknown-keys-at-every-level",
        {
            "a.yaml": HEADER
            + "  extnds: base.yaml\n"
            + "contries: []\n"
            + "countries:\n"
            + JPN
            + "  - code: AUS\n"
            + "    name: {ja: 豪州, en: Australia}\n"
            + "    region: indo-pacific\n"
            + "    alignment: us-ally\n"
            + "    indo_pacific_engagement: steady\n"
            + "    colour: green\n"
            + "frameworks:\n"
            + "  - id: jpn-aus\n"
            + "    name: {ja: 日豪, en: Japan-Australia, fr: Japon-Australie}\n"
            + "    members: [JPN, AUS]\n"
            + "    kind: minilateral\n"
            + "    formal_treaty: false\n"
            + "    status: active\n"
            + "    source: {document: minilateral-2022, qoute: 日豪}\n"
            + "    mechanisms:\n"
            + "      - {id: summit, name: {ja: 首脳, en: Summit}, kind: summit, activty: regular}\n"
        },
        "a.yaml:5:3: E201: unknown key 'extnds' in scenario\n"
        "  hint: did you mean 'extends'?\n"
        "a.yaml:6:1: E201: unknown key 'contries' at the top level\n"
        "  hint: did you mean 'countries'?\n"
        "a.yaml:14:5: E201: unknown key 'colour' in countries[AUS]\n"
        "  hint: valid keys: alignment, assumption, code, indo_pacific_engagement, name, note, region, source\n"
        "a.yaml:17:41: E201: unknown key 'fr' in frameworks[jpn-aus].name\n"
        "  hint: valid keys: en, ja\n"
        "a.yaml:22:42: E201: unknown key 'qoute' in frameworks[jpn-aus].source\n"
        "  hint: did you mean 'quote'?\n"
        "a.yaml:24:64: E201: unknown key 'activty' in frameworks[jpn-aus].mechanisms[summit]\n"
        "  hint: did you mean 'activity'?",
    ),
    Case(
        "missing-keys",
        {
            "a.yaml": "scenario:\n  id: t\n  as_of: 2022-05-10\ncountries:\n  - code: JPN\n    region: indo-pacific\n"
        },
        "a.yaml:2:3: E202: missing key 'title' in scenario\n"
        "  hint: add 'title:' to this mapping\n"
        "a.yaml:5:5: E202: missing key 'alignment' in countries[JPN]\n"
        "  hint: add 'alignment:' to this mapping\n"
        "a.yaml:5:5: E202: missing key 'indo_pacific_engagement' in countries[JPN]\n"
        "  hint: add 'indo_pacific_engagement:' to this mapping\n"
        "a.yaml:5:5: E202: missing key 'name' in countries[JPN]\n"
        "  hint: add 'name:' to this mapping",
    ),
    Case(
        "missing-scenario-header",
        {"a.yaml": COUNTRIES},
        "a.yaml:1:1: E202: missing key 'scenario' at the top level\n  hint: add 'scenario:' to this mapping",
    ),
    Case(
        "wrong-types",
        {
            "a.yaml": HEADER.replace("2022-05-10", "May 2022")
            + "countries:\n"
            + "  - {code: JPN, name: 日本, region: indo-pacific, alignment: us-ally, indo_pacific_engagement: steady}\n"
            + "  - AUS\n"
            + framework(members="JPN").replace("formal_treaty: false", "formal_treaty: 'no'")
        },
        "a.yaml:4:10: E203: 'as_of' must be a date (YYYY-MM-DD), not the text 'May 2022'\n"
        "  hint: write dates as YYYY-MM-DD, e.g. 2022-05-10\n"
        "a.yaml:6:23: E203: 'name' must be a mapping, not the text '日本'\n"
        "  hint: write a mapping, e.g. {ja: ..., en: ...}\n"
        "a.yaml:7:5: E203: 'countries[1]' must be a mapping, not the text 'AUS'\n"
        "  hint: write a mapping, e.g. {code: ..., name: ..., region: ..., alignment: ...,"
        " indo_pacific_engagement: ...}\n"
        "a.yaml:11:14: E203: 'members' must be a list, not the text 'JPN'\n"
        "  hint: write a list, e.g. [JPN] or one '- ' line per item\n"
        "a.yaml:13:20: E203: 'formal_treaty' must be true or false, not the text 'no'\n"
        "  hint: write true or false (without quotes)",
    ),
    Case(
        "section-written-as-a-mapping",
        {"a.yaml": HEADER + "countries:\n  code: JPN\n"},
        "a.yaml:6:3: E203: 'countries' must be a list, not a mapping\n  hint: a list needs '- ' before each item",
    ),
    Case(
        "invalid-values",
        {
            "a.yaml": HEADER
            + "countries:\n"
            + "  - {code: JPN, name: {ja: 日本, en: Japan}, region: indo-pacifc, alignment: us-ally,"
            + " indo_pacific_engagement: up}\n"
            + AUS
            + framework(areas="{maritime-security: foucs}")
            + "    mechanisms:\n"
            + "      - {id: summit, name: {ja: 首脳, en: Summit}, kind: sumit}\n"
        },
        "a.yaml:6:52: E204: invalid value 'indo-pacifc' for 'region'\n"
        "  hint: did you mean 'indo-pacific'?\n"
        "a.yaml:6:110: E204: invalid value 'up' for 'indo_pacific_engagement'\n"
        "  hint: valid values of 'indo_pacific_engagement': decreasing, increasing, steady\n"
        "a.yaml:15:32: E204: invalid value 'foucs' for 'areas.maritime-security'\n"
        "  hint: did you mean 'focus'?\n"
        "a.yaml:17:56: E204: invalid value 'sumit' for 'kind'\n"
        "  hint: did you mean 'summit'?",
    ),
    Case(
        "no-close-match-lists-every-choice",
        {"a.yaml": HEADER + "events:\n  - {id: e, date: 2022-05-10, kind: war, zzz: 1}\n"},
        "a.yaml:6:37: E204: invalid value 'war' for 'kind'\n"
        "  hint: valid values of 'kind': agreement-in-force, agreement-signed, coverage-extended, crisis,"
        " deployment, exercise, framework-launch, government-change, joint-statement, meeting-cancelled,"
        " ministerial-meeting, policy-statement, summit\n"
        "a.yaml:6:42: E201: unknown key 'zzz' in events[e]\n"
        "  hint: valid keys: agreement, areas, assumption, caused_by, countries, country, date, description, framework,"
        " id, kind, name, note, source, stance",
    ),
    Case(
        "invalid-codes-and-identifiers",
        {
            "a.yaml": HEADER.replace("id: t", "id: Test_1")
            + "countries:\n"
            + JPN.replace("code: JPN", "code: jp")
            + AUS
            + framework(members="[JPN, aus]", areas="{Maritime_Security: focus}")
        },
        "a.yaml:2:7: E204: invalid identifier 'Test_1' for 'id'\n"
        "  hint: identifiers are lower-case letters, digits and '-', e.g. jpn-usa-aus\n"
        "a.yaml:6:12: E204: invalid country code 'jp' for 'code'\n"
        "  hint: country codes are ISO 3166-1 alpha-3 in capitals (JPN, GBR), or EU\n"
        "a.yaml:11:20: E204: invalid country code 'aus' for 'members[1]'\n"
        "  hint: country codes are ISO 3166-1 alpha-3 in capitals (JPN, GBR), or EU\n"
        "a.yaml:15:13: E204: invalid identifier 'Maritime_Security' as a key of 'areas'\n"
        "  hint: identifiers are lower-case letters, digits and '-', e.g. jpn-usa-aus",
    ),
    Case(
        "too-few-and-empty",
        {"a.yaml": HEADER + "  description: {ja: '', en: x}\n" + COUNTRIES + framework(members="[JPN]")},
        "a.yaml:5:21: E204: 'ja' must not be empty\n"
        "  hint: remove the key or give a text\n"
        "a.yaml:12:14: E204: 'members' needs at least 2 item(s), not 1\n"
        "  hint: list at least 2",
    ),
    # ---------------------------------------------------------------------- references
    Case(
        "unknown-references",
        {
            "a.yaml": HEADER
            + COUNTRIES
            + framework(members="[JPN, AUT]", areas="{maritime-securty: focus, hadr: mentioned}")
            + "agreements:\n  - {id: raa-jpn-aus, kind: raa, parties: [JPN, AUZ], status: negotiating}\n"
            + "interests:\n  - {id: shared, countries: [JPN, AUS], areas: [supply-chains]}\n"
            + "events:\n"
            + "  - {id: summit-2022, date: 2022-05-01, kind: summit, framework: jpn-au}\n"
            + "  - {id: statement-2022, date: 2022-05-02, kind: joint-statement, caused_by: sumit-2022,"
            + " agreement: raa-jpn-au, country: GBR}\n"
            + "capabilities:\n  - {id: budget, holder: JNP, domain: defense-budget, status: gap}\n"
        },
        "a.yaml:11:20: E301: unknown country 'AUT' in framework 'jpn-aus'\n"
        "  hint: did you mean 'AUS'?\n"
        "a.yaml:15:13: E303: unknown area 'maritime-securty' in framework 'jpn-aus'\n"
        "  hint: did you mean 'maritime-security'?\n"
        "a.yaml:17:49: E301: unknown country 'AUZ' in agreement 'raa-jpn-aus'\n"
        "  hint: did you mean 'AUS'?\n"
        "a.yaml:19:49: E303: unknown area 'supply-chains' in interest 'shared'\n"
        "  hint: did you mean 'supply-chain'?\n"
        "a.yaml:21:66: E301: unknown framework 'jpn-au' in event 'summit-2022'\n"
        "  hint: did you mean 'jpn-aus'?\n"
        "a.yaml:22:78: E301: unknown event 'sumit-2022' in event 'statement-2022'\n"
        "  hint: did you mean 'summit-2022' or 'statement-2022'?\n"
        "a.yaml:22:101: E301: unknown agreement 'raa-jpn-au' in event 'statement-2022'\n"
        "  hint: did you mean 'raa-jpn-aus'?\n"
        "a.yaml:22:122: E301: unknown country 'GBR' in event 'statement-2022'\n"
        "  hint: valid countries: AUS, JPN\n"
        "a.yaml:24:26: E301: unknown country 'JNP' in capability 'budget'\n"
        "  hint: did you mean 'JPN'?",
    ),
    Case(
        "duplicate-identity",
        {"a.yaml": HEADER + "countries:\n" + JPN + AUS + JPN},
        "a.yaml:8:5: E302: country 'JPN' is listed twice in 'countries' (first at line 6)\n"
        "  hint: each fact appears once in a file; merge the two entries",
    ),
    Case(
        "extends-cycle",
        {
            "a.yaml": HEADER + "  extends: b.yaml\n",
            "b.yaml": HEADER + "  extends: sub/c.yaml\n",
            "sub/c.yaml": HEADER + "  extends: ../a.yaml\n",
        },
        "sub/c.yaml:5:12: E304: extends cycle: a.yaml -> b.yaml -> sub/c.yaml -> a.yaml\n"
        "  hint: a scenario cannot extend itself, directly or through others; remove one of these 'extends'",
    ),
    Case(
        "extends-itself",
        {"a.yaml": HEADER + "  extends: ./a.yaml\n"},
        "a.yaml:5:12: E304: extends cycle: a.yaml -> a.yaml\n"
        "  hint: a scenario cannot extend itself, directly or through others; remove one of these 'extends'",
    ),
    Case(
        "extends-missing-file",
        {"sub/a.yaml": HEADER + "  extends: baseline.yaml\n"},
        "sub/a.yaml:5:12: E305: cannot extend 'baseline.yaml': file not found (looked for sub/baseline.yaml)\n"
        "  hint: the path is relative to the folder of the file that names it",
        main="sub/a.yaml",
    ),
    Case(
        "extends-not-a-path",
        {"a.yaml": HEADER + "  extends: [b.yaml]\n"},
        "a.yaml:5:12: E203: 'extends' must be the path of a scenario file\n"
        "  hint: e.g. extends: baseline_2022.yaml (relative to this file's folder)",
    ),
    Case(
        "remove-what-the-parent-lacks",
        {
            "a.yaml": HEADER + "  extends: b.yaml\nremove:\n  countries: [JPM]\n  frameworks: [quad]\n",
            "b.yaml": HEADER + COUNTRIES,
        },
        "a.yaml:7:15: E306: cannot remove country 'JPM': the scenarios this one extends do not have it\n"
        "  hint: did you mean 'JPN'?\n"
        "a.yaml:8:16: E306: cannot remove framework 'quad': the scenarios this one extends do not have it\n"
        "  hint: check it against the frameworks of the extended scenarios",
    ),
    Case(
        "remove-twice",
        {
            "a.yaml": HEADER + "  extends: b.yaml\nremove:\n  countries: [AUS, AUS]\n",
            "b.yaml": HEADER + COUNTRIES,
        },
        "a.yaml:7:20: E306: country 'AUS' is listed twice in remove.countries (first at line 7)\n"
        "  hint: list each identity once",
    ),
    Case(
        "remove-without-extends",
        {"a.yaml": HEADER + COUNTRIES + "remove:\n  countries: [AUS]\n"},
        "a.yaml:9:15: E306: cannot remove country 'AUS': this scenario extends no other\n"
        "  hint: 'remove' deletes facts inherited through 'scenario.extends'; delete this entry",
    ),
    Case(
        "reference-to-a-removed-fact",
        {
            "a.yaml": HEADER + "  extends: b.yaml\nremove:\n  countries: [AUS]\n",
            "b.yaml": HEADER + COUNTRIES + framework(),
        },
        "b.yaml:11:20: E301: unknown country 'AUS' in framework 'jpn-aus' (removed at a.yaml:7:15)\n"
        "  hint: keep the country, or remove what refers to it as well",
    ),
    Case(
        "inconsistent-agreements",
        {
            "a.yaml": HEADER
            + COUNTRIES
            + "agreements:\n"
            + "  - id: raa-jpn-aus\n"
            + "    kind: raa\n"
            + "    parties: [JPN, AUS]\n"
            + "    status: negotiating\n"
            + "    dates: {negotiation_started: 2014-07-08, signed: 2022-01-06}\n"
            + "  - id: acsa-jpn-aus\n"
            + "    kind: acsa\n"
            + "    parties: [JPN, AUS, JPN]\n"
            + "    status: in-force\n"
            + "    dates: {signed: 2017-01-14, in_force: 2013-01-31}\n"
            + "  - id: gsomia-jpn-aus\n"
            + "    kind: gsomia\n"
            + "    parties: [JPN, AUS]\n"
            + "    status: signed\n"
            + "    dates: {signed: 2012-05-17, in_force: 2013-03-22}\n"
        },
        "a.yaml:12:13: E307: agreements[raa-jpn-aus]: status is 'negotiating', but dates.signed says it was signed\n"
        "  hint: set the status the dates imply ('signed' or 'in-force'), or remove the date\n"
        "a.yaml:16:25: E307: agreements[acsa-jpn-aus].parties: 'JPN' is listed twice\n"
        "  hint: list each once\n"
        "a.yaml:18:43: E307: agreements[acsa-jpn-aus].dates: 'in_force' (2013-01-31) is before 'signed' (2017-01-14)\n"
        "  hint: an agreement is negotiated, then signed, then enters into force\n"
        "a.yaml:22:13: E307: agreements[gsomia-jpn-aus]: status is 'signed', but dates.in_force says it is in force\n"
        "  hint: set status: in-force, or remove dates.in_force",
    ),
    Case(
        "inconsistent-facts",
        {
            "a.yaml": HEADER
            + COUNTRIES
            + "asset_protection:\n  - {partner: JPN, since: 2016-03-29}\n"
            + "events:\n  - {id: summit, date: 2022-05-24, kind: summit, caused_by: summit}\n"
        },
        "a.yaml:9:15: E307: asset protection covers partners' forces, not Japan's own\n"
        "  hint: name the partner whose forces the SDF may protect (SDF Law Art. 95-2)\n"
        "a.yaml:11:61: E307: event 'summit' cannot be caused by itself\n"
        "  hint: name the earlier event that led to this one, or remove 'caused_by'",
    ),
    # ---------------------------------------------------------------------- several at once
    Case(
        "errors-of-a-parent-are-located-in-the-parent",
        {
            "a.yaml": HEADER + "  extends: b.yaml\n",
            "b.yaml": HEADER + "countries:\n" + JPN.replace("region: indo-pacific", "region: asia"),
        },
        "b.yaml:6:52: E204: invalid value 'asia' for 'region'\n"
        "  hint: valid values of 'region': extra-regional, indo-pacific",
    ),
    Case(
        "syntax-error-of-a-parent",
        {"a.yaml": HEADER + "  extends: b.yaml\n", "b.yaml": HEADER + "countries: [JPN\n"},
        "b.yaml:5:12: E110: YAML syntax error: did not find expected ',' or ']'\n"
        "  hint: separate the items of [...] and {...} with ', ', and quote values containing ':' or ','",
    ),
    Case(
        "every-kind-of-error-at-once-sorted",
        {
            "a.yaml": HEADER
            + "  extends: b.yaml\n"
            + "countries:\n"
            + "  - {code: KOR, name: 韓国, region: indo-pacific, alignment: us-ally, indo_pacific_engagement: steady}\n"
            + "frameworks:\n"
            + "  - id: jpn-usa-kor\n"
            + "    name: {ja: 日米韓, en: Japan-US-ROK}\n"
            + "    members: [JPN, USB, KOR]\n"
            + "    kind: minilateral\n"
            + "    formal_treaty: false\n"
            + "    status: active\n"
            + "    status: suspended\n"
            + "    areas: {north-korea: focus}\n"
            + "remove:\n  countries: [GBR]\n",
            "b.yaml": HEADER + COUNTRIES + "  - code: USA\n",
        },
        "a.yaml:7:23: E203: 'name' must be a mapping, not the text '韓国'\n"
        "  hint: write a mapping, e.g. {ja: ..., en: ...}\n"
        "a.yaml:11:20: E301: unknown country 'USB' in framework 'jpn-usa-kor'\n"
        "  hint: did you mean 'USA' or 'AUS'?\n"
        "a.yaml:15:5: E111: duplicate key 'status' (first written at line 14)\n"
        "  hint: YAML keeps only one value per key; merge the two entries or rename one\n"
        "a.yaml:18:15: E306: cannot remove country 'GBR': the scenarios this one extends do not have it\n"
        "  hint: valid countries: AUS, JPN\n"
        "b.yaml:8:5: E202: missing key 'alignment' in countries[USA]\n"
        "  hint: add 'alignment:' to this mapping\n"
        "b.yaml:8:5: E202: missing key 'indo_pacific_engagement' in countries[USA]\n"
        "  hint: add 'indo_pacific_engagement:' to this mapping\n"
        "b.yaml:8:5: E202: missing key 'name' in countries[USA]\n"
        "  hint: add 'name:' to this mapping\n"
        "b.yaml:8:5: E202: missing key 'region' in countries[USA]\n"
        "  hint: add 'region:' to this mapping",
    ),
    Case(
        "a-broken-chain-still-reports-the-files-read",
        {"a.yaml": HEADER + "  extends: nowhere.yaml\n  titel: x\n"},
        "a.yaml:5:12: E305: cannot extend 'nowhere.yaml': file not found (looked for nowhere.yaml)\n"
        "  hint: the path is relative to the folder of the file that names it\n"
        "a.yaml:6:3: E201: unknown key 'titel' in scenario\n"
        "  hint: did you mean 'title'?",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_error_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: Case) -> None:
    assert report(tmp_path, monkeypatch, case) == case.expected


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, for whom file permissions do not stop reading: simulate the refusal.
    (tmp_path / "a.yaml").write_text(HEADER, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(InputError) as info:
        load_scenario("a.yaml")
    assert info.value.render() == (
        "a.yaml: E103: cannot read the file: Permission denied\n"
        "  hint: check that the file is readable by you (its permissions) and not locked"
    )


def test_unreadable_parent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.yaml").write_text(HEADER + "  extends: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text(HEADER, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "b.yaml":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(InputError) as info:
        load_scenario("a.yaml")
    assert info.value.render() == (
        "a.yaml:5:12: E305: cannot extend 'b.yaml': cannot read the file: Permission denied (looked for b.yaml)\n"
        "  hint: the path is relative to the folder of the file that names it"
    )


def test_the_report_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    many = "".join(f"  key{i}: x\n" for i in range(60))
    case = Case("cap", {"a.yaml": HEADER + many}, "")
    lines = report(tmp_path, monkeypatch, case).splitlines()
    assert lines[-1] == "... and 10 more error(s)"
    assert sum(line.startswith("a.yaml:") for line in lines) == InputError.MAX_SHOWN


def test_every_loading_code_is_exercised() -> None:
    """Each reading, YAML, schema and reference code has a case above with its exact message."""
    wanted = {code for code in CODES if code[0] == "E" and code[1] in "123"}
    met = {code for case in CASES for code in wanted if f": {code}: " in case.expected}
    met |= {"E103"}  # test_unreadable_file
    # written files, logs and evaluation: tests/test_docs.py::test_examples_of_writing_logs_and_limits
    met |= {"E109", "E118", "E308"}
    # more problems than are listed: tests/hostile/test_outputs_and_paths.py::test_diagnostics_*
    met |= {"E100"}
    # a date before the start of the record: test_timeline.test_a_date_before_the_start_of_the_record_is_refused
    met |= {"E309"}
    assert sorted(wanted - met) == []


def test_rule_packs_report_reading_and_schema_problems_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policyengine.validation.rulepack import load_rule_pack

    (tmp_path / "pack.yaml").write_text(
        "pack:\n  id: p\n  id: q\n  title: {ja: 規則, en: Rules}\n  versoin: 2\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as info:
        load_rule_pack("pack.yaml")
    assert info.value.render() == (
        "pack.yaml:3:3: E111: duplicate key 'id' (first written at line 2)\n"
        "  hint: YAML keeps only one value per key; merge the two entries or rename one\n"
        "pack.yaml:5:3: E201: unknown key 'versoin' in pack\n"
        "  hint: did you mean 'version'?"
    )


def test_extends_is_relative_to_the_file_not_to_its_display_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A caller may name a file differently in messages; its parent is still found beside it."""
    folder = tmp_path / "worlds"
    folder.mkdir()
    (folder / "a.yaml").write_text(HEADER + "  extends: b.yaml\n", encoding="utf-8")
    (folder / "b.yaml").write_text(HEADER + "countries:\n" + JPN.replace("us-ally", "ally"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # b.yaml is not in the working folder
    with pytest.raises(InputError) as info:
        load_scenario(str(folder / "a.yaml"), "my-world.yaml")
    assert info.value.render() == (
        "b.yaml:6:77: E204: invalid value 'ally' for 'alignment'\n  hint: did you mean 'us-ally'?"
    )
