"""The source paper as text: quote checking and splitting into sections and sentences.

The paper in ../shared/seed was extracted from a PDF: lines and spaces break sentences, and
running page headers ("ミニラテラリズムの意義と役割", "日本への含意") are inserted mid-sentence.
A quote therefore matches when it occurs after removing all whitespace, either in the text
as extracted or in the text with the running headers taken out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from policyengine.errors.terminal import find_unsafe

#: Section headings of the paper, in order; they are also printed as running page headers.
SECTIONS: tuple[str, ...] = ("ミニラテラリズムの意義と役割", "日本への含意")
TABLE_SECTION = "表"

_WS = re.compile(r"\s+")


def squash(text: str) -> str:
    """Remove all whitespace (the extraction breaks lines and inserts spaces anywhere)."""
    return _WS.sub("", text)


@dataclass(frozen=True)
class SourceText:
    """A source document, prepared for quote matching."""

    name: str
    raw: str

    @property
    def squashed(self) -> str:
        return squash(self.raw)

    @property
    def without_headers(self) -> str:
        """Whitespace removed and running headers dropped where they interrupt the text."""
        text = self.raw
        for heading in SECTIONS:
            # a running header sits on a line of its own, with the sentence going on around it
            text = re.sub(rf"\n[ \t]*{re.escape(heading)}[ \t]*\n", "\n", text)
        return squash(text)

    def contains(self, quote: str) -> bool:
        q = squash(quote)
        return bool(q) and (q in self.squashed or q in self.without_headers)

    def section_of(self, quote: str) -> str | None:
        """The section (per SECTIONS, or the table) in which a quote occurs."""
        q = squash(quote)
        body = self.without_headers
        pos = body.find(q)
        if pos < 0:
            return None
        table = body.find(squash("表：インド太平洋地域における主要なミニラテラル"))
        implications = body.find(squash("以上を踏まえると"))
        if implications >= 0 and pos >= implications:
            return SECTIONS[1]
        if table >= 0 and pos >= table:
            return TABLE_SECTION
        return SECTIONS[0]

    def implications_sentences(self) -> list[str]:
        """The sentences of 日本への含意 (the recommendations), whitespace removed, in order."""
        body = self.without_headers
        start = body.find(squash("以上を踏まえると"))
        if start < 0:
            return []
        text = body[start:]
        parts = re.split(r"(?<=。)", text)
        return [p for p in parts if p.strip()]


def load_source(path: str | Path) -> SourceText:
    """Read a source text with the checks of every input (loading.yamltree.read_bytes): a
    regular file (a FIFO would hang, ``/dev/zero`` never end), at most 32 MiB, UTF-8 text, and no
    control or invisible character (E117, located: ``rules coverage`` prints its sentences)."""
    from policyengine.errors import input_error
    from policyengine.errors.locations import Location
    from policyengine.loading.yamltree import UNSAFE_HINT, control_character, decode_text, read_bytes

    p = Path(path)
    display = str(path)
    text = decode_text(read_bytes(p, display), display)
    bad = control_character(text.replace("\r\n", "\n"))
    if bad is not None:
        at = find_unsafe(text.replace("\r\n", "\n"))
        before = text.replace("\r\n", "\n")[:at]
        line, column = before.count("\n") + 1, at - (before.rfind("\n") + 1) + 1
        raise input_error(
            "E117", f"the text contains the {bad}", Location(display, line, column), UNSAFE_HINT
        )
    return SourceText(p.name, text)


def default_paper_path() -> Path | None:
    """The paper beside the checkout (../shared/seed), when it is there."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        seed = parent.parent / "shared" / "seed"
        if seed.is_dir():
            found = sorted(seed.glob("*.txt"))
            if found:
                return found[0]
    return None
