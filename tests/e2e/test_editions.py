"""The State of the CMS Family report in the browser: the Secretariat creates an edition,
generates its figures, writes a chapter, sends it for review and publishes it; the public reads
it, a figure leads to its answers; a report accepted afterwards leaves the published edition
alone while a new draft shows the difference. The pages pass axe-core and fit a 390 px phone, in
English and in French."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    DESKTOP,
    MOBILE,
    SCREENSHOTS,
    describe_violations,
    horizontal_overflow,
    screenshot,
)
from tests.e2e.test_analysis import _published

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _closed_cycle(published):
    """The analyzer's published reports tagged to Target 10, France's submitted; closed."""
    from cmsfamily.reporting import services
    from cmsfamily.reporting.models import Question, Submission
    from cmsfamily.reporting.services import Edit
    from cmsfamily.strategy.models import Target

    cycle = _published(published)
    ten = Target.objects.get(plan__code="spms-2015-2023", number=10)
    for code in ("t.staff", "t.priority"):
        services.tag_question(question=Question.objects.get(code=code), targets=[ten], by=None)
    france = Submission.objects.get(cycle=cycle, party__code="FR")
    edits = [
        Edit("t.departments", "", "Ministère de la Transition écologique", 0),
        Edit("t.staff", "", 7, 0),
        Edit("t.priority", "", "high", 0),
        Edit("t.obstacles", "birds", "no", 0),
        Edit("t.obstacles", "aquatic-mammals", "no", 0),
    ]
    assert services.save_answers(submission=france, edits=edits, by=None).ok
    services.submit(submission=france, by=None)
    return services.set_cycle_status(cycle=cycle, status="closed", by=None), france


def _check(page, name, axe, problems):
    page.set_viewport_size(DESKTOP)
    violations = axe(page)
    if violations:
        problems.append(f"{name} (axe):\n{describe_violations(violations)}")
    screenshot(page, f"{name}-1280")
    page.set_viewport_size(MOBILE)
    overflow = horizontal_overflow(page, MOBILE["width"])
    if overflow:
        problems.append(f"{name}: {overflow}px wider than a 390 px screen")
    screenshot(page, f"{name}-390")
    page.set_viewport_size(DESKTOP)


def _ready_all(edition_id):
    from cmsfamily.analytics.models import Chapter, ChapterStatus

    Chapter.objects.filter(edition_id=edition_id).update(status=ChapterStatus.READY)


def test_an_edition_is_generated_written_published_and_compared(
    page, live_server, registry, published, axe, login
):
    import conftest as root_conftest
    from cmsfamily.accounts.models import User
    from cmsfamily.analytics.models import Edition
    from cmsfamily.reporting import services

    _cycle, france = _closed_cycle(published)
    problems: list[str] = []
    # Generating is a background job (run at once in the tests), and the first view of an
    # edition draws each chart: both take longer than a page on this shared machine.
    page.set_default_timeout(120_000)
    login(page, live_server, "secretariat")
    page.goto(f"{live_server.url}/analysis/")
    page.get_by_role("link", name="State of the Family").click()
    page.wait_for_url("**/state-of-the-family/")
    page.get_by_role("link", name="New edition").click()
    page.get_by_label("Title").fill("State of the CMS Family 2024")
    page.get_by_label("Document symbol").fill("UNEP/CMS/COP15/Doc.24")
    page.get_by_label("Cycles with a deadline from").fill("2024-01-01")
    page.get_by_label("Cycles with a deadline until").fill("2024-12-31")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Generate the figures").click()
    page.wait_for_url("**/jobs/**")
    expect(page.locator("main")).to_contain_text("The file is ready.")
    _check(page, "edition-generate-job", axe, problems)
    page.get_by_role("link", name="Back to the edition").click()
    edition = Edition.objects.get()
    main = page.locator("main")
    expect(main).to_contain_text("What the reports say on Target 10")
    expect(main).to_contain_text("Annex: the reports cited and the reports missing")
    page.get_by_role("link", name="Edit the texts of Target 10").click()
    page.get_by_label("Text in English").fill("Most Parties that reported act on Target 10.")
    page.get_by_label("Text in French").fill("La plupart des Parties ayant fait rapport agissent.")
    page.get_by_label("Status").select_option("ready")
    page.get_by_role("button", name="Save").click()
    expect(main).to_contain_text("Most Parties that reported act on Target 10.")
    page.get_by_role("button", name="Send for review").click()
    page.get_by_role("button", name="Publish").click()
    expect(main).to_contain_text("These chapters are still in draft")
    _ready_all(edition.pk)
    page.goto(f"{live_server.url}/state-of-the-family/{edition.pk}/")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("The edition is published")
    edition.refresh_from_db()
    frozen = edition.content_hash
    _check(page, "edition", axe, problems)

    # The PDF is made by a background job (at once in the tests): the link leads to the job's
    # page, whose link gives the file.
    page.get_by_role("link", name="Download PDF").click(timeout=180_000)
    page.wait_for_url("**/jobs/**")
    expect(main).to_contain_text("The file is ready.")
    _check(page, "edition-pdf-job", axe, problems)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download .+\.pdf$")).click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    (SCREENSHOTS / "edition.pdf").write_bytes(pdf)

    # The public reads it; a figure leads to its answers.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/state-of-the-family/{edition.pk}/#chapter-target-10")
    expect(main).to_contain_text(frozen)
    page.locator(
        "#chapter-target-10 a", has_text="Read the answers behind this figure"
    ).last.click()
    page.wait_for_url("**/analysis/?**")

    # France's report accepted afterwards: the published edition keeps its hash.
    officer = User.objects.get(email=root_conftest.PERSONAS["secretariat"][0])
    services.accept(submission=france, by=officer)
    page.goto(f"{live_server.url}/state-of-the-family/{edition.pk}/")
    expect(main).to_contain_text(frozen)

    # A new draft shows the difference.
    login(page, live_server, "secretariat")
    page.goto(f"{live_server.url}/state-of-the-family/add/")
    page.get_by_label("Title").fill("State of the CMS Family 2024, revised")
    page.get_by_label("Document symbol").fill("UNEP/CMS/COP15/Doc.24/Rev.1")
    page.get_by_label("Cycles with a deadline from").fill("2024-01-01")
    page.get_by_label("Cycles with a deadline until").fill("2024-12-31")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Generate the figures").click()
    page.get_by_role("link", name="Back to the edition").click()
    page.get_by_role("link", name="Compare with State of the CMS Family 2024").click()
    expect(main).to_contain_text("Figures changed")
    expect(main).to_contain_text("Reports counted")
    _check(page, "edition-compare", axe, problems)

    # In French.
    switcher = page.locator("form.lang")
    switcher.get_by_label("Language").select_option(label="Français")
    switcher.get_by_role("button").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.goto(f"{live_server.url}/state-of-the-family/{edition.pk}/")
    expect(main).to_contain_text("Objectif 10")
    expect(main).to_contain_text("La plupart des Parties ayant fait rapport agissent.")
    _check(page, "edition-fr", axe, problems)
    assert not problems, "\n".join(problems)
