"""The message catalog: every user-visible sentence, in Japanese and English, in one place.

The catalog is the YAML files under ``policyengine/text/catalog/``, one file an area (``evaluate.yaml``,
``exercise.yaml``, ...). A key is the file's stem, a dot and the entry's name (``evaluate.title``); each
entry holds the same sentence in both languages, with ``{name}`` fields filled by :func:`t`::

    title:
      ja: 日本への推奨行動
      en: Suggested actions for Japan

The files are read once, lazily, with the safe loader, on the first call of :func:`t`; a command
that prints no prose never reads them. ``tests/test_catalog.py`` checks that every entry has both
languages and the same fields in each.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any, Literal

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")


class MessageError(LookupError):
    """A key the catalog lacks, or a catalog file of the wrong shape (a programming error)."""


@cache
def catalog() -> dict[str, dict[str, str]]:
    """Every entry of every catalog file, by full key (``area.name``).

    Kept in policyengine's cache on disk (:mod:`policyengine.system.diskcache`, keyed by
    policyengine's files, these among them), so that a process reads one JSON file instead of
    parsing every YAML file."""
    from policyengine.system import diskcache

    if not diskcache.enabled():
        return _read_catalog()
    key = diskcache.code_fingerprint()[:40]
    cached = diskcache.read_json("catalog", key)
    if _well_formed(cached):
        return cached  # type: ignore[no-any-return]  # checked by _well_formed
    entries = _read_catalog()
    diskcache.write_json("catalog", key, entries)
    return entries


def _well_formed(data: Any) -> bool:
    return isinstance(data, dict) and all(
        isinstance(entry, dict)
        and entry.keys() == set(LANGS)
        and all(isinstance(v, str) for v in entry.values())
        for entry in data.values()
    )


def _read_catalog() -> dict[str, dict[str, str]]:
    import os

    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    entries: dict[str, dict[str, str]] = {}
    # The package's own folder (as policyengine.core.pack finds the shipped pack): importlib.resources
    # would import tempfile, shutil and the compression modules.
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "catalog")
    for item_name in sorted(os.listdir(folder)):
        if not item_name.endswith(".yaml"):
            continue
        area = item_name.removesuffix(".yaml")
        with open(os.path.join(folder, item_name), encoding="utf-8") as f:
            data = yaml.load(f.read(), Loader=loader) or {}
        if not isinstance(data, dict):
            raise MessageError(f"catalog/{item_name}: a mapping of entries is expected")
        for name, entry in data.items():
            if not isinstance(name, str):
                raise MessageError(f"catalog/{item_name}: {name!r}: a name must be text (quote it)")
            if not isinstance(entry, dict) or set(entry) != set(LANGS):
                raise MessageError(f"catalog/{item_name}: {name}: needs exactly ja and en")
            if not all(isinstance(entry[lang], str) for lang in LANGS):
                raise MessageError(f"catalog/{item_name}: {name}: ja and en must be text")
            entries[f"{area}.{name}"] = {lang: entry[lang] for lang in LANGS}
    return entries


def t(key: str, lang: str, /, **fields: Any) -> str:
    """The catalog's sentence ``key`` in ``lang``, its ``{name}`` fields filled from ``fields``."""
    try:
        template = catalog()[key][lang]
    except KeyError:
        raise MessageError(f"no message {key!r} in {lang!r}") from None
    return template.format(**fields) if fields else template


def both(key: str, /, **fields: Any) -> dict[str, str]:
    """The sentence ``key`` in every language, as ``{"ja": ..., "en": ...}``."""
    return {lang: t(key, lang, **fields) for lang in LANGS}


@cache
def table(area: str, lang: str) -> dict[str, str]:
    """Every sentence of one area in ``lang`` by its short name (for renderers that use many)."""
    prefix = area + "."
    return {key[len(prefix) :]: entry[lang] for key, entry in catalog().items() if key.startswith(prefix)}


class Labels(Mapping[str, dict[str, str]]):
    """One area of the catalog as ``labels[lang][name]`` (read on first use): for a renderer that
    looks many words up by short name."""

    def __init__(self, area: str) -> None:
        self.area = area

    def __getitem__(self, lang: str) -> dict[str, str]:
        if lang not in LANGS:
            raise KeyError(lang)
        return table(self.area, lang)

    def __iter__(self) -> Iterator[str]:
        return iter(LANGS)

    def __len__(self) -> int:
        return len(LANGS)


class Sentence(Mapping[str, str]):
    """One entry of the catalog as ``sentence[lang]`` (read on first use)."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __getitem__(self, lang: str) -> str:
        if lang not in LANGS:
            raise KeyError(lang)
        return t(self.key, lang)

    def __iter__(self) -> Iterator[str]:
        return iter(LANGS)

    def __len__(self) -> int:
        return len(LANGS)
