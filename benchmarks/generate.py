"""Synthetic worlds of N facts with the statistical shape of the paper's (scenarios/baseline_2022.yaml).

    python benchmarks/generate.py --facts 10000 -o /tmp/world.yaml           # YAML
    python benchmarks/generate.py --facts 100000 -o /tmp/world.json          # JSON (YAML's subset)
    python benchmarks/generate.py --facts 100000 --format json -o /tmp/w.yaml

    from benchmarks.generate import generate, write, shape
    paths = write(generate(10_000), "/tmp/world.yaml")

How: the world is the baseline, copied with fresh identities until it holds N facts. Copy 0 is
the baseline itself; copy k renames every country but Japan (fresh ISO-style codes), every
framework, agreement, interest, event and capability (``quad-7``). A share of the members and
parties of each copy (``mix``, 10%) is drawn from the whole world instead, so that copies are
linked through more than Japan, as real groupings overlap. The last copy is partial, its facts
taken kind by kind in the baseline's proportions, so that the total is exactly N. Every ratio the
baseline has (facts of each kind, members and areas per framework, the share of RAAs, parties per
agreement, sourced facts, ...) is thus the baseline's, up to one limit: there are only 26^3 =
17,576 three-letter codes, so beyond about 600 copies (N ~ 70,000) later copies reuse the
countries of earlier ones; :func:`shape` reports the resulting shares.

Facts counted in N: countries, frameworks, coverage entries (a framework's areas), agreements,
asset-protection partners, interests, events and capabilities.

Large worlds are split into an ``extends`` chain of parts of at most ``part_bytes`` each (the
loader refuses files over 32 MiB), the way a user would split a big scenario.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import random
import string
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline_2022.yaml"
SECTIONS = (
    "countries",
    "frameworks",
    "agreements",
    "asset_protection",
    "interests",
    "events",
    "capabilities",
)
#: Kinds counted in N, in the order a partial copy takes them.
KINDS = (
    "countries",
    "frameworks",
    "coverage",
    "agreements",
    "asset_protection",
    "interests",
    "events",
    "capabilities",
)
DATE_FIELDS = frozenset(
    {"as_of", "established", "negotiation_started", "signed", "in_force", "since", "date"}
)
SUBJECT = "JPN"  # the one country every copy shares: the rules speak of Japan
DEFAULT_PART_BYTES = 24 * 1024 * 1024
GENERATOR_VERSION = 2  # bump when the output for the same arguments changes (cache keys use it)

Data = dict[str, Any]


# -- reading and measuring ----------------------------------------------------------------------
def read_baseline(path: Path = BASELINE) -> Data:
    """The baseline scenario as plain data (dates as ISO text), read with policyengine's safe loader."""
    from policyengine.loading.yamltree import plain, read_yaml

    data: Data = json.loads(json.dumps(plain(read_yaml(path)), default=str, ensure_ascii=False))
    return data


def count_facts(data: Data) -> int:
    """N: facts of every kind, a framework's coverage entries included."""
    return sum(len(data.get(s) or []) for s in SECTIONS) + sum(
        len(f.get("areas") or {}) for f in data.get("frameworks") or []
    )


def kind_counts(data: Data) -> dict[str, int]:
    counts = {s: len(data.get(s) or []) for s in SECTIONS}
    counts["coverage"] = sum(len(f.get("areas") or {}) for f in data.get("frameworks") or [])
    return {k: counts[k] for k in KINDS}


def shape(data: Data) -> dict[str, float]:
    """The statistics a synthetic world must share with the paper's (ratios and means)."""
    n = count_facts(data)
    counts = kind_counts(data)
    frameworks = data.get("frameworks") or []
    agreements = data.get("agreements") or []
    countries = data.get("countries") or []
    out: dict[str, float] = {"facts": n}
    for kind, c in counts.items():
        out[f"share.{kind}"] = c / n if n else 0.0

    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    areas = [lvl for f in frameworks for lvl in (f.get("areas") or {}).values()]
    out["members_per_framework"] = mean([len(f["members"]) for f in frameworks])
    out["areas_per_framework"] = mean([len(f.get("areas") or {}) for f in frameworks])
    out["mechanisms_per_framework"] = mean([len(f.get("mechanisms") or []) for f in frameworks])
    out["share.focus_of_coverage"] = mean([1.0 if lvl == "focus" else 0.0 for lvl in areas])
    out["share.minilateral_frameworks"] = mean(
        [1.0 if f["kind"] == "minilateral" else 0.0 for f in frameworks]
    )
    out["share.frameworks_with_japan"] = mean([1.0 if SUBJECT in f["members"] else 0.0 for f in frameworks])
    out["share.raa_of_agreements"] = mean([1.0 if a["kind"] == "raa" else 0.0 for a in agreements])
    out["share.agreements_with_japan"] = mean([1.0 if SUBJECT in a["parties"] else 0.0 for a in agreements])
    out["parties_per_agreement"] = mean([len(a["parties"]) for a in agreements])
    out["share.extra_regional_countries"] = mean(
        [1.0 if c["region"] == "extra-regional" else 0.0 for c in countries]
    )
    out["share.increasing_countries"] = mean(
        [1.0 if c["indo_pacific_engagement"] == "increasing" else 0.0 for c in countries]
    )
    out["share.us_ally_countries"] = mean([1.0 if c["alignment"] == "us-ally" else 0.0 for c in countries])
    facts = [f for s in SECTIONS for f in data.get(s) or []]
    out["share.sourced_facts"] = mean([1.0 if "source" in f else 0.0 for f in facts])
    return out


