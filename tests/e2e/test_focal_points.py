"""A focal point's life in the browser: a Party's NFP nominates, the Secretariat confirms."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.helpers import screenshots, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_NFP = {"given": "Amina", "family": "Wanjiru", "email": "amina.wanjiru@environment.go.ke"}
KENYA_PERSONA_NAME = "Nfp Nfp Kenya"  # the nfp_kenya persona's Person record (root conftest)


def test_secretariat_confirms_the_nfp_that_kenya_nominated(page, live_server, registry, login):
    new_name = f"{NEW_NFP['given']} {NEW_NFP['family']}"

    # Kenya's NFP proposes a successor through the nomination form.
    login(page, live_server, "nfp_kenya")
    page.goto(f"{live_server.url}/parties/ke/")
    page.get_by_role("link", name="Nominate a focal point").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nominate a focal point for Kenya")
    page.get_by_label("Role").select_option(label="National Focal Point")
    page.get_by_label("Given name").fill(NEW_NFP["given"])
    page.get_by_label("Family name").fill(NEW_NFP["family"])
    page.get_by_label("Email").fill(NEW_NFP["email"])
    page.get_by_label("From").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Send nomination").click()
    expect(page).to_have_url(f"{live_server.url}/parties/ke/")
    expect(page.locator(".messages")).to_contain_text(
        f"{new_name} was nominated as National Focal Point."
    )
    screenshots(page, "flow-kenya-nominated")
    # Nothing changes for the current NFP until the Secretariat confirms.
    current = page.locator("section", has=page.locator("#fp-heading"))
    expect(current).to_contain_text(KENYA_PERSONA_NAME)
    expect(current).not_to_contain_text(new_name)
    sign_out(page)

    # The CMS Secretariat reviews and confirms it.
    login(page, live_server, "secretariat")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Nominations to confirm"
    ).click()
    expect(page).to_have_url(f"{live_server.url}/appointments/pending/")
    row = page.get_by_role("row").filter(has_text=new_name)
    expect(row).to_have_count(1)
    row.get_by_role("link", name="Review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{new_name} — National Focal Point")
    screenshots(page, "flow-secretariat-reviews-nomination")
    page.get_by_role("button", name="Confirm appointment").click()
    expect(page.locator(".messages")).to_contain_text(
        f"The appointment of {new_name} was confirmed."
    )

    # Kenya's page: the new NFP is current, the previous one has ended.
    page.goto(f"{live_server.url}/parties/ke/")
    current = page.locator("section", has=page.locator("#fp-heading"))
    card = current.get_by_role("listitem").filter(has_text=new_name)
    expect(card).to_contain_text("National Focal Point")
    expect(current).not_to_contain_text(KENYA_PERSONA_NAME)
    history = page.locator("section", has=page.locator("#timeline-heading"))
    ended = history.locator("li.timeline-item").filter(has_text=KENYA_PERSONA_NAME)
    expect(ended).to_have_count(1)
    expect(ended).to_contain_text("National Focal Point")
    expect(ended.locator(".badge.status")).to_have_text("Ended")
    expect(ended.locator(".dates")).not_to_contain_text("present")
    confirmed = history.locator("li.timeline-item").filter(has_text=new_name)
    expect(confirmed.locator(".badge.status")).to_have_text("Confirmed")
    expect(confirmed.locator(".dates")).to_have_text(re.compile(r"present$"))
    screenshots(page, "flow-kenya-after-confirmation")
