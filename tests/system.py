"""System programs some tests need (a browser, fonts, git): skipped where absent, required where asked.

A newcomer's first ``pytest`` on a machine without chromium must pass: the tests that need a program
the Python packages do not bring skip, each with a one-line reason saying how to install it. Where the
run asks for them they are required instead, and their absence fails the test:

- under CI (``CI=true``, which ``.ci/run`` runs with, as most CI services set it), or
- with ``POLICYENGINE_REQUIRE_SYSTEM=1`` (``=0`` lets them skip even under CI).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache

import pytest

REQUIRE = "POLICYENGINE_REQUIRE_SYSTEM"


def required() -> bool:
    """Whether a missing system program fails the run instead of skipping its tests."""
    explicit = os.environ.get(REQUIRE, "").strip().lower()
    if explicit in ("1", "true", "yes"):
        return True
    if explicit in ("0", "false", "no"):
        return False
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def missing(what: str, install: str) -> None:
    """Skip (or, where required, fail) a test for want of ``what``; ``install`` says how to get it."""
    reason = f"{what} is not installed: {install}"
    if required():
        pytest.fail(f"{reason} (required: CI or {REQUIRE}=1 is set)", pytrace=False)
    pytest.skip(f"{reason} (or set {REQUIRE}=1 to make its absence fail)")


def program(*names: str, install: str, env: str | None = None) -> str:
    """The path of the first of ``names`` on PATH (or in the variable ``env``), else skip or fail."""
    found = (os.environ.get(env) if env else None) or next(
        (path for name in names if (path := shutil.which(name))), None
    )
    if not found:
        missing(names[0], install)
    assert found is not None
    return found


def chromium() -> str:
    """Debian's chromium (``POLICYENGINE_CHROMIUM`` may name another build)."""
    return program(
        "chromium",
        "chromium-browser",
        install="apt-get install -y chromium (.ci/run installs it)",
        env="POLICYENGINE_CHROMIUM",
    )


def tmux() -> str:
    """tmux, to play the console in a real terminal."""
    return program("tmux", install="apt-get install -y tmux (.ci/run installs it)")


def git() -> str:
    return program("git", install="apt-get install -y git")


@cache
def _japanese_fonts() -> tuple[str, ...]:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    done = subprocess.run([fc_list, ":lang=ja", "family"], capture_output=True, text=True, check=False)
    return tuple(sorted(line for line in done.stdout.splitlines() if line.strip()))


def japanese_font() -> str:
    """A font family with Japanese glyphs, as fontconfig (which chromium uses) knows it."""
    fonts = _japanese_fonts()
    if not fonts:
        missing("a font with Japanese glyphs", "apt-get install -y fonts-noto-cjk (.ci/run installs it)")
    return fonts[0]
