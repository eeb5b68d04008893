"""What reading and writing an XLSForm share: the languages' names in XLSForm's column headers,
the types and columns known, the values read as yes and no.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _lazy

from cmsfamily.core.languages import LANGUAGES
from cmsfamily.reporting.choices import QuestionKind

LANGUAGE_NAMES = {"en": "English", "fr": "French", "es": "Spanish"}


OTHER_NAMES = {
    "english": "en",
    "français": "fr",
    "francais": "fr",
    "español": "es",
    "espanol": "es",
}


LANGUAGE_CODE = re.compile(r"\(([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?\)\s*$")


ROW = "cmsfamily_row"  # the survey row of each element, carried through workbook_to_json


YES_NO_LIST = "cms_yes_no"


BASE_TYPES = {
    "text": (QuestionKind.SHORT_TEXT, {
        QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT, QuestionKind.LINK, QuestionKind.TABLE,
        QuestionKind.PARTY, QuestionKind.SPECIES, QuestionKind.TARGET, QuestionKind.ACTIVITY,
    }),
    "integer": (QuestionKind.INTEGER, {QuestionKind.INTEGER, QuestionKind.YEAR}),
    "decimal": (QuestionKind.DECIMAL, {QuestionKind.DECIMAL, QuestionKind.PERCENTAGE}),
    "date": (QuestionKind.DATE, {QuestionKind.DATE}),
    "file": (QuestionKind.FILE, {QuestionKind.FILE}),
    "select one": (QuestionKind.SINGLE_CHOICE, {QuestionKind.SINGLE_CHOICE, QuestionKind.YES_NO}),
    "select all that apply": (QuestionKind.MULTIPLE_CHOICE, {QuestionKind.MULTIPLE_CHOICE}),
}  # fmt: skip


KNOWN_KEYS = {"type", "name", "label", "hint", "children", "choices", "list_name", "itemset"}


KNOWN_PARTS = {
    "bind": {"relevant", "required", "constraint", "jr:constraintMsg"},
    "control": {"appearance"},
    "media": set(),
}


FRIENDLY = {
    "calculate": "calculation",
    "readonly": "read_only",
    "jr:requiredMsg": "required_message",
    "jr:count": "repeat_count",
    "jr:noAppErrorString": "no_app_error_string",
    "orx:max-pixels": "parameters",
}


CHOICE_COLUMNS = {"list_name", "list name", "name", "value", "label", "caption"}


SETTINGS_COLUMNS = {"form_title", "form_id", "version", "default_language"}


CODE_RULE = _lazy("use lower-case letters, digits, dots, hyphens and underscores.")


EXPRESSION_COLUMNS = {"relevant", "required", "constraint"}


ESCAPED_REFERENCE = "$\u2060{"  # "$", a word joiner, "{": shown as "${", not read as a reference


TRUE = {"yes", "true", "true()", "1"}


FALSE = {"no", "false", "false()", "0", ""}


def language_of(name: str | None) -> str | None:
    """The platform language of an XLSForm language name ("French (fr)", "English"), or None."""
    if not name:
        return None
    found = LANGUAGE_CODE.search(name)
    code = found.group(1).lower() if found else None
    if code is None:
        lowered = name.strip().lower()
        code = OTHER_NAMES.get(lowered) or next(
            (c for c, n in LANGUAGE_NAMES.items() if n.lower() == lowered), None
        )
    return code if code in LANGUAGES else None


def xlsform_language(code: str) -> str:
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})"
