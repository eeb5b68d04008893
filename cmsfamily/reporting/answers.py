"""Typed answers: what a value of each question type looks like, and the checks it must pass.

Every way in (the form, the API, later the offline workbook) goes through ``clean``: it takes what
was sent (a string from a form field, or a JSON value from the API) and returns the canonical JSON
value stored in ``Answer.value``, or raises ``ValidationError`` with a message in the user's
language. ``None`` means "not answered"; whether that is allowed is decided when the report is
submitted (``selectors.problems``), so that a draft can be saved half-done.

Canonical values: text → str; long text → sanitised HTML str; yes/no → "yes" | "no" | "na";
single choice → the option's value; multiple choice → list of option values in the options' order;
integer and year → int; decimal and percentage → str of the decimal (exact); date → "YYYY-MM-DD";
table → list of rows (dict column key → value); file → {"name", "path", "size"}; link → URL str;
Party → ISO code; species, target, activity → primary key (a list of them when several may be
chosen).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.formats import number_format
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from cmsfamily.core.numbers import read_number
from cmsfamily.reporting.choices import TABLE_COLUMN_KINDS, QuestionKind, YesNo

SHORT_TEXT_LIMIT = 1_000
LONG_TEXT_LIMIT = 50_000
TABLE_ROW_LIMIT = 500
YEAR_RANGE = (1900, 2100)
ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a", "blockquote"}
_url = URLValidator(schemes=["http", "https"])


def _empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == [] or raw == {}


class Pickers:
    """The Parties, species, targets and activities picker answers point to, by key, with their
    names in the active language: one query per kind, on first use. Checking an answer (`known`)
    and showing it (`name`) read the same table, once per request, not once per answer."""

    def __init__(self):
        self._names: dict[str, dict] = {}

    def preload(self, kind: str, keys: Iterable) -> None:
        """Say which keys exist without asking the database (their names are their keys)."""
        self._names.setdefault(kind, {}).update({key: str(key) for key in keys})

    def names(self, kind: str) -> dict:
        if kind not in self._names:
            self._names[kind] = load_names(kind)
        return self._names[kind]

    def known(self, kind: str):
        return self.names(kind).keys()

    def name(self, kind: str, key) -> str:
        return self.names(kind).get(key, str(key))


def load_names(kind: str) -> dict:
    """The objects a picker of this kind offers, by key, named in the active language."""
    if kind == QuestionKind.PARTY:
        from cmsfamily.directory.models import Party

        return dict(Party.objects.values_list("code", "name"))
    if kind == QuestionKind.SPECIES:
        from cmsfamily.species.models import Taxon

        return dict(Taxon.objects.values_list("pk", "scientific_name"))
    if kind == QuestionKind.TARGET:
        from cmsfamily.strategy.models import Target

        return {target.pk: str(target) for target in Target.objects.select_related("plan")}
    from cmsfamily.workplans.models import Activity

    return {
        pk: f"{number} {title}"
        for pk, number, title in Activity.objects.values_list("pk", "number", "title")
    }


def _check_bounds(question, value: Decimal) -> None:
    low, high = question.min_value, question.max_value
    if question.kind == QuestionKind.PERCENTAGE:
        low = Decimal(0) if low is None else max(low, Decimal(0))
        high = Decimal(100) if high is None else min(high, Decimal(100))
    if low is not None and value < low:
        raise ValidationError(
            _("Enter a number of at least %(low)s.") % {"low": number_format(low.normalize())},
            code="min_value",
        )
    if high is not None and value > high:
        raise ValidationError(
            _("Enter a number of at most %(high)s.") % {"high": number_format(high.normalize())},
            code="max_value",
        )


def _number(question, raw: Any, kind: str, numbers: str | None, ambiguous: bool = True):
    whole = kind in (QuestionKind.INTEGER, QuestionKind.YEAR)
    if kind == QuestionKind.PERCENTAGE and isinstance(raw, str) and numbers is not None:
        raw = raw.strip().removesuffix("%")  # "12,5 %": the sign the page shows beside the box
    value = read_number(raw, numbers, whole=whole, ambiguous=ambiguous)
    if value and value.adjusted() > 14:
        raise ValidationError(_("This number is too large."), code="invalid")
    if kind in (QuestionKind.INTEGER, QuestionKind.YEAR):
        if value != value.to_integral_value():
            raise ValidationError(_("Enter a whole number."), code="invalid")
        if kind == QuestionKind.YEAR and not YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
            raise ValidationError(
                _("Enter a year between %(low)s and %(high)s.")
                % {"low": YEAR_RANGE[0], "high": YEAR_RANGE[1]},
                code="invalid",
            )
        _check_bounds(question, value)
        return int(value)
    if value.as_tuple().exponent < -10:  # type: ignore[operator]
        raise ValidationError(_("Use at most 10 decimal places."), code="invalid")
    _check_bounds(question, value)
    if value == value.to_integral_value():
        value = value.to_integral_value()
    return format(value, "f")


def _date(raw: Any) -> str:
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    try:
        return dt.date.fromisoformat(str(raw).strip()).isoformat()
    except ValueError:
        raise ValidationError(
            _("Enter a date as YYYY-MM-DD, e.g. 2024-04-17."), code="invalid"
        ) from None


def _text(question, raw: Any, limit: int) -> str:
    if not isinstance(raw, str):
        raise ValidationError(_("Enter text."), code="invalid")
    text = raw.strip()
    limit = min(limit, question.max_length or limit)
    if len(text) > limit:
        raise ValidationError(
            _("Use at most %(limit)s characters (this answer has %(length)s).")
            % {"limit": limit, "length": len(text)},
            code="max_length",
        )
    if question.pattern and not re.fullmatch(question.pattern, text):
        raise ValidationError(
            question.pattern_message or _("This answer is not in the expected form."),
            code="pattern",
        )
    return text


def _choice(question, raw: Any, options: list) -> str:
    allowed = [option.value for option in options]
    if not isinstance(raw, str) or raw not in allowed:
        raise ValidationError(_("Choose one of the options offered."), code="invalid_choice")
    return raw


def _choices(question, raw: Any, options: list) -> list[str]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(value, str) for value in raw):
        raise ValidationError(_("Choose among the options offered."), code="invalid_choice")
    allowed = [option.value for option in options]
    unknown = [value for value in raw if value not in allowed]
    if unknown:
        raise ValidationError(
            _("“%(value)s” is not one of the options offered.") % {"value": unknown[0]},
            code="invalid_choice",
        )
    chosen = set(raw)
    return [value for value in allowed if value in chosen]


def _pick(question, raw: Any, lookups: Pickers):
    values = raw if isinstance(raw, list) else [raw]
    if len(values) > 1 and not question.allow_many:
        raise ValidationError(_("Choose only one."), code="invalid_choice")
    known = lookups.known(question.kind)
    cleaned: list = []
    key: Any
    for value in values:
        if question.kind == QuestionKind.PARTY:
            key = str(value).strip().upper() if isinstance(value, str) else None
        else:
            try:
                key = int(value) if not isinstance(value, bool) else None
            except (TypeError, ValueError):
                key = None
        if key is None or key not in known:
            raise ValidationError(
                _("“%(value)s” is not in the list to choose from.") % {"value": value},
                code="invalid_choice",
            )
        if key not in cleaned:
            cleaned.append(key)
    return cleaned if question.allow_many else cleaned[0]


def column_label(column: dict, language: str) -> str:
    labels = column.get("label") or {}
    return labels.get(language) or labels.get("en") or column["key"]


def _table(question, raw: Any, language: str, numbers: str | None, ambiguous: bool) -> list[dict]:
    if not isinstance(raw, list) or not all(isinstance(row, dict) for row in raw):
        raise ValidationError(_("A table answer is a list of rows."), code="invalid")
    if len(raw) > TABLE_ROW_LIMIT:
        raise ValidationError(
            _("A table has at most %(limit)s rows.") % {"limit": TABLE_ROW_LIMIT}, code="invalid"
        )
    columns = {column["key"]: column for column in question.columns}
    rows = []
    for number, row in enumerate(raw, start=1):
        unknown = set(row) - set(columns)
        if unknown:
            raise ValidationError(
                _("Row %(row)s: there is no column “%(column)s”.")
                % {"row": number, "column": sorted(unknown)[0]},
                code="invalid",
            )
        cleaned = {}
        for key, column in columns.items():
            cell = row.get(key)
            if _empty(cell):
                continue
            try:
                cleaned[key] = _cell(column, cell, numbers, ambiguous)
            except ValidationError as error:
                raise ValidationError(
                    _("Row %(row)s, column “%(column)s”: %(message)s")
                    % {
                        "row": number,
                        "column": column_label(column, language),
                        "message": error.messages[0],
                    },
                    code="invalid",
                ) from None
        if cleaned:
            rows.append(cleaned)
    return rows


class _Bare:
    """The bounds of a table cell: none beyond its type."""

    min_value = max_value = max_length = None
    pattern = pattern_message = ""

    def __init__(self, kind):
        self.kind = kind


def _cell(column: dict, raw: Any, numbers: str | None, ambiguous: bool):
    kind = column.get("kind", QuestionKind.SHORT_TEXT)
    bare = _Bare(kind)
    if kind in (QuestionKind.INTEGER, QuestionKind.DECIMAL):
        return _number(bare, raw, kind, numbers, ambiguous)
    if kind == QuestionKind.DATE:
        return _date(raw)
    if kind == QuestionKind.YES_NO:
        return _yes_no(raw)
    return _text(bare, raw, SHORT_TEXT_LIMIT)


def _yes_no(raw: Any) -> str:
    if raw not in YesNo.values:
        raise ValidationError(_("Choose yes, no or not applicable."), code="invalid_choice")
    return raw


def _file(raw: Any, prefix: str | None) -> dict:
    if (
        not isinstance(raw, dict)
        or not isinstance(raw.get("path"), str)
        or not isinstance(raw.get("name"), str)
        or (prefix is not None and not raw["path"].startswith(prefix))
    ):
        raise ValidationError(_("Upload the file with the form."), code="invalid")
    return {"name": raw["name"], "path": raw["path"], "size": int(raw.get("size") or 0)}


def _link(raw: Any) -> str:
    if not isinstance(raw, str):
        raise ValidationError(_("Enter a web address."), code="invalid")
    link = raw.strip()
    if len(link) > 2000:
        raise ValidationError(_("This web address is too long."), code="invalid")
    try:
        _url(link)
    except ValidationError:
        raise ValidationError(
            _("Enter a full web address starting with https:// or http://."), code="invalid"
        ) from None
    return link


def clean(
    question,
    raw: Any,
    *,
    options: list | None = None,
    lookups: Pickers | None = None,
    language: str = "en",
    file_prefix: str | None = None,
    numbers: str | None = None,
    ambiguous: bool = True,
):
    """The canonical value of ``raw`` as an answer to ``question``; None when not answered.

    Numbers typed as text are read in the language ``numbers`` ("1,234" is 1234 in English,
    1.234 in French), or, when ``numbers`` is None, only in the plain form programs send (a JSON
    number or "1234.5"). ``ambiguous=False`` refuses "1,234" and "1.234" outright, for text whose
    language is uncertain (a workbook's text cells)."""
    if _empty(raw):
        return None
    kind = question.kind
    if kind == QuestionKind.SHORT_TEXT:
        return _text(question, raw, SHORT_TEXT_LIMIT)
    if kind == QuestionKind.LONG_TEXT:
        text = _text(question, raw, LONG_TEXT_LIMIT)
        if "<" not in text:  # plain text from the form: paragraphs and line breaks kept
            text = linebreaks(text, autoescape=True)
        return nh3.clean(text, tags=ALLOWED_TAGS, url_schemes={"http", "https", "mailto"}) or None
    if kind == QuestionKind.YES_NO:
        return _yes_no(raw)
    if kind == QuestionKind.SINGLE_CHOICE:
        return _choice(question, raw, options or [])
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return _choices(question, raw, options or []) or None
    if kind in (
        QuestionKind.INTEGER,
        QuestionKind.DECIMAL,
        QuestionKind.PERCENTAGE,
        QuestionKind.YEAR,
    ):
        return _number(question, raw, kind, numbers, ambiguous)
    if kind == QuestionKind.DATE:
        return _date(raw)
    if kind == QuestionKind.TABLE:
        return _table(question, raw, language, numbers, ambiguous) or None
    if kind == QuestionKind.FILE:
        return _file(raw, file_prefix)
    if kind == QuestionKind.LINK:
        return _link(raw)
    return _pick(question, raw, lookups or Pickers())


def validate_columns(columns: Any) -> None:
    """The column definition of a table question, as the template builder and import give it."""
    if not isinstance(columns, list) or not columns:
        raise ValidationError(_("A table question needs at least one column."), code="invalid")
    keys = set()
    for column in columns:
        if (
            not isinstance(column, dict)
            or not isinstance(column.get("key"), str)
            or not re.fullmatch(r"[a-z][a-z0-9_]*", column["key"])
        ):
            raise ValidationError(
                _("Each column needs a key of lower-case letters, digits and underscores."),
                code="invalid",
            )
        if column["key"] in keys:
            raise ValidationError(
                _("Two columns have the key “%(key)s”.") % {"key": column["key"]}, code="invalid"
            )
        keys.add(column["key"])
        if column.get("kind", QuestionKind.SHORT_TEXT) not in TABLE_COLUMN_KINDS:
            raise ValidationError(
                _("A column can hold text, numbers, dates or yes/no."), code="invalid"
            )


def matches(condition: dict | None, value: Any) -> bool:
    """Whether an answer meets an item's condition ({"equals": v} or {"in": [...]})."""
    if not condition:
        return True
    if "equals" in condition:
        expected = condition["equals"]
        return expected in value if isinstance(value, list) else value == expected
    if "in" in condition:
        allowed = condition["in"]
        if isinstance(value, list):
            return any(item in allowed for item in value)
        return value in allowed
    return value is not None


def as_number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
