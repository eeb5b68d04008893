"""Nothing typed is lost when the page is left at once: by a link to another section, by
another page, or by closing the tab; and the status says the truth meanwhile."""

import re
import time

import pytest
from django.db import OperationalError
from playwright.sync_api import expect

from cmsfamily.reporting.models import Answer, Submission
from cmsfamily.reporting.testing import build_template, open_cycle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _stored(submission, code, expected, timeout=10.0):
    """The stored answer once it is `expected`, waiting for a save still on its way (a beacon is
    answered after the page has gone); what is stored after `timeout` otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = (
                Answer.objects.filter(submission=submission, question__code=code)
                .values_list("value", flat=True)
                .first()
            )
        except OperationalError:  # SQLite's shared test database, locked while the save writes
            value = None
        if value == expected or time.monotonic() > deadline:
            return value
        time.sleep(0.25)


@pytest.fixture
def kenya_sections(registry):
    _template, version = build_template()
    kenya = Submission.objects.get(cycle=open_cycle(version), party__code="KE")
    return kenya, version.sections.get(number="I"), version.sections.get(number="II")


def _open(page, live_server, login, kenya, general):
    login(page, live_server, "nfp_kenya")
    page.goto(f"{live_server.url}/reports/submissions/{kenya.pk}/sections/{general.pk}/")
    return page.get_by_label(re.compile("Which departments are involved"))


def test_typing_then_following_a_section_link_at_once_saves(
    page, live_server, login, kenya_sections
):
    kenya, general, species = kenya_sections
    field = _open(page, live_server, login, kenya, general)
    field.fill("Ministry of Environment")
    expect(page.locator("#save-status")).to_have_text("Unsaved changes")
    page.locator(".section-nav").get_by_role("link", name="II", exact=True).click()
    page.wait_for_url(re.compile(f"/sections/{species.pk}/"))
    assert _stored(kenya, "t.departments", "Ministry of Environment") == "Ministry of Environment"


def test_typing_then_closing_the_tab_saves(page, live_server, login, kenya_sections):
    kenya, general, _species = kenya_sections
    field = _open(page, live_server, login, kenya, general)
    field.fill("Kenya Wildlife Service")
    page.close(run_before_unload=True)
    assert _stored(kenya, "t.departments", "Kenya Wildlife Service") == "Kenya Wildlife Service"


def test_typing_then_going_elsewhere_saves_and_the_status_was_true(
    page, live_server, login, kenya_sections
):
    kenya, general, _species = kenya_sections
    field = _open(page, live_server, login, kenya, general)
    field.fill("State Department for Wildlife")
    field.blur()
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)
    field.fill("State Department for Wildlife and Tourism")
    page.goto(f"{live_server.url}/reports/")
    expected = "State Department for Wildlife and Tourism"
    assert _stored(kenya, "t.departments", expected) == expected
