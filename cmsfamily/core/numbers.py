"""Numbers people type, read in the language they typed them in, and shown back the same way.

"1,234" is one thousand two hundred and thirty-four in English and one point two three four in
French; "1.234" is the other way round in Spanish. So text typed on a page is read with Babel in
the page's language, strictly (a misplaced separator is refused, never guessed around), and a
number is shown back formatted in that language, so that what people see reads back to what was
stored. Programs (the API, stored values) use plain numbers or dot-decimal text without
thousands separators: that form is read by ``parse_plain``, whatever the language.

Every number typed anywhere on the platform goes through ``read_number``; forms use
``cmsfamily.core.forms.NumberField``, which calls it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    NumberFormatError,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cmsfamily.core.languages import LANGUAGES

# What people type, or paste, between groups of digits where the group separator is a space.
SPACES = re.compile(r"[ \u00a0\u2009\u202f]")
PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
# One separator with exactly three digits after it: a thousands separator in one language and
# a decimal separator in another.
# The platform's languages, in which a spreadsheet's text may have been typed.
AMBIGUOUS = re.compile(r"[+-]?\d{1,3}([.,])\d{3}")


@cache
def _locale(language: str | None) -> Locale:
    try:
        return Locale.parse((language or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en")


def format_number(value: Any, language: str | None, *, grouping: bool = True) -> str:
    """``value`` as a person reading ``language`` writes it, with every decimal it has (10.50
    stays 10,50 in French: shown back, it reads back to the same answer)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    places = max(0, -int(number.as_tuple().exponent)) if number.is_finite() else 0
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(
        number,
        format=pattern,
        locale=_locale(language),
        decimal_quantization=False,
        group_separator=grouping,
    )


def _invalid(whole: bool) -> ValidationError:
    if whole:
        return ValidationError(_("Enter a whole number."), code="invalid")
    return ValidationError(_("Enter a number."), code="invalid")


def parse_number(
    text: str, language: str | None, *, whole: bool = False, ambiguous: bool = True
) -> Decimal:
    """Text a person typed, read in ``language`` (Babel, strict): "1,234" is 1234 in English
    and 1.234 in French; "1 234,5" (any kind of space) is 1234.5 in French.

    ``whole``: an entry whose single separator is read as the decimal one, followed by three
    digits, is refused ("1,000" in French is not read as 1). ``ambiguous=False`` refuses any
    single separator followed by exactly three digits, for text whose language is uncertain
    (a spreadsheet's text cells), and then also takes the plain form ("1234.5"), which can
    only mean one number."""
    typed = text.strip().replace("\u2212", "-")
    mark = AMBIGUOUS.fullmatch(typed)
    if not ambiguous:
        if not mark and PLAIN.fullmatch(typed):
            # What is left of the plain form ("1234.5", "0.25") means one number in every
            # language: a spreadsheet cell holds it whoever typed or wrote it.
            return Decimal(typed)
        # Text whose language is uncertain is taken only if every language that reads it reads
        # the same number ("1,234" and "1 000.000" are refused: 1234 or 1.234, 1000 or 1000000).
        readings = set()
        for other in LANGUAGES:
            try:
                readings.add(_read(typed, other, whole, mark))
            except ValidationError:
                continue
        if mark or len(readings) > 1:
            separator = mark.group(1) if mark else next(c for c in typed if c in ".,")
            raise ValidationError(
                _(
                    "“%(text)s” could be read two ways (is “%(mark)s” a thousands or a decimal "
                    "separator?): type the number without a thousands separator."
                )
                % {"text": typed, "mark": separator},
                code="ambiguous",
            )
    return _read(typed, language, whole, mark)


def _read(typed: str, language: str | None, whole: bool, mark) -> Decimal:
    locale = _locale(language)
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    # A space never separates decimals: wherever it is typed, it is read as the thousands
    # separator, and grouped as strictly ("12 34" is refused).
    typed = SPACES.sub(group, typed)
    digits = typed.lstrip("+-")
    allowed = set("0123456789") | {group, decimal, "."}
    if not any(c.isdigit() for c in digits) or not set(digits) <= allowed:
        raise _invalid(whole)
    try:
        value = parse_decimal(typed, locale=locale, strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        raise _invalid(whole) from None
    if not value.is_finite():
        raise _invalid(whole)
    if whole and mark and abs(value) < 1000:
        # "1,000" in French is 1 with three decimals, which is surely not what was meant.
        raise ValidationError(
            _(
                "“%(text)s” has decimals in this language (“%(mark)s” separates them): for a "
                "whole number, type it without a separator, e.g. %(example)s."
            )
            % {"text": typed, "mark": mark.group(1), "example": typed.replace(mark.group(1), "")},
            code="invalid",
        )
    return value


def parse_plain(raw: Any) -> Decimal:
    """A number as a program sends it: a JSON number, or text with a dot before the decimals
    and no thousands separator ("1234.5"). "1,234" is refused: it means different numbers in
    different languages."""
    if isinstance(raw, bool):
        raise _plain_error()
    if isinstance(raw, Decimal | int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))
    elif isinstance(raw, str) and PLAIN.fullmatch(raw.strip()):
        value = Decimal(raw.strip())
    else:
        raise _plain_error()
    if not value.is_finite():
        raise _plain_error()
    return value


def _plain_error() -> ValidationError:
    return ValidationError(
        _(
            "Send a number as a JSON number, or as text with a dot before the decimals and no "
            "thousands separator, e.g. 1234.5."
        ),
        code="invalid",
    )


def read_number(
    raw: Any, language: str | None, *, whole: bool = False, ambiguous: bool = True
) -> Decimal:
    """A number from wherever it comes: numbers (a JSON number, a numeric spreadsheet cell) as
    they are; text in ``language`` (``parse_number``), or in the plain form when ``language`` is
    None (``parse_plain``)."""
    if isinstance(raw, str) and language is not None:
        return parse_number(raw, language, whole=whole, ambiguous=ambiguous)
    return parse_plain(raw)


def reading_note(text: Any, value: Any, language: str | None) -> str | None:
    """How an entry that means different numbers in different languages was read ("1,234"),
    or None when the entry could be read one way only."""
    if not isinstance(text, str):
        return None
    match = AMBIGUOUS.fullmatch(text.strip())
    if match is None or value is None:
        return None
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    mark = match.group(1)
    if abs(number) >= 1000:  # three digits at most before the separator: it grouped thousands
        return _(
            "“%(text)s” was read as %(value)s, a whole number (“%(mark)s” separates thousands)."
        ) % {
            "text": text.strip(),
            "value": format_number(number, language, grouping=False),
            "mark": mark,
        }
    whole, _dot, fraction = text.strip().partition(mark)
    return _(
        "“%(text)s” was read as %(whole)s and %(fraction)s thousandths (“%(mark)s” separates decimals)."
    ) % {
        "text": text.strip(),
        "whole": whole,
        "fraction": fraction,
        "mark": mark,
    }
