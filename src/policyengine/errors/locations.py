"""Source locations: where in which file a value was written."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based line and column in a file, optionally reached through ``extends`` chains.

    ``via`` lists the files that led here, outermost first: a fact of ``baseline_2022.yaml``
    seen while loading ``korea_new_gov.yaml`` has ``via=("korea_new_gov.yaml",)``.
    """

    file: str
    line: int = 0
    column: int = 0
    via: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"

    def describe(self) -> str:
        """``FILE:LINE:COL``, followed by the extends chain when there is one."""
        if not self.via:
            return str(self)
        return f"{self} (via {' <- '.join(self.via)})"

    def with_via(self, via: tuple[str, ...]) -> Location:
        return Location(self.file, self.line, self.column, via)


def display_path(path: str) -> str:
    """``path`` relative to the working directory when it lies below it, else unchanged.

    Packs found by default are known by absolute paths; messages read better, and stay the
    same on every machine, with the path the user would type.
    """
    import os

    if not os.path.isabs(path):
        return path
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if rel.startswith("..") else rel


def shorten(location: Location) -> Location:
    """The same location with :func:`display_path` applied to its file and extends chain."""
    return Location(
        display_path(location.file),
        location.line,
        location.column,
        tuple(display_path(v) for v in location.via),
    )
