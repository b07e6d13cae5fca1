"""Every file policyengine writes goes through policyengine.system.fileio (atomic, interrupt-safe).

An AST scan of the package: opening a file for writing, ``write_text``/``write_bytes``,
``os.open``, ``shutil`` copies and moves, temporary files and ``click.File``/``click.open_file``
for writing are allowed in ``fileio.py`` only. New commands write through ``cli.emit`` or
``fileio.atomic_write_text`` (logs: ``fileio.append_jsonl``).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "policyengine"
ALLOWED = {PACKAGE / "system" / "fileio.py"}


def _mode(call: ast.Call, position: int) -> str | None:
    for kw in call.keywords:
        if kw.arg == "mode" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
            return kw.value.value
    if len(call.args) > position:
        arg = call.args[position]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
        return "?"  # computed: cannot tell, report it
    return None


def _writes(call: ast.Call) -> str | None:
    f = call.func
    name = f.id if isinstance(f, ast.Name) else (f.attr if isinstance(f, ast.Attribute) else "")
    owner = f.value.id if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) else ""
    if name == "open" and (isinstance(f, ast.Name) or owner in ("io", "codecs")):
        mode = _mode(call, 1)
        return f"open(..., {mode!r})" if mode and set(mode) & set("wax+?") else None
    if name == "open" and owner == "os":
        return "os.open"
    if name == "open":  # Path.open(mode)
        mode = _mode(call, 0)
        return f".open({mode!r})" if mode and set(mode) & set("wax+?") else None
    if name in ("write_text", "write_bytes"):
        return f".{name}()"
    if owner == "shutil" and (name.startswith("copy") or name == "move"):
        return f"shutil.{name}"
    if owner == "tempfile":
        return f"tempfile.{name}"
    if owner == "click" and name in ("File", "open_file"):
        mode = _mode(call, 0)
        return f"click.{name}({mode!r})" if mode and set(mode) & set("wax+?") else None
    return None


def test_only_fileio_writes_files() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and (what := _writes(node)):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {what}")
    assert not found, "write through policyengine.system.fileio (or cli.emit) instead:\n" + "\n".join(found)


def test_the_audit_recognises_direct_writes() -> None:
    samples = {
        "open(p, 'w')": True,
        "open(p, mode='a')": True,
        "open(p)": False,
        "Path(p).open('wb')": True,
        "p.write_text('x')": True,
        "os.open(p, os.O_WRONLY)": True,
        "shutil.copyfile(a, b)": True,
        "tempfile.mkstemp()": True,
        "click.File('w')": True,
        "click.File('r')": False,
    }
    for source, writes in samples.items():
        call = ast.parse(source).body[0].value  # type: ignore[attr-defined]
        assert (_writes(call) is not None) == writes, source
