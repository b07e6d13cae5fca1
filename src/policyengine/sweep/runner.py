"""Running a sweep: many variants, in worker processes, streamed to a results file.

Each worker process loads the scenario and the variation file and compiles the rule pack once
(the durable-rules host is per process), then evaluates the variants it is sent in chunks. With
one job the variants are evaluated in this process. Results arrive in variant order and are
written one line each to a temporary file beside the output (``fileio.AtomicFile``), which is
renamed into place at the end, or on Ctrl-C with the variants finished so far (every line
complete: Ctrl-C is held while a result is written and counted, ``interrupts.critical``).
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policyengine.counterfactual.changes import ChangeError, apply_changes
from policyengine.counterfactual.evaluator import Evaluator
from policyengine.errors import input_error
from policyengine.fileio import AtomicFile
from policyengine.interrupts import critical
from policyengine.locations import Location
from policyengine.sweep.summary import SweepSummary, Tally, VariantResult, summarize
from policyengine.sweep.variations import Variations, load_variations
from policyengine.validation.scenario import LoadedScenario, project

CHUNK = 8  # variants per task sent to a worker: small enough for a live progress bar


class VariantEvaluator:
    """Evaluates variants by index: the scenario, variations and pack loaded once."""

    def __init__(self, scenario: str, variations: str, rules: str | None) -> None:
        from policyengine.api import load, load_pack

        # variations change the world as of its date, where each history is one status
        self.loaded: LoadedScenario = project(load(scenario))
        self.variations: Variations = load_variations(variations, self.loaded)
        self.evaluator = Evaluator(self.loaded, load_pack(rules))

    def evaluate(self, index: int) -> VariantResult:
        labels = self.variations.labels(index)
        try:
            world = apply_changes(self.loaded, self.variations.variant_changes(index))
        except ChangeError as exc:
            return VariantResult(index, labels, (), (), str(exc))
        out = self.evaluator.outcomes(world)
        return VariantResult(index, labels, tuple(sorted(out.recommendations)), tuple(sorted(out.risks)))


_worker: VariantEvaluator | None = None


def _init_worker(scenario: str, variations: str, rules: str | None) -> None:
    # Ctrl-C reaches the whole process group: only the parent handles it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _worker
    _worker = VariantEvaluator(scenario, variations, rules)


def _run_chunk(indices: list[int]) -> list[VariantResult]:
    assert _worker is not None
    return [_worker.evaluate(i) for i in indices]


def evaluate_variants(
    scenario: str, variations: str, rules: str | None, indices: list[int], *, jobs: int = 1
) -> Iterator[VariantResult]:
    """Results of the given variants, in the order given (worker processes when ``jobs`` > 1)."""
    if jobs <= 1:
        ev = VariantEvaluator(scenario, variations, rules)
        for i in indices:
            yield ev.evaluate(i)
        return
    chunks = [indices[k : k + CHUNK] for k in range(0, len(indices), CHUNK)]
    # 'spawn': workers start clean (no copy of this process's engine state or threads).
    ctx = multiprocessing.get_context("spawn")
    pool = ctx.Pool(jobs, initializer=_init_worker, initargs=(scenario, variations, rules))
    try:
        for batch in pool.imap(_run_chunk, chunks):
            yield from batch
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


# -- results files --------------------------------------------------------------------------------


class ResultsWriter:
    """Streams results to a temporary file beside the output; :meth:`commit` puts it in place."""

    def __init__(self, path: str, variations: Variations) -> None:
        if Path(path).suffix.lower() not in (".csv", ".jsonl"):
            raise input_error(
                "E501",
                f"cannot tell the results format from '{path}'",
                Location(path),
                "name it .csv or .jsonl",
            )
        self.csv = Path(path).suffix.lower() == ".csv"
        self.dims = [d.id for d in variations.dimensions]
        self.out = AtomicFile(path)
        if self.csv:
            self._csv_row(["index", *self.dims, "recommendations", "risks", "error"])

    def _csv_row(self, row: list[Any]) -> None:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(row)
        self.out.write(buf.getvalue())

    def write(self, r: VariantResult) -> None:
        if self.csv:
            self._csv_row([r.index, *r.values, " ".join(r.recommendations), " ".join(r.risks), r.error or ""])
        else:
            record = {
                "index": r.index,
                "values": dict(zip(self.dims, r.values, strict=True)),
                "recommendations": list(r.recommendations),
                "risks": list(r.risks),
                "error": r.error,
            }
            self.out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")

    def commit(self) -> None:
        self.out.commit()

    def discard(self) -> None:
        self.out.discard()


@dataclass
class SweepRun:
    summary: SweepSummary
    interrupted: bool


def run_sweep(
    scenario: str,
    variations_path: str,
    rules: str | None = None,
    *,
    jobs: int = 1,
    sample: int | None = None,
    seed: int = 0,
    output: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> SweepRun:
    """Evaluate the variants, write them to ``output`` (CSV or JSON Lines), summarise.

    Ctrl-C stops the sweep: the results finished so far are written and summarised, and the
    summary says the sweep was interrupted.
    """
    from policyengine.api import load, load_pack

    loaded = project(load(scenario))
    variations = load_variations(variations_path, loaded)
    load_pack(rules)  # a bad pack is reported before any worker starts
    indices = variations.indices(sample, seed)
    writer = ResultsWriter(output, variations) if output else None
    tally = Tally(variations)
    interrupted = False
    try:
        for r in evaluate_variants(scenario, variations_path, rules, indices, jobs=jobs):
            # Written and counted together, or neither: the summary matches the file.
            with critical():
                if writer is not None:
                    writer.write(r)
                tally.add(r)
            if on_progress is not None:
                on_progress(tally.done, len(indices))
    except KeyboardInterrupt:
        interrupted = True
    except BaseException:
        if writer is not None:
            writer.discard()
        raise
    if writer is not None:
        writer.commit()
    summary = summarize(
        tally,
        scenario_id=loaded.scenario.scenario.id,
        selected=len(indices),
        sample_seed=seed if sample is not None and sample < variations.total else None,
        interrupted=interrupted,
    )
    return SweepRun(summary, interrupted)
