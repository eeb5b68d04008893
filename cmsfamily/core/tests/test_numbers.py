"""Numbers read in the language they were typed in, and shown back in it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from cmsfamily.core.numbers import (
    format_number,
    parse_number,
    parse_plain,
    read_number,
    reading_note,
)

LANGUAGES = ("en", "fr", "es")


@st.composite
def decimals(draw):
    places = draw(st.integers(min_value=0, max_value=10))
    return draw(st.decimals(min_value=-(10**14), max_value=10**14, places=places, allow_nan=False))


@pytest.mark.parametrize("grouping", [True, False])
@pytest.mark.parametrize("language", LANGUAGES)
@given(number=decimals())
def test_a_number_shown_in_a_language_reads_back_to_itself(language, grouping, number):
    shown = format_number(number, language, grouping=grouping)
    assert parse_number(shown, language) == number
    assert Decimal(str(parse_number(shown, language))) == number


@pytest.mark.parametrize("language", LANGUAGES)
@given(number=st.integers(min_value=-(10**14), max_value=10**14))
def test_a_whole_number_shown_in_a_language_reads_back_as_a_whole_number(language, number):
    shown = format_number(number, language)
    assert parse_number(shown, language, whole=True) == number


@given(number=decimals())
def test_the_plain_form_reads_back_to_itself(number):
    assert parse_plain(format(number, "f")) == number


@pytest.mark.parametrize(
    "text,language,expected",
    [
        ("1,234", "en", Decimal("1234")),
        ("1.234", "en", Decimal("1.234")),
        ("1.5", "en", Decimal("1.5")),
        ("1,234.5", "en", Decimal("1234.5")),
        ("1 234.5", "en", Decimal("1234.5")),  # a space is never a decimal separator
        ("-1,234.5", "en", Decimal("-1234.5")),
        ("1,234", "fr", Decimal("1.234")),
        ("1.234", "fr", Decimal("1.234")),
        ("1,5", "fr", Decimal("1.5")),
        ("1 234,5", "fr", Decimal("1234.5")),
        ("1\u202f234,5", "fr", Decimal("1234.5")),  # narrow no-break space, as French writes it
        ("1\u00a0234,5", "fr", Decimal("1234.5")),
        ("\u22121 234,5", "fr", Decimal("-1234.5")),  # the minus sign of word processors
        ("1.234", "es", Decimal("1234")),
        ("1,234", "es", Decimal("1.234")),
        ("1,5", "es", Decimal("1.5")),
        ("1.234,5", "es", Decimal("1234.5")),
        ("-0,5", "es", Decimal("-0.5")),
    ],
)
def test_text_is_read_in_its_language(text, language, expected):
    assert parse_number(text, language) == expected


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "text", ["1,2,3,4", "1..2", "12abc", "", "   ", "-", "1e5", "NaN", "Infinity", "12 34"]
)
def test_garbage_is_refused_with_a_clear_message(language, text):
    with pytest.raises(ValidationError) as error:
        parse_number(text, language)
    assert error.value.messages == ["Enter a number."]


@pytest.mark.parametrize(
    "text,language",
    [("1,5", "en"), ("1.234,5", "en"), ("1.5", "es"), ("1,234.5", "es"), ("1,234.5", "fr")],
)
def test_the_other_languages_separators_are_refused_not_guessed(text, language):
    with pytest.raises(ValidationError, match="Enter a number"):
        parse_number(text, language)


@pytest.mark.parametrize(
    "text,language", [("1,000", "fr"), ("1,000", "es"), ("1.000", "en"), ("2,025", "fr")]
)
def test_a_whole_number_is_never_read_with_three_decimals(text, language):
    """ "1,000" people on a French page are not 1 person: refused, with what to type."""
    with pytest.raises(ValidationError, match="has decimals in this language") as error:
        parse_number(text, language, whole=True)
    assert text.replace(text[-4], "") in error.value.messages[0]


@pytest.mark.parametrize("text,language", [("1,000", "en"), ("1.000", "es"), ("12,5", "fr")])
def test_a_whole_number_with_thousands_or_plain_decimals_is_read(text, language):
    assert parse_number(text, language, whole=True) == parse_number(text, language)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("text", ["1,234", "1.234", "-1,234"])
def test_ambiguous_text_can_be_refused(language, text):
    with pytest.raises(ValidationError, match="could be read two ways") as error:
        parse_number(text, language, ambiguous=False)
    assert error.value.code == "ambiguous"


@pytest.mark.parametrize("raw", [1234.5, "1234.5", Decimal("1234.5"), " 1234.5 "])
def test_the_plain_form(raw):
    assert parse_plain(raw) == Decimal("1234.5")
    assert read_number(raw, None) == Decimal("1234.5")


@pytest.mark.parametrize("raw", ["1,234", "1 234", "1.234,5", "1e3", "NaN", True, None, [1]])
def test_the_plain_form_refuses_separators_and_the_rest(raw):
    with pytest.raises(ValidationError, match="JSON number"):
        parse_plain(raw)


def test_numbers_are_numbers_whatever_the_language():
    """A numeric spreadsheet cell or a JSON number is never read as text: 1.234 stays 1.234."""
    assert read_number(1.234, "es") == Decimal("1.234")
    assert read_number(Decimal("1.234"), "es") == Decimal("1.234")
    assert read_number(1234, "fr") == 1234


@pytest.mark.parametrize(
    "number,language,shown",
    [
        (Decimal("1234.5"), "en", "1,234.5"),
        (Decimal("1234.5"), "fr", "1\u202f234,5"),
        (Decimal("1234.5"), "es", "1.234,5"),
        (Decimal("10.50"), "fr", "10,50"),  # the decimals stored are the decimals shown
        ("-0.0001", "es", "-0,0001"),
    ],
)
def test_shown_in_the_language(number, language, shown):
    assert format_number(number, language) == shown


@pytest.mark.parametrize(
    "text,value,language,note",
    [
        ("1,234", Decimal("1234"), "en", "“1,234” was read as 1234, a whole number"),
        ("1.234", Decimal("1.234"), "en", "“1.234” was read as 1 and 234 thousandths"),
        ("1.234", Decimal("1234"), "es", "“1.234” was read as 1234, a whole number"),
        ("1,234", Decimal("1.234"), "fr", "“1,234” was read as 1 and 234 thousandths"),
    ],
)
def test_how_an_ambiguous_entry_was_read(text, value, language, note):
    assert reading_note(text, value, language).startswith(note)


@pytest.mark.parametrize("text", ["1234", "1,5", "1 234", "12,345.6", "1.2345", 1234])
def test_no_note_when_the_entry_reads_one_way(text):
    assert reading_note(text, Decimal(1), "en") is None


@settings(max_examples=500)
@given(
    text=st.from_regex(r"-?[0-9]{1,4}([.,\u0020\u202f][0-9]{1,4}){0,3}", fullmatch=True),
    first=st.sampled_from(LANGUAGES),
    second=st.sampled_from(LANGUAGES),
)
def test_spreadsheet_text_read_in_two_languages_never_means_two_numbers(text, first, second):
    """Text whose language is uncertain (a spreadsheet cell) is read in one language or refused:
    where two languages both read it, they read the same number."""
    try:
        one = parse_number(text, first, ambiguous=False)
        other = parse_number(text, second, ambiguous=False)
    except ValidationError:
        return
    assert one == other


@pytest.mark.parametrize(("text", "expected"), [("1234.5", "1234.5"), ("0.25", "0.25")])
def test_spreadsheet_text_in_the_plain_form_is_read_in_every_language(text, expected):
    for language in LANGUAGES:
        assert parse_number(text, language, ambiguous=False) == Decimal(expected)


@pytest.mark.parametrize("text", ["1 000.000", "1 000,000", "12 345.678"])
def test_spreadsheet_text_grouped_by_a_space_and_a_three_digit_tail_is_refused(text):
    """'1 000.000' is 1000 in English and 1000000 in Spanish (found by the property above)."""
    for language in LANGUAGES:
        with pytest.raises(ValidationError):
            parse_number(text, language, ambiguous=False)
