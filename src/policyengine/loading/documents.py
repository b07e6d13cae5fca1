"""Scenario documents and their ``extends`` chains, read but not yet validated."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from policyengine.errors import Diagnostic, InputError
from policyengine.errors.locations import Location
from policyengine.loading.yamltree import DEFAULT_LIMITS, Limits, YMap, parse_yaml_collecting, read_bytes

#: Reads the bytes of a file, given its path and the name to show in messages.
Reader = Callable[[str, str], bytes]

MAX_CHAIN = 32
#: the names ``extends`` may give: YAML, and JSON (which YAML reads too; large generated worlds
#: are written as JSON, see benchmarks/generate.py and loading.jsontree)
SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Document:
    """One parsed YAML file: its display name (as the user would write it) and its tree.

    ``problems`` are the mistakes read past (duplicate keys, tags, impossible dates, ...): a
    document read with ``collect=True`` may carry some, and whoever validates it reports them.
    """

    display: str
    tree: YMap
    problems: tuple[Diagnostic, ...] = ()
    #: the path the file was read from (``display`` may differ: a shorter name for messages)
    path: str = ""


def filesystem_reader(limits: Limits = DEFAULT_LIMITS) -> Reader:
    def read(path: str, display: str) -> bytes:
        return read_bytes(Path(path), display, limits)

    return read


def read_document(
    path: str,
    display: str | None = None,
    *,
    reader: Reader | None = None,
    limits: Limits = DEFAULT_LIMITS,
    collect: bool = False,
) -> Document:
    """Read one YAML file whose top level must be a mapping.

    With ``collect=False`` any problem raises :class:`InputError`. With ``collect=True`` the
    problems that leave the file readable are returned in ``Document.problems`` instead, so
    that a validator can report them together with its own findings.
    """
    name = display if display is not None else str(path)
    read = reader or filesystem_reader(limits)
    tree, problems = parse_yaml_collecting(read(str(path), name), name, limits)
    if not isinstance(tree, YMap):
        what = "empty" if tree is None else f"a {_shape(tree)}"
        raise InputError(
            [
                *problems,
                Diagnostic(
                    Location(name, 1, 1),
                    "E114",
                    f"the top level is {what}; it must be a mapping of sections",
                    "start the file with 'scenario:' (a scenario) or 'pack:' (a rule pack)",
                ),
            ]
        )
    if problems and not collect:
        raise InputError(problems)
    return Document(name, tree, tuple(problems), str(path))


def _shape(value: object) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "whole number"
    if isinstance(value, float):
        return "number"
    return type(value).__name__


def named_file_problem(target: str, suffixes: tuple[str, ...] = SCENARIO_SUFFIXES) -> str | None:
    """Why a path written inside a file (``extends:``, an exercise's ``scenario:``, the paths of a
    decision log's header) may not be read, or None.

    Such a path is chosen by whoever wrote the file, not by the user: it must name a file of the
    kind expected, by its suffix, so that a hostile file cannot make policyengine read (and quote
    keys of) ``/etc/passwd``, a key file, a device or a ``/proc`` entry. A link it names must
    lead to such a file too (:func:`policyengine.loading.yamltree.read_bytes`).
    """
    if not target.lower().endswith(suffixes):
        listed = (
            ", ".join(f"*{s}" for s in suffixes[:-1]) + f" or *{suffixes[-1]}"
            if len(suffixes) > 1
            else f"*{suffixes[0]}"
        )
        return f"'{target}' is not a {listed} file"
    return None


def join_display(parent_display: str, target: str) -> str:
    """Name of a file referred to from another, relative to the referring file's folder."""
    if os.path.isabs(target):
        return os.path.normpath(target)
    return os.path.normpath(os.path.join(os.path.dirname(parent_display), target))


@dataclass(frozen=True)
class Chain:
    """A scenario and the files it extends, child first, as far as they could be read.

    ``problems`` holds what stopped the chain (a cycle, a missing or unreadable target); each
    document carries the problems read past in it. ``broken`` tells whether the chain is
    incomplete.
    """

    documents: list[Document]
    problems: list[Diagnostic]
    broken: bool


def read_chain_collecting(
    path: str, display: str | None = None, *, reader: Reader | None = None, limits: Limits = DEFAULT_LIMITS
) -> Chain:
    """Read a scenario and every file it ``extends``, child first; a broken link ends the chain.

    ``extends`` is relative to the file that names it; a cycle or a missing target is a located
    problem at the ``extends`` line.

    The first file must be readable (otherwise :class:`InputError`); what the files read so far
    say can then still be checked and reported together with the broken link.
    """
    docs = [read_document(path, display, reader=reader, limits=limits, collect=True)]
    problems: list[Diagnostic] = []
    # Targets are found from where each file really is, and named in messages relative to the
    # name the user gave: both are joined the same way.
    seen = {_identity(docs[0].path): 0}
    while True:
        current = docs[-1]
        header = current.tree.get("scenario")
        if not isinstance(header, YMap) or "extends" not in header:
            return Chain(docs, problems, broken=False)
        target = header["extends"]

        def where(header: YMap = header) -> Location:
            # Computed only for an error: a file read as JSON finds its lines on demand.
            return header.location("extends", of_value=True)

        if not isinstance(target, str) or not target.strip():
            problems.append(
                Diagnostic(
                    where(),
                    "E203",
                    "'extends' must be the path of a scenario file",
                    "e.g. extends: baseline_2022.yaml (relative to this file's folder)",
                )
            )
            return Chain(docs, problems, broken=True)
        if not target.endswith(SCENARIO_SUFFIXES):
            # Not only a typo check: a hostile scenario could otherwise make policyengine read
            # (and quote keys of) any file, device or /proc entry the user can read.
            problems.append(
                Diagnostic(
                    where(),
                    "E305",
                    f"extends '{target}': not a .yaml (or .json) file",
                    "a scenario extends another scenario file, named *.yaml, *.yml or *.json",
                )
            )
            return Chain(docs, problems, broken=True)
        name = join_display(current.display, target)
        real = join_display(current.path, target)
        key = _identity(real)
        if key in seen:
            cycle = [d.display for d in docs[seen[key] :]] + [name]
            problems.append(
                Diagnostic(
                    where(),
                    "E304",
                    "extends cycle: " + " -> ".join(cycle),
                    "a scenario cannot extend itself, directly or through others; "
                    "remove one of these 'extends'",
                )
            )
            return Chain(docs, problems, broken=True)
        if len(docs) >= MAX_CHAIN:
            problems.append(
                Diagnostic(
                    where(),
                    "E304",
                    f"extends chain longer than {MAX_CHAIN} files",
                    "merge some of the files of the chain",
                )
            )
            return Chain(docs, problems, broken=True)
        try:
            parent = read_document(real, name, reader=reader, limits=limits, collect=True)
        except InputError as exc:
            first = exc.diagnostics[0]
            if len(exc.diagnostics) == 1 and first.code in ("E101", "E102", "E103"):
                problems.append(
                    Diagnostic(
                        where(),
                        "E305",
                        f"cannot extend '{target}': {first.message} (looked for {name})",
                        "the path is relative to the folder of the file that names it",
                    )
                )
            else:
                # The target is there but broken: its own located errors say why.
                problems.extend(exc.diagnostics)
            return Chain(docs, problems, broken=True)
        seen[key] = len(docs)
        docs.append(parent)


def _identity(path: str) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return os.path.abspath(path)
