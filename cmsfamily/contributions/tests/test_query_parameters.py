"""A year in the ledger's query is a calendar year or a 400 that says what is wrong: `isdigit()`
accepted "²", which `int()` refuses, and `?year=-1` reached the database as a date out of range."""

import pytest

pytestmark = pytest.mark.django_db

BAD_YEARS = ["²", "-1", "-0", "0", "99999", "x", "2024.5"]


@pytest.mark.parametrize("year", BAD_YEARS)
def test_the_api_refuses_a_year_that_is_not_one(client, year):
    response = client.get("/api/contributions/", {"year": year})
    assert response.status_code == 400
    assert list(response.json()) == ["year"]


@pytest.mark.parametrize("year", BAD_YEARS)
@pytest.mark.parametrize("page", ["/contributions/", "/contributions/assessed/"])
def test_the_pages_show_the_filter_with_its_error(client_as, secretariat, page, year):
    response = client_as(secretariat).get(page, {"year": year})
    assert response.status_code == 400
    assert response.context["filter"].form.errors["year"]
    assert b"errorlist" in response.content


def test_a_year_still_filters(client_as, secretariat):
    client = client_as(secretariat)
    assert client.get("/api/contributions/", {"year": "2024"}).status_code == 200
    assert client.get("/contributions/", {"year": "2024"}).status_code == 200


@pytest.mark.parametrize("per_page", ["0", "-1", "1000000"])
@pytest.mark.parametrize("page", ["/contributions/", "/contributions/organisations/birdlife/"])
def test_the_tables_keep_the_rows_per_page_in_bounds(client, page, per_page):
    # django-tables2 reads ?per_page=: 0 divided by zero, -1 asked for page -1 (500s).
    response = client.get(page, {"per_page": per_page})
    assert response.status_code == 200
    assert 1 <= response.context["table"].paginator.per_page <= 200


def test_a_page_beyond_the_last_shows_the_last(client):
    response = client.get(
        "/contributions/organisations/birdlife/", {"per_page": "-1", "page": "99999999999999999999"}
    )
    assert response.status_code == 200


def test_live_filtering_still_swaps_in_nothing_matches(client_as, secretariat):
    # htmx swaps no 4xx answer: the live filter keeps its 200 and shows that nothing matches.
    response = client_as(secretariat).get(
        "/contributions/", {"year": "-1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.context["filter"].form.errors["year"]
