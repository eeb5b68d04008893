"""Property tests of the `listed` and `range_states` parsers: what is written is read back."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from cmsfamily.species import importing
from cmsfamily.species.countries import current_codes
from cmsfamily.species.tests.helpers import row, table

listing_dates = st.sets(
    st.dates(min_value=importing.EARLIEST_LISTING, max_value=date(2024, 12, 31)), max_size=4
)


@given(first=listing_dates, second=listing_dates)
def test_listing_dates_are_read_back_as_written(first, second):
    appendices = {"I": sorted(first), "II": sorted(second)}
    listed = "; ".join(
        f"{appendix}: {', '.join(day.isoformat() for day in days)}"
        for appendix, days in appendices.items()
        if days
    )
    [parsed] = importing.read(table(row(appendix="I/II", listed=listed))).rows
    for appendix, days in appendices.items():
        read_back = [each.listed_on for each in parsed.listings if each.appendix == appendix]
        assert read_back == (days or [None])


@given(codes=st.lists(st.sampled_from(sorted(current_codes())), unique=True, max_size=30))
def test_range_states_are_read_back_as_written(codes):
    [parsed] = importing.read(table(row(range_states=";".join(codes)))).rows
    assert parsed.range_states == codes


@given(text=st.text(max_size=40))
def test_no_text_in_the_dates_column_breaks_the_reader(text):
    result = importing.read(table(row(appendix="I/II", listed=text)))
    assert result.ok != bool(result.problems)
    for problem in result.problems:
        assert problem.line >= 0 and problem.message
