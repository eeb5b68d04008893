"""The formula guard itself: which texts a spreadsheet would run, and that guarding loses
nothing (the export of a text reads back as that text)."""

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from cmsfamily.core import spreadsheets


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example","x")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\rplain",
        "  =1+1",
        "\n=cmd|' /C calc'!A0",
    ],
)
def test_formula_like_texts_are_quoted_in_csv_and_text_in_xlsx(text):
    assert spreadsheets.csv_safe(text) == "'" + text
    book = Workbook()
    cell = spreadsheets.put(book.active, 1, 1, text)
    assert cell.data_type == "s" and cell.quotePrefix


@pytest.mark.parametrize(
    "value", ["-5", "-2.50", "+3", "-1,234.5", "12%", -7, 3.5, "a-b", "", None]
)
def test_numbers_and_plain_texts_are_left_as_they_are(value):
    assert spreadsheets.csv_safe(value) == value
    assert not spreadsheets.formula_like(value)


@given(st.text())
def test_a_guarded_csv_text_reads_back_as_it_was(text):
    assert spreadsheets.csv_unquote(spreadsheets.csv_safe(text)) == text
    assert not spreadsheets.formula_like(spreadsheets.csv_safe(text))


def test_a_negative_number_stays_a_number_in_the_xlsx():
    content = spreadsheets.table_xlsx(["n", "t"], [[-2, "-2+3"]], title="t")
    sheet = load_workbook(io.BytesIO(content)).active
    number, text = sheet[2]
    assert (number.value, number.data_type) == (-2, "n")
    assert (text.value, text.data_type, text.quotePrefix) == ("-2+3", "s", True)
