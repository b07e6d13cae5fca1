"""The compiled rule packs in policyengine's cache on disk (:mod:`policyengine.system.diskcache`),
so that a command does not read, validate and compile the same pack again in every process.

An entry is keyed by the pack's files (their names as given and their bytes) and policyengine's
code; it holds the compiled pack written with a codec of tagged JSON values that names only the
compiler's own classes (:data:`ALLOWED_MODULES`) and builds them back without running anything
else: no pickle. An entry that does not decode to a compiled pack is ignored and written again.

A compiled pack read from the cache holds everything evaluation reads; the loaded pack with its
YAML locations (``CompiledPack.source``, read by lint and the exercises) is loaded again from the
files on first use.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import stat
import sys
from typing import TYPE_CHECKING, Any

from policyengine.loading.yamltree import DEFAULT_LIMITS
from policyengine.system import diskcache
from policyengine.system.fileio import note_input

if TYPE_CHECKING:
    from policyengine.compiler.pipeline import CompiledPack

AREA = "packs"

#: the only modules whose classes an entry may name (dataclasses and pydantic models defined there)
ALLOWED_MODULES = frozenset(
    {
        "policyengine.compiler.ir",
        "policyengine.compiler.emit",
        "policyengine.compiler.pipeline",
        "policyengine.models.factview",
        "policyengine.models.rules",
        "policyengine.models.common",
        "policyengine.errors.locations",
    }
)


class CacheError(Exception):
    """An entry that cannot be used, or a compiled pack that cannot be written as one."""


def key(path: str, files: list[str]) -> str:
    """The entry's name for the pack at ``path`` made of ``files`` (their contents are read).

    OSError when a file cannot be read here: the pack is then compiled without the cache. Each
    file is recorded as an input of the running command (:func:`fileio.note_input`)."""
    h = hashlib.sha256(diskcache.code_fingerprint().encode())
    h.update(f"\0{path}\0".encode())
    for name in files:
        # Only regular files of a size the loader takes are read here: a named pipe would block,
        # a device never end; anything else is left to the loader, which reports it (E10x).
        st = os.stat(name)
        if not stat.S_ISREG(st.st_mode) or st.st_size > DEFAULT_LIMITS.max_bytes:
            raise OSError(f"{name}: not a regular file of a size the loader takes")
        # The pack is an input of the command even when its compiled form comes from the cache:
        # no output of the command may replace it (as the loader records every file it reads).
        note_input(st, name)
        with open(name, "rb") as f:
            data = f.read(DEFAULT_LIMITS.max_bytes + 1)
        h.update(f"{name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()[:40]


def read(entry_key: str) -> CompiledPack | None:
    """The compiled pack of an entry, or None when there is none or it cannot be used."""
    data = diskcache.read_json(AREA, entry_key)
    if data is None:
        return None
    try:
        compiled = decode(data)
    except (ValueError, KeyError, TypeError, AttributeError, CacheError, RecursionError):
        return None
    from policyengine.compiler.pipeline import CompiledPack

    return compiled if isinstance(compiled, CompiledPack) else None


def write(entry_key: str, compiled: CompiledPack) -> bool:
    """Write an entry for ``compiled``; False (and nothing written) when that cannot be done."""
    try:
        data = encode(dataclasses.replace(compiled, loaded=None))
    except (CacheError, RecursionError):
        return False
    return diskcache.write_json(AREA, entry_key, data)


# -- the codec: JSON with tagged objects -----------------------------------------------------------
# A JSON array is a list; every other value that is not a JSON scalar is an object with one tag:
# {"j": value} a list or dict of JSON values only (read as it is, without a walk), {"l": [...]}
# list, {"t": [...]} tuple, {"f": [...]} frozenset, {"d": [[k, v], ...]} dict, {"date": "..."},
# {"dc": "module:Class", "v": [values in field order]} dataclass, {"pm": "module:Class",
# "v": {field: value}, "set": [fields set]} pydantic model.

_SCALARS = (str, int, bool, type(None))


def _plain(value: Any) -> bool:
    """Whether ``value`` is JSON as it is: lists, str-keyed dicts, text, integers, booleans, None."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is list:
        return all(_plain(v) for v in value)
    if kind is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    return False


def _name(cls: type) -> str:
    if cls.__module__ not in ALLOWED_MODULES:
        raise CacheError(f"{cls.__module__}.{cls.__qualname__} is not a class the cache writes")
    return f"{cls.__module__}:{cls.__qualname__}"


