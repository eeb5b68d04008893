"""The ledger's "done when" in the browser: a Partner logs a year of work of each kind, the
Secretariat validates it, the totals and the donor view show it.

BirdLife's focal point logs, through the real form, one 2025 entry of each of the five kinds (the
money to activity 5.2 of the Resolution 10.9 programme); the CMS Secretariat validates each with
the button of its page; the totals by kind, BirdLife's page and the donor view then count them,
and an anonymous visitor's totals leave out the one entry BirdLife did not agree to publish.

The day rates are seed 003's (US$300 a staff day, US$365 a day of meeting attendance, loaded by
load_seed_rules). Seed 003 gives no rate for hosting an event, so the Secretariat's hosting rule
and the EUR rate (activity 5.2 states its need in euros) are test values named as such.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

import conftest as root_conftest
from tests.e2e.helpers import describe_violations, screenshots, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROGRAMME, ACTIVITY = "res-10-9", "5.2"  # seed 002: "approximately €25,000 is needed"
HOSTING_DAY = Decimal(500)  # TEST VALUE: no source gives a hosting day rate
EUR_IN_USD = Decimal("1.20")  # TEST VALUE: €25,000 needed = US$30,000

# One entry of each kind, in the order BirdLife logs them: the form's fields, then what the entry
# page must show. Quantities are chosen so that the values can be checked by hand.
ENTRIES = [
    {
        "kind": "Money",
        "fields": {"Amount": "12000", "Currency": "USD"},
        "activity": True,
        "start": "2025-03-15",
        "end": "",
        "status": "received",
        "publish": True,
        "description": "Grant for the gap analysis follow-up (Resolution 10.9, activity 5.2)",
        "working": "12,000.00 USD",
        "quantity": "12,000.00 USD",
        "value": "12,000.00",
    },
    {
        "kind": "In-kind goods or services",
        "fields": {"Amount": "4500", "Currency": "USD"},
        "start": "2025-05-01",
        "end": "2025-05-31",
        "status": "spent",
        "publish": True,
        "description": "Satellite tags lent for the flyway survey",
        "working": "4,500.00 USD",
        "quantity": "4,500.00 USD",
        "value": "4,500.00",
    },
    {
        "kind": "Staff time",
        "fields": {"Days": "20"},
        "start": "2025-01-01",
        "end": "2025-12-31",
        "status": "spent",
        "publish": True,
        "description": "Flyway coordinator, 20 person-days over the year",
        "working": "20.00 day × 300.00 USD = 6,000.00 USD",  # seed 003: US$300 a staff day
        "quantity": "20.00 days",
        "value": "6,000.00",
    },
    {
        "kind": "Meeting attendance",
        "fields": {"People": "2", "Meetings": "3", "Days": "4"},
        "start": "2025-02-10",
        "end": "2025-11-20",
        "status": "spent",
        "publish": True,
        "description": "Two delegates at three CMS meetings of four days each",
        "working": "24.00 day × 365.00 USD = 8,760.00 USD",  # seed 003: US$365 a meeting day
        "quantity": "2 people × 3 meetings × 4.00 days = 24.00 days",
        "value": "8,760.00",
    },
    {
        "kind": "Hosting an event",
        "fields": {"Days": "3"},
        "start": "2025-09-08",
        "end": "2025-09-10",
        "status": "spent",
        "publish": False,  # the one entry BirdLife does not agree to publish
        "description": "Hosted the flyway workshop: venue and catering for three days",
        "working": "3.00 day × 500.00 USD = 1,500.00 USD",  # the test hosting rule
        "quantity": "3.00 days",
        "value": "1,500.00",
    },
]
TOTAL = "32,760.00"  # 12,000 + 4,500 + 6,000 + 8,760 + 1,500
PUBLIC_TOTAL = "31,260.00"  # without the unpublished hosting (1,500)
NEEDED_USD, SECURED_USD, GAP_USD = "30,000.00", "12,000.00", "18,000.00"
NEEDED_EUR, SECURED_EUR, GAP_EUR = "25,000.00", "10,000.00", "15,000.00"


@pytest.fixture
def ledger_setup(registry):
    """Seed 003's day rates, the test hosting rule and EUR rate; the activity the money goes to."""
    from django.db import transaction

    from cmsfamily.accounts.models import User
    from cmsfamily.contributions import services
    from cmsfamily.contributions.reference import load_seed_rules
    from cmsfamily.core.services import set_exchange_rate
    from cmsfamily.workplans.choices import ProgrammeStatus
    from cmsfamily.workplans.models import Activity

    officer = User.objects.get(email=root_conftest.PERSONAS["secretariat"][0])
    assert load_seed_rules() == 2  # staff time at 300 USD, meeting attendance at 365 USD a day
    with transaction.atomic():
        services.add_valuation_rule(
            kind="hosting",
            value=HOSTING_DAY,
            currency="USD",
            valid_from=date(2019, 1, 1),
            source="TEST VALUE for the browser test only: no source gives a hosting day rate",
            by=officer,
        )
        set_exchange_rate(
            currency="EUR",
            quote="USD",
            rate=EUR_IN_USD,
            valid_from=date(2025, 1, 1),
            source="TEST VALUE for the browser test only",
            by=officer,
        )
    activity = Activity.objects.select_related("programme").get(
        programme__code=PROGRAMME, number=ACTIVITY
    )
    assert activity.programme.status == ProgrammeStatus.PUBLISHED
    return activity


