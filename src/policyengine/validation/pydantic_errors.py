"""Turn pydantic's ValidationError into located, hinted diagnostics.

Messages name the place in the user's terms: the key as written, the fact by its identity
(``countries[JPN]``, ``frameworks[quad].areas.hadr``) and, through the location, the file, line
and column. Pydantic's own wording ("Input should be ...") never reaches the user.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Iterable
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from policyengine.errors import CODES, Diagnostic
from policyengine.errors.locations import Location
from policyengine.errors.suggest import hint_for
from policyengine.loading.yamltree import YMap, YSeq
from policyengine.models.common import (
    CLOCK_TIME_PATTERN,
    COUNTRY_CODE_PATTERN,
    ID_PATTERN,
    OUTCOME_ID_PATTERN,
    RECOMMENDATION_ID_PATTERN,
    FactError,
)

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
}

#: What a value matching a pattern is called, and how to write one.
_PATTERNS: dict[str, tuple[str, str]] = {
    COUNTRY_CODE_PATTERN: (
        "country code",
        "country codes are ISO 3166-1 alpha-3 in capitals (JPN, GBR), or EU",
    ),
    ID_PATTERN: (
        "identifier",
        "identifiers are lower-case letters, digits and '-', e.g. jpn-usa-aus",
    ),
    RECOMMENDATION_ID_PATTERN: (
        "recommendation id",
        "write ACTION/TARGET, e.g. conclude-raa/GBR or propose-framework/AUS+JPN+KOR",
    ),
    OUTCOME_ID_PATTERN: (
        "recommendation or risk id",
        "write ACTION/TARGET or KIND/TARGET, e.g. conclude-raa/GBR or propose-framework/AUS+JPN+KOR",
    ),
    CLOCK_TIME_PATTERN: ("time", "write the time of day as HH:MM, e.g. 09:30"),
}

#: Keys that name a list item in messages (``countries[JPN]`` rather than ``countries[3]``).
_IDENTITY_KEYS = ("id", "code", "partner")


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


def _model_of(tp: Any) -> type[BaseModel] | None:
    for t in _unwrap(tp):
        if isinstance(t, type) and issubclass(t, BaseModel):
            return t
    return None


def _step(tp: Any, key: Any) -> tuple[Any, bool]:
    """The type found one step along a pydantic error location, and whether ``key`` is a field."""
    for t in _unwrap(tp):
        if isinstance(t, type) and issubclass(t, BaseModel):
            field = _field_by_key(t, str(key))
            if field is not None:
                return field.annotation, True
        origin = get_origin(t)
        if origin in (list, tuple, set, frozenset) and isinstance(key, int):
            return get_args(t)[0], False
        if origin is dict:
            return get_args(t)[1], False
    return None, False


def _field_by_key(model: type[BaseModel], key: str) -> Any:
    for name, field in model.model_fields.items():
        if (field.alias or name) == key:
            return field
    return None


def _keys(tp: Any) -> list[str]:
    """The keys a mapping of this type may hold, as written in files (aliases included)."""
    model = _model_of(tp)
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _required_keys(tp: Any) -> list[str]:
    model = _model_of(tp)
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items() if f.is_required()]


def _literals(tp: Any) -> list[str]:
    for t in _unwrap(tp):
        if get_origin(t) is Literal:
            return [str(a) for a in get_args(t)]
    return []


def _locate(tree: Any, loc: Iterable[Any], *, key_position: bool) -> tuple[Location | None, Any]:
    """Walk the located tree along ``loc``; return the best location and the value found.

    ``key_position`` locates the last key itself rather than its value (unknown keys, keys that
    break a pattern).
    """
    steps = [k for k in loc if k != "[key]"]
    node = tree
    location: Location | None = tree.location() if isinstance(tree, (YMap, YSeq)) else None
    last = len(steps) - 1
    for i, key in enumerate(steps):
        if isinstance(node, YMap) and isinstance(key, str) and key in node:
            location = node.location(key, of_value=not (key_position and i == last))
            node = node[key]
        elif isinstance(node, YSeq) and isinstance(key, int) and 0 <= key < len(node):
            location = node.location(key)
            node = node[key]
        else:
            break
    return location, node


def describe(value: Any) -> str:
    """A value as a user would name it: ``the text 'x'``, ``the number 3``, ``a list``."""
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
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    return f"{type(value).__name__} {value!r}"


def label(tree: Any, loc: Iterable[Any]) -> str:
    """A readable path to ``loc``: ``frameworks[quad].areas``, list items by their identity."""
    out = ""
    node = tree
    for key in loc:
        if key == "[key]":
            continue
        if isinstance(key, int):
            item = node[key] if isinstance(node, YSeq) and 0 <= key < len(node) else None
            ident = _identity(item)
            out += f"[{ident if ident is not None else key}]"
            node = item
        else:
            out += f".{key}" if out else str(key)
            node = node.get(key) if isinstance(node, YMap) else None
    return out


def _identity(item: Any) -> str | None:
    if isinstance(item, YMap):
        for key in _IDENTITY_KEYS:
            value = item.get(key)
            if isinstance(value, str) and value and len(value) <= 64 and "]" not in value:
                return value
    return None


def _where(tree: Any, loc: tuple[Any, ...]) -> str:
    path = label(tree, loc)
    return f"in {path}" if path else "at the top level"


def diagnostics_from(exc: ValidationError, tree: Any, model: type[BaseModel]) -> list[Diagnostic]:
    """One diagnostic per pydantic error, located in ``tree`` and hinted from ``model``."""
    return [_diagnostic(err, tree, model) for err in exc.errors(include_url=False)]


def diagnostic_from_error(err: Any, tree: Any, model: type[BaseModel]) -> Diagnostic:
    """The diagnostic of one pydantic error (a dict of ``ValidationError.errors()``)."""
    return _diagnostic(err, tree, model)


def _diagnostic(err: Any, tree: Any, model: type[BaseModel]) -> Diagnostic:
    loc = tuple(err["loc"])
    etype = err["type"]
    ctx = err.get("ctx") or {}
    # The type at the failing location and at its parent, and the name of what failed in the
    # user's terms: the last key that is a field, then any list indices or data keys after it.
    tp: Any = model
    parent_tp: Any = model
    subject = ""
    for key in loc:
        if key == "[key]":
            continue
        parent_tp = tp
        tp, is_field = _step(tp, key)
        if is_field or not subject:
            subject = str(key)
        else:
            subject += f"[{key}]" if isinstance(key, int) else f".{key}"
    subject = subject or "the file"
    at_key = loc[-1:] == ("[key]",)

    if etype == "extra_forbidden":
        location, _ = _locate(tree, loc, key_position=True)
        name = str(loc[-1])
        return Diagnostic(
            location,
            "E201",
            f"unknown key '{name}' {_where(tree, loc[:-1])}",
            _closed_hint(name, _keys(parent_tp), "keys"),
        )
    if etype == "missing":
        location, _ = _locate(tree, loc[:-1], key_position=False)
        return Diagnostic(
            location,
            "E202",
            f"missing key '{loc[-1]}' {_where(tree, loc[:-1])}",
            f"add '{loc[-1]}:' to this mapping",
        )
    location, value = _locate(tree, loc, key_position=at_key)
    if etype == "literal_error":
        shown = f"'{value}'" if isinstance(value, str) else describe(value)
        return Diagnostic(
            location,
            "E204",
            f"invalid value {shown} for '{subject}'",
            _closed_hint(str(value), _literals(tp), f"values of '{subject.split('.')[-1]}'"),
        )
    if etype == "string_pattern_mismatch":
        noun, hint = _PATTERNS.get(str(ctx.get("pattern", "")), ("value", f"must match {ctx.get('pattern')}"))
        if at_key:
            where = subject.rsplit(".", 1)[0] if "." in subject else subject
            message = f"invalid {noun} '{loc[-2]}' as a key of '{where}'"
        else:
            message = f"invalid {noun} '{value}' for '{subject}'"
        return Diagnostic(location, "E204", message, hint)
    if etype == "date_value":
        return Diagnostic(
            location,
            "E204",
            f"invalid date '{value}' for '{subject}': {ctx.get('reason', 'no such day')}",
            "write a date that exists, as YYYY-MM-DD",
        )
    if etype in _TYPE_NAMES:
        return Diagnostic(
            location,
            "E203",
            f"'{subject}' must be {_TYPE_NAMES[etype]}, not {describe(value)}",
            _type_hint(etype, value, tp),
        )
    if etype in ("too_short", "too_long"):
        limit = ctx.get("min_length") if etype == "too_short" else ctx.get("max_length")
        bound = "at least" if etype == "too_short" else "at most"
        return Diagnostic(
            location,
            "E204",
            f"'{subject}' needs {bound} {limit} item(s), not {ctx.get('actual_length', '?')}",
            f"list {bound} {limit}",
        )
    if etype == "string_too_short":
        return Diagnostic(location, "E204", f"'{subject}' must not be empty", "remove the key or give a text")
    if etype == "string_too_long":
        return Diagnostic(
            location,
            "E204",
            f"'{subject}' is longer than {ctx.get('max_length', 0):,} characters",
            "shorten the text; cite the rest by its source",
        )
    if etype in _BOUNDS:
        return Diagnostic(
            location,
            "E204",
            f"'{subject}' must be {_BOUNDS[etype]} {next(iter(ctx.values()), '?')}, not {describe(value)}",
        )
    if etype == "finite_number":
        return Diagnostic(
            location, "E204", f"'{subject}' must be a finite number", "NaN and infinities are not allowed"
        )
    if etype in CODES:
        # a validator that knows its diagnostic code raises PydanticCustomError(code, message,
        # context); the context may name the part at fault (a "field", an "index" in it) and a "hint"
        part = tuple(ctx[k] for k in ("field", "index") if k in ctx)
        if part:
            location, _ = _locate(tree, (*loc, *part), key_position=False)
        given = ctx.get("hint")
        return Diagnostic(
            location,
            etype,
            f"{label(tree, loc) or subject}: {err['msg']}",
            given if isinstance(given, str) else None,
        )
    if etype == "value_error":
        error = ctx.get("error")
        if isinstance(error, FactError):
            target: tuple[Any, ...] = loc
            if error.index is not None and error.field is not None:
                target = (*loc, error.field, error.index)  # an item of a list field
            elif error.index is not None:
                target = (*loc, error.index)
            elif error.field is not None:
                target = (*loc, error.field)
            location, _ = _locate(tree, target, key_position=False)
            return Diagnostic(location, "E307", f"{label(tree, loc)}: {error}", error.hint)
        return Diagnostic(location, "E307", f"{label(tree, loc)}: {error or err['msg']}")
    return Diagnostic(location, "E204", f"{label(tree, loc) or subject}: {err['msg']}")


def _closed_hint(name: str, choices: list[str], noun: str) -> str | None:
    """'did you mean' the closest choices or, for a closed set however long, all of them."""
    hint = hint_for(name, choices, noun=noun)
    if hint is None and choices:
        hint = f"valid {noun}: " + ", ".join(sorted(choices))
    return hint


_BOUNDS = {
    "greater_than_equal": "at least",
    "less_than_equal": "at most",
    "greater_than": "more than",
    "less_than": "less than",
}


def _type_hint(etype: str, value: Any, tp: Any) -> str | None:
    if etype.startswith("date"):
        return "write dates as YYYY-MM-DD, e.g. 2022-05-10"
    if etype == "bool_type":
        return "write true or false (without quotes)"
    if etype in ("int_type", "int_parsing") and isinstance(value, str):
        return "write the number without quotes"
    if etype == "string_type" and value is not None and not isinstance(value, (YMap, YSeq)):
        return "put the value in quotes to make it text"
    if etype in ("model_type", "dict_type") and isinstance(value, (YSeq, list)):
        return "remove the leading '- ': this is a mapping, not a list"
    if etype in ("model_type", "model_attributes_type"):
        keys = _required_keys(tp) or _keys(tp)
        if keys:
            shown = ", ".join(f"{k}: ..." for k in keys[:5])
            return f"write a mapping, e.g. {{{shown}{', ...' if len(keys) > 5 else ''}}}"
    if etype == "list_type" and isinstance(value, (YMap, dict)):
        return "a list needs '- ' before each item"
    if etype == "list_type" and isinstance(value, str):
        return f"write a list, e.g. [{value}] or one '- ' line per item"
    if etype == "string_type" and isinstance(value, (YMap, YSeq, dict, list)):
        return "write a single text here, not a mapping or a list"
    if etype in ("model_type", "dict_type", "model_attributes_type"):
        return "write a mapping of 'key: value' entries here"
    if etype == "list_type":
        return "write a list, e.g. [JPN, AUS], even for a single item"
    if etype in ("int_type", "int_parsing"):
        return "write a whole number without quotes"
    return None


#: Codes of read problems that leave the value in the tree as its text, or that the schema
#: would restate (a non-text ``extends``).
_RESTATED = frozenset({"E116", "E203"})


def combine(read_problems: Iterable[Diagnostic], found: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Problems read past while parsing, plus later findings not already explained by them.

    A value the reader could not take (an impossible date, a too large number) stays in the
    tree as its text; the schema then objects to it at the same place, which says nothing new.
    """
    first = list(read_problems)
    taken = {d.location for d in first if d.code in _RESTATED and d.location is not None}
    return first + [d for d in found if d.location not in taken]
