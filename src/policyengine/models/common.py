"""Building blocks shared by scenario and rule-pack models."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

COUNTRY_CODE_PATTERN = r"^(?:[A-Z]{3}|EU)$"
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATE_RE = re.compile(DATE_PATTERN)
#: ``ACTION/TARGET``: a recommendation id (``conclude-raa/FRA``, ``propose-framework/AUS+JPN+KOR``),
#: as a file may type it (``Conclude-RAA/UK``, ``propose-framework/日韓豪``): the loaders read it
#: in its canonical form (policyengine.models.outcome_ids).
RECOMMENDATION_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}/[^\s/][^/\x00-\x1f\x7f]{0,199}$"
#: ``ACTION/TARGET`` or ``KIND/TARGET``: a target is a country code, a framework id or ``A+B+C``
#: (typed as for RECOMMENDATION_ID_PATTERN; its length differs so that the two tell their hints apart).
OUTCOME_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}/[^\s/][^/\x00-\x1f\x7f]{0,255}$"
#: Exercise clock time of an inject within its move (MSEL "time" column).
CLOCK_TIME_PATTERN = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$"

#: ISO 3166-1 alpha-3 code, or ``EU`` for the European Union.
CountryCode = Annotated[str, StringConstraints(strict=True, pattern=COUNTRY_CODE_PATTERN)]
#: Lower-case kebab-case identifier (``jpn-usa-aus``, ``raa-jpn-gbr``).
Id = Annotated[str, StringConstraints(strict=True, pattern=ID_PATTERN)]
Text = Annotated[str, StringConstraints(strict=True, min_length=1, max_length=20_000)]

#: Japanese script and punctuation (kana, kanji, CJK and full-width punctuation).
_CJK = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_IN_JAPANESE = re.compile(f"(?<=[{_CJK}]) +(?=[{_CJK}])")


def join_japanese_lines(text: str) -> str:
    """Drop the spaces YAML puts where it folds a line (``>`` or a plain scalar over several
    lines) between two Japanese characters: Japanese is written without spaces between words,
    so 「韓国・豪州と どのように」 is a folding artefact, not the author's."""
    return _SPACE_IN_JAPANESE.sub("", text)


#: Japanese text: as Text, with folded lines joined as Japanese is written.
JapaneseText = Annotated[Text, AfterValidator(join_japanese_lines)]


def _date(value: Any) -> Any:
    """Accept a date, or text written YYYY-MM-DD; nothing else (no timestamps, no numbers).

    YAML 1.2 editors see an unquoted 2022-05-10 as text, the loader as a date: both are fine.
    """
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DATE_RE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise PydanticCustomError("date_value", "{reason}", {"reason": str(exc)}) from None
    raise PydanticCustomError("date_type", "Input should be a date written YYYY-MM-DD")


#: A calendar date, written YYYY-MM-DD.
Date = Annotated[
    dt.date,
    BeforeValidator(_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]


class FactError(ValueError):
    """A fact whose parts are each valid but do not fit together (reported as E307).

    ``hint`` tells how to fix it; ``field`` (a key of the fact) or ``index`` (an item of the
    list being validated) says where, more precisely than the whole fact.
    """

    def __init__(
        self, message: str, *, hint: str | None = None, field: str | None = None, index: int | None = None
    ) -> None:
        super().__init__(message)
        self.hint = hint
        self.field = field
        self.index = index


class Model(BaseModel):
    """Strict base: unknown keys are errors, values are immutable, no NaN or infinity."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        validate_default=False,
        hide_input_in_errors=True,
        # A field's docstring describes it in the JSON Schema, which editors show on hover; the
        # schema command reads the docstrings itself (policyengine.models.schema), because pydantic's
        # use_attribute_docstrings reads and parses every model's source when its class is
        # defined, a third of the time it takes to import the models.
        # Build each model's validator when it is first used, not when its class is defined:
        # a command pays only for the models it validates with (and a top-level model builds its
        # nested models' schemas once, inside its own).
        defer_build=True,
    )


class I18nText(Model):
    """A text in Japanese and English."""

    ja: JapaneseText
    """Japanese."""
    en: Text
    """English."""

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


class Source(Model):
    """Where a fact or rule comes from. ``quote`` must occur verbatim in ``document``."""

    document: Text
    """The source's id (the paper is minilateral-2022), or the title of the document."""
    issuer: Text | None = None
    """Who issued the document (a ministry, a government, a summit), for sources beyond the paper."""
    date: Date | None = None
    """The document's date (YYYY-MM-DD): when it was issued or announced."""
    url: Text | None = None
    """Where the document is published."""
    locator: Text | None = None
    """Where in the document: for the paper ミニラテラリズムの意義と役割, 表 or 日本への含意."""
    quote: Text | None = None
    """The document's words that state this, verbatim (matched with all whitespace removed)."""


class Fact(Model):
    """Every fact may cite its source and carry a free-text note."""

    source: Source | None = None
    """Where the fact comes from: document, locator, quote."""
    assumption: I18nText | None = None
    """What the record does not settle about this fact (a day, a stance), said plainly: the fact
    is then an assumption, and is labelled so where it is shown."""
    note: Text | None = None
    """Anything else: where a detail the source does not give comes from, a caveat."""
