"""Text that reaches a terminal: which characters no input may hold, and how to show them safely.

A hostile file can try to rewrite the terminal of whoever reads a message or a report about it
(``ESC [2J`` clears the screen, ``ESC ]0;...BEL`` retitles the window) or to make text read
differently than it is stored: bidirectional controls (U+202E) reorder it, invisible characters
(U+200B, tag characters) make two identifiers that look the same differ. The rule
(docs/security.md, "No terminal or display tricks"):

* **refused in every text read from a file** (E117, located at the text): C0 controls but tab
  and line feed, DEL, C1 controls, the line and paragraph separators U+2028/U+2029, and every
  Unicode *format* character (category Cf: U+00AD soft hyphen, U+061C, U+200B-U+200F,
  U+202A-U+202E, U+2060-U+206F, U+FEFF, the tag characters U+E0000-U+E007F, ...), except the
  zero-width joiner and non-joiner U+200C/U+200D, which emoji sequences and several scripts need;
* **shown escaped in every message** (:func:`visible`): file names given on the command line
  and anything else echoed from outside (``\\x1b``, ``\\u200b``), never raw.
"""

from __future__ import annotations

import re

#: the Cf ranges (Unicode 15) but U+200C/U+200D; tests check them against unicodedata
FORMAT_RANGES: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200B), (0x200E, 0x200F),
    (0x202A, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip
#: every character refused in text read from a file, as ranges
UNSAFE_RANGES: tuple[tuple[int, int], ...] = (
    (0x00, 0x08), (0x0B, 0x1F), (0x7F, 0x9F), (0x2028, 0x2029), *FORMAT_RANGES,
)  # fmt: skip


def _char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(re.escape(chr(a)) + ("" if a == b else "-" + re.escape(chr(b))) for a, b in ranges)


#: every character refused in text read from a file
UNSAFE_RE = re.compile("[" + _char_class(UNSAFE_RANGES) + "]")
# The same, split for speed: a character class of many ranges tests them one by one, ~4 times
# slower than one of the BMP alone; characters past the BMP (emoji) are rare in most texts.
_UNSAFE_BMP = re.compile("[" + _char_class(tuple(r for r in UNSAFE_RANGES if r[1] <= 0xFFFF)) + "]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_UNSAFE_ASTRAL = re.compile("[" + _char_class(tuple(r for r in UNSAFE_RANGES if r[0] > 0xFFFF)) + "]")


_UNSAFE_ASCII = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_UNSAFE_BMP_PAST_ASCII = re.compile(
    "[" + _char_class(tuple(r for r in UNSAFE_RANGES if r[0] >= 0x7F and r[1] <= 0xFFFF)) + "]"
)


def find_unsafe(text: str, *, ascii_controls: bool = True) -> int:
    """The offset of the first character of ``text`` no input may hold, or -1 (fast).

    ``ascii_controls=False`` leaves out C0 controls (for JSON text, whose parser refuses them
    inside strings, and where ``\r`` between tokens is only a line ending).
    """
    if text.isascii():  # most texts: a flag of the string, no scan
        if not ascii_controls:
            return -1
        a = _UNSAFE_ASCII.search(text)
        return a.start() if a is not None else -1
    m = (_UNSAFE_BMP if ascii_controls else _UNSAFE_BMP_PAST_ASCII).search(text)
    end = m.start() if m is not None else len(text)
    if _ASTRAL.search(text, 0, end) is not None:
        a = _UNSAFE_ASTRAL.search(text, 0, end)
        if a is not None:
            return a.start()
    return end if m is not None else -1


#: every character escaped in a message: the unsafe ones, tab, line feed and the joiners inside a
#: name, and the bytes of a file name that is not UTF-8 (held as lone surrogates)
_ESCAPE_RE = re.compile(
    "[" + _char_class(((0x00, 0x1F), (0x200C, 0x200D), (0xDC80, 0xDCFF), *UNSAFE_RANGES[2:])) + "]"
)

_NAMES = {
    0x00: "NUL",
    0x07: "BEL",
    0x08: "backspace",
    0x0D: "carriage return",
    0x1B: "ESC",
    0x00AD: "soft hyphen",
    0x061C: "Arabic letter mark",
    0x200B: "zero width space",
    0x200E: "left-to-right mark",
    0x200F: "right-to-left mark",
    0x2028: "line separator",
    0x2029: "paragraph separator",
    0x2060: "word joiner",
    0xFEFF: "zero width no-break space",
}


def describe(char: str) -> str:
    """``U+200B (zero width space)``: a character named so that it can be found and removed."""
    code = ord(char)
    name = _NAMES.get(code)
    if name is None:
        if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
            name = "bidirectional control"
        elif 0xE0000 <= code <= 0xE007F:
            name = "tag character"
        elif code < 0x20 or 0x7F <= code <= 0x9F:
            name = "control"
        else:
            name = "invisible format character"
    return f"U+{code:04X} ({name})"


def unsafe_character(text: str) -> tuple[int, str] | None:
    """The offset and description of the first character of ``text`` no input may hold."""
    at = find_unsafe(text)
    if at < 0:
        return None
    return at, describe(text[at])


def _escape(m: re.Match[str]) -> str:
    code = ord(m[0])
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str) -> str:
    """``text`` with every control, invisible and direction-changing character written as an
    escape (``\\x1b``, ``\\u200f``), so that printing it cannot act on the terminal."""
    return _ESCAPE_RE.sub(_escape, text)
