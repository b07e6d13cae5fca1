"""One backend per output format of the document model (:mod:`policyengine.render.blocks`).

A backend is a module of this package named after its format, with ``render(doc) -> str``.
Adding a format is adding one module here: :data:`FORMATS` lists the modules, :func:`render`
finds the one asked for, and every command that renders a document offers it.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Only for the annotation: listing the formats (every command's --help does) needs no blocks.
    from policyengine.render.blocks import Document


def _formats() -> tuple[str, ...]:
    # The package's folder as it is (importlib.resources would import tempfile, shutil and the
    # compression modules into every command that renders).
    names = (name.removesuffix(".py") for name in os.listdir(os.path.dirname(os.path.abspath(__file__))))
    return tuple(sorted(n for n in names if n.isidentifier() and not n.startswith("_")))


#: The formats a document renders to, one a backend module (``text``, ``markdown``, ``html``, ...).
FORMATS: tuple[str, ...] = _formats()


def render(doc: Document, fmt: str) -> str:
    """``doc`` in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise ValueError(f"no backend for format {fmt!r} (there are: {', '.join(FORMATS)})")
    module = importlib.import_module(f"{__package__}.{fmt}")
    text: str = module.render(doc)
    return text
