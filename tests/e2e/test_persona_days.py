"""Each persona's day, from the start page, clicking as a person would, without a dead end.

Kenya's NFP drafts, leaves mid-typing, comes back to find everything saved and submits; the CMS
Secretariat is emailed, reviews the answers with a comment, returns the report with a note,
then accepts and publishes the corrected one; the public reads the published answers (and not
the returned version); BirdLife's focal point opens its Partner report and finds Partner
questions. After the start page, the only addresses typed are ones a person would type.
"""

import re
import time

import pytest
from django.core import mail
from django.db import OperationalError
from playwright.sync_api import expect

from cmsfamily.reporting.models import Answer, Submission
from cmsfamily.reporting.testing import build_template, open_cycle
from tests.e2e.helpers import describe_violations, screenshot, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OFFICER = "officer@cms.example"
KENYA_NFP = "nfp@kenya.example"
DEPARTMENTS = "Which departments are involved?"
NOTE = "Please name the department in full."
COMMENT = "Which ministry is this? Please give its full name."


def _stored(submission, code, expected, timeout=10.0):
    """The stored answer once it is `expected` (a save may still be on its way)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = (
                Answer.objects.filter(submission=submission, question__code=code)
                .values_list("value", flat=True)
                .first()
            )
        except OperationalError:  # SQLite's test database, locked while the save writes
            value = None
        if value == expected or time.monotonic() > deadline:
            return value
        time.sleep(0.25)


def _start_page(page, live_server, axe, name, heading):
    """The start page as a person types its address: the persona's block, and no axe problem."""
    page.goto(f"{live_server.url}/")
    expect(page.locator("main")).to_contain_text(heading)
    violations = axe(page)
    assert not violations, f"start page of {name}:\n{describe_violations(violations)}"
    screenshot(page, f"day-{name}-start-1280")


def _mail_to(address, subject_part):
    return [m for m in mail.outbox if address in m.to and subject_part in m.subject]


@pytest.fixture
def kenya(registry):
    _template, version = build_template()
    return Submission.objects.get(cycle=open_cycle(version), party__code="KE")


def _kenya_submits(page, live_server, login, axe, *, departments):
    """Kenya's NFP, from the start page: opens the report due, answers, leaves at once, submits."""
    login(page, live_server, "nfp_kenya")
    _start_page(page, live_server, axe, "nfp-kenya", "Kenya: your Party's work")
    due = page.locator("main section.desk").filter(has_text="Reports due")
    row = due.get_by_role("row", name=re.compile("Test cycle"))
    expect(row).to_contain_text("days overdue")
    expect(row).to_contain_text(re.compile(r"Not started|Draft"))
    due.get_by_role("link", name="Test cycle").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kenya")
    expect(page.locator("#problems")).to_contain_text("This question needs an answer.")
    page.get_by_role("link", name="I General").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("General")
    field = page.get_by_label(re.compile(re.escape(DEPARTMENTS)))
    field.fill(departments)
    # Leaving at once by another section's link: the answer is saved on the way out.
    page.locator(".section-nav").get_by_role("link", name="II", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Appendix I species")
    return page


def test_the_nfp_of_kenya_drafts_leaves_mid_typing_comes_back_and_submits(
    page, live_server, registry, login, axe, kenya
):
    _kenya_submits(page, live_server, login, axe, departments="Ministry of Environment")
    assert _stored(kenya, "t.departments", "Ministry of Environment") == "Ministry of Environment"
    screenshot(page, "day-nfp-kenya-left-mid-typing-1280")

    # Back to the report, then to section I: everything typed is there.
    page.get_by_role("link", name="Back to the report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kenya")
    page.get_by_role("link", name="I General").click()
    expect(page.get_by_label(re.compile(re.escape(DEPARTMENTS)))).to_have_value(
        "Ministry of Environment"
    )

    # What is still required: the obstacles question for each taxonomic group.
    page.locator(".section-nav").get_by_role("link", name="II", exact=True).click()
    page.get_by_role("group", name="Birds").get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Aquatic mammals").get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save the section").click()
    expect(page.locator(".messages")).to_contain_text("Section II saved.")
    page.get_by_role("link", name="Back to the report").click()
    expect(page.locator("main")).to_contain_text("Nothing stops this report from being submitted.")
    screenshot(page, "day-nfp-kenya-ready-1280")
    page.get_by_role("button", name="Submit the report").click()
    expect(page.locator(".messages")).to_contain_text("The report was submitted.")
    expect(page.locator(".status")).to_have_text("Submitted")
    expect(page.get_by_role("link", name="Version 1")).to_be_visible()
    assert _mail_to(OFFICER, "Report submitted"), [(m.to, m.subject) for m in mail.outbox]

    # Back on the start page, the report shows as submitted.
    page.goto(f"{live_server.url}/")
    due = page.locator("main section.desk").filter(has_text="Reports due")
    expect(due.get_by_role("row", name=re.compile("Test cycle"))).to_contain_text("Submitted")
    screenshot(page, "day-nfp-kenya-submitted-1280")
    sign_out(page)
