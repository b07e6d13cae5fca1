"""Scenarios as committed at a git revision: ``REV:PATH`` arguments.

``policyengine diff HEAD~1:scenarios/korea_new_gov.yaml scenarios/korea_new_gov.yaml`` reads the
file, and every file it ``extends``, as they were at ``HEAD~1``. As with ``git show REV:PATH``,
PATH is relative to the top of the repository that holds the current directory; ``REV:./PATH``
and ``REV:../PATH`` are relative to the current directory.

An argument that names an existing file is always that file, so a file whose name contains ':'
is still read from disk. Files are read with ``git cat-file`` (what ``git show`` prints for a
file, without text conversion filters), through a :data:`~policyengine.loading.documents.Reader`
so that loading, validation and error locations work as for files on disk. Locations read
``REV:PATH:LINE:COL``; a revision whose name contains '/' (``origin/main``) is shown by its
abbreviated commit id instead, because '/' would break the resolution of ``extends`` paths.
"""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING

from policyengine.errors import input_error
from policyengine.errors.locations import Location
from policyengine.errors.suggest import hint_for
from policyengine.loading.documents import Reader
from policyengine.loading.yamltree import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from policyengine.validation.scenario import LoadedScenario

_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
GIT_TIMEOUT = 60


@dataclass(frozen=True)
class Revision:
    """A resolved ``REV:PATH``: the commit, the path from the repository's top, the display name."""

    rev: str  # as the user wrote it
    commit: str  # full commit id
    label: str  # shown in locations: the revision as written, or the short commit id
    path: str  # relative to the repository's top, with '/'
    root: str  # the repository's top folder

    @property
    def display(self) -> str:
        return f"{self.label}:{self.path}"


def is_revision_spec(arg: str) -> bool:
    """Does this argument name a file at a git revision (``REV:PATH``) rather than a file on disk?"""
    return not (os.path.exists(arg) or ":" not in arg or _DRIVE.match(arg))


def _git(args: list[str], cwd: str, what: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, timeout=GIT_TIMEOUT, env=env, check=False
        )
    except FileNotFoundError:
        raise input_error(
            "E108", f"cannot read {what}: git is not installed", Location(what), "install git, or give a file"
        ) from None
    except subprocess.TimeoutExpired:
        raise input_error("E103", f"git did not answer within {GIT_TIMEOUT} s", Location(what)) from None


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else ""


def resolve(arg: str, cwd: str | None = None) -> Revision:
    """Resolve ``REV:PATH`` against the repository holding ``cwd`` (the current directory)."""
    here = os.path.abspath(cwd or os.getcwd())
    rev, path = arg.split(":", 1)
    where = Location(arg)
    if not rev:
        raise input_error(
            "E107",
            "no revision before ':'",
            where,
            "write REV:PATH, e.g. HEAD~1:scenarios/korea_new_gov.yaml",
        )
    if not path:
        raise input_error("E101", "no file after ':'", where, f"write {rev}:PATH")
    top = _git(["rev-parse", "--show-toplevel"], here, arg)
    if top.returncode != 0:
        raise input_error(
            "E108",
            ("the current directory" if cwd is None else here) + " is not inside a git repository",
            where,
            "run policyengine inside the repository, or give the path of a file",
        )
    root = top.stdout.decode("utf-8", "replace").strip()
    found = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], root, arg)
    if found.returncode != 0:
        raise input_error(
            "E107",
            f"unknown revision '{rev}'",
            where,
            "name a commit, branch or tag (see `git log --oneline`), e.g. HEAD~1:" + path,
        )
    commit = found.stdout.decode().strip()
    if path.startswith(("./", "../")) or path in (".", ".."):
        rel = os.path.relpath(os.path.realpath(os.path.join(here, path)), os.path.realpath(root))
    else:
        rel = path
    rel = posixpath.normpath(rel.replace(os.sep, "/"))
    if rel.startswith("../") or rel == "..":
        raise input_error("E101", f"'{path}' is outside the repository at {root}", where)
    label = rev if "/" not in rev else commit[:12]
    return Revision(rev, commit, label, rel, root)


def revision_reader(revision: Revision, limits: Limits = DEFAULT_LIMITS) -> Reader:
    """A reader of files at the revision; paths are taken relative to the repository's top."""
    prefix = f"{revision.label}:"

    def read(path: str, display: str) -> bytes:
        rel = path[len(prefix) :] if path.startswith(prefix) else path
        rel = rel.replace(os.sep, "/")
        if posixpath.isabs(rel):
            root = revision.root.replace(os.sep, "/").rstrip("/") + "/"
            if not rel.startswith(root):
                raise input_error(
                    "E101", f"'{rel}' is outside the repository at {revision.root}", Location(display)
                )
            rel = rel[len(root) :]
        rel = posixpath.normpath(rel)
        if rel.startswith("../") or rel == "..":
            raise input_error("E101", "the file is outside the repository", Location(display))
        spec = f"{revision.commit}:{rel}"
        kind = _git(["cat-file", "-t", spec], revision.root, display)
        if kind.returncode != 0:
            raise input_error(
                "E101",
                f"file not found in revision {revision.rev}",
                Location(display),
                _missing_hint(revision, rel),
            )
        if kind.stdout.strip() != b"blob":
            raise input_error(
                "E102",
                f"this is a {kind.stdout.decode().strip()} in revision {revision.rev}, not a file",
                Location(display),
                "name a .yaml file",
            )
        size = _git(["cat-file", "-s", spec], revision.root, display)
        if size.returncode == 0 and int(size.stdout.strip() or 0) > limits.max_bytes:
            raise input_error(
                "E104",
                f"file is {int(size.stdout):,} bytes; the limit is {limits.max_bytes:,}",
                Location(display),
            )
        blob = _git(["cat-file", "blob", spec], revision.root, display)
        if blob.returncode != 0:
            raise input_error(
                "E103", f"git cannot read the file: {_first_line(blob.stderr)}", Location(display)
            )
        return blob.stdout

    return read


def _missing_hint(revision: Revision, rel: str) -> str:
    folder, name = posixpath.split(rel)
    listing = _git(
        ["ls-tree", "--name-only", f"{revision.commit}:{folder}" if folder else revision.commit],
        revision.root,
        rel,
    )
    names = listing.stdout.decode("utf-8", "replace").split() if listing.returncode == 0 else []
    close = hint_for(name, names, noun="files there")
    base = f"paths are relative to the top of the repository, {revision.root}"
    return f"{close} {base[0].upper()}{base[1:]}" if close else base


def load_revision(arg: str, *, cwd: str | None = None, limits: Limits = DEFAULT_LIMITS) -> LoadedScenario:
    """Load and validate a scenario, and what it extends, as committed at a revision."""
    from policyengine.validation.scenario import load_scenario

    revision = resolve(arg, cwd)
    return load_scenario(
        revision.display, revision.display, reader=revision_reader(revision, limits), limits=limits
    )


def load_any(arg: str, *, cwd: str | None = None) -> LoadedScenario:
    """A scenario file on disk, or ``REV:PATH`` at a git revision."""
    if is_revision_spec(arg):
        return load_revision(arg, cwd=cwd)
    from policyengine.validation.scenario import load_scenario

    return load_scenario(arg)


__all__ = ["Revision", "is_revision_spec", "load_any", "load_revision", "resolve", "revision_reader"]
