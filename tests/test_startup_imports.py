"""What the command line imports at start-up: nothing it does not use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KOREA = str(ROOT / "scenarios" / "korea_new_gov.yaml")

PROBE = """
import sys
from policyengine.cli import main
sys.argv = ["policyengine", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
loaded = sorted(m for m in ("importlib.metadata", "difflib", "html.entities") if m in sys.modules)
print("LOADED:" + ",".join(loaded), file=sys.stderr)
"""


def _run(*args: str, **env: str) -> tuple[str, list[str]]:
    environ = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    environ.update(env)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    line = [x for x in done.stderr.splitlines() if x.startswith("LOADED:")][-1]
    return done.stdout, [m for m in line[len("LOADED:") :].split(",") if m]


def test_evaluate_does_not_look_for_pydantic_plugins_or_load_what_only_errors_and_html_need() -> None:
    out, loaded = _run("evaluate", KOREA, "--format", "json")
    assert loaded == []
    # a user who wants pydantic's plugins asks for them: pydantic then looks for them as usual
    again, loaded = _run("evaluate", KOREA, "--format", "json", PYDANTIC_DISABLE_PLUGINS="")
    assert "importlib.metadata" in loaded
    assert again == out
