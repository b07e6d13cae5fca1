"""Section ``startup``: whole processes against their import floors.

* ``policyengine evaluate scenarios/korea_new_gov.yaml --format json`` against
  ``python -c "import durable.engine, pydantic, click, yaml"`` (target: at most 2 times);
* ``policyengine --help`` against ``python -c "import click"`` (target: at most 1.5 times).

Each process is timed whole (interpreter start to exit), interleaved with its floor. The ratio
uses CPU time (user + system, from the kernel's accounting of children), which waiting for a
core does not inflate; wall-clock time is shown beside it. Bytecode is cached in a private folder
(see :func:`benchmarks.measure.subprocess_env`), as it is for an installed package.

``python -X importtime`` shows what each command imports beyond its floor: ``--help`` must import
nothing heavy, and ``evaluate``'s heaviest imports are listed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from benchmarks.config import Config
from benchmarks.measure import Sample, processes, subprocess_env
from benchmarks.report import ROOT, Section, Target, ms, pct, ratio

LIMIT_EVALUATE = 2.0
LIMIT_HELP = 1.5
HEAVY = ("pydantic", "yaml", "durable", "policyengine.models", "policyengine.engine", "policyengine.compiler")


def _policyengine() -> list[str]:
    script = Path(sys.executable).with_name("policyengine")
    return [str(script)] if script.exists() else [sys.executable, "-m", "policyengine"]


LABELS = {
    "import floor": 'python -c "import durable.engine, pydantic, click, yaml"',
    "evaluate": "policyengine evaluate scenarios/korea_new_gov.yaml --format json",
    "evaluate, no cache": "the same with POLICYENGINE_NO_CACHE=1 (pack compiled, catalog parsed)",
    "import click": 'python -c "import click"',
    "--help": "policyengine --help",
}


def commands() -> dict[str, list[str]]:
    py = sys.executable
    pe = _policyengine()
    return {
        "import floor": [py, "-c", "import durable.engine, pydantic, click, yaml"],
        "evaluate": [*pe, "evaluate", "scenarios/korea_new_gov.yaml", "--format", "json"],
        "evaluate, no cache": [
            "env",
            "POLICYENGINE_NO_CACHE=1",
            *pe,
            "evaluate",
            "scenarios/korea_new_gov.yaml",
            "--format",
            "json",
        ],
        "import click": [py, "-c", "import click"],
        "--help": [*pe, "--help"],
    }


def imports(argv: list[str], env: dict[str, str]) -> dict[str, tuple[int, int]]:
    """Modules a process imports: name -> (self, cumulative) microseconds (python -X importtime)."""
    if argv[0] != sys.executable:
        argv = [sys.executable, "-m", "policyengine", *argv[1:]]
    cmd = [argv[0], "-X", "importtime", *argv[1:]]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    out: dict[str, tuple[int, int]] = {}
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m:
            out[m[4]] = (int(m[1]), int(m[2]))
    return out


def run(cfg: Config) -> Section:
    env = subprocess_env(str(cfg.work / "pycache"))
    # The compiled-pack and catalog cache of the run (policyengine.system.diskcache): the warm-up
    # round fills it, as a user's first command does.
    env["POLICYENGINE_CACHE_DIR"] = str(cfg.work / "cache")
    cmds = commands()
    samples = processes(cmds, cfg.reps(21, 5), env=env, cwd=str(ROOT))
    header = ["process", "CPU (noise)", "wall (noise)", "CPU / floor"]
    section = Section("startup", "Start-up: whole processes (median; bytecode cached)", header)
    pairs = {"evaluate": "import floor", "--help": "import click"}
    shown = {**pairs, "evaluate, no cache": "import floor"}
    for name, (wall, cpu) in samples.items():
        floor = shown.get(name)
        section.rows.append(
            [
                LABELS[name],
                _cell(cpu),
                _cell(wall),
                ratio(cpu.median / samples[floor][1].median) if floor else "",
            ]
        )
        section.metrics[f"{name} cpu"] = cpu.median
        section.metrics[f"{name} wall"] = wall.median
        section.data[name] = {"cpu": cpu.to_dict(), "wall": wall.to_dict()}
    for name, floor in pairs.items():
        limit = LIMIT_EVALUATE if name == "evaluate" else LIMIT_HELP
        value = samples[name][1].median / samples[floor][1].median
        wall_ratio = samples[name][0].median / samples[floor][0].median
        section.targets.append(
            Target(
                f"startup.{name.strip('-')}",
                f"startup: policyengine {name} / {floor} (CPU)",
                value,
                limit,
                note=f"wall-clock ratio {wall_ratio:.2f}",
            )
        )
    _import_notes(section, cmds, env)
    return section


def _cell(s: Sample) -> str:
    return f"{ms(s.median)} ({pct(s.noise)})"


def _import_notes(section: Section, cmds: dict[str, list[str]], env: dict[str, str]) -> None:
    floor = imports(cmds["import click"], env)
    helped = imports(cmds["--help"], env)
    heavy = sorted(m for m in helped if m not in floor and m.startswith(HEAVY))
    section.notes.append(
        "--help imports nothing heavy beyond click"
        if not heavy
        else f"--help imports heavy modules: {', '.join(heavy[:8])}"
    )
    section.data["help_heavy_imports"] = heavy
    floor = imports(cmds["import floor"], env)
    evaluated = imports(cmds["evaluate"], env)
    extra = {m: t for m, t in evaluated.items() if m not in floor}
    groups: dict[str, int] = {}
    for module, (self_us, _) in extra.items():
        parts = module.split(".")
        group = ".".join(parts[:2]) if parts[0] == "policyengine" else parts[0]
        groups[group] = groups.get(group, 0) + self_us
    top = sorted(groups.items(), key=lambda kv: -kv[1])[:8]
    section.notes.append(
        f"evaluate imports {len(extra)} modules beyond the floor ({sum(groups.values()) / 1000:.0f} ms"
        " under -X importtime, which inflates): " + ", ".join(f"{g} {us / 1000:.0f} ms" for g, us in top)
    )
    section.data["evaluate_extra_imports"] = {g: us for g, us in top}
