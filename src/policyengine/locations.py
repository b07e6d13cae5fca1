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
