"""Building blocks shared by scenario and rule-pack models."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

COUNTRY_CODE_PATTERN = r"^(?:[A-Z]{3}|EU)$"
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"

#: ISO 3166-1 alpha-3 code, or ``EU`` for the European Union.
CountryCode = Annotated[str, StringConstraints(strict=True, pattern=COUNTRY_CODE_PATTERN)]
#: Lower-case kebab-case identifier (``jpn-usa-aus``, ``raa-jpn-gbr``).
Id = Annotated[str, StringConstraints(strict=True, pattern=ID_PATTERN)]
Text = Annotated[str, StringConstraints(strict=True, min_length=1, max_length=20_000)]


class Model(BaseModel):
    """Strict base: unknown keys are errors, values are immutable, no NaN or infinity."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        validate_default=False,
        hide_input_in_errors=True,
        # Build each model's validator when it is first used, not when its class is defined:
        # a command pays only for the models it validates with (and a top-level model builds its
        # nested models' schemas once, inside its own).
        defer_build=True,
    )


class I18nText(Model):
    """A text in Japanese and English."""

    ja: Text
    en: Text

    def get(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en


class Source(Model):
    """Where a fact or rule comes from. ``quote`` must occur verbatim in ``document``."""

    document: Text
    locator: Text | None = None
    quote: Text | None = None


class Fact(Model):
    """Every fact may cite its source and carry a free-text note."""

    source: Source | None = None
    note: Text | None = None