def encode(value: Any) -> Any:
    """``value`` as JSON data that :func:`decode` turns back into an equal value."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is float:
        return value
    if kind is list or kind is dict:
        if _plain(value):
            return {"j": value}
        if kind is list:
            return {"l": [encode(v) for v in value]}
        return {"d": [[encode(k), encode(v)] for k, v in value.items()]}
    if kind is tuple:
        return {"t": [encode(v) for v in value]}
    if kind is frozenset:
        return {"f": sorted((encode(v) for v in value), key=_order)}
    if kind is dt.date:
        return {"date": value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"dc": _name(kind), "v": [encode(getattr(value, f.name)) for f in dataclasses.fields(value)]}
    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        if value.__pydantic_extra__ or value.__pydantic_private__:
            raise CacheError("models with extra or private values are not cached")
        fields = {name: encode(v) for name, v in value.__dict__.items()}
        return {"pm": _name(kind), "v": fields, "set": sorted(value.model_fields_set)}
    # Subclasses of the JSON types (the located YAML tree's mappings, sequences and scalars,
    # which a model may keep as values) are written as the type they extend.
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list):
        return encode(list(value))
    if isinstance(value, dict):
        return encode(dict(value))
    raise CacheError(f"a {kind.__qualname__} is not a value the cache writes")


def _order(v: Any) -> str:
    return json.dumps(v, sort_keys=True, ensure_ascii=False)


def _class(name: Any) -> type:
    if not isinstance(name, str):
        raise CacheError("a class name must be text")
    module_name, _, qualname = name.partition(":")
    if module_name not in ALLOWED_MODULES:
        raise CacheError(f"{module_name} is not a module the cache reads")
    module = sys.modules.get(module_name)
    if module is None:
        import importlib

        module = importlib.import_module(module_name)
    cls = getattr(module, qualname, None)
    if not isinstance(cls, type) or cls.__module__ != module_name:
        raise CacheError(f"{name} is not a class of {module_name}")
    return cls


def decode(data: Any) -> Any:
    """The value :func:`encode` wrote; CacheError on anything it would not have written."""
    return _Decoder().decode(data)


class _Decoder:
    """Decodes one entry; remembers what it learnt about each class it met."""

    def __init__(self) -> None:
        self.dataclasses: dict[str, tuple[type, list[str], list[str]]] = {}
        self.models: dict[str, tuple[Any, frozenset[str]]] = {}

    def decode(self, data: Any) -> Any:
        kind = type(data)
        if kind in _SCALARS or kind is float:
            return data
        if kind is not dict or len(data) > 3:
            raise CacheError("not a cached value")
        if "j" in data:
            return data["j"]
        if "dc" in data:
            return self._dataclass(data["dc"], data["v"])
        if "pm" in data:
            return self._model(data["pm"], data["v"], data["set"])
        if "l" in data:
            return [self.decode(v) for v in data["l"]]
        if "t" in data:
            return tuple(self.decode(v) for v in data["t"])
        if "f" in data:
            return frozenset(self.decode(v) for v in data["f"])
        if "d" in data:
            return {self.decode(k): self.decode(v) for k, v in data["d"]}
        if "date" in data:
            return dt.date.fromisoformat(data["date"])
        raise CacheError("unknown tag")

    def _dataclass(self, name: str, values: Any) -> Any:
        known = self.dataclasses.get(name)
        if known is None:
            cls = _class(name)
            if not dataclasses.is_dataclass(cls):
                raise CacheError(f"{name} is not a dataclass")
            fields = dataclasses.fields(cls)
            known = (cls, [f.name for f in fields if f.init], [f.name for f in fields if not f.init])
            self.dataclasses[name] = known
        cls, init, later = known
        if type(values) is not list or len(values) != len(init) + len(later):
            raise CacheError(f"{name}: fields differ")
        decoded = [self.decode(v) for v in values]
        obj = cls(**dict(zip(init, decoded[: len(init)], strict=True)))
        for field_name, v in zip(later, decoded[len(init) :], strict=True):
            object.__setattr__(obj, field_name, v)
        return obj

    def _model(self, name: str, values: Any, fields_set: Any) -> Any:
        known = self.models.get(name)
        if known is None:
            from pydantic import BaseModel

            cls = _class(name)
            if not issubclass(cls, BaseModel):
                raise CacheError(f"{name} is not a model")
            known = (cls, frozenset(cls.model_fields))
            self.models[name] = known
        cls, names = known
        if type(values) is not dict or values.keys() != names or type(fields_set) is not list:
            raise CacheError(f"{name}: fields differ")
        return cls.model_construct(
            _fields_set=set(fields_set), **{k: self.decode(v) for k, v in values.items()}
        )
