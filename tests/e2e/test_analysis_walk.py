"""Issue 17's done-when walk, on the small generated Family (bench/family.py: every Party of the
CMS, the Agreements and the Partners reporting over two cycles, marked synthetic).

A Secretariat officer goes from the page of target 10 to the gap matrix, to one Party's cell, to
the answer and the version it came from (reporter, version number, content hash); the CSV of the
matrix says what the page says. An anonymous visitor's figures change only when a version is
published: accepting it changes nothing they see, publishing it does. Kenya's NFP sees its own
duty row with its next steps. Screenshots at 1280 and 390 px, the anonymous visitor's in French.
"""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    DESKTOP,
    sign_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _family() -> str:
    """The small generated Family; the slug of its newest national-report cycle."""
    from bench import family

    family.generate_family(size="small")
    return family.cycle_slug("small", "party", family.SIZES["small"].years[-1])


def _coverage(page) -> str:
    """The coverage of target 10 as the page shows it: reports expected, counted, answering."""
    return page.locator("section[aria-labelledby='coverage-heading'] table").inner_text()


def _submitted(slug):
    """A report of the cycle that is submitted (it has a version) and counts for nobody yet."""
    from cmsfamily.reporting.models import Submission

    return (
        Submission.objects.filter(cycle__slug=slug, status="submitted", party__isnull=False)
        .order_by("party__code")
        .first()
    )


def test_the_done_when_walk_on_the_generated_family(browser, page, live_server, registry, look):
    import conftest as root_conftest
    from cmsfamily.accounts.models import User
    from cmsfamily.reporting import services
    from cmsfamily.reporting.models import SubmissionVersion

    slug = _family()

    # The anonymous visitor (in French) reads target 10 before anything changes.
    visitor = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    public = visitor.new_page()
    public.goto(f"{live_server.url}/analysis/targets/10/")
    expect(public.locator("html")).to_have_attribute("lang", "fr")
    before = _coverage(public)
    look(public, "walk-target-10-anonymous-fr")

    # The Secretariat officer: target 10 → the gap matrix → one Party's cell → the version.
    sign_in(page, live_server, "secretariat")
    page.goto(f"{live_server.url}/analysis/targets/10/")
    expect(page.locator("h1")).to_contain_text("Target 10")
    assert "What the reports say" in page.locator("main").inner_text()
    look(page, "walk-target-10")
    page.get_by_role("link", name="Gap matrix of this target").click()
    page.wait_for_url("**/analysis/gaps/?target=10")
    chosen = page.locator("#matrix-parties tr.chosen")
    expect(chosen.locator("th").first).to_contain_text("10")
    look(page, "walk-gaps")

    # The CSV of the matrix says, for target 10, what each Party's cell on the page says.
    shown = [label.strip() for label in chosen.locator("td .visually-hidden").all_inner_texts()]
    download = page.request.get(f"{page.url}&export=csv&table=parties")
    assert download.ok
    rows = list(csv.reader(io.StringIO(download.body().decode("utf-8-sig"))))
    (ten,) = [row for row in rows if row[0] == "Target 10"]
    assert ten[1:] == shown
    assert "Reported implementation" in shown and "Not reported" in shown

    chosen.locator("a[title='Reported implementation']").first.click()
    page.wait_for_url("**/analysis/gaps/cell/**")
    party = page.locator("h1").inner_text().split(" · ")[0].strip()
    verdict = page.locator("main").inner_text()
    assert "Reported implementation" in verdict
    full_hash = page.locator("main code[title]").first.get_attribute("title")
    number = int(re.search(r"version (\d+)", verdict).group(1))
    look(page, "walk-gap-cell")
    page.get_by_role("link", name="The version").click()
    page.wait_for_url(f"**/versions/{number}/")
    main = page.locator("main")
    expect(main.locator("code.hash")).to_have_text(full_hash)
    assert party in main.inner_text()
    version = SubmissionVersion.objects.select_related("submission__party").get(
        content_hash=full_hash, number=number
    )
    assert version.submission.party.name == party
    look(page, "walk-version")

    # Accepting a version changes no figure of the anonymous visitor; publishing it does.
    officer = User.objects.get(email=root_conftest.PERSONAS["secretariat"][0])
    report = _submitted(slug)
    assert report is not None, "the generated Family has submitted reports"
    services.accept(submission=report, by=officer)
    public.reload()
    assert _coverage(public) == before
    services.publish(submission=report, by=officer)
    public.reload()
    after = _coverage(public)
    assert after != before
    visitor.close()

    # Kenya's NFP sees its own duty row, with the next step of each duty not met.
    page.context.clear_cookies()
    sign_in(page, live_server, "nfp_kenya")
    page.goto(f"{live_server.url}/analysis/duties/")
    text = page.locator("main").inner_text()
    assert "Kenya" in text and "Germany" not in text
    assert "Next step:" in text
    look(page, "walk-duties-nfp-kenya")
    assert not look.problems, "\n".join(look.problems)
