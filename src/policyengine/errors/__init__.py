"""Diagnostics: every user-facing problem has a code, a location and a hint.

Errors are collected, not thrown one by one: a loader gathers every problem of a file into
:class:`InputError`, sorted by location, so that users fix a file in one pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from policyengine.errors.locations import Location
from policyengine.errors.terminal import visible

T = TypeVar("T")

# Stable error codes. Tests and users may rely on them; docs/errors.md lists them all.
CODES: dict[str, str] = {
    # reading files
    "E100": "more problems than are reported for one file",
    "E101": "file not found",
    "E102": "not a regular file",
    "E103": "file cannot be read",
    "E104": "file too large",
    "E105": "not UTF-8 text",
    "E106": "binary content",
    # files at git revisions (REV:PATH arguments)
    "E107": "unknown git revision",
    "E108": "not in a git repository",
    # writing files and append-only logs
    "E109": "file cannot be written",
    # YAML syntax and shape
    "E110": "YAML syntax error",
    "E111": "duplicate key",
    "E112": "nesting too deep",
    "E113": "too many alias expansions",
    "E114": "wrong document shape",
    "E115": "unsupported YAML feature",
    "E116": "value out of range",
    "E117": "control character in text",
    "E118": "torn last record",
    # schema
    "E201": "unknown key",
    "E202": "missing key",
    "E203": "wrong type",
    "E204": "invalid value",
    # references between facts and files
    "E301": "unknown reference",
    "E302": "duplicate identity",
    "E303": "unknown area",
    "E304": "extends cycle",
    "E305": "extends target cannot be loaded",
    "E306": "nothing to remove",
    "E307": "inconsistent fact",
    "E308": "scenario too large to evaluate",
    "E309": "date before the start of the record",
    # scenario warnings (validate prints them; --strict makes them errors)
    "W301": "stance field overridden by an event",
    "W302": "fact dated after as_of",
    "W303": "exercise inject that changes no recommendation or risk",
    # rule packs
    "E401": "unknown fact kind or field",
    "E402": "unknown variable",
    "E403": "invalid condition",
    "E404": "invalid template",
    "E405": "negation cycle",
    "E406": "invalid quote",
    "E407": "rule too large for the engine",
    "E408": "rule combines too many facts (join fan-out)",
    # usage
    "E501": "invalid argument",
    # exercise decision logs
    "E601": "not an exercise decision log",
    "E602": "damaged decision log",
    "E603": "exercise or rule pack changed since the log was written",
    "E604": "session already complete",
    "E605": "invalid field in a decision log record",
    "E606": "decision log in use by another session",
    # variation files (sweep)
    "E701": "unknown fact in a variation",
    "E702": "field cannot be varied",
    "E703": "value not allowed in a variation",
    "E704": "too many variants for one sweep",
    "E705": "the sweep's Dask cluster was lost",
    # lint findings (policyengine rules lint); E406 reports quotes not found in the source
    "L101": "rule fires in no scenario",
    "L102": "derived fact never used",
    "L103": "missing translation",
    "L104": "quote is in another section",
    "L105": "unknown document",
    "L106": "translations name different facts",
}


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem found in the user's input."""

    location: Location | None
    code: str
    message: str
    hint: str | None = field(default=None, compare=False)

    def format(self) -> str:
        """Render as ``FILE:LINE:COL: CODE: message`` plus an indented hint line."""
        # File names come from the command line and the file system, messages may quote what a
        # file holds: neither may act on the terminal (control or invisible characters escaped).
        where = f"{visible(str(self.location))}: " if self.location is not None else ""
        text = f"{where}{self.code}: {visible(self.message)}"
        if self.hint:
            text += f"\n  hint: {visible(self.hint)}"
        return text


#: diagnostics reported for one file; past it they are counted, not built (a file of millions of
#: invalid items would otherwise take gigabytes: 4.9 million in 10 MB took 9.7 GB)
MAX_PER_FILE = 1_000


@dataclass(frozen=True, order=True)
class Omitted(Diagnostic):
    """Stands for ``count`` diagnostics of a file that were counted but not built, located where
    the first of them is (so that it sorts after those reported)."""

    count: int = field(default=0, compare=False)


def omitted(location: Location | None, count: int) -> Omitted:
    return Omitted(
        location,
        "E100",
        f"and {count:,} more problem(s) from here on, not listed: at most {MAX_PER_FILE:,} are "
        "reported per file",
        "fix the ones listed first: a file with this many is usually wrong as a whole",
        count,
    )


def _sort_key(d: Diagnostic) -> tuple[str, int, int, str, str]:
    loc = d.location
    if loc is None:
        return ("", 0, 0, d.code, d.message)
    return (loc.file, loc.line, loc.column, d.code, d.message)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sort by file, line, column, then code; drop exact repeats."""
    unique = {(_sort_key(d), d.hint): d for d in diagnostics}
    return [unique[k] for k in sorted(unique)]


class PolicyEngineError(Exception):
    """Base class of every error policyengine raises on purpose."""


class InputError(PolicyEngineError):
    """Bad input: one or more located diagnostics. The CLI maps it to exit code 2."""

    #: at most this many diagnostics are shown; the rest are counted
    MAX_SHOWN = 50

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = sort_diagnostics(diagnostics)
        super().__init__(self.render())

    def __reduce__(self) -> tuple[type[InputError], tuple[list[Diagnostic]]]:
        # Pickled whole (a sweep's worker processes and Dask workers send errors back).
        return (type(self), (self.diagnostics,))

    def render(self) -> str:
        listed = [d for d in self.diagnostics if not isinstance(d, Omitted)]
        shown = listed[: self.MAX_SHOWN]
        lines = [d.format() for d in shown]
        hidden = len(listed) - len(shown) + sum(d.count for d in self.diagnostics if isinstance(d, Omitted))
        if hidden > 0:
            lines.append(f"... and {hidden:,} more error(s)")
        return "\n".join(lines)

    @property
    def codes(self) -> list[str]:
        return [d.code for d in self.diagnostics]


class EngineError(PolicyEngineError):
    """The rule engine failed while evaluating valid input (an internal error, exit code 3)."""


def input_error(
    code: str, message: str, location: Location | None = None, hint: str | None = None
) -> InputError:
    """Shorthand for an :class:`InputError` with a single diagnostic."""
    return InputError([Diagnostic(location, code, message, hint)])


class DiagnosticSink:
    """Collects diagnostics while a stage runs, so that all of them are reported at once."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def add(self, code: str, message: str, location: Location | None = None, hint: str | None = None) -> None:
        self.items.append(Diagnostic(location, code, message, hint))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.items.extend(diagnostics)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise InputError(self.items)


def gather(calls: Iterable[Callable[[], T]]) -> list[T]:
    """Run every call; if any raises InputError, raise one with all their diagnostics.

    Used where a command reads several inputs, so that users see every problem at once.
    """
    results: list[T] = []
    sink = DiagnosticSink()
    for call in calls:
        try:
            results.append(call())
        except InputError as exc:
            sink.extend(exc.diagnostics)
    sink.raise_if_any()
    return results
