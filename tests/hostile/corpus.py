"""The hostile-input corpus: every case, the role it can play, and the error it must give.

Small cases are files under ``corpus/`` (readable, and usable by hand:
``policyengine validate tests/hostile/corpus/files/*.yaml``). Cases that are large, binary,
special files or depend on permissions are generated into a temporary folder by ``build``.

A case plays one or more roles: ``file`` (any input file: the failure is found before the kind
of file matters), ``scenario`` or ``rules``. Each expects exit 2 with its code at ``line:column``
of the file named ``names`` (relative to the folder the command runs in), or exit 0 for the
valid-but-exotic cases (``ok``).
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"

FILE, SCENARIO, RULES, LOG = "file", "scenario", "rules", "log"


@dataclass(frozen=True)
class Case:
    name: str
    path: str  # relative to the built corpus folder
    roles: frozenset[str]
    codes: frozenset[str] = frozenset()  # acceptable first error codes; empty when ok
    line: int | None = None
    column: int | None = None
    names: str | None = None  # the file the message must name, if not ``path``
    ok: bool = False
    skip: Callable[[], str | None] | None = None

    def fills(self, role: str) -> bool:
        """Whether the case can be given where a command reads a file of this role."""
        return role in self.roles or FILE in self.roles

    @property
    def named(self) -> str:
        return self.names or self.path


def _root_reads_anything() -> str | None:
    if os.geteuid() == 0:
        return "running as root: root can read a chmod 000 file, so the case cannot be made"
    return None


def _case(
    name: str,
    path: str,
    roles: set[str],
    code: str | set[str] | None = None,
    line: int | None = None,
    column: int | None = None,
    **kw: object,
) -> Case:
    codes = frozenset({code} if isinstance(code, str) else (code or set()))
    return Case(name, path, frozenset(roles), codes, line, column, **kw)  # type: ignore[arg-type]


ANY = {FILE}
CASES: list[Case] = [
    # -- any file: problems found before the kind of file matters ----------------------------------
    _case("empty", "files/empty.yaml", ANY, "E114", 1, 1),
    _case("top-level scalar", "files/top_scalar.yaml", ANY, "E114", 1, 1),
    _case("top-level list", "files/top_list.yaml", ANY, "E114", 1, 1),
    _case("binary garbage", "gen/binary.yaml", ANY, "E106"),
    _case("not UTF-8", "files/non_utf8.yaml", ANY, "E105", 2, 10),
    _case("UTF-16 with BOM", "gen/utf16_bom.yaml", ANY, "E105"),
    _case("UTF-16 without BOM", "gen/utf16_no_bom.yaml", ANY, "E105"),
    _case("UTF-32", "gen/utf32.yaml", ANY, "E105"),
    _case("UTF-8 BOM (columns not shifted)", "files/bom_then_error.yaml", ANY, "E110", 2, 7),
    _case("tabs for indentation", "files/tabs.yaml", ANY, "E110", 2, 1),
    _case("duplicate keys", "files/duplicate_keys.yaml", ANY, "E111", 3, 3),
    _case("alias bomb (billion laughs)", "files/alias_bomb.yaml", ANY, "E113", 5, 8),
    _case("unknown alias", "files/unknown_alias.yaml", ANY, "E110", 1, 18),
    _case("5000-deep flow nesting", "files/deep_flow.yaml", ANY, "E112", 1),
    _case("200-deep block nesting", "files/deep_block.yaml", ANY, "E112", 65),
    _case("50 MB file", "gen/fifty_megabytes.yaml", ANY, "E104"),
    _case("number beyond 64 bits", "files/bignum.yaml", ANY, "E116", 2, 7),
    _case("terminal escape sequence in text", "files/terminal_escape.yaml", ANY, "E117", 2, 7),
    _case("bidirectional override in text", "files/bidi_override.yaml", ANY, "E117", 2, 7),
    _case("two YAML documents", "files/two_documents.yaml", ANY, "E114", 2, 1),
    # -- round 2 (issue 14): terminal safety, paths reached through links ---------------------------
    _case("raw ESC byte in the file", "files/raw_escape_byte.yaml", ANY, "E117", 2, 8),
    _case("zero-width space in an identifier", "files/zero_width_space.yaml", ANY, "E117", 2, 7),
    _case("right-to-left and Arabic letter marks", "files/direction_mark.yaml", ANY, "E117", 3, 15),
    _case("line separator U+2028 in text", "files/line_separator.yaml", ANY, "E117", 3, 15),
    _case("U+FEFF inside text", "files/inner_bom.yaml", ANY, "E117", 3, 15),
    _case("tag characters U+E0041", "files/tag_characters.yaml", ANY, "E117", 3, 15),
    _case("a .yaml link to /etc/passwd", "gen/link_to_passwd.yaml", ANY, "E102"),
    _case("a .yaml link to /proc/self/status", "gen/link_to_proc.yaml", ANY, "E102"),
    _case("python/object/apply tag", "files/python_tag.yaml", ANY, "E115", 1, 11),
    _case("python/name tag", "files/python_name_tag.yaml", ANY, "E115", 1, 7),
    _case("missing file", "gen/does_not_exist.yaml", ANY, "E101"),
    _case("named pipe (would block a reader)", "gen/a_pipe.yaml", ANY, "E102"),
    _case("device file", "gen/dev_zero.yaml", ANY, "E102"),
    _case("unreadable file (chmod 000)", "gen/unreadable.yaml", ANY, "E103", skip=_root_reads_anything),
    # -- scenarios ---------------------------------------------------------------------------------
    # validate reads a folder as a rule pack (E101); the other commands want a file (E102)
    _case("directory as a scenario", "gen/a_folder", {SCENARIO}, {"E101", "E102"}),
    _case("Japanese and emoji everywhere", "scenarios/unicode_everywhere.yaml", {SCENARIO}, ok=True),
    _case("unknown key in Japanese", "scenarios/unknown_key_japanese.yaml", {SCENARIO}, "E201", 16, 1),
    _case(
        "unknown keys at every level", "scenarios/unknown_keys_every_level.yaml", {SCENARIO}, "E201", 3, 40
    ),
    _case("wrong types", "scenarios/wrong_types.yaml", {SCENARIO}, "E203", 19, 14),
    _case("unknown codes", "scenarios/unknown_codes.yaml", {SCENARIO}, "E301", 19, 20),
    _case("references to missing facts", "scenarios/missing_references.yaml", {SCENARIO}, "E301", 21, 14),
    _case("NaN and infinity", "scenarios/nan_and_infinity.yaml", {SCENARIO}, "E203", 17, 16),
    _case("exponent float (1e+20)", "scenarios/exponent_float.yaml", {SCENARIO}, "E203", 18, 12),
    _case("the same fact twice", "scenarios/duplicate_identity.yaml", {SCENARIO}, "E302", 16, 5),
    _case("string of megabytes", "gen/megabyte_string_scenario.yaml", {SCENARIO}, "E204", 5, 9),
    _case(
        "extends cycle", "scenarios/cycle_a.yaml", {SCENARIO}, "E304", 5, 12, names="scenarios/cycle_b.yaml"
    ),
    _case("extends itself", "scenarios/extends_self.yaml", {SCENARIO}, "E304", 5, 12),
    _case("extends a missing file", "scenarios/extends_missing.yaml", {SCENARIO}, "E305", 5, 12),
    _case(
        "extends a non-YAML file (/etc/passwd)", "scenarios/extends_not_yaml.yaml", {SCENARIO}, "E305", 5, 12
    ),
    _case("extends a directory", "scenarios/extends_dir.yaml", {SCENARIO}, "E305", 5, 12),
    _case(
        "extends a .yaml link to /proc/self/status",
        "scenarios/extends_link_to_proc.yaml",
        {SCENARIO},
        "E305",
        5,
        12,
    ),
    _case("extends a named pipe", "scenarios/extends_fifo.yaml", {SCENARIO}, "E305", 5, 12),
    _case(
        "extends an unreadable file",
        "scenarios/extends_unreadable.yaml",
        {SCENARIO},
        "E305",
        5,
        12,
        skip=_root_reads_anything,
    ),
    # -- rule packs --------------------------------------------------------------------------------
    _case("empty directory as a rule pack", "gen/a_folder", {RULES}, "E101"),
    _case("unknown operator", "rules/unknown_operator.yaml", {RULES}, "E403", 11, 24),
    _case("misspelled variable", "rules/misspelled_variable.yaml", {RULES}, "E402", 13, 26),
    _case("misspelled field", "rules/misspelled_field.yaml", {RULES}, "E401", 11, 17),
    _case("unknown fact kind", "rules/unknown_kind.yaml", {RULES}, "E401", 9, 16),
    _case("template {0.__class__}", "rules/template_dunder.yaml", {RULES}, "E404", 16, 29),
    _case("template format spec", "rules/template_format_spec.yaml", {RULES}, "E404", 16, 29),
    _case("negation cycle", "rules/negation_cycle.yaml", {RULES}, "E405", 11, 9),
    _case("wrong shape", "rules/wrong_shape.yaml", {RULES}, "E204", 12, 59),
    _case("more rules than the engine joins", "rules/too_many_rules.yaml", {RULES}, "E407", 1605, 5),
    _case("tests that would hang the engine", "rules/too_many_distinct_tests.yaml", {RULES}, "E407", 59, 5),
    _case(
        "derived fact that would crash the engine", "rules/derive_300_fields.yaml", {RULES}, "E407", 14, 19
    ),
    _case("literal of megabytes", "gen/megabyte_literal_rules.yaml", {RULES}, "E407", 15, 26),
    _case("four conditions sharing no variable", "rules/four_way_cross_product.yaml", {RULES}, "E408", 15, 9),
    _case("four independent groups, outcome of one", "rules/four_independent_groups.yaml", {RULES}, ok=True),
    _case("a pack that matches nothing", "rules/matches_nothing.yaml", {RULES}, ok=True),
    # -- decision logs (a broken header is found before the files it names are looked for) -----------
    _case("decision log: inputs null", "logs/inputs_null.jsonl", {LOG}, "E605", 1, 1),
    _case("decision log: unknown lang", "logs/lang_unknown.jsonl", {LOG}, "E605", 1, 1),
    _case("decision log: seq true", "logs/seq_true.jsonl", {LOG}, "E605", 1, 1),
    _case("decision log: version as text", "logs/version_text.jsonl", {LOG}, "E605", 1, 1),
    _case("decision log: lone surrogate", "logs/lone_surrogate.jsonl", {LOG}, "E605", 1, 1),
    _case("decision log: arrow key in text", "logs/arrow_key_in_text.jsonl", {LOG}, "E117", 1, 1),
    _case("decision log: markup as time", "logs/time_markup.jsonl", {LOG}, "E605", 1, 1),
    _case("decision log: 100,000-deep nesting", "gen/deep.jsonl", {LOG}, "E602", 1, 1),
]


def build(dest: Path) -> Path:
    """Copy the corpus to ``dest`` and generate the other cases there. Returns ``dest``."""
    shutil.copytree(CORPUS, dest, dirs_exist_ok=True)
    gen = dest / "gen"
    gen.mkdir(exist_ok=True)
    rng = random.Random(20220601)
    (gen / "binary.yaml").write_bytes(b"scenario:\n" + rng.randbytes(4096) + b"\x00")
    text = "scenario:\n  id: wide\n"
    (gen / "utf16_bom.yaml").write_bytes(text.encode("utf-16"))
    (gen / "utf16_no_bom.yaml").write_bytes(text.encode("utf-16-le"))
    (gen / "utf32.yaml").write_bytes(text.encode("utf-32"))
    # 50 MB: a plausible scenario padded with comments, written in chunks (not kept in memory).
    with (gen / "fifty_megabytes.yaml").open("w", encoding="utf-8") as fh:
        fh.write("scenario:\n  id: huge\n")
        line = "# " + "パディング padding " * 20 + "\n"
        for _ in range((50 * 1024 * 1024) // len(line.encode()) + 1):
            fh.write(line)
    os.mkfifo(gen / "a_pipe.yaml")
    os.symlink("/dev/zero", gen / "dev_zero.yaml")
    (gen / "unreadable.yaml").write_text("scenario: {}\n", encoding="utf-8")
    (gen / "unreadable.yaml").chmod(0)
    (gen / "a_folder").mkdir()
    os.symlink("/etc/passwd", gen / "link_to_passwd.yaml")
    os.symlink("/proc/self/status", gen / "link_to_proc.yaml")
    os.symlink("/proc/self/status", dest / "scenarios" / "_link_to_proc.yaml")
    scen = dest / "scenarios"
    (scen / "_a_folder.yaml").mkdir()
    os.mkfifo(scen / "_a_pipe.yaml")
    (scen / "_unreadable.yaml").write_text("scenario: {}\n", encoding="utf-8")
    (scen / "_unreadable.yaml").chmod(0)
    mega = "長い😀" * 400_000  # 1.2 million characters, 4 MB of UTF-8
    (gen / "megabyte_string_scenario.yaml").write_text(
        "scenario:\n  id: long\n  as_of: 2022-06-01\n  title:\n    ja: " + mega + "\n    en: x\n",
        encoding="utf-8",
    )
    rule = (CORPUS / "rules" / "matches_nothing.yaml").read_text(encoding="utf-8")
    rule = rule.replace(
        "      recommend:",
        "      derive:\n        - kind: note\n          fields: {text: "
        + "x" * 3_000_000
        + "}\n      recommend:",
    )
    (gen / "megabyte_literal_rules.yaml").write_text(rule, encoding="utf-8")
    depth = 100_000  # json's decoder recursed once per level: RecursionError, exit 3
    (gen / "deep.jsonl").write_text('{"type": "exercise", "x": ' + "[" * depth + "]" * depth + "}\n")
    return dest


def restore_permissions(dest: Path) -> None:
    """Let the temporary folder be removed (chmod 000 files inside)."""
    for p in (dest / "gen" / "unreadable.yaml", dest / "scenarios" / "_unreadable.yaml"):
        if p.exists():
            p.chmod(0o644)