def _axe_ok(axe, page, name, problems):
    violations = axe(page)
    if violations:
        problems.append(f"{name}:\n{describe_violations(violations)}")


def _donor_row(page, live_server, currency):
    page.goto(f"{live_server.url}/contributions/donors/?currency={currency}")
    return (
        page.get_by_role("row")
        .filter(has=page.get_by_role("link", name=ACTIVITY, exact=True))
        # The programme is named by its title; its address carries the code.
        .filter(has=page.locator(f'a[href$="/workplans/{PROGRAMME}/"]'))
    )


def _expect_cells(row, *texts):
    cells = row.locator("td.number")
    expect(cells).to_have_count(len(texts))
    for index, text in enumerate(texts):
        expect(cells.nth(index)).to_have_text(text)


def _field(form, label):
    """The form field of this label; Django's labels end with a colon."""
    return form.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def _log(page, live_server, entry, activity):
    page.goto(f"{live_server.url}/contributions/add/")
    form = page.locator("main form.form")
    expect(_field(form, "Contributor")).to_have_value("organisation:birdlife")
    _field(form, "Kind").select_option(label=entry["kind"])
    _field(form, "Description").fill(entry["description"])
    for label, value in entry["fields"].items():
        _field(form, label).fill(value)
    if entry.get("activity"):
        _field(form, "To the activity of a work programme").select_option(str(activity.pk))
    _field(form, "From").fill(entry["start"])
    if entry["end"]:
        _field(form, "To").fill(entry["end"])
    _field(form, "Status").select_option(entry["status"])
    publish = _field(form, "May be published")
    if entry["publish"]:
        publish.check()
    else:
        expect(publish).not_to_be_checked()
    form.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/contributions/\d+/$"))
    expect(page.locator(".messages")).to_contain_text(
        f"Logged: {entry['working']}. The CMS Secretariat will validate it."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(rf"^Contribution No\. \d+: {re.escape(entry['kind'])} from BirdLife")
    )
    expect(page.locator("p.working")).to_have_text(entry["working"])
    facts = page.locator("dl.entry-facts").nth(1)
    expect(facts.locator("dt:has-text('Quantity') + dd")).to_have_text(entry["quantity"])
    expect(page.locator(".entry-state .badge")).to_have_text("awaiting validation")
    return page.url


