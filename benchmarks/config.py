"""Settings shared by every section of a benchmark run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Config:
    quick: bool = False  # smaller sizes and fewer repeats: a smoke run, not a measurement
    repeats: int | None = None  # override the per-section default number of repeats
    work: Path = field(default_factory=lambda: Path("/tmp/policyengine-bench"))  # generated files
    profile: bool = False  # write pyinstrument profiles of the largest cases
    max_n: int | None = None  # skip sizes above this many facts
    sweep_runner: str = "policyengine"  # which runner of benchmarks.sweep.RUNNERS the sweep section measures
    results: Path = Path(__file__).resolve().parent / "results"

    def sizes(self, full: tuple[int, ...], quick: tuple[int, ...]) -> tuple[int, ...]:
        chosen = quick if self.quick else full
        return tuple(n for n in chosen if self.max_n is None or n <= self.max_n)

    def reps(self, default: int, quick: int | None = None) -> int:
        if self.repeats is not None:
            return self.repeats
        if self.quick:
            return quick if quick is not None else max(3, default // 3)
        return default
