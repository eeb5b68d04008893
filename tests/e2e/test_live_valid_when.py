"""A "valid when" error and the list of answers that will not be included follow the answers live
on the section page (reporting.js on the data the page sends), in the reader's language."""

import pytest
from playwright.sync_api import expect

from cmsfamily.reporting import services
from cmsfamily.reporting.models import Item, Submission
from cmsfamily.reporting.testing import add_chain_section, build_template, open_cycle
from tests.e2e.helpers import watch_csp_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MESSAGE = {
    "en": "The protected area is part of the total.",
    "fr": "La superficie protégée fait partie du total.",
}


@pytest.fixture
def report(registry):
    _template, version = build_template()
    add_chain_section(version)
    services.set_item_conditions(
        item=Item.objects.get(section__version=version, question__code="t.area-protected"),
        by=None,
        valid_when=". <= ${t.area-total}",
        valid_message=MESSAGE,
    )
    cycle = open_cycle(version)
    return Submission.objects.get(cycle=cycle, party__code="KE"), version


def _open(page, live_server, login, report, number, language="en"):
    submission, version = report
    section = version.sections.get(number=number)
    login(page, live_server, "nfp_kenya")
    if language != "en":
        switcher = page.locator("form.lang")
        switcher.get_by_label("Language").select_option(value=language)
        switcher.get_by_role("button").click()
        expect(page.locator("html")).to_have_attribute("lang", language)
    # What is live is the page's own doing: the autosave's answers are kept out of the way.
    page.route(
        "**/sections/*/",
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )
    page.goto(f"{live_server.url}/reports/submissions/{submission.pk}/sections/{section.pk}/")


def _choose(page, code, value):
    page.locator(f'[name="{code}@"][value="{value}"]').check()


def _valid_error(page):
    return page.locator("#q-t-area-protected .error-text:visible")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_valid_when_error_appears_and_clears_as_the_answers_change(
    page, live_server, login, report, language
):
    violations = watch_csp_violations(page)
    _open(page, live_server, login, report, "I", language)
    total = page.locator('[name="t.area-total@"]')
    protected = page.locator('[name="t.area-protected@"]')
    total.fill("10")
    protected.fill("20")
    error = _valid_error(page)
    expect(error).to_have_text(MESSAGE[language])
    described = protected.get_attribute("aria-describedby") or ""
    assert error.get_attribute("id") in described.split()
    expect(protected).to_have_attribute("aria-invalid", "true")
    # a larger total makes the same answer valid: the error goes, live
    page.locator('[name="t.area-total@"]').fill("30")
    expect(_valid_error(page)).to_have_count(0)
    expect(page.locator('[name="t.area-protected@"]')).not_to_have_attribute("aria-invalid", "true")
    # and comes back when the total drops again (a decimal typed as the page's language writes it)
    page.locator('[name="t.area-total@"]').fill("12,5" if language == "fr" else "12.5")
    expect(_valid_error(page)).to_have_text(MESSAGE[language])
    assert violations == []


@pytest.mark.parametrize(
    "language,said",
    [
        (
            "en",
            "Your answer to IV.2 will not be included in the report: IV.2 is shown only when"
            " IV.1 is Yes.",
        ),
        (
            "fr",
            "Votre réponse à IV.2 ne sera pas incluse dans le rapport : IV.2 n’est affichée que si"
            " IV.1 est Oui.",
        ),
    ],
)
def test_the_list_of_answers_left_out_follows_the_answers(
    page, live_server, login, report, language, said
):
    violations = watch_csp_violations(page)
    _open(page, live_server, login, report, "IV", language)
    panel = page.locator("#left-out")
    expect(panel).to_be_hidden()
    assert page.locator("#left-out-region").get_attribute("aria-live") == "polite"
    _choose(page, "c.root", "yes")
    _choose(page, "c.one", "yes")
    expect(panel).to_be_hidden()
    _choose(page, "c.root", "no")  # hides c.one, which holds an answer
    expect(panel).to_be_visible()
    expect(panel.locator("li")).to_have_text([said])
    _choose(page, "c.root", "yes")
    expect(panel).to_be_hidden()
    _choose(page, "c.one", "yes")
    _choose(page, "c.two", "yes")
    page.locator('[name="c.three@"]').fill("deep")
    _choose(page, "c.root", "no")  # the whole chain: each of its three answers
    expect(panel.locator("li")).to_have_count(3)
    assert violations == []
