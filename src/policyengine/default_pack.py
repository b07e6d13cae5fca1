"""Finding rule packs: the shipped default pack, or one the user names."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_PACK_FILE = "paper.yaml"
ENV_VAR = "POLICYENGINE_RULES"


def default_rules_path() -> str:
    """The default rule pack: ``$POLICYENGINE_RULES``, else the pack shipped with policyengine.

    The shipped pack is the repository's ``rules/`` folder, installed as the package data of
    ``policyengine.packs`` (see pyproject.toml), so this works from any working directory,
    whether policyengine is installed editable or not.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return env
    from importlib import resources

    try:
        folder = resources.files("policyengine.packs")
        found = [Path(str(p)) for p in folder.iterdir() if p.name.endswith(".yaml")]
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError, TypeError):
        found = []
    if found:
        return str(found[0].parent)
    # A source checkout used without installing: rules/ beside src/.
    checkout = Path(__file__).resolve().parents[2] / "rules"
    return str(checkout)
