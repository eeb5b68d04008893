"""Conditions follow the answers live on the section page (conditions.js on the nodes and answers
the page sends): multiple choice in every order, a chain of three, a required-when."""

import itertools

import pytest
from playwright.sync_api import expect

from cmsfamily.reporting.models import Submission
from cmsfamily.reporting.testing import add_chain_section, build_template, open_cycle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def report(registry):
    _template, version = build_template()
    add_chain_section(version)
    cycle = open_cycle(version)
    return Submission.objects.get(cycle=cycle, party__code="KE"), version


def _open(page, live_server, login, report, number):
    submission, version = report
    section = version.sections.get(number=number)
    login(page, live_server, "nfp_kenya")
    page.goto(f"{live_server.url}/reports/submissions/{submission.pk}/sections/{section.pk}/")


def _question(page, code):
    return page.locator(f'.question[data-code="{code}"]')


def _choose(page, code, value):
    page.locator(f'[name="{code}@"][value="{value}"]').check()


def test_ticking_three_options_in_every_order_keeps_each_dependent_right(
    page, live_server, login, report
):
    _open(page, live_server, login, report, "I")
    fishing, both = _question(page, "c.fishing"), _question(page, "c.both")
    expect(fishing).to_be_hidden()
    for order in itertools.permutations(["bycatch", "habitat", "turbines"]):
        ticked: set[str] = set()
        for option in order:
            page.locator(f'[name="t.threats@"][value="{option}"]').check()
            ticked.add(option)
            if "bycatch" in ticked:
                expect(fishing).to_be_visible()
            else:
                expect(fishing).to_be_hidden()
            if {"habitat", "turbines"} <= ticked:
                expect(both).to_be_visible()
            else:
                expect(both).to_be_hidden()
        for option in order:
            page.locator(f'[name="t.threats@"][value="{option}"]').uncheck()
            ticked.discard(option)
            if "bycatch" in ticked:
                expect(fishing).to_be_visible()
            else:
                expect(fishing).to_be_hidden()
            if {"habitat", "turbines"} <= ticked:
                expect(both).to_be_visible()
            else:
                expect(both).to_be_hidden()


def test_a_chain_of_three_hides_every_descendant_and_restores_them(
    page, live_server, login, report
):
    _open(page, live_server, login, report, "IV")
    chain = [_question(page, code) for code in ("c.one", "c.two", "c.three")]
    for question in chain:
        expect(question).to_be_hidden()
    _choose(page, "c.root", "yes")
    _choose(page, "c.one", "yes")
    _choose(page, "c.two", "yes")
    page.locator('[name="c.three@"]').fill("deep answer")
    for question in chain:
        expect(question).to_be_visible()
    _choose(page, "c.root", "no")
    for question in chain:
        expect(question).to_be_hidden()
    _choose(page, "c.root", "yes")
    for question in chain:
        expect(question).to_be_visible()
    expect(page.locator('[name="c.three@"]')).to_have_value("deep answer")


def test_a_required_when_that_stops_holding_removes_the_marker_live(
    page, live_server, login, report
):
    _open(page, live_server, login, report, "IV")
    marker = _question(page, "c.because").locator(".required")
    expect(marker).to_be_hidden()
    _choose(page, "c.root", "yes")
    _choose(page, "c.one", "yes")
    _choose(page, "c.two", "no")
    expect(marker).to_be_visible()
    _choose(page, "c.two", "yes")
    expect(marker).to_be_hidden()
    _choose(page, "c.two", "no")
    expect(marker).to_be_visible()
    # c.two hidden by its parent: its "no" no longer makes c.because required
    _choose(page, "c.one", "no")
    expect(marker).to_be_hidden()


@pytest.fixture
def gated_report(registry):
    """The report above, c.three shown and c.because required when c.two is not answered (set
    before the cycle opens: a frozen version's structure is read once)."""
    from cmsfamily.reporting.models import Item
    from cmsfamily.reporting.services.conditions import place

    _template, version = build_template()
    add_chain_section(version)
    items = {
        item.question.code: item
        for item in Item.objects.filter(
            section__version=version, question__code__in=["c.three", "c.because"]
        )
    }
    assert (
        place(
            version,
            [
                ("c", items["c.three"], "shown_when", "${c.two} = ''"),
                ("c", items["c.because"], "required_when", "${c.two} = ''"),
            ],
        )
        == []
    )
    for item in items.values():
        item.save()
    cycle = open_cycle(version)
    return Submission.objects.get(cycle=cycle, party__code="KE"), version


def test_a_not_answered_gate_over_a_hidden_question_opens_live(
    page, live_server, login, gated_report
):
    """c.two hidden by c.one counts as not answered, whatever it still holds: c.three shows and
    c.because is marked required at once."""
    _open(page, live_server, login, gated_report, "IV")
    three = _question(page, "c.three")
    marker = _question(page, "c.because").locator(".required")
    _choose(page, "c.root", "yes")
    _choose(page, "c.one", "yes")
    expect(three).to_be_visible()  # c.two shown, not answered
    expect(marker).to_be_visible()
    _choose(page, "c.two", "yes")
    expect(three).to_be_hidden()
    expect(marker).to_be_hidden()
    _choose(page, "c.one", "no")  # c.two hidden, its "yes" kept: counts as not answered
    expect(_question(page, "c.two")).to_be_hidden()
    expect(three).to_be_visible()
    expect(marker).to_be_visible()
    _choose(page, "c.one", "yes")
    expect(three).to_be_hidden()
    expect(marker).to_be_hidden()
