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


def _submitted(kenya, departments="Ministry of Environment"):
    """Kenya's report answered and submitted, as its NFP would (the services the pages call)."""
    from cmsfamily.accounts.models import User
    from cmsfamily.reporting import services
    from cmsfamily.reporting.services import Edit

    nfp = User.objects.get(email=KENYA_NFP)
    edits = [
        Edit("t.departments", "", departments, 0),
        Edit("t.obstacles", "birds", "no", 0),
        Edit("t.obstacles", "aquatic-mammals", "no", 0),
    ]
    assert services.save_answers(submission=kenya, edits=edits, by=nfp).ok
    services.submit(submission=kenya, by=nfp)
    return nfp


def test_the_officer_is_told_reviews_returns_accepts_and_publishes(
    page, live_server, registry, login, axe, kenya
):
    _submitted(kenya)
    assert _mail_to(OFFICER, "Report submitted"), [(m.to, m.subject) for m in mail.outbox]

    # The officer finds Kenya's report in the review queue and reads its answers.
    login(page, live_server, "secretariat")
    _start_page(page, live_server, axe, "secretariat", "Review queue")
    waiting = page.get_by_role("table", name=re.compile("Reports waiting for review"))
    expect(waiting.get_by_role("row", name=re.compile("Kenya"))).to_contain_text("first submission")
    waiting.get_by_role("link", name="Kenya").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kenya")
    answers = page.locator("#answers")
    expect(answers).to_contain_text(DEPARTMENTS)
    expect(answers).to_contain_text("Ministry of Environment")

    # A review comment beside the answer.
    answer = answers.locator("dt", has_text=DEPARTMENTS).locator("xpath=following-sibling::dd[1]")
    answer.get_by_text("Comment on this answer").click()
    answer.get_by_label("Comment").fill(COMMENT)
    answer.get_by_role("button", name="Add the comment").click()
    expect(page.locator(".messages")).to_contain_text("Your comment was added.")
    expect(page.locator("#answers")).to_contain_text(COMMENT)
    screenshot(page, "day-secretariat-review-1280")

    # Returned with a note, through the Return form that names the report.
    page.get_by_role("link", name="Return to Kenya for changes…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Return the report of Kenya")
    page.get_by_label("What should the reporter change?").fill(NOTE)
    page.get_by_role("button", name="Return the report to Kenya").click()
    expect(page.locator(".status")).to_have_text("Returned for changes")
    assert _mail_to(KENYA_NFP, "returned"), [(m.to, m.subject) for m in mail.outbox]
    sign_out(page)

    # Kenya's NFP reads the note on the start page, reads the comment, corrects and resubmits.
    login(page, live_server, "nfp_kenya")
    _start_page(page, live_server, axe, "nfp-kenya-returned", "Returned to you by the Secretariat")
    desk = page.locator("main section.desk").filter(has_text="Returned to you by the Secretariat")
    expect(desk).to_contain_text(NOTE)
    screenshot(page, "day-nfp-kenya-returned-1280")
    desk.locator("ul.tasks").get_by_role("link", name="Test cycle").click()
    expect(page.get_by_role("note")).to_contain_text(NOTE)
    page.get_by_role("note").get_by_role(
        "link", name="Read the Secretariat's comment beside your answers (version 1)"
    ).click()
    expect(page.locator("main")).to_contain_text(COMMENT)
    screenshot(page, "day-nfp-kenya-reads-the-comment-1280")
    page.get_by_role("navigation", name="Breadcrumbs").get_by_role("link", name="Kenya").click()
    page.get_by_role("link", name="I General").click()
    page.get_by_label(re.compile(re.escape(DEPARTMENTS))).fill("Ministry of Tourism and Wildlife")
    page.get_by_role("button", name="Save the section").click()
    expect(page.locator(".messages")).to_contain_text("Section I saved.")
    page.get_by_role("link", name="Back to the report").click()
    page.get_by_role("button", name="Submit the report").click()
    expect(page.locator(".messages")).to_contain_text("The report was submitted.")
    expect(page.get_by_role("link", name="Version 2")).to_be_visible()
    assert _mail_to(OFFICER, "Report resubmitted"), [(m.to, m.subject) for m in mail.outbox]
    sign_out(page)

    # The officer accepts (asked first) and publishes (asked first); the reporter is emailed.
    login(page, live_server, "secretariat")
    page.goto(f"{live_server.url}/")
    waiting = page.get_by_role("table", name=re.compile("Reports waiting for review"))
    expect(waiting.get_by_role("row", name=re.compile("Kenya"))).to_contain_text(
        "resubmitted (version 2)"
    )
    waiting.get_by_role("link", name="Kenya").click()
    expect(page.locator("#answers")).to_contain_text("Ministry of Tourism and Wildlife")
    page.get_by_role("link", name="Accept the report…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accept the report of Kenya")
    screenshot(page, "day-secretariat-confirm-accept-1280")
    page.get_by_role("button", name="Accept the report of Kenya").click()
    expect(page.locator(".status")).to_have_text("Accepted")
    page.get_by_role("link", name="Publish the report…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Publish the report of Kenya")
    page.get_by_role("button", name="Publish the report of Kenya").click()
    expect(page.locator(".status")).to_have_text("Published")
    screenshot(page, "day-secretariat-published-1280")
    assert [m for m in mail.outbox if KENYA_NFP in m.to and "publish" in m.subject.lower()], [
        (m.to, m.subject) for m in mail.outbox
    ]
    sign_out(page)


