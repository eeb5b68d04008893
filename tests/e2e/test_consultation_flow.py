"""The decisions' "done when" in the browser: a draft consulted on and traced into the register.

The CMS Secretariat uploads the concept note of seed 004 as a Word document and opens a
consultation to all NFPs and BirdLife; Kenya's NFP proposes new words for a paragraph and
BirdLife remarks on another; the Secretariat resolves both with reasons and uploads version 2,
whose changes page shows the rewritten paragraph with the comment it answers; the adopted text
enters the register as a Resolution, and its paragraph addressed to the Parties appears for
Kenya's NFP, who reports its implementation. Pages are checked with axe and photographed at
1280 and 390 px, the changes page also in French.
"""

import re

import pytest
from playwright.sync_api import expect

from cmsfamily.decisions.tests.drafts_data import SEED_004_NOTE, note_docx
from tests.e2e.helpers import describe_violations, screenshot, screenshots, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KENYAS_WORDS = "To focus on the whole issue, not only the CMS instruments;"


def _upload(page, path, content):
    path.write_bytes(content)
    page.get_by_label("Draft").set_input_files(str(path))


def test_a_draft_is_consulted_on_resolved_revised_and_adopted(
    registry, page, live_server, login, axe, tmp_path
):
    login(page, live_server, "secretariat")
    page.goto(f"{live_server.url}/consultations/add/")
    page.get_by_label("Title").fill("Concept note towards a Strategic Plan for Migratory Species")
    _upload(page, tmp_path / "concept-note.docx", note_docx())
    page.get_by_label("Deadline for comments").fill("2099-01-31T17:00")
    page.get_by_label("Comments are visible to").select_option("commenters")
    page.get_by_label("All Parties, through their National Focal Points").check()
    birdlife = page.locator("#id_organisations option", has_text="BirdLife").first
    page.get_by_label("These organisations").select_option(birdlife.get_attribute("value"))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".draft-block.heading").first).to_contain_text("Concept Note")
    consultation_url = page.url
    sign_out(page)

    login(page, live_server, "nfp_kenya")
    page.goto(consultation_url)
    block = page.locator(".draft-block", has_text="To focus on the issue")
    block.locator("summary").click()
    block.get_by_label("Kind").select_option("proposal")
    block.get_by_label("Proposed text").fill(KENYAS_WORDS)
    block.get_by_label(re.compile(r"^Comment:?$")).fill("Name the whole issue.")
    block.get_by_role("button", name="Send the comment").click()
    expect(page.locator(".comment").first).to_contain_text("Name the whole issue.")
    expect(page.locator(".comment ins").first).to_contain_text("whole")
    violations = axe(page)
    assert not violations, describe_violations(violations)
    screenshots(page, "consultation-kenya-comments")
    sign_out(page)

    login(page, live_server, "birdlife_fp")
    page.goto(consultation_url)
    block = page.locator(".draft-block", has_text="The added value of the Strategic Plan")
    block.locator("summary").click()
    block.get_by_label(re.compile(r"^Comment:?$")).fill("Partners can help with regional buy-in.")
    block.get_by_role("button", name="Send the comment").click()
    expect(page.locator(".comment")).to_have_count(2)  # visible to all commenters
    sign_out(page)

    login(page, live_server, "secretariat")
    page.goto(consultation_url)
    for text, outcome, reason in [
        ("Name the whole issue.", "accepted", "Clearer scope."),
        ("Partners can help", "not_accepted", "Covered by the further steps."),
    ]:
        comment = page.locator(".comment", has_text=text)
        comment.get_by_label("Outcome").select_option(outcome)
        comment.get_by_label("Reason").fill(reason)
        comment.get_by_role("button", name="Resolve").click()
        expect(page.locator(".comment", has_text=text).locator(".resolution")).to_contain_text(
            reason
        )
    page.get_by_role("link", name="Upload a new version").click()
    revised = [
        (kind, KENYAS_WORDS if text.startswith("To focus") else text)
        for kind, text in SEED_004_NOTE
    ]
    page.get_by_label("New version").set_input_files(
        files=[
            {
                "name": "concept-note-v2.docx",
                "mimeType": "application/octet-stream",
                "buffer": note_docx(revised),
            }
        ]
    )
    page.get_by_role("button", name="Upload").click()
    change = page.locator(".change", has_text="whole")
    expect(change.locator("ins").first).to_contain_text("whole")
    expect(change).to_contain_text("Name the whole issue.")
    expect(page.locator(".change")).to_have_count(1)
    violations = axe(page)
    assert not violations, describe_violations(violations)
    screenshots(page, "consultation-changes")
    changes_url = page.url
    page.goto(consultation_url)
    page.get_by_role("link", name="Enter the adopted text in the register").click()
    page.get_by_label("Number of the Resolution").fill("11.2")
    page.get_by_label("Meeting").fill("COP11")
    page.get_by_label("Date adopted").fill("2014-11-09")
    page.get_by_label("Addressees per paragraph").fill("7: parties\n1: secretariat")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_contain_text("Resolution 11.2")
    expect(page.locator("#p-7")).to_contain_text("Parties")
    screenshots(page, "adopted-resolution")
    sign_out(page)

    login(page, live_server, "nfp_kenya")
    page.goto(f"{live_server.url}/decisions/implementation/")
    row = page.locator("tr", has_text="Organizing expert meetings")
    expect(row).to_contain_text("Kenya")
    row.get_by_role("link", name="Report").click()
    page.get_by_label("Status").select_option("in_progress")
    page.get_by_label(re.compile(r"^Note:?$")).fill(
        "Regional consultation planned with the Ministry."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages, .message, [role=status]").first).to_be_visible()
    page.goto(f"{live_server.url}/decisions/implementation/")
    expect(page.locator("tr", has_text="Organizing expert meetings")).to_contain_text("In progress")
    violations = axe(page)
    assert not violations, describe_violations(violations)
    screenshots(page, "implementation-kenya")
    page.goto(changes_url)
    page.evaluate("document.cookie = 'django_language=fr; path=/'")
    page.reload()
    # The page's own strings are French once translations-decisions.jsonl is merged into the
    # catalogues; until then the platform's shared strings are.
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    screenshot(page, "consultation-changes-fr-1280")
