"""The site-wide search reads `?q=` through a form: a NUL character is a 400 that says so, where
PostgreSQL refused the query (a 500 found by the URL crawl)."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_nul_character_in_the_search_is_refused(client):
    response = client.get("/search/", {"q": "Kenya\x00"})
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()


def test_the_search_still_finds(client):
    response = client.get("/search/", {"q": "Kenya"})
    assert response.status_code == 200
    assert response.context["total"] >= 1
