"""A national report in the browser: Kenya's NFP drafts (autosave, a conflict, the validation
panel) and submits; the CMS Secretariat returns it; the NFP corrects and resubmits; the
Secretariat compares the versions, accepts and publishes; the timeliness table counts it."""

import re

import pytest
from playwright.sync_api import expect

from cmsfamily.accounts.models import User
from cmsfamily.reporting import services
from cmsfamily.reporting.models import Submission
from cmsfamily.reporting.testing import build_template, open_cycle
from tests.e2e.helpers import describe_violations, screenshots, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _checked(page, axe, name):
    violations = axe(page)
    assert not violations, f"{name}:\n{describe_violations(violations)}"
    screenshots(page, f"report-{name}")


def test_a_report_from_draft_to_publication(page, live_server, registry, login, axe):
    _template, version = build_template()
    cycle = open_cycle(version)
    kenya = Submission.objects.get(cycle=cycle, party__code="KE")
    general = version.sections.get(number="I")
    species = version.sections.get(number="II")
    base = live_server.url

    login(page, live_server, "nfp_kenya")
    page.goto(f"{base}/reports/")
    page.get_by_role("link", name="Test cycle").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kenya")

    # Section I: an answer is autosaved as soon as it changes.
    page.goto(f"{base}/reports/submissions/{kenya.pk}/sections/{general.pk}/")
    page.get_by_label(re.compile("Which departments are involved")).fill("Ministry of Environment")
    page.get_by_label(re.compile("Which departments are involved")).blur()
    expect(page.locator("#save-status")).to_contain_text("Saved at", timeout=10_000)
    _checked(page, axe, "section-edit")

    # Someone else saves the same answer meanwhile: saving the stale page shows both values.
    services.save_answers(
        submission=kenya,
        edits=[services.Edit("t.staff", "", "5", 0)],
        by=User.objects.get(email="nfp@kenya.example"),
    )
    page.locator('[name="t.staff@"]').fill("6")
    page.get_by_role("button", name="Save the section").click()
    expect(page.locator(".conflict")).to_contain_text("5")
    expect(page.locator(".error-summary")).to_contain_text("Someone else changed these answers")
    page.get_by_label("Keep my answer").check()
    page.get_by_role("button", name="Save the section").click()
    expect(page.locator(".messages")).to_contain_text("Section I saved.")

    # Submitting too early lists what is missing, with links to the questions.
    page.goto(f"{base}/reports/submissions/{kenya.pk}/")
    page.get_by_role("button", name="Submit the report").click()
    expect(page.locator(".messages")).to_contain_text("problems remain")
    expect(page.locator("#problems")).to_contain_text("This question needs an answer.")
    _checked(page, axe, "submission-problems")

    # Section II repeats for each taxonomic group; "actions" appears when obstacles = yes.
    page.goto(f"{base}/reports/submissions/{kenya.pk}/sections/{species.pk}/")
    birds = page.get_by_role("group", name="Birds")
    birds.get_by_label("Yes").check()
    expect(birds.get_by_label(re.compile("What actions are being taken"))).to_be_visible()
    birds.get_by_label(re.compile("What actions are being taken")).fill("Power lines insulated.")
    page.get_by_role("group", name="Aquatic mammals").get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save the section").click()
    expect(page.locator(".messages")).to_contain_text("Section II saved.")
    page.goto(f"{base}/reports/submissions/{kenya.pk}/")
    page.get_by_role("button", name="Submit the report").click()
    expect(page.locator(".messages")).to_contain_text("The report was submitted.")
    expect(page.get_by_role("link", name="Version 1")).to_be_visible()
    sign_out(page)

    # The Secretariat returns it with a note.
    login(page, live_server, "secretariat")
    page.goto(f"{base}/reports/submissions/{kenya.pk}/")
    expect(page.locator("#answers")).to_contain_text("Power lines insulated.")
    _checked(page, axe, "review")
    page.get_by_role("link", name="Return to Kenya for changes…").click()
    expect(page.locator("h1")).to_contain_text("Return the report of Kenya")
    page.get_by_label("What should the reporter change?").fill("Please give the staff in post.")
    page.get_by_role("button", name="Return the report to Kenya").click()
    expect(page.locator(".status")).to_have_text("Returned for changes")
    sign_out(page)

    # The NFP reads the note, changes an answer and submits again.
    login(page, live_server, "nfp_kenya")
    page.goto(f"{base}/reports/submissions/{kenya.pk}/")
    expect(page.get_by_role("note")).to_contain_text("Please give the staff in post.")
    page.goto(f"{base}/reports/submissions/{kenya.pk}/sections/{general.pk}/")
    page.locator('[name="t.staff@"]').fill("12")
    page.get_by_role("button", name="Save the section").click()
    page.goto(f"{base}/reports/submissions/{kenya.pk}/")
    page.get_by_role("button", name="Submit the report").click()
    expect(page.get_by_role("link", name="Version 2")).to_be_visible()
    sign_out(page)

    # The Secretariat compares the versions, comments, accepts and publishes.
    login(page, live_server, "secretariat")
    page.goto(f"{base}/reports/submissions/{kenya.pk}/")
    page.get_by_role("button", name="Show the changes").click()
    row = page.get_by_role("row").filter(has_text="Staff")
    expect(row).to_contain_text("6")
    expect(row).to_contain_text("12")
    _checked(page, axe, "diff")
    page.goto(f"{base}/reports/submissions/{kenya.pk}/versions/2/")
    _checked(page, axe, "version")
    page.goto(f"{base}/reports/submissions/{kenya.pk}/")
    page.get_by_role("link", name="Accept the report…").click()
    expect(page.locator("h1")).to_contain_text("Accept the report of Kenya")
    _checked(page, axe, "confirm-accept")
    page.get_by_role("button", name="Accept the report of Kenya").click()
    expect(page.locator(".status")).to_have_text("Accepted")
    page.get_by_role("link", name="Publish the report…").click()
    page.get_by_role("button", name="Publish the report of Kenya").click()
    expect(page.locator(".status")).to_have_text("Published")
    page.goto(f"{base}{cycle.get_absolute_url()}")
    totals = page.locator("#timeliness tr.total")
    expect(totals).to_contain_text("2")  # expected: Kenya and Germany
    _checked(page, axe, "cycle")
    sign_out(page)

    # Anyone reads the published report.
    page.goto(f"{base}/reports/submissions/{kenya.pk}/versions/2/")
    expect(page.get_by_text("Power lines insulated.")).to_be_visible()
    page.goto(f"{base}/reports/submissions/{kenya.pk}/versions/2/print/")
    expect(page.get_by_role("row", name=re.compile("Birds"))).to_contain_text(
        "Power lines insulated."
    )
    _checked(page, axe, "print")


