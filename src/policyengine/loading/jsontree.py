"""The JSON fast path: a scenario file whose text is JSON, read with the json module.

JSON is a subset of YAML, and PyYAML reads it at a few microseconds per event: a scenario of
100,000 facts took seconds to parse. :func:`parse_json` reads the same text with the json module
into the same YMap/YSeq tree that :mod:`policyengine.loading.yamltree` would build, except that
the tree does not know yet where anything was written. Line and column are worked out only when
something asks for them (an error to report, the origin of a fact to show): the text is then
parsed once more by the located YAML parser and its marks copied over, so every location is the
one the YAML parser gives, exactly as if the file had been read by it alone.

Whatever the two parsers might read differently, and whatever the YAML reader refuses, goes to
the YAML parser from the start (:data:`FALLBACK`), which then reports it exactly as for any YAML
file: duplicate keys (an error there), NaN and Infinity (text there), integers beyond 64 bits (an
error there), escaped UTF-16 surrogates, characters outside YAML's printable set and its extra
line breaks (errors there), control characters and bidirectional controls, written as they are
or as escapes (E117 there), a top level that is not a mapping, and trees beyond the node or depth
limits. The bytes were decoded by the YAML reader's own decoder (encodings, NUL bytes and size
are checked before either parser runs). tests/test_json_fast_path.py checks that both parsers
give the same tree, and the same errors, on generated documents.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from policyengine.errors.terminal import UNSAFE_RANGES, find_unsafe
from policyengine.loading.yamltree import Limits, YMap, YSeq

#: Returned when the text must be read by the YAML parser instead.
FALLBACK: Any = object()

_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1
_SURROGATE = r"\\u[dD][89a-fA-F]"
# Escapes that may write a character the YAML reader refuses in text (E117: C0 controls other than
# tab and line feed, DEL, C1 controls, bidirectional controls; loading.yamltree.control_character).
# A superset (\u0009, \u0070 ... and a "\\b" written as an escaped backslash match too): such
# texts are merely read by the slower parser.
# Any \u escape of a character past ASCII, but those of the CJK blocks, hiragana and katakana (the
# text of most worlds) and the letters of Latin-1, takes the slower parser, which checks it
# (the invisible and format characters of policyengine.errors.terminal are spread over many blocks).
_CONTROL_ESCAPE = (
    r"\\(?:[bfr]|u(?!00[2-6]|007[0-9a-eA-E]|00[c-fC-F]|3[0-9a-fA-F]|[4-9][0-9a-fA-F])[0-9a-fA-F])"
)
# Characters JSON takes as they are but YAML does not: those outside its printable set (PyYAML's
# Reader.NON_PRINTABLE), its extra line breaks (NEL, LS, PS), which break a quoted scalar, and the
# bidirectional controls (U+202A-U+202E, U+2066-U+2069), which the YAML reader refuses (E117).
_YAML_SPECIAL = (
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202f-\u2065\u206a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


@cache
def _pattern(source: str) -> re.Pattern[str]:
    """A pattern compiled when a JSON text is first read: a command reading YAML only (and every
    command's start-up) does not pay for compiling the character class above."""
    return re.compile(source)


_MARK_SLOTS = frozenset({"mark", "marks", "value_marks"})


class _Fallback(Exception):
    pass


class _Locator:
    """Finds the YAML parser's marks for every node of one document, once, on demand."""

    def __init__(self, text: str, file: str, limits: Limits) -> None:
        self.text = text
        self.file = file
        self.limits = limits
        self.root: JMap | None = None
        self.done = False

    def fill(self) -> None:
        if self.done:
            return
        from policyengine.loading.yamltree import parse_yaml

        located = parse_yaml(self.text, self.file, self.limits, fast=False)
        assert self.root is not None
        _copy_marks(self.root, located)
        self.done = True
        self.text = ""  # the marks are all that was needed from it


def _copy_marks(fast: Any, located: Any) -> None:
    stack = [(fast, located)]
    while stack:
        f, y = stack.pop()
        if isinstance(f, JMap):
            if not isinstance(y, YMap) or f.keys() != y.keys():
                raise AssertionError(f"the JSON and YAML readings of {y!r:.60} differ")
            f.mark, f.marks, f.value_marks = y.mark, y.marks, y.value_marks
            stack.extend((v, y[k]) for k, v in f.items() if isinstance(v, (JMap, JSeq)))
        elif isinstance(f, JSeq):
            if not isinstance(y, YSeq) or len(f) != len(y):
                raise AssertionError(f"the JSON and YAML readings of {y!r:.60} differ")
            f.mark, f.marks = y.mark, y.marks
            stack.extend((v, y[i]) for i, v in enumerate(f) if isinstance(v, (JMap, JSeq)))


class _LazyMarks:
    """Marks found on first use, by the locator of the tree the node belongs to."""

    __slots__ = ()
    _locator: _Locator

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes not set yet: the marks, before the locator filled them.
        if name in _MARK_SLOTS:
            self._locator.fill()
            return object.__getattribute__(self, name)
        raise AttributeError(name)


class JMap(_LazyMarks, YMap):
    """A YMap read by the json module; its marks are found on first use."""

    __slots__ = ("_h", "_locator")
    _h: int  # containers on the longest path down from here, this one included


class JSeq(_LazyMarks, YSeq):
    """A YSeq read by the json module; its marks are found on first use."""

    __slots__ = ("_h", "_locator")
    _h: int  # containers on the longest path down from here, this one included


def looks_like_json(text: str) -> bool:
    """Whether the text may be JSON: its first non-blank character opens an object."""
    return text.lstrip(" \t\r\n")[:1] == "{"


# The same characters in UTF-8 (surrogates cannot be there): searching bytes for these is a
# memchr, where a regular expression over the text costs ~10 ns a character.
_SPECIAL_UTF8 = (
    b"\x7f",
    b"\xc2",
    *(b"\xe2\x80" + bytes([c]) for c in range(0xA8, 0xAF)),  # U+2028, U+2029, U+202A-U+202E
    *(b"\xe2\x81" + bytes([c]) for c in range(0xA6, 0xAA)),  # U+2066-U+2069
    b"\xef\xbf\xbe",
    b"\xef\xbf\xbf",
)


def _unsafe_prefixes() -> tuple[bytes, ...]:
    """The first two bytes, in UTF-8, of every character past ASCII that text may not hold."""
    found = {chr(c).encode("utf-8")[:2] for a, b in UNSAFE_RANGES for c in range(max(a, 0x80), b + 1)}
    return tuple(sorted(found))


# Invisible and format characters (policyengine.errors.terminal), refused in text (E117) like controls.
_UNSAFE_UTF8 = tuple(n for n in _unsafe_prefixes() if not any(n.startswith(s) for s in _SPECIAL_UTF8))


def _yaml_special(text: str, utf8: bytes | None) -> bool:
    if utf8 is not None and not any(needle in utf8 for needle in (*_SPECIAL_UTF8, *_UNSAFE_UTF8)):
        return False  # b"\xc2" starts U+0080..U+00BF: only then is the text searched
    return _pattern(_YAML_SPECIAL).search(text) is not None or find_unsafe(text, ascii_controls=False) >= 0


def parse_json(text: str, file: str, limits: Limits, utf8: bytes | None = None) -> Any:
    """The YMap tree of a JSON text, or :data:`FALLBACK` when the YAML parser must read it.

    ``utf8``, the bytes the text was decoded from, when at hand, makes a check faster.
    """
    if "\\" in text and (_pattern(_SURROGATE).search(text) or _pattern(_CONTROL_ESCAPE).search(text)):
        return FALLBACK
    if _yaml_special(text, utf8):
        return FALLBACK
    locator = _Locator(text, file, limits)
    # Nodes as the YAML builder counts them (one per key, value, item and container):
    # 1 + 2 * (keys of all mappings) + (items of all sequences).
    nodes = [1]
    new_map = JMap.__new__
    new_seq = JSeq.__new__
    update = dict.update
    setitem = dict.__setitem__
    extend = list.extend

    def seq(items: list[Any]) -> JSeq:
        s = new_seq(JSeq)
        extend(s, items)
        s.file = file
        s._locator = locator
        height = 0
        for i, v in enumerate(items):
            t = type(v)
            if t is list:
                v = s[i] = seq(v)
                height = max(height, v._h)
            elif t is JMap:
                height = max(height, v._h)
        s._h = height + 1
        nodes[0] += len(items)
        return s

    def mapping(pairs: list[tuple[str, Any]]) -> JMap:
        m = new_map(JMap)
        update(m, pairs)
        if len(m) != len(pairs):
            raise _Fallback  # a duplicate key: the YAML parser reports it, located
        m.file = file
        m._locator = locator
        height = 0
        for k, v in pairs:
            t = type(v)
            if t is list:
                v = seq(v)
                setitem(m, k, v)
                if v._h > height:
                    height = v._h
            elif t is JMap and v._h > height:
                height = v._h
        m._h = height + 1
        nodes[0] += 2 * len(pairs)
        return m

    def integer(token: str) -> int:
        value = int(token)
        if not _INT_MIN <= value <= _INT_MAX:
            raise _Fallback
        return value

    def constant(token: str) -> Any:
        raise _Fallback  # NaN, Infinity: plain text to the YAML reader

    try:
        root = json.loads(text, object_pairs_hook=mapping, parse_int=integer, parse_constant=constant)
    except (_Fallback, ValueError, RecursionError):
        return FALLBACK
    if type(root) is not JMap or root._h > limits.max_depth or nodes[0] > limits.max_nodes:
        return FALLBACK
    locator.root = root
    return root
