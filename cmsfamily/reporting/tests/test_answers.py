"""Typed answers: each question type's canonical value and its refusals."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from cmsfamily.reporting.answers import Pickers, clean, matches, validate_columns
from cmsfamily.reporting.choices import QuestionKind


def q(kind, **values):
    defaults = {
        "kind": kind,
        "min_value": None,
        "max_value": None,
        "max_length": None,
        "pattern": "",
        "pattern_message": "",
        "allow_many": False,
        "columns": [],
    }
    defaults.update(values)
    return SimpleNamespace(**defaults)


def options(*values):
    return [SimpleNamespace(value=value) for value in values]


@pytest.mark.parametrize("raw", [None, "", "   ", [], {}])
def test_empty_is_no_answer(raw):
    assert clean(q(QuestionKind.SHORT_TEXT), raw) is None


def test_short_text_is_stripped_and_bounded():
    assert clean(q(QuestionKind.SHORT_TEXT), "  Ministry  ") == "Ministry"
    with pytest.raises(ValidationError, match="at most 5 characters"):
        clean(q(QuestionKind.SHORT_TEXT, max_length=5), "Ministry")


def test_pattern_gives_its_own_message():
    question = q(QuestionKind.SHORT_TEXT, pattern=r"[A-Z]{2}", pattern_message="Two capitals")
    assert clean(question, "KE") == "KE"
    with pytest.raises(ValidationError, match="Two capitals"):
        clean(question, "Kenya")


def test_long_text_is_sanitised():
    value = clean(
        q(QuestionKind.LONG_TEXT), '<p onclick="x()">Hi<script>alert(1)</script> <b>there</b></p>'
    )
    assert value == "<p>Hi <b>there</b></p>"


@pytest.mark.parametrize("raw,expected", [("yes", "yes"), ("no", "no"), ("na", "na")])
def test_yes_no(raw, expected):
    assert clean(q(QuestionKind.YES_NO), raw) == expected


def test_yes_no_refuses_anything_else():
    with pytest.raises(ValidationError, match="yes, no or not applicable"):
        clean(q(QuestionKind.YES_NO), "maybe")


def test_choices_keep_the_options_order_and_refuse_unknown_values():
    question = q(QuestionKind.MULTIPLE_CHOICE)
    offered = options("a", "b", "c")
    assert clean(question, ["c", "a", "c"], options=offered) == ["a", "c"]
    with pytest.raises(ValidationError, match="“z” is not one of the options"):
        clean(question, ["a", "z"], options=offered)
    assert clean(q(QuestionKind.SINGLE_CHOICE), "b", options=offered) == "b"
    with pytest.raises(ValidationError):
        clean(q(QuestionKind.SINGLE_CHOICE), ["b"], options=offered)


@pytest.mark.parametrize(
    "raw,expected",
    [("12", 12), (12, 12), ("12.0", 12), ("1 200", 1200), ("1,200.0", 1200)],
)
def test_integers(raw, expected):
    assert clean(q(QuestionKind.INTEGER), raw, numbers="en") == expected


@pytest.mark.parametrize("raw", ["12.5", "twelve", True, "1e400", "NaN"])
def test_integers_refused(raw):
    with pytest.raises(ValidationError):
        clean(q(QuestionKind.INTEGER), raw)


def test_decimals_are_exact_strings_and_read_a_decimal_comma():
    assert clean(q(QuestionKind.DECIMAL), "2,5", numbers="fr") == "2.5"
    assert clean(q(QuestionKind.DECIMAL), 0.1) == "0.1"
    assert clean(q(QuestionKind.DECIMAL), "10.50") == "10.50"


def test_bounds_messages_name_the_bound():
    question = q(QuestionKind.INTEGER, min_value=Decimal("0"), max_value=Decimal("1000"))
    with pytest.raises(ValidationError, match="at least 0"):
        clean(question, -1)
    with pytest.raises(ValidationError, match="at most 1000"):
        clean(question, 1001)


def test_percentage_is_between_0_and_100():
    assert clean(q(QuestionKind.PERCENTAGE), "99.5") == "99.5"
    with pytest.raises(ValidationError, match="at most 100"):
        clean(q(QuestionKind.PERCENTAGE), "100.1")


def test_dates_are_iso():
    assert clean(q(QuestionKind.DATE), "2024-04-17") == "2024-04-17"
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        clean(q(QuestionKind.DATE), "17/04/2024")


def test_years():
    assert clean(q(QuestionKind.YEAR), "2019") == 2019
    with pytest.raises(ValidationError, match="between 1900 and 2100"):
        clean(q(QuestionKind.YEAR), "19")


def test_links_need_a_scheme():
    assert clean(q(QuestionKind.LINK), " https://www.cms.int/ ") == "https://www.cms.int/"
    with pytest.raises(ValidationError, match="https://"):
        clean(q(QuestionKind.LINK), "www.cms.int")
    with pytest.raises(ValidationError):
        clean(q(QuestionKind.LINK), "javascript:alert(1)")


def test_tables_check_each_cell_and_drop_empty_rows():
    question = q(
        QuestionKind.TABLE,
        columns=[
            {"key": "name", "kind": "short_text", "label": {"en": "Project"}},
            {"key": "budget", "kind": "decimal", "label": {"en": "Budget"}},
        ],
    )
    rows = [{"name": "A", "budget": "10"}, {"name": "", "budget": ""}, {"budget": "2,5"}]
    assert clean(question, rows, numbers="es") == [{"name": "A", "budget": "10"}, {"budget": "2.5"}]
    with pytest.raises(ValidationError, match="Row 1, column “Budget”: Enter a number"):
        clean(question, [{"budget": "ten"}], numbers="en")
    with pytest.raises(ValidationError, match="no column “colour”"):
        clean(question, [{"colour": "red"}])


def test_file_answers_must_point_into_the_submissions_folder():
    question = q(QuestionKind.FILE)
    value = {"name": "a.pdf", "path": "reporting/submissions/3/x/a.pdf", "size": 10}
    assert clean(question, value, file_prefix="reporting/submissions/3/") == value
    with pytest.raises(ValidationError):
        clean(
            question,
            {**value, "path": "reporting/submissions/4/x/a.pdf"},
            file_prefix="reporting/submissions/3/",
        )


def test_pickers_check_the_list_with_one_lookup():
    lookups = Pickers()
    lookups.preload(QuestionKind.PARTY, ["KE", "DE"])
    assert clean(q(QuestionKind.PARTY), "ke", lookups=lookups) == "KE"
    with pytest.raises(ValidationError, match="“XX” is not in the list"):
        clean(q(QuestionKind.PARTY), "XX", lookups=lookups)
    with pytest.raises(ValidationError, match="only one"):
        clean(q(QuestionKind.PARTY), ["KE", "DE"], lookups=lookups)
    lookups.preload(QuestionKind.TARGET, [1, 2])
    assert clean(q(QuestionKind.TARGET, allow_many=True), ["2", 1, 2], lookups=lookups) == [2, 1]


def test_messages_are_in_the_users_language():
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        clean(q(QuestionKind.INTEGER), "douze")
    assert error.value.messages[0] != "Enter a whole number."


def test_column_definitions_are_checked():
    validate_columns([{"key": "a"}, {"key": "b", "kind": "integer"}])
    for bad in ([], [{"key": "A"}], [{"key": "a"}, {"key": "a"}], [{"key": "a", "kind": "file"}]):
        with pytest.raises(ValidationError):
            validate_columns(bad)


def test_conditions():
    assert matches(None, None)
    assert matches({"question": "x", "equals": "yes"}, "yes")
    assert not matches({"question": "x", "equals": "yes"}, "no")
    assert matches({"question": "x", "equals": "a"}, ["a", "b"])
    assert matches({"question": "x", "in": ["a", "c"]}, "c")
    assert not matches({"question": "x", "in": ["a"]}, None)


@given(st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, places=4))
def test_decimal_answers_survive_a_second_cleaning(number):
    once = clean(q(QuestionKind.DECIMAL), str(number))
    assert clean(q(QuestionKind.DECIMAL), once) == once
    assert Decimal(once) == number


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_integer_answers_survive_a_second_cleaning(number):
    once = clean(q(QuestionKind.INTEGER), str(number))
    assert clean(q(QuestionKind.INTEGER), once) == once == number
