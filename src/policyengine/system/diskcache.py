"""policyengine's cache on disk: derived data (compiled rule packs, the message catalog) kept
between processes so that a command does not rebuild what the last one built.

An entry is a JSON file (never pickle: reading one runs no code) in ``$POLICYENGINE_CACHE_DIR``,
else ``$XDG_CACHE_HOME/policyengine``, else ``~/.cache/policyengine``. Its name is a key that
covers everything the data depends on, including :func:`code_fingerprint` (policyengine's version
and the size and modification time of each of its files), so that an upgraded or edited
installation never reads what older code wrote. ``POLICYENGINE_NO_CACHE=1`` turns the cache off.

The first line of an entry is the SHA-256 of the rest: an entry cut short, damaged or edited by
hand does not match its digest and is ignored, then written again. Entries are written atomically
(:func:`policyengine.system.fileio.atomic_write_text`), so concurrent writers of one entry leave
one whole entry. The cache never fails a command: whatever goes wrong reading or writing it, the
caller builds the data as if there were no cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

#: bumped when the layout of an entry changes
FORMAT = 1
DIR_VAR = "POLICYENGINE_CACHE_DIR"
OFF_VAR = "POLICYENGINE_NO_CACHE"


def enabled() -> bool:
    """Whether the cache is on (``POLICYENGINE_NO_CACHE`` unset, empty or ``0``)."""
    return os.environ.get(OFF_VAR, "") in ("", "0")


def cache_dir() -> Path:
    """The folder of the cache's entries."""
    explicit = os.environ.get(DIR_VAR)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "policyengine"


_code: str | None = None


def code_fingerprint() -> str:
    """policyengine's version and the size and mtime of each of its files (once per process)."""
    global _code
    if _code is None:
        import policyengine

        root = Path(policyengine.__file__).parent
        h = hashlib.sha256(f"{policyengine.__version__}\0{FORMAT}\0{sys.version}".encode())
        stack = [str(root)]
        found: list[tuple[str, int, int]] = []
        while stack:
            folder = stack.pop()
            with os.scandir(folder) as it:
                for entry in it:
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name != "__pycache__":
                            stack.append(entry.path)
                    elif entry.name.endswith((".py", ".yaml")):
                        st = entry.stat()
                        found.append((entry.path, st.st_size, st.st_mtime_ns))
        for path, size, mtime in sorted(found):
            h.update(f"{path}\0{size}\0{mtime}\n".encode())
        _code = h.hexdigest()
    return _code


def entry_path(area: str, key: str) -> Path:
    """Where the entry ``key`` of ``area`` (``packs``, ``catalog``) is kept."""
    return cache_dir() / area / f"{key}.json"


def read_json(area: str, key: str) -> Any:
    """The data of an entry; None when there is none, or it is damaged or not this key's."""
    try:
        raw = entry_path(area, key).read_bytes()
        digest, _, payload = raw.partition(b"\n")
        if hashlib.sha256(payload).hexdigest().encode() != digest:
            return None
        data = json.loads(payload)
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
        return None
    return data.get("data")


def write_json(area: str, key: str, data: Any) -> bool:
    """Write an entry atomically; False (and nothing written) when that cannot be done."""
    try:
        payload = json.dumps(
            {"format": FORMAT, "key": key, "data": data},
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
        )
    except (ValueError, TypeError, RecursionError):
        return False
    digest = hashlib.sha256(payload.encode()).hexdigest()
    from policyengine.errors import InputError
    from policyengine.system.fileio import atomic_write_text

    target = entry_path(area, key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target, digest + "\n" + payload)
    except (OSError, InputError):
        return False
    return True
