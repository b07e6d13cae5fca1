"""What a benchmark run produces: sections of tables, targets with pass or miss, JSON, comparisons."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


@dataclass(frozen=True)
class Target:
    """A target from the performance issue, measured as a ratio (or an exponent)."""

    key: str  # stable, for --compare: "peers.durable@5000"
    description: str
    value: float
    limit: float
    at_least: bool = False  # True: value >= limit passes (throughput); False: value <= limit
    note: str = ""

    @property
    def passed(self) -> bool:
        if math.isnan(self.value):
            return False
        return self.value >= self.limit if self.at_least else self.value <= self.limit

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "description": self.description,
            "value": self.value,
            "limit": self.limit,
            "at_least": self.at_least,
            "passed": self.passed,
            "note": self.note,
        }


@dataclass
class Section:
    """One part of the run: a table, notes, flat metrics (for --compare) and targets."""

    name: str
    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)  # key -> seconds (or unit in the key)
    data: dict[str, Any] = field(default_factory=dict)  # raw samples
    targets: list[Target] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "header": self.header,
            "rows": self.rows,
            "notes": self.notes,
            "metrics": self.metrics,
            "data": self.data,
            "targets": [t.to_dict() for t in self.targets],
        }


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table; the first column left-aligned, the others right-aligned."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        out = [str(c).ljust(widths[0]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(cells)]
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def ms(seconds: float) -> str:
    if seconds >= 10:
        return f"{seconds:.1f} s"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.1:
        return f"{seconds * 1000:.0f} ms"
    if seconds >= 0.001:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds * 1e6:.0f} us"


def pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def ratio(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:.2f}"


def render_section(s: Section) -> str:
    parts = [f"== {s.title} ==", table(s.header, s.rows) if s.rows else "(no rows)"]
    parts.extend(f"  {n}" for n in s.notes)
    return "\n".join(parts)


def render_targets(targets: Sequence[Target], previous: Mapping[str, float] | None = None) -> str:
    """Every target with its measured value, limit and pass or MISS; with ``previous`` (description
    -> value, from :func:`previous_targets`), the earlier run's value beside each."""
    rows = []
    for t in targets:
        row = [t.description]
        if previous is not None:
            old = previous.get(t.description)
            row.append("" if old is None else ratio(old))
        rows += [
            [
                *row,
                ratio(t.value),
                (">= " if t.at_least else "<= ") + f"{t.limit:g}",
                "pass" if t.passed else "MISS",
            ]
        ]
    header = ["target", *(["before"] if previous is not None else []), "measured", "limit", "result"]
    text = table(header, rows)
    notes = [f"  {t.description}: {t.note}" for t in targets if t.note]
    passed = sum(t.passed for t in targets)
    return "\n".join(["== Targets ==", text, *notes, f"  {passed} of {len(targets)} targets met"])


_TARGET_ROW = re.compile(
    r"^(?P<desc>.*?)\s{2,}(?:(?P<before>[\d.,]+|nan)\s+)?(?P<value>[\d.,]+|nan)\s+(?:<=|>=)\s*\S+\s+(?:pass|MISS)$"
)


def previous_targets(path: Path) -> dict[str, float]:
    """The targets of an earlier run's text summary (``results/<date>-<commit>.txt``), by description."""
    found: dict[str, float] = {}
    inside = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("== Targets =="):
            inside = True
            continue
        m = _TARGET_ROW.match(line) if inside else None
        if m:
            found[m["desc"].strip()] = float(m["value"].replace(",", ""))
    return found


def latest_summary(exclude: Path | None = None) -> Path | None:
    """The newest committed text summary under results/ (by its dated name) with a targets table
    at least half as long as the longest, but ``exclude``."""
    found = sorted(p for p in RESULTS.glob("*.txt") if exclude is None or p.resolve() != exclude.resolve())
    counted = [(p, len(previous_targets(p))) for p in found]
    # The newest run of the most sections: a run of one section (--only) is no baseline for all.
    most = max((n for _, n in counted), default=0)
    full = [p for p, n in counted if n and n >= most // 2]
    return full[-1] if full else None


# -- metadata, files, comparison -----------------------------------------------------------------
def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def metadata() -> dict[str, Any]:
    from importlib import metadata as md

    def version(dist: str) -> str:
        try:
            return md.version(dist)
        except md.PackageNotFoundError:
            return "not installed"

    load = os.getloadavg()
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": _git("rev-parse", "--short", "HEAD") or "unknown",
        "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_start": list(load),
        "versions": {
            d: version(d)
            for d in (
                "policyengine",
                "durable_rules",
                "clipspy",
                "pydantic",
                "PyYAML",
                "click",
                "pyinstrument",
            )
        },
    }


def default_output(meta: dict[str, Any]) -> Path:
    day = meta["date"][:10]
    suffix = "-dirty" if meta["dirty"] else ""
    return RESULTS / f"{day}-{meta['commit']}{suffix}.json"


def write_json(
    path: Path, meta: dict[str, Any], sections: Sequence[Section], targets: Sequence[Target]
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "meta": meta,
        "sections": {s.name: s.to_dict() for s in sections},
        "targets": [t.to_dict() for t in targets],
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def compare(old_path: Path, sections: Sequence[Section], targets: Sequence[Target]) -> str:
    """Metrics and targets of this run beside those of an earlier run's JSON."""
    old = json.loads(old_path.read_text(encoding="utf-8"))
    old_metrics: dict[str, float] = {}
    for name, sec in old.get("sections", {}).items():
        for key, value in sec.get("metrics", {}).items():
            old_metrics[f"{name}:{key}"] = value
    rows = []
    for s in sections:
        for key, value in s.metrics.items():
            before = old_metrics.get(f"{s.name}:{key}")
            if before is None:
                continue
            change = value / before if before else math.nan
            rows.append(
                [f"{s.name}: {key}", _fmt_metric(key, before), _fmt_metric(key, value), ratio(change)]
            )
    old_targets = {t["key"]: t for t in old.get("targets", [])}
    trows = []
    for t in targets:
        before_t = old_targets.get(t.key)
        if before_t is None:
            continue
        trows.append(
            [
                t.description,
                ratio(before_t["value"]),
                ratio(t.value),
                ("pass" if before_t["passed"] else "MISS") + " -> " + ("pass" if t.passed else "MISS"),
            ]
        )
    meta = old.get("meta", {})
    head = f"== Compared with {old_path.name} (commit {meta.get('commit', '?')}, {meta.get('date', '?')}) =="
    parts = [head]
    if rows:
        parts.append(table(["metric", "before", "now", "now/before"], rows))
    if trows:
        parts.append(table(["target", "before", "now", "result"], trows))
    if not rows and not trows:
        parts.append("(nothing in common with that run)")
    return "\n".join(parts)


def _fmt_metric(key: str, value: float) -> str:
    if key.endswith("[ratio]") or key.endswith("[k]"):
        return ratio(value)
    if key.endswith("[MiB]"):
        return f"{value:.1f} MiB"
    if key.endswith("[/s]"):
        return f"{value:.1f}/s"
    return ms(value)