def test_a_partner_logs_a_year_the_secretariat_validates_the_totals_show_it(
    page, live_server, ledger_setup, login, axe
):
    activity = ledger_setup
    problems: list[str] = []

    # BirdLife's focal point logs one 2025 entry of each kind through the form.
    login(page, live_server, "birdlife_fp")
    page.goto(f"{live_server.url}/contributions/add/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a contribution")
    _axe_ok(axe, page, "the form", problems)
    screenshots(page, "contributions-flow-form")
    urls = []
    for entry in ENTRIES:
        urls.append(_log(page, live_server, entry, activity))
        if entry["kind"] == "Meeting attendance":
            _axe_ok(axe, page, "an entry awaiting validation", problems)
            screenshots(page, "contributions-flow-entry-logged")
    # Logged, not yet counted: the money secures nothing for the activity yet.
    page.goto(f"{live_server.url}/contributions/organisations/birdlife/")
    expect(page.locator("p.note")).to_have_text(
        f"5 entries worth {TOTAL} USD are awaiting validation and not counted above."
    )
    _expect_cells(_donor_row(page, live_server, "USD"), NEEDED_USD, "0.00", NEEDED_USD)
    sign_out(page)

    # The CMS Secretariat validates each with the button of its page.
    login(page, live_server, "secretariat")
    for url in urls:
        page.goto(url)
        page.get_by_role("button", name="Validate").click()
        number = url.rstrip("/").rsplit("/", 1)[1]
        expect(page.locator(".messages")).to_contain_text(
            f"Contribution No. {number} is validated."
        )
        expect(page.locator(".entry-state .badge")).to_have_text("validated")
        expect(page.get_by_role("button", name="Validate")).to_have_count(0)
    validated_by = page.locator("dl.entry-facts").nth(1).locator("dt:has-text('Validated by') + dd")
    expect(validated_by).to_have_text(re.compile(r"^Secretariat, \d{4}-\d{2}-\d{2}$"))
    _axe_ok(axe, page, "a validated entry", problems)
    screenshots(page, "contributions-flow-entry-validated")

    # The totals by kind count every validated entry, with the chart.
    page.goto(f"{live_server.url}/contributions/totals/?by=kind&currency=USD")
    table = page.locator("table.data-table")
    for entry in ENTRIES:
        row = table.locator("tbody tr").filter(
            has=page.get_by_role("rowheader", name=entry["kind"])
        )
        expect(row.locator("td.number")).to_have_text(entry["value"])
    expect(table.locator("tbody tr")).to_have_count(len(ENTRIES))
    expect(table.locator("tfoot td.number")).to_have_text(TOTAL)
    expect(page.locator("figure.chart .chart-image")).to_have_attribute("role", "img")
    expect(page.locator("figure.chart")).to_have_class("chart chart-interactive")
    _axe_ok(axe, page, "the totals", problems)
    screenshots(page, "contributions-flow-totals")

    # BirdLife's page: one row for 2025, a column per kind, nothing left awaiting validation.
    page.goto(f"{live_server.url}/contributions/organisations/birdlife/")
    by_year = page.locator("section", has=page.locator("#totals-heading")).locator("table")
    expect(by_year.locator("thead th")).to_have_text(
        ["Year", *(entry["kind"] for entry in ENTRIES), "Total"]
    )
    year = by_year.locator("tbody tr")
    expect(year).to_have_count(1)
    expect(year.locator("th")).to_have_text("2025")
    expect(year.locator("td")).to_have_text([*(entry["value"] for entry in ENTRIES), TOTAL])
    expect(page.locator("#entries-heading")).to_have_text("5 entries")
    expect(page.locator("p.note")).to_have_count(0)
    screenshots(page, "contributions-flow-birdlife")

    # The donor view: the validated money is secured for activity 5.2, in US dollars and euros.
    row = _donor_row(page, live_server, "USD")
    expect(row).to_have_count(1)
    _expect_cells(row, NEEDED_USD, SECURED_USD, GAP_USD)
    screenshots(page, "contributions-flow-donors")
    _expect_cells(_donor_row(page, live_server, "EUR"), NEEDED_EUR, SECURED_EUR, GAP_EUR)
    expect(page.get_by_role("alert")).to_have_count(0)
    sign_out(page)

    # An anonymous visitor: the public totals leave out the entry BirdLife did not publish.
    page.goto(f"{live_server.url}/contributions/totals/?by=kind&currency=USD")
    expect(page.locator("p.intro")).to_contain_text(
        "The public totals count the entries whose contributors agreed to publish them."
    )
    table = page.locator("table.data-table")
    published = [entry for entry in ENTRIES if entry["publish"]]
    expect(table.locator("tbody tr")).to_have_count(len(published))
    for entry in published:
        row = table.locator("tbody tr").filter(
            has=page.get_by_role("rowheader", name=entry["kind"])
        )
        expect(row.locator("td.number")).to_have_text(entry["value"])
    expect(table).not_to_contain_text("Hosting an event")
    expect(table.locator("tfoot td.number")).to_have_text(PUBLIC_TOTAL)
    screenshots(page, "contributions-flow-public-totals")
    page.goto(f"{live_server.url}/contributions/organisations/birdlife/")
    year = page.locator("section", has=page.locator("#totals-heading")).locator("tbody tr")
    expect(year.locator("td").last).to_have_text(PUBLIC_TOTAL)
    expect(page.locator("#entries-heading")).to_have_text("4 entries")
    _expect_cells(_donor_row(page, live_server, "USD"), NEEDED_USD, SECURED_USD, GAP_USD)

    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)
