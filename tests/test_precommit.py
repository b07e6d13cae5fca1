"""The pre-commit hooks (.pre-commit-hooks.yaml) and the CI example of docs/ci.md, on a repository
of scenarios made here: a valid one passes, a broken file or a changed conclusion fails.

The default run checks the manifest with pre-commit's own loader and runs each hook as pre-commit
would (its entry, the args a user gives, the staged files that match its ``files`` and ``types``,
in the repository's root); ``pytest -m slow`` also runs the real ``pre-commit try-repo``, which
installs policyengine into an environment of its own (minutes: durable-rules builds from source).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from identify.identify import tags_from_path  # pre-commit's own file classifier
from pre_commit.clientlib import load_manifest  # pre-commit is in the 'test' extra

from conftest import ROOT

BIN = Path(sys.executable).parent  # where this environment's policyengine script is
CHECK_ARGS = ["scenarios/korea_new_gov.yaml", "--expect", "expectations/korea_new_gov.yaml", "--lang", "en"]


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository of scenarios as a user keeps them: two scenarios and an expectations file."""
    r = tmp_path / "worlds"
    (r / "scenarios").mkdir(parents=True)
    (r / "expectations").mkdir()
    for name in ("baseline_2022.yaml", "korea_new_gov.yaml"):
        shutil.copy(ROOT / "scenarios" / name, r / "scenarios" / name)
    shutil.copy(ROOT / "expectations" / "korea_new_gov.yaml", r / "expectations" / "korea_new_gov.yaml")
    (r / "README.md").write_text("worlds\n", encoding="utf-8")
    _git(r, "init", "-q")
    _git(r, "add", "-A")
    return r


def _hooks() -> dict[str, dict[str, Any]]:
    return {h["id"]: h for h in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}


def _run_hook(repo: Path, hook: dict[str, Any], args: list[str]) -> subprocess.CompletedProcess[str]:
    """What pre-commit runs for ``hook``: entry + args + the staged files it selects."""
    staged = _git(repo, "diff", "--cached", "--name-only", "-z").split("\0")
    files = [
        f
        for f in staged
        if f
        and re.search(hook["files"], f)
        and not re.search(hook["exclude"], f)
        and set(hook["types"]) <= tags_from_path(str(repo / f))
    ]
    argv = shlex.split(hook["entry"]) + args + (files if hook["pass_filenames"] else [])
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(argv, cwd=repo, env=env, capture_output=True, text=True, timeout=120)


def test_the_hooks_file_is_a_valid_pre_commit_manifest() -> None:
    hooks = _hooks()
    assert sorted(hooks) == ["policyengine-check", "policyengine-validate"]
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert shlex.split(hook["entry"])[0] == "policyengine"  # the console script of this package
    assert hooks["policyengine-validate"]["pass_filenames"] is True
    assert hooks["policyengine-check"]["pass_filenames"] is False  # its files are named in args


def test_the_validate_hook_passes_valid_files_and_locates_a_broken_one(repo: Path) -> None:
    hook = _hooks()["policyengine-validate"]
    ok = _run_hook(repo, hook, [])
    assert ok.returncode == 0, ok.stderr
    assert "ok: scenarios/baseline_2022.yaml" in ok.stdout and "ok: scenarios/korea_new_gov.yaml" in ok.stdout
    assert "README.md" not in ok.stdout + ok.stderr and "expectations" not in ok.stdout  # not selected
    broken = repo / "scenarios" / "korea_new_gov.yaml"
    text = broken.read_text(encoding="utf-8")
    assert "indo_pacific_engagement: increasing" in text
    broken.write_text(text.replace("engagement: increasing", "engagement: increasin", 1), encoding="utf-8")
    _git(repo, "add", "-A")
    bad = _run_hook(repo, hook, [])
    assert bad.returncode == 2
    assert re.search(r"scenarios/korea_new_gov\.yaml:\d+:\d+: E\d{3}: .*increasin", bad.stderr), bad.stderr
    assert "Traceback" not in bad.stderr


def test_the_check_hook_fails_when_a_conclusion_changes(repo: Path) -> None:
    hook = _hooks()["policyengine-check"]
    ok = _run_hook(repo, hook, CHECK_ARGS)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    # The UK's RAA comes into force: the paper's recommendation to conclude it no longer holds.
    scenario = repo / "scenarios" / "korea_new_gov.yaml"
    scenario.write_text(
        scenario.read_text(encoding="utf-8")
        + "\nagreements:\n  - {id: raa-jpn-gbr, kind: raa, parties: [JPN, GBR], status: in-force}\n",
        encoding="utf-8",
    )
    _git(repo, "add", "-A")
    bad = _run_hook(repo, hook, CHECK_ARGS)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "conclude-raa/GBR" in bad.stdout


def _ci_steps() -> list[dict[str, Any]]:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)]
    (workflow,) = [b for b in blocks if isinstance(b, dict) and "jobs" in b]
    steps: list[dict[str, Any]] = workflow["jobs"]["check"]["steps"]
    return steps


def _run_ci(repo: Path) -> list[subprocess.CompletedProcess[str]]:
    """The workflow's own commands, in the repository (policyengine is installed here already)."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    done = []
    for step in _ci_steps():
        if "run" not in step or step.get("name") == "Install policyengine":
            continue
        p = subprocess.run(
            ["bash", "-e", "-c", step["run"]], cwd=repo, env=env, capture_output=True, text=True, timeout=300
        )
        done.append(p)
        if p.returncode != 0:
            break  # a failing step fails the job
    return done


def test_the_ci_example_passes_on_valid_scenarios_and_fails_on_a_broken_expectation(repo: Path) -> None:
    steps = _ci_steps()
    assert any(s.get("name") == "Install policyengine" and "pip install" in s["run"] for s in steps)
    shutil.copy(ROOT / "expectations" / "baseline_2022.yaml", repo / "expectations" / "baseline_2022.yaml")
    good = _run_ci(repo)
    assert len(good) == 2 and all(p.returncode == 0 for p in good), [p.stdout + p.stderr for p in good]
    expectations = repo / "expectations" / "baseline_2022.yaml"
    text = expectations.read_text(encoding="utf-8")
    expectations.write_text(text.replace("exhaustive: true", "exhaustive: tru"), encoding="utf-8")
    bad = _run_ci(repo)
    assert [p.returncode for p in bad] == [0, 2], [p.stdout + p.stderr for p in bad]
    assert "expectations/baseline_2022.yaml:" in bad[-1].stderr


@pytest.mark.slow
def test_pre_commit_try_repo_runs_the_hooks(repo: Path, tmp_path: Path) -> None:
    # The real thing: pre-commit builds its own environment from this checkout (committed files).
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    exe = BIN / "pre-commit"
    argv = [str(exe), "try-repo", str(ROOT), "policyengine-validate", "--all-files"]
    ok = subprocess.run(argv, cwd=repo, env=env, capture_output=True, text=True, timeout=1800)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "policyengine validate" in ok.stdout and "Passed" in ok.stdout
    argv = [str(exe), "try-repo", str(ROOT), "policyengine-check", "--all-files"]
    config = (
        f"repos:\n- repo: {ROOT}\n  rev: {_git(ROOT, 'rev-parse', 'HEAD').strip()}\n  hooks:\n"
        f"  - id: policyengine-check\n    args: {CHECK_ARGS}\n"
    )
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    _git(repo, "add", "-A")
    checked = subprocess.run(
        [str(exe), "run", "--all-files"], cwd=repo, env=env, capture_output=True, text=True, timeout=1800
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "policyengine check --expect" in checked.stdout and "Passed" in checked.stdout
