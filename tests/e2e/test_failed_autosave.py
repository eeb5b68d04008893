"""After an autosave that failed (the server refused the answers, or did not answer), the page
shows what the person chose and says that it is not saved: a "No answer yet" choice stays
chosen, nothing is cleared behind the person's back."""

import re

import pytest
from playwright.sync_api import expect

from cmsfamily.reporting.models import Answer, Submission
from cmsfamily.reporting.testing import build_template, open_cycle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOT_SAVED = re.compile("^Not saved")


@pytest.fixture
def kenya_general(registry):
    _template, version = build_template()
    kenya = Submission.objects.get(cycle=open_cycle(version), party__code="KE")
    return kenya, version.sections.get(number="I")


def _open(page, live_server, login, kenya, general):
    login(page, live_server, "nfp_kenya")
    page.goto(f"{live_server.url}/reports/submissions/{kenya.pk}/sections/{general.pk}/")
    return page.get_by_role("group", name=re.compile("^1\\.?\\d* ?Priority|Priority"))


def _no_answer(page, question):
    return page.get_by_role("group", name=re.compile(question)).get_by_label("No answer yet")


def test_a_refused_save_keeps_no_answer_yet_chosen_and_says_not_saved(
    page, live_server, login, kenya_general
):
    kenya, general = kenya_general
    _open(page, live_server, login, kenya, general)
    expect(_no_answer(page, "Priority")).to_be_checked()
    expect(_no_answer(page, "national committee")).to_be_checked()
    page.get_by_label("Staff").fill("many")  # not a number: the server refuses the section
    page.get_by_label("Staff").blur()
    expect(page.locator("#form-problems")).to_be_visible(timeout=10_000)
    expect(page.locator("#save-status")).to_have_text(NOT_SAVED)
    expect(_no_answer(page, "Priority")).to_be_checked()
    expect(_no_answer(page, "national committee")).to_be_checked()
    assert not Answer.objects.filter(submission=kenya, question__code="t.priority").exists()
    # The page still saves once the answer is corrected, and says so.
    page.get_by_label("Staff").fill("12")
    expect(page.locator("#save-status")).to_have_text("Unsaved changes")
    page.get_by_label("Staff").blur()
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)
    expect(_no_answer(page, "Priority")).to_be_checked()


def test_a_save_the_server_did_not_answer_keeps_the_choice_and_says_not_saved(
    page, live_server, login, kenya_general
):
    kenya, general = kenya_general
    _open(page, live_server, login, kenya, general)
    page.route(
        re.compile(f"/sections/{general.pk}/$"),
        lambda route: (
            route.fulfill(status=500, body="Server Error")
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    priority = page.get_by_role("group", name=re.compile("Priority"))
    priority.get_by_label("High").check()
    expect(page.locator("#save-status")).to_have_text(NOT_SAVED, timeout=10_000)
    expect(priority.get_by_label("High")).to_be_checked()
    expect(_no_answer(page, "national committee")).to_be_checked()
    assert not Answer.objects.filter(submission=kenya, question__code="t.priority").exists()
    # Back to "No answer yet" while the server still fails: what is seen is what is stored.
    priority.get_by_label("No answer yet").check()
    expect(page.locator("#save-status")).to_have_text(NOT_SAVED, timeout=10_000)
    expect(priority.get_by_label("No answer yet")).to_be_checked()
