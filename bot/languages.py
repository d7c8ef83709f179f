"""The languages a person can pick, named in their own script."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str
    babel_locale: str  # CLDR locale used for dates and numbers
    rtl: bool = False


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("nl", "Nederlands", "nl_NL"),
        Language("en", "English", "en_GB"),
        Language("ar", "العربية", "ar", rtl=True),
        # Sranan Tongo has no CLDR data: dates and numbers are formatted like Dutch.
        Language("srn", "Sranan Tongo", "nl_NL"),
        Language("pap", "Papiamentu", "pap"),
        Language("tr", "Türkçe", "tr"),
        Language("es", "Español", "es"),
        # Twi is an Akan language: CLDR's Akan data gives its dates and numbers.
        Language("tw", "Twi", "ak"),
    )
}


def resolve(code: str | None, default: str = "nl") -> str:
    """Maps a Telegram ``language_code`` like ``en-GB`` to a supported code, else ``default``."""
    if not code:
        return default
    code = code.lower().replace("_", "-")
    if code in LANGUAGES:
        return code
    base = code.split("-")[0]
    return base if base in LANGUAGES else default