def _submit_demo_report(
    page, base, cycle_slug, reporter_filter, authority, first=("I", "demo.authority")
):
    """Answer the first section's first question (by default the demo's "Which authority
    prepared this report?"), then submit."""
    from cmsfamily.reporting.models import Submission

    submission = Submission.objects.get(cycle__slug=cycle_slug, **reporter_filter)
    number, code = first
    general = submission.cycle.version.sections.get(number=number)
    page.goto(f"{base}/reports/submissions/{submission.pk}/sections/{general.pk}/")
    page.locator(f'[name="{code}@"]').fill(authority)
    page.locator("#section-form button[type=submit]").click()
    expect(page.locator(".messages .success")).to_be_visible()
    if submission.cycle.version.sections.filter(number="II", loop="fixed").exists():
        groups = submission.cycle.version.sections.get(number="II")
        page.goto(f"{base}/reports/submissions/{submission.pk}/sections/{groups.pk}/")
        for radio in page.locator('input[type=radio][value="no"]').all():
            radio.check()
        page.locator("#section-form button[type=submit]").click()
    page.goto(f"{base}/reports/submissions/{submission.pk}/")
    page.locator('form[action$="/submit/"] button').click()
    expect(page.locator(".status")).to_have_text(re.compile(r"Submitted|Soumis|Presentado"))
    return submission


def _language(page, name):
    switcher = page.locator("form.lang")
    switcher.locator("select").select_option(label=name)
    switcher.get_by_role("button").click()


def _accept_and_publish(page, base, submission):
    page.goto(f"{base}/reports/submissions/{submission.pk}/")
    page.locator('a[href$="/accept/"]').click()
    page.locator('form[action$="/accept/"] button').click()
    page.locator('a[href$="/publish/"]').click()
    page.locator('form[action$="/publish/"] button').click()
    expect(page.locator(".status")).to_have_text("Published")


def test_partner_and_agreement_reports_through_the_same_engine_in_french(
    page, live_server, registry, login
):
    from cmsfamily.reporting.demo import load_reporting_demo

    load_reporting_demo()
    base = live_server.url

    # BirdLife's focal point drafts its Partner report with the interface in French.
    login(page, live_server, "birdlife_fp")
    _language(page, "Français")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    partner = _submit_demo_report(
        page,
        base,
        "demo-partner-reports",
        {"organisation__slug": "birdlife"},
        "Flyway conservation and Important Bird and Biodiversity Areas",
        first=("A", "pq-01"),
    )
    page.goto(f"{base}/reports/submissions/{partner.pk}/versions/1/")
    # A Partner is asked the Partner questionnaire (Annex C), not a Party's questions.
    expect(
        page.get_by_text(re.compile("Quels sont, selon vous, le ou les principaux domaines"))
    ).to_be_visible()
    expect(page.get_by_text("Quelle autorité a préparé ce rapport ?")).to_have_count(0)
    screenshots(page, "report-partner-version-fr")
    _language(page, "English")
    sign_out(page)

    # The EUROBATS Secretariat reports to CMS as an Agreement secretariat.
    login(page, live_server, "eurobats_officer")
    agreement = _submit_demo_report(
        page,
        base,
        "demo-agreement-reports",
        {"organisation__slug": "eurobats-secretariat"},
        "UNEP/EUROBATS Secretariat",
    )
    sign_out(page)

    # The CMS Secretariat accepts and publishes both; the public reads them.
    login(page, live_server, "secretariat")
    _accept_and_publish(page, base, partner)
    _accept_and_publish(page, base, agreement)
    sign_out(page)
    page.goto(f"{base}/reports/")
    published = page.locator("#published-heading + ul")
    expect(published).to_contain_text("BirdLife")
    expect(published).to_contain_text("EUROBATS")
