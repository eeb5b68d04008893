"""Which ISO 3166 alpha-2 codes a range state may have, and their names in the user's language.

Current codes (and the exceptionally reserved ones, such as EU) come from the Unicode CLDR
through Babel, never typed by hand. Sources of species data still use some codes that ISO 3166
has withdrawn (ISO 3166-3), e.g. AN for the Netherlands Antilles; those are valid as given.
User-assigned codes (AA, QM-QZ, XA-XZ, ZZ) are not ISO codes of any country.
"""

import re
from functools import cache

from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

ALPHA_2 = re.compile(r"[A-Z]{2}")
USER_ASSIGNED = re.compile(r"AA|Q[M-Z]|X[A-Z]|ZZ")

# ISO 3166-3: alpha-2 codes withdrawn and not reassigned since.
FORMER_CODES = {
    "AN": _("Netherlands Antilles (ISO code withdrawn in 2010)"),
    "BU": _("Burma (ISO code withdrawn in 1989)"),
    "CS": _("Serbia and Montenegro (ISO code withdrawn in 2006)"),
    "DD": _("German Democratic Republic (ISO code withdrawn in 1990)"),
    "NT": _("Neutral Zone (ISO code withdrawn in 1993)"),
    "SU": _("USSR (ISO code withdrawn in 1992)"),
    "TP": _("East Timor (ISO code withdrawn in 2002)"),
    "YU": _("Yugoslavia (ISO code withdrawn in 2003)"),
    "ZR": _("Zaire (ISO code withdrawn in 1997)"),
}


@cache
def current_codes() -> frozenset[str]:
    codes = (str(code) for code in Locale("en").territories)
    return frozenset(
        code for code in codes if ALPHA_2.fullmatch(code) and not USER_ASSIGNED.fullmatch(code)
    )


def is_iso_code(code: str) -> bool:
    return code in current_codes() or code in FORMER_CODES


def country_name(code: str) -> str:
    """The country's name in the active language ('' for a code no list knows)."""
    if code in FORMER_CODES:
        return str(FORMER_CODES[code])
    language = (get_language() or "en").split("-")[0]
    try:
        locale = Locale.parse(language)
    except (ValueError, UnknownLocaleError):
        locale = Locale("en")
    return locale.territories.get(code, "") if code in current_codes() else ""
