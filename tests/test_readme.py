"""The README's two set-up commands, taken from the README itself, so that it cannot drift from reality.

The fast tests check the README's shape (it starts with exactly the two commands) and that CI runs the
second of them as the README writes it. The slow test runs both, verbatim, in a temporary clone of
this repository with a fresh virtual environment, on a PATH without chromium and outside CI, as a
newcomer on a fresh machine would: both must exit 0, the browser tests skipped with their reason.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import system

ROOT = Path(__file__).resolve().parents[1]
FENCE = re.compile(r"```sh\n(.*?)\n```", re.DOTALL)


def setup_commands(readme: str) -> list[str]:
    """The shell commands of the README's opening ``sh`` blocks (before any prose)."""
    head = readme.split("\n## ", 1)[0]
    before_prose = re.match(r"# [^\n]+\n+((?:```sh\n.*?\n```\n+)+)", head, re.DOTALL)
    assert before_prose, "the README must start with its set-up commands, right under the title"
    return FENCE.findall(before_prose.group(1))


def test_the_readme_starts_with_exactly_two_one_line_commands() -> None:
    commands = setup_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(commands) == 2, commands
    assert all("\n" not in c for c in commands), commands
    main_job, tests = commands
    assert main_job.endswith("policyengine evaluate scenarios/korea_new_gov.yaml"), main_job
    assert "pytest" in tests, tests


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run takes the command from the README (its extraction gives the same command as this file's)."""
    script = ROOT / ".ci" / "run"
    text = script.read_text(encoding="utf-8")
    assert "readme_command" in text, ".ci/run must run the README's test command, taken from the README"
    done = subprocess.run(
        ["bash", "-c", f'source <(sed -n "/^readme_command()/,/^}}/p" {script}); readme_command 2'],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    commands = setup_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert done.stdout.rstrip("\n") == commands[1]


def path_without(programs: set[str], shadow: Path) -> str:
    """PATH with every folder that holds one of ``programs`` replaced by a copy (symlinks) without it."""
    folders = []
    for i, entry in enumerate(os.environ.get("PATH", "").split(os.pathsep)):
        folder = Path(entry)
        if not folder.is_dir() or not any((folder / p).exists() for p in programs):
            folders.append(entry)
            continue
        copy = shadow / str(i)
        copy.mkdir(parents=True)
        for item in folder.iterdir():
            if item.name not in programs:
                (copy / item.name).symlink_to(item)
        folders.append(str(copy))
    return os.pathsep.join(folders)


@pytest.mark.slow
def test_the_readme_commands_pass_on_a_fresh_clone_without_a_browser(tmp_path: Path) -> None:
    system.git()
    commands = setup_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    clone = tmp_path / "main"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    (tmp_path / "shared").symlink_to(ROOT.parent / "shared")  # the paper, beside the checkout
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CI", system.REQUIRE, "VIRTUAL_ENV", "PYTHONPATH", "POLICYENGINE_CHROMIUM")
        and not k.startswith("PYTEST_")
    }
    env["PATH"] = path_without({"chromium", "chromium-browser"}, tmp_path / "path")
    assert shutil.which("chromium", path=env["PATH"]) is None

    def run(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-c", command], cwd=clone, env=env, capture_output=True, text=True, timeout=3000
        )

    main_job = run(commands[0])
    assert main_job.returncode == 0, main_job.stderr[-3000:]
    assert "韓国の新政権" in main_job.stdout, main_job.stdout[:3000]  # the scenario's title
    tests = run(commands[1])
    assert tests.returncode == 0, (tests.stdout + tests.stderr)[-5000:]
    assert re.search(r"\d+ passed, \d+ skipped", tests.stdout), tests.stdout[-3000:]
    assert "chromium is not installed: apt-get install -y chromium" in tests.stdout, tests.stdout[-3000:]
