"""policyengine: a policy paper's recommendations as running rules over scenario facts.

The public API is imported lazily so that ``import policyengine`` stays cheap::

    from policyengine import load_scenario
    loaded = load_scenario("scenarios/korea_new_gov.yaml")
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "load_scenario": ("policyengine.validation.scenario", "load_scenario"),
    "LoadedScenario": ("policyengine.validation.scenario", "LoadedScenario"),
    "build_matrix": ("policyengine.matrix", "build_matrix"),
    "InputError": ("policyengine.errors", "InputError"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'policyengine' has no attribute {name!r}")


__all__ = ["__version__", *_LAZY]
