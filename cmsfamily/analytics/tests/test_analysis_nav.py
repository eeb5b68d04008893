"""The analysis pages are reached from the main menu and from each other."""

import pytest


@pytest.mark.parametrize(
    "path", ["/analysis/", "/analysis/targets/", "/analysis/gaps/", "/analysis/indicators/"]
)
def test_each_analysis_page_links_the_others_and_the_menu_marks_analysis(client, db, path):
    html = client.get(path).content.decode()
    assert 'href="/analysis/targets/"' in html and 'href="/analysis/gaps/"' in html
    assert 'href="/analysis/indicators/"' in html
    assert 'href="/analysis/" aria-current="page">Analysis</a>' in html
    assert 'href="/analysis/duties/"' not in html  # the duties are not the public's


def test_the_duties_are_offered_to_who_may_read_them(client_as, secretariat, nfp_kenya):
    for user in (secretariat, nfp_kenya):
        assert 'href="/analysis/duties/"' in client_as(user).get("/analysis/").content.decode()