# -- generating ---------------------------------------------------------------------------------
def _code_pool(reserved: set[str], seed: int) -> list[str]:
    codes = ["".join(t) for t in itertools.product(string.ascii_uppercase, repeat=3)]
    pool = [c for c in codes if c not in reserved]
    random.Random(seed).shuffle(pool)
    return pool


def _largest_remainder(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Split ``total`` in proportion to ``weights``, in integers that sum to ``total``."""
    whole = sum(weights.values())
    if whole == 0:
        return dict.fromkeys(weights, 0)
    exact = {k: total * w / whole for k, w in weights.items()}
    out = {k: math.floor(v) for k, v in exact.items()}
    rest = total - sum(out.values())
    for k in sorted(weights, key=lambda k: (out[k] - exact[k], list(weights).index(k)))[:rest]:
        out[k] += 1
    return out


class _World:
    """The facts generated so far and the identities they use."""

    def __init__(self, base: Data, seed: int, mix: float) -> None:
        self.base = base
        self.rnd = random.Random(seed)
        self.mix = mix
        self.codes = [c["code"] for c in base["countries"]]
        self.pool = _code_pool(set(self.codes), seed)
        self.maps: list[dict[str, str]] = []  # country map of each copy that got fresh codes
        self.all_codes: list[str] = []
        self.protected: set[str] = set()
        self.sections: dict[str, list[Data]] = {s: [] for s in SECTIONS}
        self.total = 0

    def country_map(self, k: int) -> tuple[dict[str, str], bool]:
        """Codes for copy k, and whether its countries are new (False once codes run out)."""
        if k == 0:
            return {c: c for c in self.codes}, True
        fresh = len(self.codes) - 1
        if len(self.pool) >= fresh:
            cmap = {c: (c if c == SUBJECT else self.pool.pop()) for c in self.codes}
            return cmap, True
        return self.maps[k % len(self.maps)], False

    def mixed(self, codes: list[str]) -> list[str]:
        """Each code but the subject's replaced, with probability ``mix``, by any country's."""
        out: list[str] = []
        for code in codes:
            new = code
            if code != SUBJECT and self.rnd.random() < self.mix:
                candidate = self.rnd.choice(self.all_codes)
                if candidate != SUBJECT and candidate not in codes:
                    new = candidate
            if new not in out:
                out.append(new)
        return out


def _named(name: Any, k: int) -> Any:
    if k == 0 or not isinstance(name, dict):
        return name
    return {lang: f"{text} #{k}" for lang, text in name.items()}


def _copy(world: _World, k: int, take: dict[str, int] | None) -> int:
    """Add copy k of the baseline (all of it, or ``take[kind]`` facts of each kind); facts added."""
    base = json.loads(json.dumps(world.base, ensure_ascii=False))  # a fresh deep copy, fast
    cmap, new_countries = world.country_map(k)
    suffix = "" if k == 0 else f"-{k}"
    partial = take is not None

    def limit(kind: str, items: list[Data]) -> list[Data]:
        return items if take is None else items[: take.get(kind, 0)]

    added = 0
    included_codes: set[str] = set()
    if new_countries:
        countries = [c for c in base["countries"] if k == 0 or c["code"] != SUBJECT]
        for c in limit("countries", countries):
            code = cmap[c["code"]]
            c["code"] = code
            c["name"] = _named(c["name"], k)
            world.sections["countries"].append(c)
            world.all_codes.append(code)
            included_codes.add(code)
            added += 1
        if k > 0 or not partial:
            world.maps.append(cmap)
    known = set(world.all_codes)

    def country(code: str) -> str | None:
        new = cmap.get(code, code)
        if new in known:
            return new
        return code if code in known else None  # a partial copy falls back on copy 0's country

    def countries_of(codes: list[str]) -> list[str]:
        resolved = [c for c in (country(x) for x in codes) if c is not None]
        out = world.mixed(resolved) if k > 0 else resolved
        for extra in (SUBJECT, *world.all_codes[:3]):  # a list cut below two gets the subject back
            if len(out) >= 2:
                break
            if extra not in out:
                out.append(extra)
        return out

    framework_ids = {f["id"] for f in world.base["frameworks"]}
    agreement_ids = {a["id"] for a in world.base["agreements"]}
    event_ids = {e["id"] for e in world.base["events"]}
    coverage_left = take.get("coverage", 0) if take is not None else None
    kept_frameworks: set[str] = set()
    for f in limit("frameworks", base["frameworks"]):
        kept_frameworks.add(f["id"])
        f["id"] += suffix
        f["name"] = _named(f["name"], k)
        f["members"] = countries_of(f["members"])
        if coverage_left is not None:
            areas = dict(list((f.get("areas") or {}).items())[:coverage_left])
            coverage_left -= len(areas)
            if "areas" in f or areas:
                f["areas"] = areas
        added += 1 + len(f.get("areas") or {})
        world.sections["frameworks"].append(f)
    kept_agreements: set[str] = set()
    for a in limit("agreements", base["agreements"]):
        kept_agreements.add(a["id"])
        a["id"] += suffix
        if "name" in a:
            a["name"] = _named(a["name"], k)
        a["parties"] = countries_of(a["parties"])
        world.sections["agreements"].append(a)
        added += 1
    for ap in limit("asset_protection", base["asset_protection"]):
        partner = country(ap["partner"])
        if partner is None or partner in world.protected or partner == SUBJECT:
            continue
        ap["partner"] = partner
        world.protected.add(partner)
        world.sections["asset_protection"].append(ap)
        added += 1
    for i in limit("interests", base["interests"]):
        i["id"] += suffix
        i["countries"] = countries_of(i["countries"])
        world.sections["interests"].append(i)
        added += 1
    kept_events = {e["id"] for e in limit("events", base["events"])}

    def ref(value: str | None, ids: set[str], kept: set[str]) -> str | None:
        if value is None or value not in ids:
            return value
        if value in kept or not partial:
            return value + suffix
        return value if k > 0 else None  # copy 0's fact, or nothing when there is no copy 0

    for e in limit("events", base["events"]):
        e["id"] += suffix
        for name, ids, kept in (
            ("framework", framework_ids, kept_frameworks),
            ("agreement", agreement_ids, kept_agreements),
            ("caused_by", event_ids, kept_events),
        ):
            if name in e:
                value = ref(e[name], ids, kept)
                if value is None:
                    del e[name]
                else:
                    e[name] = value
        if "country" in e:
            value = country(e["country"])
            if value is None:
                del e["country"]
            else:
                e["country"] = value
        if "countries" in e:
            e["countries"] = [c for c in (country(x) for x in e["countries"]) if c is not None]
        if "name" in e:
            e["name"] = _named(e["name"], k)
        world.sections["events"].append(e)
        added += 1
    for cap in limit("capabilities", base["capabilities"]):
        cap["id"] += suffix
        if "holder" in cap:
            cap["holder"] = country(cap["holder"]) or SUBJECT
        world.sections["capabilities"].append(cap)
        added += 1
    return added


def _full_size(world: _World, k: int) -> int:
    base = world.base
    n = count_facts(base)
    if k == 0:
        return n
    n -= 1  # Japan is not copied
    if len(world.pool) < len(world.codes) - 1:
        n -= len(base["countries"]) - 1  # no fresh codes left: countries are reused
        n -= len(base["asset_protection"])  # and so are the partners already protected
    return n


def generate(n: int, *, seed: int = 2022, mix: float = 0.1, base: Data | None = None) -> Data:
    """A valid scenario of exactly ``n`` facts (n >= 20) shaped like ``base`` (the baseline)."""
    if n < 20:
        raise ValueError("a synthetic world needs at least 20 facts")
    base = base if base is not None else read_baseline()
    world = _World(base, seed, mix)
    k = 0
    while True:
        size = _full_size(world, k)
        left = n - world.total
        if left <= 0:
            break
        if left >= size:
            world.total += _copy(world, k, None)
        else:
            counts = kind_counts(base)
            if k > 0:
                counts["countries"] -= 1
                if size < count_facts(base) - 1:
                    counts["countries"] = 0
                    counts["asset_protection"] = 0
            world.total += _copy(world, k, _largest_remainder(left, counts))
            # A partial copy may come up short (a partner already protected, ...): top up with events.
            while world.total < n:
                k += 1
                world.total += _copy(world, k, {"events": min(n - world.total, len(base["events"]))})
            break
        k += 1
    header = dict(base["scenario"])
    header.pop("extends", None)
    header.pop("description", None)
    header["id"] = f"synthetic-{n}"
    header["title"] = {
        "ja": f"合成シナリオ（{n:,}件の事実、ベースラインの形）",
        "en": f"Synthetic world of {n:,} facts shaped like the baseline",
    }
    out: Data = {"scenario": header}
    for s in SECTIONS:
        if world.sections[s]:
            out[s] = world.sections[s]
    got = count_facts(out)
    if got != n:
        raise AssertionError(f"generated {got} facts instead of {n}")
    return out


# -- writing ------------------------------------------------------------------------------------
def _dates(value: Any, key: str = "") -> Any:
    """ISO date text back to dates (for YAML, which writes them as plain dates)."""
    if isinstance(value, dict):
        return {k: _dates(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates(v) for v in value]
    if key in DATE_FIELDS and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _dump(data: Data, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(_dates(data), Dumper=dumper, allow_unicode=True, sort_keys=False, width=120)


def _expansion(fmt: str) -> float:
    """How much longer the written file is than compact JSON (measured on the baseline)."""
    base = read_baseline()
    compact = len(json.dumps(base, ensure_ascii=False).encode())
    return len(_dump(base, fmt).encode()) / compact * 1.02


def _parts(data: Data, part_bytes: int) -> Iterator[Data]:
    """Split the facts into groups of at most about ``part_bytes`` of JSON each (at least one)."""
    current: Data = {}
    size = 0
    for s in SECTIONS:
        for fact in data.get(s) or []:
            fact_size = len(json.dumps(fact, ensure_ascii=False).encode()) + 8
            if size + fact_size > part_bytes and size > 0:
                yield current
                current, size = {}, 0
            current.setdefault(s, []).append(fact)
            size += fact_size
    yield current


def write(
    data: Data, path: str | Path, *, fmt: str | None = None, part_bytes: int = DEFAULT_PART_BYTES
) -> list[Path]:
    """Write a world to ``path`` (and, when large, the parts it extends); the files written.

    ``fmt`` is ``yaml`` or ``json``; by default ``json`` for a ``.json`` path, else ``yaml``.
    """
    path = Path(path)
    fmt = fmt or ("json" if path.suffix == ".json" else "yaml")
    if fmt not in ("yaml", "json"):
        raise ValueError(f"unknown format {fmt!r}")
    # The parts follow the sections' order (countries first, events last), and each extends the
    # one before it: the first group is the deepest part and the file named ``path`` holds the
    # last, so that every part with what it extends is a valid world of its own (a scenario's
    # parent is evaluated alone, e.g. by evaluate's comparison with the world it extends).
    groups = list(_parts(data, int(part_bytes / _expansion(fmt))))[::-1]
    names = [path] + [path.with_name(f"{path.stem}.part{i + 1}{path.suffix}") for i in range(1, len(groups))]
    written = []
    for i, (name, group) in enumerate(zip(names, groups, strict=True)):
        header = dict(data["scenario"])
        if i > 0:
            header["id"] = f"{header['id']}-part{i + 1}"
        if i + 1 < len(names):
            header["extends"] = names[i + 1].name
        doc: Data = {"scenario": header, **group}
        tmp = name.with_name(name.name + ".tmp")
        tmp.write_text(_dump(doc, fmt), encoding="utf-8")
        tmp.replace(name)
        written.append(name)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write a synthetic scenario of N facts shaped like scenarios/baseline_2022.yaml."
    )
    parser.add_argument(
        "--facts", type=int, required=True, help="number of facts (100 to 100,000 and beyond)"
    )
    parser.add_argument("-o", "--output", required=True, help="scenario file to write (.yaml or .json)")
    parser.add_argument("--format", choices=("yaml", "json"), default=None, help="default: from the suffix")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--mix", type=float, default=0.1, help="share of members drawn from the whole world")
    parser.add_argument(
        "--part-mib", type=float, default=DEFAULT_PART_BYTES / 2**20, help="largest file size"
    )
    parser.add_argument("--shape", action="store_true", help="print the world's shape beside the baseline's")
    args = parser.parse_args(argv)
    if args.facts < 20:
        parser.error("--facts must be at least 20")
    base = read_baseline()
    data = generate(args.facts, seed=args.seed, mix=args.mix, base=base)
    files = write(data, args.output, fmt=args.format, part_bytes=int(args.part_mib * 2**20))
    for f in files:
        print(f"wrote {f} ({f.stat().st_size / 2**20:.1f} MiB)")
    if args.shape:
        print(render_shape(shape(base), shape(data)))
    return 0


def render_shape(base: dict[str, float], world: dict[str, float]) -> str:
    lines = [f"{'statistic':36} {'baseline':>10} {'generated':>10}"]
    for key in base:
        lines.append(f"{key:36} {base[key]:10.3f} {world.get(key, math.nan):10.3f}")
    return "\n".join(lines)


if __name__ == "__main__":
    if __package__ in (None, ""):
        sys.path.insert(0, str(ROOT))
    sys.exit(main())