def test_the_public_reads_kenyas_published_answers_and_not_the_returned_version(
    page, live_server, registry, axe, kenya
):
    from cmsfamily.accounts.models import User
    from cmsfamily.reporting import services
    from cmsfamily.reporting.services import Edit

    nfp = _submitted(kenya, departments="Ministry of Environment")
    officer = User.objects.get(email=OFFICER)
    services.return_submission(submission=kenya, by=officer, note=NOTE)
    edits = [Edit("t.departments", "", "Ministry of Tourism and Wildlife", 1)]
    assert services.save_answers(submission=kenya, edits=edits, by=nfp).ok
    services.submit(submission=kenya, by=nfp)
    services.accept(submission=kenya, by=officer)
    services.publish(submission=kenya, by=officer)

    _start_page(page, live_server, axe, "anonymous", "Latest published reports")
    latest = page.locator("section").filter(
        has=page.get_by_role("heading", name="Latest published reports")
    )
    latest.get_by_role("link", name=re.compile("Kenya — Test cycle")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kenya")
    published = page.locator(".published-answers")
    expect(published).to_contain_text("Version 2")
    expect(published).to_contain_text(DEPARTMENTS)
    expect(published).to_contain_text("Ministry of Tourism and Wildlife")
    expect(page.locator("main")).not_to_contain_text("Ministry of Environment")
    expect(page.locator("main")).not_to_contain_text(NOTE)
    expect(page.get_by_role("link", name="Version 1")).to_have_count(0)
    screenshot(page, "day-anonymous-published-report-1280")
    # Typing the returned version's address leads nowhere public.
    response = page.goto(f"{page.url.rstrip('/')}/versions/1/")
    assert response is not None and response.status in (403, 404)
    expect(page.locator("main")).not_to_contain_text("Ministry of Environment")


def test_birdlife_opens_its_partner_report_and_finds_partner_questions(
    page, live_server, registry, login, axe
):
    from cmsfamily.reporting.demo import load_reporting_demo

    load_reporting_demo()
    login(page, live_server, "birdlife_fp")
    _start_page(page, live_server, axe, "birdlife", "BirdLife International")
    desk = page.locator("main section.desk").filter(has_text="Your report")
    expect(desk).to_contain_text("your organisation's work")
    desk.get_by_role("table").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("BirdLife")
    page.get_by_role("link", name=re.compile(r"^A Your Organisaton")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Focus on the CMS Agenda")
    main = page.locator("main")
    expect(main).to_contain_text("What do you see as your organisation’s main expertise area/s?")
    expect(main).not_to_contain_text("Which authority prepared this report?")
    screenshot(page, "day-birdlife-partner-section-1280")
    sign_out(page)
