"""Section ``scaling``: load, validate and evaluate synthetic worlds of 1,000 to 100,000 facts.

Worlds come from :mod:`benchmarks.generate` (shaped like the baseline), written as JSON (read by
the JSON fast path) and cached in the work folder. Two packs, up to 100,000 facts each:

* the paper's own pack. Three of its rules pair facts whose numbers grow with N (see
  :mod:`benchmarks.packs`): ``link-partner`` and ``alienation-risk`` are matched group by group
  and their supports kept as products (compiler.products), ``alienation-launch-risk`` joins
  through a date ordering whose pairs the run-time budget (E408) counts exactly;
* the paper's pack without those rules ("connected"): how the engine itself scales.

Times are CPU time of this process (load = read, parse, validate, merge, cross-check; evaluate =
the view, durable-rules, results), medians of the repeats, fresh load each time.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks import generate, packs
from benchmarks.config import Config
from benchmarks.measure import Sample, exponent, interleaved
from benchmarks.report import Section, Target, ms, pct, ratio

if TYPE_CHECKING:
    from policyengine.engine.runtime import RawEvaluation

SIZES = (1_000, 3_000, 10_000, 30_000, 100_000)
QUICK_SIZES = (1_000, 3_000, 10_000)
# The paper's pack at every size (before products, it took minutes beyond 10,000 facts and E408
# refused it from about 20,000: see docs/performance.md)
PAPER_UP_TO = 100_000
WARM_UP_TO = 10_000  # larger sizes run once, without a warm-up round
YAML_SIZES = (1_000, 10_000)  # loading the same worlds written as YAML, for comparison
LIMIT_K = 1.15
LIMIT_LOAD = 1.0


def world(cfg: Config, n: int, fmt: str = "json") -> Path:
    """The generated world of n facts (cached: generator version and baseline in the name)."""
    digest = hashlib.sha256(generate.BASELINE.read_bytes()).hexdigest()[:8]
    path = cfg.work / f"world-{n}-v{generate.GENERATOR_VERSION}-{digest}.{fmt}"
    if not path.exists():
        generate.write(generate.generate(n), path, fmt=fmt)
    return path


@contextlib.contextmanager
def trusted_worlds(view_facts: int = 250_000) -> Iterator[None]:
    """Let one evaluation take the generated worlds' view facts (E308 stops it at 210,000).

    The limit protects users from hostile or mistaken files; these worlds are generated here,
    and measuring how the engine scales beyond the limit is the point.
    """
    from policyengine.engine import runtime

    before = runtime.MAX_VIEW_FACTS
    runtime.MAX_VIEW_FACTS = max(before, view_facts)
    try:
        yield
    finally:
        runtime.MAX_VIEW_FACTS = before


def _repeats(cfg: Config, n: int) -> int:
    if n <= 3_000:
        return cfg.reps(5, 3)
    if n <= 10_000:
        return cfg.reps(3, 2)
    return cfg.reps(1, 1)


def run(cfg: Config) -> Section:
    with trusted_worlds():
        return _run(cfg)


def _run(cfg: Config) -> Section:
    from policyengine import api

    connected_path, dropped = packs.connected_pack(cfg.work / "paper-connected.yaml")
    paper = api.load_pack()
    connected = api.load_pack(str(connected_path))
    header = [
        "N",
        "view facts",
        "load (noise)",
        "evaluate (noise)",
        "load/eval",
        "supports",
        "paper: eval",
        "supports",
    ]
    section = Section("scaling", "Scaling: synthetic worlds (CPU time, load = read + validate)", header)
    sizes = cfg.sizes(SIZES, QUICK_SIZES)
    totals: dict[int, float] = {}
    paper_totals: dict[int, float] = {}
    for n in sizes:
        path = str(world(cfg, n))
        loaded: dict[str, Any] = {}

        def load(path: str = path, loaded: dict[str, Any] = loaded) -> None:
            loaded["it"] = api.load(path)

        results: dict[str, Any] = {}

        def evaluate(
            pack: Any, key: str, results: dict[str, Any] = results, loaded: dict[str, Any] = loaded
        ) -> None:
            results[key] = api.evaluate(loaded["it"], pack)

        load()  # the first evaluation needs a loaded world
        variants = {"load": load, "evaluate": lambda: evaluate(connected, "connected")}
        if n <= PAPER_UP_TO:
            variants["paper"] = lambda: evaluate(paper, "paper")
        samples = interleaved(variants, _repeats(cfg, n), warmup=0 if n > WARM_UP_TO else 1)
        raw = results["connected"].raw
        supports = _supports(raw)
        load_s, eval_s = samples["load"], samples["evaluate"]
        totals[n] = load_s.median + eval_s.median
        paper_cells = ["-", "-"]
        if "paper" in samples:
            paper_totals[n] = load_s.median + samples["paper"].median
            paper_cells = [_cell(samples["paper"]), f"{_supports(results['paper'].raw):,}"]
            section.metrics[f"paper.evaluate@{n}"] = samples["paper"].median
            section.data[f"paper.evaluate@{n}"] = samples["paper"].to_dict()
        section.rows.append(
            [
                f"{n:,}",
                f"{raw.stats['facts']:,}",
                _cell(load_s),
                _cell(eval_s),
                ratio(load_s.median / eval_s.median),
                f"{supports:,}",
                *paper_cells,
            ]
        )
        section.metrics[f"load@{n}"] = load_s.median
        section.metrics[f"evaluate@{n}"] = eval_s.median
        section.data[f"load@{n}"] = load_s.to_dict()
        section.data[f"evaluate@{n}"] = eval_s.to_dict()
        section.targets.append(
            Target(
                f"scaling.load_vs_eval@{n}",
                f"scaling N={n:,}: load+validate / evaluate",
                load_s.median / eval_s.median,
                LIMIT_LOAD,
            )
        )
    _growth(section, totals, "connected pack", "scaling.k.connected")
    _growth(section, paper_totals, "paper pack", "scaling.k.paper")
    _yaml_rows(cfg, section)
    if not cfg.quick:
        limit_row(cfg, section)
    section.notes.append(
        "connected pack = rules/paper.yaml without its cross-product rules ("
        + ", ".join(dropped)
        + "), whose supports grow as N^2 on worlds shaped like the paper's; the paper's pack "
        "keeps them as products"
    )
    return section


def _supports(raw: RawEvaluation) -> int:
    """Supports, a product counted as the combinations it stands for (compiler.products)."""
    supports = [s for o in raw.outcomes.values() for s in o.supports]
    supports += [s for f in raw.facts.values() for s in f.supports]
    return sum(s.size for s in supports)


def _cell(s: Sample) -> str:
    return f"{ms(s.median)} ({pct(s.noise)})" if len(s.values) >= 4 else ms(s.median)


def _growth(section: Section, totals: dict[int, float], label: str, key: str) -> None:
    if len(totals) < 2:
        return
    ns = sorted(totals)
    first, last = ns[0], ns[-1]
    k_ends = math.log(totals[last] / totals[first]) / math.log(last / first)
    k_fit = exponent(ns, [totals[n] for n in ns])
    section.metrics[f"k.{label} [k]"] = k_ends
    section.notes.append(
        f"{label}: load+evaluate grows as N^{k_ends:.2f} from {first:,} to {last:,} facts "
        f"(least-squares fit over {len(ns)} sizes: N^{k_fit:.2f})"
    )
    section.targets.append(
        Target(
            key,
            f"scaling exponent k, {label}, N={first:,}..{last:,}",
            k_ends,
            LIMIT_K,
            note="" if last >= 100_000 else f"measured up to N={last:,} only",
        )
    )


def _loader(path: str) -> Callable[[], Any]:
    from policyengine import api

    return lambda: api.load(path)


def _yaml_rows(cfg: Config, section: Section) -> None:

    for n in cfg.sizes(YAML_SIZES, (1_000,)):
        paths = {"yaml": str(world(cfg, n, "yaml")), "json": str(world(cfg, n, "json"))}
        samples = interleaved({f: _loader(p) for f, p in paths.items()}, cfg.reps(3, 1), warmup=0)
        section.metrics[f"load.yaml@{n}"] = samples["yaml"].median
        section.notes.append(
            f"N={n:,} written as YAML: load {ms(samples['yaml'].median)}, "
            f"{samples['yaml'].median / samples['json'].median:.1f} times the same world as JSON"
        )


#: the generated world whose view is the largest under the default limit (E308) with the paper's
#: pack: its peak memory is the bound stated in docs/errors.md and docs/security.md
LIMIT_WORLD = 100_000
#: the memory bound stated for one evaluation at the default limit (MiB of peak resident memory)
LIMIT_RSS_MIB = 4_096


def limit_row(cfg: Config, section: Section) -> None:
    """Evaluate the world at the default limit with the paper's pack in a fresh process."""
    import json
    import subprocess
    import sys

    from benchmarks.report import ROOT

    path = world(cfg, LIMIT_WORLD)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.big_world",
            str(path),
            "--pack",
            "paper",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"the world at the limit did not evaluate: {done.stderr[-500:]}")
    got = json.loads(done.stdout.splitlines()[-1])
    # this process runs with the limit raised (trusted_worlds); the fresh one has the default
    section.notes.append(
        f"at the default limit ({got['limit']:,} view facts): N={LIMIT_WORLD:,}, "
        f"{got['view_facts']:,} view facts, the paper's pack in a "
        f"fresh process: load {got['load_s']:.1f} s, "
        f"evaluate {got['evaluate_s']:.1f} s CPU, {got['matches']:,} supports (products "
        "counted as their combinations), "
        f"peak RSS {got['peak_rss_mib']:,.0f} MiB"
    )
    section.metrics[f"limit.peak_rss@{LIMIT_WORLD} [MiB]"] = got["peak_rss_mib"]
    section.metrics[f"limit.evaluate@{LIMIT_WORLD}"] = got["evaluate_s"]
    section.targets.append(
        Target(
            "scaling.limit_rss",
            f"scaling: peak RSS (MiB) evaluating {got['view_facts']:,} view facts (limit "
            f"{got['limit']:,}), paper pack",
            got["peak_rss_mib"],
            LIMIT_RSS_MIB,
        )
    )
