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
    found = _installed_pack()
    if found:
        return str(found[0].parent)
    # A source checkout used without installing: rules/ beside src/.
    checkout = Path(__file__).resolve().parents[3] / "rules"
    return str(checkout)


def _installed_pack() -> list[Path]:
    """The YAML files of the installed ``policyengine.packs`` package (none when it is not installed).

    A package installed as files is found through its import spec; only one installed some other
    way (in a zip file) needs ``importlib.resources``, which imports tempfile, shutil and the
    compression modules: a sixth of what a command imports beyond its own packages.
    """
    from importlib.util import find_spec

    try:
        spec = find_spec("policyengine.packs")
    except (ImportError, ValueError):
        return []
    if spec is None:
        return []
    folders = [Path(p) for p in (spec.submodule_search_locations or ())]
    if folders and all(f.is_dir() for f in folders):
        return sorted(p for f in folders for p in f.iterdir() if p.name.endswith(".yaml"))
    from importlib import resources

    try:
        folder = resources.files("policyengine.packs")
        return [Path(str(p)) for p in folder.iterdir() if p.name.endswith(".yaml")]
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError, TypeError):
        return []
