"""The pre-commit hooks (.pre-commit-hooks.yaml) and the CI examples of docs/ci.md, on a repository
of scenarios made here: a valid one passes, a broken file or a changed conclusion fails.

The default run checks the manifest with pre-commit's own loader, runs each hook as pre-commit
would (its entry, the args a user gives, the staged files that match its ``files`` and ``types``,
in the repository's root), and commits through pre-commit itself with the manifest's hooks as
``repo: local`` hooks run by this environment's policyengine (``language: system``: nothing to
install). ``pytest -m slow`` also runs the real ``pre-commit try-repo``, which installs
policyengine into an environment of its own (minutes: durable-rules builds from source).
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
    assert "ok: expectations/korea_new_gov.yaml" in ok.stdout  # expectations files are validated too
    assert "README.md" not in ok.stdout + ok.stderr  # not selected
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


def _shell_script() -> str:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    (script,) = [
        b for b in re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL) if b.startswith("#!/bin/sh")
    ]
    return script


def _break_a_conclusion(repo: Path) -> None:
    """The UK's RAA comes into force: the paper's recommendation to conclude it no longer holds."""
    scenario = repo / "scenarios" / "korea_new_gov.yaml"
    scenario.write_text(
        scenario.read_text(encoding="utf-8")
        + "\nagreements:\n  - {id: raa-jpn-gbr, kind: raa, parties: [JPN, GBR], status: in-force}\n",
        encoding="utf-8",
    )


def _break_a_scenario(repo: Path) -> Path:
    """A typo in a value: the scenario no longer validates."""
    broken = repo / "scenarios" / "baseline_2022.yaml"
    text = broken.read_text(encoding="utf-8")
    assert "engagement: increasing" in text
    broken.write_text(text.replace("engagement: increasing", "engagement: increasin", 1), encoding="utf-8")
    return broken


def test_the_shell_script_runs_every_check_and_exits_with_the_worst(repo: Path) -> None:
    (repo / "check-scenarios.sh").write_text(_shell_script(), encoding="utf-8")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}

    def run() -> subprocess.CompletedProcess[str]:
        argv = ["sh", "check-scenarios.sh"]
        return subprocess.run(argv, cwd=repo, env=env, capture_output=True, text=True, timeout=300)

    ok = run()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    validated = "scenarios/baseline_2022.yaml scenarios/korea_new_gov.yaml expectations/korea_new_gov.yaml"
    assert f"+ policyengine validate {validated}\n" in ok.stdout
    checked = "+ policyengine check scenarios/korea_new_gov.yaml --expect expectations/korea_new_gov.yaml"
    assert checked in ok.stdout
    assert "baseline_2022.yaml --expect" not in ok.stdout  # it has no expectations file here

    _break_a_conclusion(repo)
    changed = run()
    assert changed.returncode == 1, changed.stdout + changed.stderr
    assert "conclude-raa/GBR" in changed.stdout

    _break_a_scenario(repo)  # validate fails (2); the checks still run; the highest code wins
    bad = run()
    assert bad.returncode == 2, bad.stdout + bad.stderr
    assert re.search(r"scenarios/baseline_2022\.yaml:\d+:\d+: E\d{3}: .*increasin", bad.stderr), bad.stderr
    assert bad.stdout.index("+ policyengine check ") > bad.stdout.index("+ policyengine validate ")
    assert "Traceback" not in bad.stderr

    # the repository's own rule pack, when it has one, is validated and used by the checks
    (repo / "rules").mkdir()
    shutil.copy(ROOT / "rules" / "paper.yaml", repo / "rules" / "paper.yaml")
    _git(repo, "checkout", "--", "scenarios")
    with_rules = run()
    assert with_rules.returncode == 0, with_rules.stdout + with_rules.stderr
    assert "expectations/korea_new_gov.yaml rules/paper.yaml\n" in with_rules.stdout
    assert "--lang en --rules rules\n" in with_rules.stdout


def test_pre_commit_refuses_a_commit_with_a_broken_scenario(repo: Path, tmp_path: Path) -> None:
    # pre-commit itself (its file selection, args, pass_filenames, the git hook it installs), with
    # the manifest's hooks run by this environment's policyengine instead of one it would build.
    hooks = []
    for hook in _hooks().values():
        local = {k: hook[k] for k in ("id", "name", "entry", "files", "types", "pass_filenames")}
        local["language"] = "system"
        if hook["id"] == "policyengine-check":
            local["args"] = CHECK_ARGS
        hooks.append(local)
    config = {"repos": [{"repo": "local", "hooks": hooks}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env |= {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "GIT_AUTHOR_NAME": "t"}
    env |= {"GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t"}
    env |= {"GIT_COMMITTER_EMAIL": "t@example.org"}

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=300)

    installed = subprocess.run(
        [str(BIN / "pre-commit"), "install"], cwd=repo, env=env, capture_output=True, text=True, timeout=120
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    git("add", "-A")
    good = git("commit", "-q", "-m", "worlds")
    said = good.stdout + good.stderr  # what pre-commit prints, as the committer sees it
    assert good.returncode == 0, said
    assert re.search(r"policyengine validate\.+Passed", said), said
    assert re.search(r"policyengine check --expect\.+Passed", said), said

    _break_a_scenario(repo)
    git("add", "-A")
    bad = git("commit", "-q", "-m", "a typo")
    said = bad.stdout + bad.stderr
    assert bad.returncode != 0, said  # refused
    assert re.search(r"policyengine validate\.+Failed", said), said
    assert re.search(r"scenarios/baseline_2022\.yaml:\d+:\d+: E\d{3}: .*increasin", said), said
    assert "hint:" in said and "Traceback" not in said
    assert git("rev-list", "--count", "HEAD").stdout.strip() == "1"  # only the good commit

    _git(repo, "checkout", "HEAD", "--", "scenarios")
    _break_a_conclusion(repo)
    git("add", "-A")
    changed = git("commit", "-q", "-m", "the UK's RAA in force")
    said = changed.stdout + changed.stderr
    assert changed.returncode != 0, said
    assert re.search(r"policyengine validate\.+Passed", said), said
    assert re.search(r"policyengine check --expect\.+Failed", said) and "conclude-raa/GBR" in said, said
    assert git("rev-list", "--count", "HEAD").stdout.strip() == "1"


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
    # the check hook needs its args: a configuration naming this checkout at its HEAD
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
