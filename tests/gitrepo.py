"""A git without the user's configuration, for tests that make throwaway repositories."""

from __future__ import annotations

import subprocess
from pathlib import Path

#: Enough identity to commit, none of the user's configuration.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
    "PATH": "/usr/local/bin:/usr/bin:/bin",
}


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo``; its standard output, stripped."""
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=GIT_ENV
    ).stdout.strip()


def commit_all(repo: Path, message: str = "files") -> None:
    """Make ``repo`` a repository (branch main) with everything in it committed."""
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", message)
