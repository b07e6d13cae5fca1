"""Turn pydantic's ValidationError into located, hinted diagnostics."""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from policyengine.errors import Diagnostic
from policyengine.loading.yamltree import YMap, YSeq
from policyengine.locations import Location
from policyengine.suggest import hint_for

_TYPE_NAMES = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "a date (YYYY-MM-DD)",
    "datetime_type": "a date and time",
}

_PATTERN_HINTS = {
    r"^(?:[A-Z]{3}|EU)$": "country codes are ISO 3166-1 alpha-3 in capitals (JPN, GBR), or EU",
    r"^[a-z0-9][a-z0-9-]{0,63}$": "identifiers are lower-case words joined by '-', e.g. jpn-usa-aus",
}


def _unwrap(tp: Any) -> list[Any]:
    """The concrete types behind Annotated/Optional/Union."""
    origin = get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(get_args(tp)[0])
    if origin in (Union, types.UnionType):
        out: list[Any] = []
        for a in get_args(tp):
            if a is not type(None):
                out.extend(_unwrap(a))
        return out
    return [tp]


def _step(tp: Any, key: Any) -> Any:
    """The type found one step along a pydantic error location."""
    for t in _unwrap(tp):
        if isinstance(t, type) and issubclass(t, BaseModel):
            field = t.model_fields.get(str(key))
            if field is not None:
                return field.annotation
        origin = get_origin(t)
        if origin in (list, tuple, set, frozenset) and isinstance(key, int):
            return get_args(t)[0]
        if origin is dict:
            return get_args(t)[1]
    return None


def _model_fields(tp: Any) -> list[str]:
    for t in _unwrap(tp):
        if isinstance(t, type) and issubclass(t, BaseModel):
            return list(t.model_fields)
    return []


def _literals(tp: Any) -> list[str]:
    for t in _unwrap(tp):
        if get_origin(t) is Literal:
            return [str(a) for a in get_args(t)]
    return []


def _locate(tree: Any, loc: tuple[Any, ...], *, key_position: bool) -> tuple[Location | None, Any]:
    """Walk the located tree along ``loc``; return the best location and the value found."""
    node = tree
    location: Location | None = tree.location() if isinstance(tree, (YMap, YSeq)) else None
    last = len(loc) - 1
    for i, key in enumerate(loc):
        if key == "[key]":
            continue
        if isinstance(node, YMap) and isinstance(key, str) and key in node:
            location = node.location(key, of_value=not (key_position and i == last))
            node = node[key]
        elif isinstance(node, YSeq) and isinstance(key, int) and 0 <= key < len(node):
            location = node.location(key)
            node = node[key]
        else:
            break
    return location, node


def _describe(value: Any) -> str:
    if isinstance(value, (YMap, dict)):
        return "a mapping"
    if isinstance(value, (YSeq, list)):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text '{shown}'"
    return f"{type(value).__name__} {value!r}"


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for k in loc:
        if k == "[key]":
            continue
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out or "(top level)"


def diagnostics_from(exc: ValidationError, tree: Any, model: type[BaseModel]) -> list[Diagnostic]:
    """One diagnostic per pydantic error, located in ``tree`` and hinted from ``model``."""
    out: list[Diagnostic] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        etype = err["type"]
        # Type at the failing location, and at its parent (for unknown and missing keys).
        tp: Any = model
        parent_tp: Any = model
        for key in loc:
            if key == "[key]":
                continue
            parent_tp, tp = tp, _step(tp, key)
        field = next((str(k) for k in reversed(loc) if isinstance(k, str) and k != "[key]"), "")
        if etype == "extra_forbidden":
            location, _ = _locate(tree, loc, key_position=True)
            name = str(loc[-1])
            allowed = _model_fields(parent_tp)
            out.append(
                Diagnostic(
                    location,
                    "E201",
                    f"unknown key '{name}' in {_path(loc[:-1])}",
                    hint_for(name, allowed, noun="keys"),
                )
            )
            continue
        if etype == "missing":
            location, _ = _locate(tree, loc[:-1], key_position=False)
            out.append(
                Diagnostic(
                    location,
                    "E202",
                    f"missing key '{loc[-1]}' in {_path(loc[:-1])}",
                    f"add '{loc[-1]}:' to this mapping",
                )
            )
            continue
        location, value = _locate(tree, loc, key_position=loc[-1:] == ("[key]",))
        shown: Any
        if etype == "literal_error":
            choices = _literals(tp)
            shown = value if isinstance(value, str) else _describe(value)
            out.append(
                Diagnostic(
                    location,
                    "E204",
                    f"invalid value '{shown}' for '{field}'",
                    hint_for(str(value), choices, noun=f"values of '{field}'"),
                )
            )
        elif etype == "string_pattern_mismatch":
            pattern = str(err.get("ctx", {}).get("pattern", ""))
            what = "key" if loc[-1:] == ("[key]",) else f"'{field}'"
            shown = loc[-2] if loc[-1:] == ("[key]",) else value
            out.append(
                Diagnostic(
                    location,
                    "E204",
                    f"invalid {what}: '{shown}'",
                    _PATTERN_HINTS.get(pattern, f"must match {pattern}"),
                )
            )
        elif etype in _TYPE_NAMES:
            out.append(
                Diagnostic(
                    location,
                    "E203",
                    f"'{field or _path(loc)}' must be {_TYPE_NAMES[etype]}, not {_describe(value)}",
                    _type_hint(etype, value),
                )
            )
        elif etype in ("too_short", "too_long", "string_too_short", "string_too_long"):
            hint = "shorten it" if etype.endswith("too_long") else "it cannot be empty here"
            out.append(Diagnostic(location, "E204", f"'{field}': {err['msg'].lower()}", hint))
        elif etype in ("finite_number",):
            out.append(
                Diagnostic(
                    location,
                    "E204",
                    f"'{field}' must be a finite number",
                    "NaN and infinities are not allowed",
                )
            )
        elif etype == "value_error":
            msg = str(err.get("ctx", {}).get("error", err["msg"]))
            out.append(Diagnostic(location, "E307", f"{_path(loc)}: {msg}"))
        else:
            out.append(Diagnostic(location, "E204", f"{_path(loc)}: {err['msg']}"))
    return out


def _type_hint(etype: str, value: Any) -> str | None:
    if etype.startswith("date"):
        return "write dates as YYYY-MM-DD, e.g. 2022-01-06"
    if etype == "bool_type":
        return "write true or false (without quotes)"
    if etype == "string_type" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return "put the value in quotes to make it text"
    if etype == "string_type" and isinstance(value, (YMap, YSeq, dict, list)):
        return "write a single text here, not a mapping or a list"
    if etype in ("model_type", "dict_type", "model_attributes_type"):
        if isinstance(value, (YSeq, list)):
            return "remove the leading '- ': this is a mapping, not a list"
        return "write a mapping of 'key: value' entries here"
    if etype == "list_type":
        if isinstance(value, (YMap, dict)):
            return "a list needs '- ' before each item"
        return "write a list, e.g. [JPN, AUS], even for a single item"
    if etype in ("int_type", "int_parsing"):
        return "write a whole number without quotes"
    return None
