"""Which files make a rule pack: one YAML file, or the ``*.yaml`` files of a folder."""

from __future__ import annotations

from pathlib import Path

from policyengine.errors import input_error
from policyengine.errors.locations import Location


def pack_files(path: str) -> list[str]:
    """The files of a pack: the file itself, or the sorted ``*.yaml`` files of a folder."""
    p = Path(path)
    if p.is_dir():
        files = sorted(str(f) for f in p.glob("*.yaml") if f.is_file())
        if not files:
            raise input_error(
                "E101",
                "no *.yaml rule files in this folder",
                Location(path),
                "a rule pack is a .yaml file, or a folder of them",
            )
        return files
    return [path]
