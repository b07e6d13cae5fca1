"""The default rule pack is found installed as files, without importlib.resources."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from policyengine.core import pack as default_pack


def test_an_installed_pack_is_found_from_its_import_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "paper.yaml").write_text("pack: {}\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a pack\n", encoding="utf-8")
    spec = importlib.machinery.ModuleSpec("policyengine.packs", None, is_package=True)
    spec.submodule_search_locations = [str(tmp_path)]
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec)
    monkeypatch.delenv(default_pack.ENV_VAR, raising=False)
    assert default_pack.default_rules_path() == str(tmp_path)


def test_without_an_installed_pack_the_checkout_s_rules_are_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    monkeypatch.delenv(default_pack.ENV_VAR, raising=False)
    # the checkout policyengine runs from (this repository, unless the tests run from a copy)
    checkout = Path(default_pack.__file__).resolve().parents[3]
    assert (checkout / "rules" / "paper.yaml").is_file()
    assert default_pack.default_rules_path() == str(checkout / "rules")


def test_finding_the_default_pack_imports_no_importlib_resources() -> None:
    probe = (
        "import sys; from policyengine.core.pack import default_rules_path; "
        "path = default_rules_path(); print(path, 'importlib.resources' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    path, imported = done.stdout.split()
    assert any(Path(path).glob("*.yaml"))
    assert imported == "False"
