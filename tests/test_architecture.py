"""The architecture holds: one way down and no import cycles.

The contracts in ``pyproject.toml`` ([tool.importlinter]) state the layers; ``.ci/run`` runs
``lint-imports``. These tests read the same import graph (grimp, which import-linter builds on),
imports inside functions included, so that a lazy import cannot hide a cycle.
"""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

grimp = pytest.importorskip("grimp", reason="import-linter is in the test extra: pip install -e '.[test]'")

ROOT = Path(__file__).resolve().parents[1]


@cache
def graph() -> object:
    return grimp.build_graph("policyengine")


def _area(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _ignored() -> set[tuple[str, str]]:
    """The imports the contracts let through, each with its reason, in pyproject.toml."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pairs = set()
    for contract in config["tool"]["importlinter"]["contracts"]:
        for line in contract.get("ignore_imports", ()):
            importer, imported = (part.strip() for part in line.split("->"))
            pairs.add((importer, imported))
    return pairs


def _edges() -> dict[str, set[str]]:
    g = graph()
    ignored = _ignored()
    edges: dict[str, set[str]] = {}
    for module in g.modules:  # type: ignore[attr-defined]
        for imported in g.find_modules_directly_imported_by(module):  # type: ignore[attr-defined]
            if (module, imported) in ignored:
                continue
            if imported.startswith("policyengine") and _area(imported) != _area(module):
                edges.setdefault(_area(module), set()).add(_area(imported))
    return edges


def test_no_import_cycles_between_areas() -> None:
    edges = _edges()
    seen: dict[str, int] = {}  # 1 on the current path, 2 done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        seen[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if seen.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in seen:
                visit(nxt, [*path, nxt])
        seen[node] = 2

    for node in sorted(edges):
        if node not in seen:
            visit(node, [node])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_the_core_and_the_features_never_import_the_front_door_or_the_cli() -> None:
    g = graph()
    wrong = sorted(
        f"{importer} -> {imported}"
        for module in ("policyengine.api", "policyengine.cli")
        for imported in g.find_matching_direct_imports(  # type: ignore[attr-defined]
            import_expression=f"policyengine.** -> {module}"
        )
        for importer, imported in [(imported["importer"], imported["imported"])]
        if not importer.startswith(("policyengine.cli", "policyengine.__main__"))
    )
    assert not wrong


#: The feature packages, which stand side by side above the core.
FEATURES = (
    "checks",
    "counterfactual",
    "diff",
    "exercise",
    "explain",
    "matrix",
    "ruletools",
    "signposts",
    "sweep",
    "timeline",
)


def test_features_use_each_other_only_through_the_package() -> None:
    """A feature may use another feature's package (what its ``__init__`` offers), never a module
    inside it: a feature's internals can then be reorganised without touching its neighbours."""
    g = graph()
    wrong = []
    for module in sorted(g.modules):  # type: ignore[attr-defined]
        parts = module.split(".")
        if len(parts) < 2 or parts[1] not in FEATURES:
            continue
        for imported in sorted(g.find_modules_directly_imported_by(module)):  # type: ignore[attr-defined]
            other = imported.split(".")
            inside_other = len(other) > 2 and other[1] in FEATURES and other[1] != parts[1]
            if other[0] == "policyengine" and inside_other:
                wrong.append(f"{module} -> {imported}")
    assert not wrong, "import the package instead: " + "; ".join(wrong)


def test_the_feature_rule_would_see_a_violation() -> None:
    """The graph the rule reads does record an import of another feature's module."""
    g = graph()
    assert "policyengine.diff.facts" in g.find_modules_directly_imported_by(  # type: ignore[attr-defined]
        "policyengine.diff"
    )


def test_import_linter_contracts_are_kept() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
