"""Safe YAML reading into plain values that remember where they were written.

PyYAML's loaders silently keep the last of duplicate keys, construct arbitrary tags on request
and expand aliases without bound. This module builds the tree itself from PyYAML's event
stream (libyaml when available), so that:

* only plain data is produced (mappings, sequences, str, int, float, bool, None, date);
* duplicate keys, explicit tags, deep nesting and alias bombs are located errors;
* text holds no control characters (escape sequences would reach the terminal of whoever
  reads a message or a report; bidirectional controls make text read differently than it
  shows): only tab and line feed;
* every mapping and sequence knows the line and column of itself and of each of its entries.

Plain scalars follow the YAML 1.2 core schema (``yes``/``no``/``on``/``off`` stay strings),
plus ``YYYY-MM-DD`` dates.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policyengine.errors import (
    MAX_PER_FILE,
    Diagnostic,
    InputError,
    input_error,
    omitted,
    sort_diagnostics,
)
from policyengine.errors.locations import Location
from policyengine.errors.terminal import describe, unsafe_character, visible

Mark = tuple[int, int]  # 1-based line and column


class YMap(dict[str, Any]):
    """A mapping read from YAML; ``marks[key]`` locates the key, ``value_marks[key]`` its value."""

    __slots__ = ("file", "mark", "marks", "value_marks")

    def __init__(self, file: str = "", mark: Mark = (0, 0)) -> None:
        super().__init__()
        self.file = file
        self.mark = mark
        self.marks: dict[str, Mark] = {}
        self.value_marks: dict[str, Mark] = {}

    def location(self, key: str | None = None, *, of_value: bool = False) -> Location:
        """Where this mapping (or one of its keys, or that key's value) was written."""
        mark = self.mark
        if key is not None:
            table = self.value_marks if of_value else self.marks
            mark = table.get(key, self.mark)
        return Location(self.file, mark[0], mark[1])


class YSeq(list[Any]):
    """A sequence read from YAML; ``marks[i]`` locates item ``i``."""

    __slots__ = ("file", "mark", "marks")

    def __init__(self, file: str = "", mark: Mark = (0, 0)) -> None:
        super().__init__()
        self.file = file
        self.mark = mark
        self.marks: list[Mark] = []

    def location(self, index: int | None = None) -> Location:
        mark = self.mark
        if index is not None and 0 <= index < len(self.marks):
            mark = self.marks[index]
        return Location(self.file, mark[0], mark[1])


def locate(node: Any, *path: str | int, start: Location | None = None) -> Location | None:
    """Where the value at ``path`` below ``node`` was written, or as near as the path exists.

    ``start`` is the answer when not even the first step exists (default: where ``node`` is).
    """
    loc = start if start is not None else (node.location() if isinstance(node, (YMap, YSeq)) else None)
    for key in path:
        if isinstance(node, YMap) and isinstance(key, str) and key in node:
            loc = node.location(key, of_value=True)
            node = node[key]
        elif isinstance(node, YSeq) and isinstance(key, int) and key < len(node):
            loc = node.location(key)
            node = node[key]
        else:
            break
    return loc


@dataclass(frozen=True)
class Limits:
    """Bounds that keep hostile files from exhausting memory or time."""

    max_bytes: int = 32 * 1024 * 1024
    max_depth: int = 64
    max_alias_nodes: int = 10_000  # nodes reachable through aliases, counted with repeats
    max_nodes: int = 5_000_000


DEFAULT_LIMITS = Limits()

_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1

_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INT_RE = re.compile(r"[-+]?[0-9]+\Z")
_OCT_RE = re.compile(r"0o[0-7]+\Z")
_HEX_RE = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF_RE = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z")
_NAN_RE = re.compile(r"\.(?:nan|NaN|NAN)\Z")
_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
# Characters that may start a non-string plain scalar; anything else is a string at once.
_SPECIAL_START = frozenset("0123456789-+.~nNtTfF")

_STR_TAGS = frozenset({"tag:yaml.org,2002:str", "!"})


def control_character(text: str) -> str | None:
    """What the first character of ``text`` that no text may hold is, or None: ``control
    character U+001B (ESC)``, ``invisible or direction-changing character U+200B (zero width
    space)`` (:mod:`policyengine.errors.terminal`)."""
    found = unsafe_character(text)
    if found is None:
        return None
    offset, described = found
    code = ord(text[offset])
    noun = (
        "control character"
        if code < 0x20 or 0x7F <= code <= 0x9F
        else "invisible or direction-changing character"
    )
    return f"{noun} {described}"


UNSAFE_HINT = (
    "remove it: control characters can rewrite the terminal or report that shows them, or "
    "make text read differently than it appears"
)


def resolve_plain(text: str) -> Any:
    """Resolve an unquoted scalar per the YAML 1.2 core schema, plus dates.

    Raises ValueError with a readable reason for out-of-range numbers and impossible dates.
    """
    if not text:
        return None
    if text[0] not in _SPECIAL_START:
        return text
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT_RE.match(text):
        value = int(text)
    elif _OCT_RE.match(text):
        value = int(text[2:], 8)
    elif _HEX_RE.match(text):
        value = int(text[2:], 16)
    elif _FLOAT_RE.match(text):
        return float(text)
    elif _INF_RE.match(text):
        return -math.inf if text.startswith("-") else math.inf
    elif _NAN_RE.match(text):
        return math.nan
    else:
        m = _DATE_RE.match(text)
        if m is None:
            return text
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError as exc:
            raise ValueError(f"'{text}' is not a valid date ({exc})") from None
    if not _INT_MIN <= value <= _INT_MAX:
        raise ValueError(f"the number {text[:40]}{'...' if len(text) > 40 else ''} does not fit in 64 bits")
    return value


def _mark(event: Any) -> Mark:
    m = event.start_mark
    return (m.line + 1, m.column + 1)


class _Builder:
    """Turns PyYAML events into YMap/YSeq trees, enforcing the limits.

    Problems that leave the rest of the file readable (a duplicate key, a non-text key, a tag,
    an impossible date) are collected in ``problems`` and reading goes on, so that a file's
    mistakes are reported together. Problems that stop the parser or guard against hostile
    input (syntax, depth, aliases, size, several documents) raise at once.
    """

    def __init__(self, file: str, limits: Limits) -> None:
        self.file = file
        self.limits = limits
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.alias_nodes = 0
        self.nodes = 0
        self.problems: list[Diagnostic] = []
        self.more = 0  # problems past MAX_PER_FILE, counted only
        self.more_at: Mark = (0, 0)

    def error(self, code: str, message: str, mark: Mark, hint: str | None = None) -> InputError:
        return input_error(code, message, Location(self.file, *mark), hint)

    def problem(self, code: str, message: str, mark: Mark, hint: str | None = None) -> None:
        if len(self.problems) < MAX_PER_FILE:
            self.problems.append(Diagnostic(Location(self.file, *mark), code, message, hint))
            return
        # Counted, not built: a file may hold millions of duplicate keys or tags.
        if self.more == 0:
            self.more_at = mark
        self.more += 1

    def all_problems(self) -> list[Diagnostic]:
        """The problems found, the ones past :data:`MAX_PER_FILE` as one :class:`Omitted`."""
        if not self.more:
            return self.problems
        return [*self.problems, omitted(Location(self.file, *self.more_at), self.more)]

    def build(self, events: Iterator[Any]) -> Any:
        import yaml

        # Each frame: [container, size, pending_key, pending_key_mark, anchor]
        stack: list[list[Any]] = []
        root: Any = None
        have_root = False
        documents = 0

        def attach(value: Any, size: int, mark: Mark) -> None:
            nonlocal root, have_root
            if not stack:
                root, have_root = value, True
                return
            frame = stack[-1]
            container = frame[0]
            frame[1] += size
            if isinstance(container, YSeq):
                container.append(value)
                container.marks.append(mark)
                return
            key = frame[2]
            if key is _DISCARD:  # the value of a rejected key
                frame[2] = _NO_KEY
            elif key is _NO_KEY:
                frame[2] = self._key(value, container, mark)
                frame[3] = mark
            else:
                container[key] = value
                container.marks[key] = frame[3]
                container.value_marks[key] = mark
                frame[2] = _NO_KEY

        for event in events:
            kind = type(event)
            if kind is yaml.ScalarEvent:
                mark = _mark(event)
                self._check_tag(event, mark)
                in_key = bool(stack) and isinstance(stack[-1][0], YMap) and stack[-1][2] is _NO_KEY
                if not event.style and event.implicit[0]:
                    try:
                        value: Any = resolve_plain(event.value)
                    except ValueError as exc:
                        self.problem("E116", str(exc), mark, _range_hint(event.value))
                        value = event.value
                    if in_key and value == "<<":
                        value = _MERGE_KEY
                else:
                    value = event.value
                if isinstance(value, str):
                    bad = control_character(value)
                    if bad is not None:
                        raise self.error("E117", f"the text contains the {bad}", mark, UNSAFE_HINT)
                self.nodes += 1
                if in_key and not isinstance(value, str) and value is not _MERGE_KEY:
                    value = _Node(value)  # non-text key: rejected in attach()
                if event.anchor:
                    self.anchors[event.anchor] = (value, 1)
                attach(value, 1, mark)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                mark = _mark(event)
                self._check_tag(event, mark)
                if len(stack) >= self.limits.max_depth:
                    raise self.error(
                        "E112",
                        f"nesting deeper than {self.limits.max_depth} levels",
                        mark,
                        "scenario and rule files need only a few levels; flatten the structure",
                    )
                container: Any = (
                    YMap(self.file, mark) if kind is yaml.MappingStartEvent else YSeq(self.file, mark)
                )
                stack.append([container, 1, _NO_KEY, (0, 0), event.anchor])
                self.nodes += 1
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                container, size, _, _, anchor = stack.pop()
                if anchor:
                    self.anchors[anchor] = (container, size)
                attach(container, size, container.mark)
            elif kind is yaml.AliasEvent:
                mark = _mark(event)
                if event.anchor not in self.anchors:
                    raise self.error(
                        "E110",
                        f"unknown alias '*{event.anchor}'",
                        mark,
                        f"define '&{event.anchor}' on a value written before this alias",
                    )
                value, size = self.anchors[event.anchor]
                self.alias_nodes += size
                if self.alias_nodes > self.limits.max_alias_nodes:
                    raise self.error(
                        "E113",
                        f"aliases expand to more than {self.limits.max_alias_nodes:,} nodes",
                        mark,
                        "this looks like an alias bomb; write the data out instead of nesting aliases",
                    )
                attach(value, size, mark)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise self.error(
                        "E114",
                        "the file holds more than one YAML document",
                        _mark(event),
                        "remove the '---' separator; one file is one document",
                    )
            if self.nodes > self.limits.max_nodes:
                raise self.error(
                    "E104",
                    f"more than {self.limits.max_nodes:,} YAML nodes",
                    _mark(event),
                    _LIMIT_HINT,
                )
        return root if have_root else None

    def _key(self, value: Any, container: YMap, mark: Mark) -> Any:
        """Accept a mapping key (its text), or record why not and discard its entry."""
        if value is _MERGE_KEY:
            self.problem(
                "E115",
                "YAML merge keys ('<<') are not supported",
                mark,
                "write the keys out in this mapping instead of merging another one in",
            )
            return _DISCARD
        if not isinstance(value, str):
            if isinstance(value, (YMap, YSeq)):
                hint = "a key must be a single word or quoted text, not a mapping or a list"
            else:
                shown = _render_key(value.value if isinstance(value, _Node) else value)
                hint = f'quote the key to make it text, e.g. "{shown}":'
            self.problem("E114", "mapping keys must be text", mark, hint)
            return _DISCARD
        if value in container:
            first = container.marks[value]
            self.problem(
                "E111",
                f"duplicate key '{value}' (first written at line {first[0]})",
                mark,
                "YAML keeps only one value per key; merge the two entries or rename one",
            )
            return _DISCARD
        return value

    def _check_tag(self, event: Any, mark: Mark) -> None:
        tag = getattr(event, "tag", None)
        if tag is None:
            return
        if tag in _STR_TAGS and type(event).__name__ == "ScalarEvent":
            return
        if (
            tag in ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
            and type(event).__name__ != "ScalarEvent"
        ):
            return
        shown = "!!" + tag[len(_CORE_PREFIX) :] if tag.startswith(_CORE_PREFIX) else tag
        self.problem(
            "E115",
            f"explicit YAML tag '{shown}' is not supported",
            mark,
            "remove the tag: policyengine reads plain data only, never objects",
        )


def _render_key(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _range_hint(text: str) -> str:
    if _DATE_RE.match(text):
        return "write a date that exists, as YYYY-MM-DD"
    return "put the value in quotes if it is meant as text"


class _Node:
    """Wraps a non-text scalar seen where a mapping key belongs, so attach() can reject it."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


_NO_KEY = object()
_DISCARD = object()  # the key was rejected: drop the value that follows
_MERGE_KEY = object()  # an unquoted "<<" key (YAML 1.1 merge)
_CORE_PREFIX = "tag:yaml.org,2002:"


def _wide_encoding(data: bytes) -> tuple[str, bool] | None:
    """('UTF-16' or 'UTF-32', has a byte-order mark) when the bytes look like it, else None."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32", True
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16", True
    head = data[:64]
    if len(head) >= 8 and (
        all(b == 0 for i, b in enumerate(head) if i % 4 != 0)
        or all(b == 0 for i, b in enumerate(head) if i % 4 != 3)
    ):
        return "UTF-32", False
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if (even >= 2 and odd == 0) or (odd >= 2 and even == 0):
        # NUL bytes at every other position: UTF-16 text without a byte-order mark, not binary.
        return "UTF-16", False
    return None


def decode_text(data: bytes, file: str) -> str:
    """UTF-8 text of a file's bytes, with located errors (E105 encoding, E106 binary)."""
    return _decode(data, file)


def _decode(data: bytes, file: str) -> str:
    wide = _wide_encoding(data)
    if wide is not None:
        encoding, marked = wide
        raise input_error(
            "E105",
            f"the file {'is' if marked else 'looks'} {encoding} encoded",
            Location(file),
            f"save it as UTF-8, e.g. iconv -f {encoding} -t UTF-8",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        offset = data.index(b"\x00")
        line = data.count(b"\n", 0, offset) + 1
        col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
        raise input_error(
            "E106",
            "the file contains NUL bytes: it is binary, not YAML text",
            Location(file, line, col),
            "give a YAML text file",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start
        line = data.count(b"\n", 0, offset) + 1
        col = len(data[data.rfind(b"\n", 0, offset) + 1 : offset].decode("utf-8", "replace")) + 1
        raise input_error(
            "E105",
            f"invalid UTF-8 byte 0x{data[offset]:02x}",
            Location(file, line, col),
            "save the file as UTF-8",
        ) from None


_LIMIT_HINT = (
    "split the scenario with 'extends', or raise the limit from Python (policyengine.loading.Limits)"
)
_READ_HINT = "check that the file is readable by you (its permissions) and not locked"


def read_bytes(
    path: Path, display: str, limits: Limits = DEFAULT_LIMITS, *, limit_hint: str = _LIMIT_HINT
) -> bytes:
    """Read a file with located errors for the usual ways this goes wrong (``limit_hint``: what
    to do about a file over the size limit, for files that are not scenarios)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise input_error("E101", "file not found", Location(display), "check the path") from None
    except OSError as exc:
        raise input_error(
            "E103", f"cannot read the file: {exc.strerror or exc}", Location(display), _READ_HINT
        ) from None
    if path.is_dir():
        raise input_error(
            "E102", "this is a directory, not a file", Location(display), "name a .yaml file inside it"
        )
    if not path.is_file():
        # Pipes, devices and sockets are refused before opening: reading them can block or never end.
        raise input_error(
            "E102",
            "this is not a regular file",
            Location(display),
            "give a regular file (not a pipe, a device or a socket)",
        )
    if path.is_symlink():
        _check_link(path, display)
    if st.st_size > limits.max_bytes:
        raise input_error(
            "E104",
            f"file is {st.st_size:,} bytes; the limit is {limits.max_bytes:,}",
            Location(display),
            limit_hint,
        )
    try:
        with path.open("rb") as fh:
            data = fh.read(limits.max_bytes + 1)
    except OSError as exc:
        raise input_error(
            "E103", f"cannot read the file: {exc.strerror or exc}", Location(display), _READ_HINT
        ) from None
    if len(data) > limits.max_bytes:
        raise input_error("E104", f"file exceeds {limits.max_bytes:,} bytes", Location(display), limit_hint)
    from policyengine.system.fileio import note_input

    note_input(st, display)  # no output of this command may replace it
    return data


#: suffixes that name the same kind of file (a link may lead from one to another)
_SAME_KIND = ({".yaml", ".yml", ".json"},)


def _kind_of(suffix: str) -> frozenset[str]:
    for group in _SAME_KIND:
        if suffix in group:
            return frozenset(group)
    return frozenset({suffix})


def _check_link(path: Path, display: str) -> None:
    """A symbolic link must lead to a file of its own kind: ``world.yaml`` -> ``/proc/self/status``
    or ``-> /etc/passwd`` would make policyengine read (and quote keys of) any file the user can
    read, the way a hostile ``extends:`` could (E305), through a link received with the files."""
    suffix = path.suffix.lower()
    if not suffix:
        return  # a name without a suffix says nothing about what it should be
    real = os.path.realpath(path)
    if Path(real).suffix.lower() in _kind_of(suffix) and not real.startswith(("/proc/", "/sys/")):
        return
    from policyengine.errors.terminal import visible

    raise input_error(
        "E102",
        f"this is a symbolic link to '{visible(real)}', which is not a {suffix} file",
        Location(display),
        f"give the {suffix} file itself, or a link to one",
    )


#: Hints for the parser's messages, by a phrase they contain (libyaml and PyYAML word them alike).
_SYNTAX_HINTS: tuple[tuple[str, str], ...] = (
    ("mapping values are not allowed", "a value containing ': ' must be quoted"),
    (
        "expected ',' or",
        "separate the items of [...] and {...} with ', ', and quote values containing ':' or ','",
    ),
    ("could not find expected ':'", "a key needs ': ' after it; a line of text belongs to a key"),
    ("found unexpected end of stream", "the quote opened here is never closed"),
    ("did not find expected node content", "a value is missing, or a '[' or '{' is not closed"),
    ("did not find expected key", "the entries of one mapping must start in the same column"),
    ("expected <block end>", "the entries of one mapping or list must start in the same column"),
    ("did not find expected '-' indicator", "the items of one list must start in the same column"),
    ("nesting depth", "scenario and rule files need only a few levels; flatten the structure"),
    ("control characters", "the file holds a character YAML does not allow; remove it"),
    ("special characters", "the file holds a character YAML does not allow; remove it"),
    (
        "block sequence entries are not allowed",
        "a list item ('- ') cannot follow a key's value on the same level; indent it under its key",
    ),
)


def _syntax_hint(text: str, index: int, problem: str) -> str | None:
    char = text[index] if 0 <= index < len(text) else ""
    line_start = text.rfind("\n", 0, max(index, 0)) + 1
    indent = text[line_start : max(index, line_start)]
    if char == "\t" or "\t" in indent or "tab" in problem:
        return "YAML needs spaces, not tabs, for indentation"
    if char and char in "%@`":
        return f"a plain value cannot start with '{char}'; put the value in quotes"
    for phrase, hint in _SYNTAX_HINTS:
        if phrase in problem:
            return hint
    return "check the indentation and the quoting at this position"


def _points_back(problem: str, mark: Any, text: str) -> bool:
    """Whether the parser's context (where a construct began) locates the mistake better."""
    if mark is None or mark.index >= len(text.rstrip()):
        return True
    return "could not find expected ':'" in problem


def parse_yaml_collecting(
    text: str | bytes, file: str, limits: Limits = DEFAULT_LIMITS, *, fast: bool = True
) -> tuple[Any, list[Diagnostic]]:
    """Parse YAML text into YMap/YSeq/scalars, returning the tree and the problems read past.

    Problems that stop reading (syntax, encoding, limits) raise :class:`InputError`. Problems
    that do not (duplicate or non-text keys, tags, out-of-range values) are returned, sorted,
    with the tree as best read: the first of duplicate keys kept, rejected entries dropped,
    out-of-range values kept as their text. Callers must report them.

    Text that is JSON is read by the json module (see :mod:`policyengine.loading.jsontree`)
    unless ``fast`` is False; the tree and every location it reports are the same either way,
    and any text with a problem (of any kind) is left to the YAML parser, which reports it.
    """
    import yaml

    utf8 = None
    if isinstance(text, bytes):
        utf8, text = text, _decode(text, file)
    if fast:
        from policyengine.loading.jsontree import FALLBACK, looks_like_json, parse_json

        if looks_like_json(text):
            fast_tree = parse_json(text, file, limits, utf8)
            if fast_tree is not FALLBACK:
                return fast_tree, []
    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    builder = _Builder(file, limits)
    try:
        tree = builder.build(yaml.parse(text, Loader=loader_cls))
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or exc.context or "invalid YAML"
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and _points_back(problem, mark, text):
            # An unclosed quote or bracket is found at the end of the file: show where it opened.
            mark = exc.context_mark
        loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        hint = _syntax_hint(text, mark.index if mark else -1, problem)
        code = "E112" if "nesting depth" in problem else "E110"
        raise InputError([Diagnostic(loc, code, f"YAML syntax error: {problem}", hint)]) from None
    except yaml.reader.ReaderError as exc:
        # A character YAML refuses anywhere in the file (a raw ESC, NEL, ...): named and located
        # (the parser gives an offset into the text).
        raise _reader_error(exc, text, file) from None
    except yaml.YAMLError as exc:
        raise input_error(
            "E110", f"YAML syntax error: {visible(str(exc))}", Location(file), "check the file is YAML text"
        ) from None
    except RecursionError:
        raise input_error(
            "E112", "nesting too deep", Location(file), "flatten the structure: a few levels suffice"
        ) from None
    return tree, sort_diagnostics(builder.all_problems())


def _reader_error(exc: Any, text: str, file: str) -> InputError:
    offset = exc.position if isinstance(exc.position, int) and 0 <= exc.position < len(text) else -1
    if offset < 0:
        return input_error(
            "E117", "the file holds a character YAML does not allow", Location(file), UNSAFE_HINT
        )
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    char = text[offset]
    code = ord(char)
    noun = "control character" if code < 0x20 or 0x7F <= code <= 0x9F else "character"
    return input_error(
        "E117",
        f"the file contains the {noun} {describe(char)}, which YAML does not allow",
        Location(file, line, column),
        UNSAFE_HINT,
    )


def parse_yaml(text: str | bytes, file: str, limits: Limits = DEFAULT_LIMITS, *, fast: bool = True) -> Any:
    """Parse YAML text into YMap/YSeq/scalars; every problem is an :class:`InputError`.

    ``fast``: see :func:`parse_yaml_collecting`.
    """
    tree, problems = parse_yaml_collecting(text, file, limits, fast=fast)
    if problems:
        raise InputError(problems)
    return tree


def read_yaml(
    path: str | os.PathLike[str], display: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Any:
    """Read and parse one YAML file. ``display`` is the name used in messages."""
    p = Path(path)
    name = display if display is not None else str(path)
    return parse_yaml(read_bytes(p, name, limits), name, limits)


def plain(value: Any) -> Any:
    """Strip location wrappers: YMap -> dict, YSeq -> list (deep)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
