"""The command line does without pydantic plugins, and without the cost of looking for them.

pydantic looks for plugins (``pydantic`` entry points of installed packages) when it builds the
first validator of a process, through ``importlib.metadata``, which imports email, zipfile,
socket, csv and more: about a quarter of what ``policyengine evaluate`` imports beyond the
packages it needs, for plugins (observability tools) that no policyengine command uses.

The CLI therefore sets ``PYDANTIC_DISABLE_PLUGINS=__all__`` unless the environment already sets
it (a user who wants a plugin to watch policyengine's validation sets it to ``""`` or to the
names to skip), and then, when every plugin is disabled, gives pydantic a loader that returns
no plugins without importing ``importlib.metadata``: what pydantic's own loader returns in that
case. The library (``policyengine.api``) changes nothing of the kind: a program that imports it
keeps its own pydantic settings.
"""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Iterable
from typing import Any

ENV = "PYDANTIC_DISABLE_PLUGINS"
#: pydantic's loader module (private): ``create_schema_validator`` imports ``get_plugins`` from it
LOADER = "pydantic.plugin._loader"
#: the values with which pydantic's own loader returns no plugin at all
ALL_DISABLED = ("__all__", "1", "true")


def disable_for_cli() -> bool:
    """Disable pydantic plugins for this process unless the environment says otherwise.

    Returns whether the light loader was installed (every plugin disabled, loader not yet
    imported).
    """
    os.environ.setdefault(ENV, "__all__")
    if os.environ[ENV] not in ALL_DISABLED or LOADER in sys.modules:
        return False
    sys.modules[LOADER] = _light_loader()
    return True


def _light_loader() -> types.ModuleType:
    module = types.ModuleType(LOADER, "pydantic's plugin loader when every plugin is disabled")

    def get_plugins() -> Iterable[Any]:
        return ()

    module.get_plugins = get_plugins  # type: ignore[attr-defined]
    return module


__all__ = ["disable_for_cli"]
