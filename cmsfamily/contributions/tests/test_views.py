"""The ledger's pages: the working shown, bad input refused at its field with nothing saved,
query counts that do not grow with the ledger, and a Partner's year of work from the form to the
totals."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cmsfamily.contributions import forms, services
from cmsfamily.contributions.models import (
    AssessedContribution,
    Contribution,
    Payment,
    ValuationRule,
)
from cmsfamily.contributions.tests.ledger_data import (
    HOSTING_TEST_VALUE,
    entry,
    euro_rate,
    seed_rules,
)
from cmsfamily.core import hostile
from cmsfamily.directory.models import Instrument, Organisation, Party
from cmsfamily.strategy.models import Target
from cmsfamily.workplans.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(secretariat):
    return seed_rules(secretariat)


def field_errors(response, field):
    return " ".join(response.context["form"].errors.get(field, []))


# -- the working ---------------------------------------------------------------------------------


def test_an_entry_shows_its_working_its_rule_and_who_entered_and_validated_it(
    client, rules, birdlife_fp, secretariat
):
    logged = entry(birdlife_fp, validated_by=secretariat)
    html = client.get(f"/contributions/{logged.pk}/").content.decode()
    assert "20.00 day × 300.00 USD = 6,000.00 USD" in html
    assert "in force from 2019-01-01" in html
    assert "seed 003: FTE at a day rate of US$300/day" in html
    assert "No conversion needed: the value is in US dollars." in html
    assert "Birdlife Fp" in html and "Secretariat" in html  # entered by, validated by
    assert "awaiting validation" not in html


def test_an_amount_in_euros_shows_the_exchange_rate_used(client, rules, secretariat):
    euro_rate(secretariat)
    logged = entry(
        secretariat,
        kind="money",
        days=None,
        amount=Decimal(1000),
        currency="EUR",
        validated_by=secretariat,
    )
    html = client.get(f"/contributions/{logged.pk}/").content.decode()
    assert "1,000.00 EUR" in html and "1,100.00 USD" in html
    assert "1 EUR = 1.1 USD (2020-01-01)" in html and "test rate" in html
    assert "no valuation rule applies" in html


def test_the_correction_chain_is_shown_both_ways(client_as, rules, birdlife_fp, secretariat):
    original = entry(birdlife_fp, validated_by=secretariat)
    with transaction.atomic():
        correction = services.correct_contribution(original=original, by=birdlife_fp, days=22)
    client = client_as(birdlife_fp)
    page = client.get(f"/contributions/{original.pk}/").content.decode()
    assert f'Corrected by <a href="/contributions/{correction.pk}/">' in page
    assert "replaced by a correction" in page
    assert client.get(f"/contributions/{original.pk}/").context["can_correct"] is False
    page = client.get(f"/contributions/{correction.pk}/").content.decode()
    assert f'This entry corrects <a href="/contributions/{original.pk}/">' in page
    listed = client.get("/contributions/").content.decode()
    assert f"corrects No. {original.pk}" in listed and ">corrected</span>" in listed
    csv = client.get("/contributions/?export=csv").content.decode()
    assert f"corrects No. {original.pk}" in csv and "replaced by a correction" in csv
    # The public sees the original, and that a correction awaits validation, not the correction.
    client.logout()
    page = client.get(f"/contributions/{original.pk}/").content.decode()
    assert "A correction of this entry has been logged" in page
    assert client.get(f"/contributions/{correction.pk}/").status_code == 404


def test_the_ledger_filters(client_as, rules, secretariat):
    euro_rate(secretariat)
    entry(secretariat, validated_by=secretariat)
    entry(secretariat, party="KE", description="Kenyan rangers", start=date(2023, 5, 1))
    entry(
        secretariat,
        kind="money",
        days=None,
        amount=Decimal(50),
        currency="EUR",
        description="Small grant",
    )
    client = client_as(secretariat)

    def count(**query):
        return client.get("/contributions/", query).context["table"].paginator.count

    assert count() == 3
    assert count(kind="money") == 1
    assert count(year="2023") == 1
    assert count(validated="yes") == 1 and count(validated="no") == 2
    assert count(party="KE") == 1
    assert count(organisation="birdlife") == 2
    assert count(q="rangers") == 1
    assert count(status="pledged") == 0
    csv = client.get("/contributions/", {"kind": "money", "export": "csv"}).content.decode()
    assert "Small grant" not in csv  # the description is on the entry's page, not in the table
    assert "50.00" in csv or "50" in csv
    assert client.get("/contributions/", {"export": "pdf"}).status_code == 400


# -- bad input -----------------------------------------------------------------------------------

GOOD = {
    "contributor": "organisation:birdlife",
    "kind": "money",
    "description": "Grant for a flyway workshop",
    "amount": "1000",
    "currency": "USD",
    "start": "2024-05-01",
    "status": "received",
}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "-5"}, "amount", "greater than or equal to 0"),
        ({"amount": "a lot"}, "amount", "Enter a number"),
        ({"amount": ""}, "amount", "Needed for this kind of contribution"),
        ({"currency": "EURO"}, "currency", "is not an ISO 4217 currency code"),
        ({"currency": "XYZ"}, "currency", "is not an ISO 4217 currency code"),
        (
            {"currency": "CHF"},
            "currency",
            "No exchange rate from CHF to USD on or before 2024-05-01",
        ),
        ({"end": "2024-04-30"}, "end", "The end date is before the start date"),
        ({"start": "May 2024"}, "start", "Enter a valid date"),
        (
            {"kind": "staff_time", "days": "5", "start": "2018-12-31"},
            "start",
            "No valuation rule for Staff time is in force on 2018-12-31",
        ),
        ({"kind": "staff_time", "days": "-1"}, "days", "greater than or equal to 0"),
        ({"kind": "staff_time", "days": "ten"}, "days", "Enter a number"),
        (
            {"kind": "meeting_attendance", "days": "4", "meetings": "2"},
            "people",
            "Needed for this kind of contribution",
        ),
        (
            {"kind": "meeting_attendance", "days": "4", "meetings": "2", "people": "-3"},
            "people",
            "greater than or equal to 0",
        ),
        ({"contributor": "party:KE"}, "contributor", "Select a valid choice"),
        ({"contributor": ""}, "contributor", "This field is required"),
        ({"evidence_url": "not a link"}, "evidence_url", "Enter a valid URL"),
        ({"description": ""}, "description", "This field is required"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_saved(
    client_as, rules, birdlife_fp, changes, field, message
):
    response = client_as(birdlife_fp).post("/contributions/add/", {**GOOD, **changes})
    assert response.status_code == 400
    assert message in field_errors(response, field)
    assert 'class="error-summary"' in response.content.decode()
    assert not Contribution.objects.exists()


def test_the_errors_of_the_form_are_reported_together(client_as, rules, birdlife_fp):
    """A negative amount is refused with the other mistakes of the form, not after them."""
    data = {**GOOD, "amount": "-5", "description": "", "start": "soon"}
    response = client_as(birdlife_fp).post("/contributions/add/", data)
    assert response.status_code == 400
    assert "greater than or equal to 0" in field_errors(response, "amount")
    assert "This field is required" in field_errors(response, "description")
    assert "Enter a valid date" in field_errors(response, "start")
    assert not Contribution.objects.exists()


def test_a_good_entry_is_logged_and_days_typed_for_money_are_not_kept(
    client_as, rules, birdlife_fp
):
    response = client_as(birdlife_fp).post("/contributions/add/", {**GOOD, "days": "3"})
    logged = Contribution.objects.get()
    assert response.status_code == 302 and response.url == f"/contributions/{logged.pk}/"
    assert (logged.value, logged.value_currency, logged.days) == (1000, "USD", None)
    assert logged.entered_by == birdlife_fp and not logged.is_validated


def test_the_only_contributor_of_a_focal_point_is_chosen_for_them(
    client_as, birdlife_fp, nfp_kenya, secretariat
):
    form = client_as(birdlife_fp).get("/contributions/add/").context["form"]
    assert form["contributor"].value() == "organisation:birdlife"
    assert [value for value, _label in form.fields["contributor"].choices[1][1]] == [
        "organisation:birdlife"
    ]
    form = client_as(nfp_kenya).get("/contributions/add/").context["form"]
    assert form["contributor"].value() == "party:KE"
    form = client_as(secretariat).get("/contributions/add/").context["form"]
    assert form["contributor"].value() is None
    organisations, parties = form.fields["contributor"].choices[1:]
    assert len(organisations[1]) == Organisation.objects.count()
    assert len(parties[1]) == Party.objects.count()


def test_evidence_must_be_a_pdf_of_at_most_10_mb(client_as, rules, birdlife_fp, monkeypatch):
    client = client_as(birdlife_fp)
    not_pdf = SimpleUploadedFile("receipt.pdf", b"GIF89a not a pdf", "application/pdf")
    response = client.post("/contributions/add/", {**GOOD, "evidence": not_pdf})
    assert response.status_code == 400
    assert "The evidence must be a PDF file" in field_errors(response, "evidence")
    monkeypatch.setattr(forms, "EVIDENCE_MAX_BYTES", 10)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4 " + b"x" * 20, "application/pdf")
    response = client.post("/contributions/add/", {**GOOD, "evidence": big})
    assert response.status_code == 400
    assert "the limit is 10" in field_errors(response, "evidence")
    assert not Contribution.objects.exists()


def test_a_pdf_evidence_is_stored_and_kept_when_the_entry_is_edited(
    client_as, rules, birdlife_fp, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_as(birdlife_fp)
    receipt = hostile.pdf()
    pdf = SimpleUploadedFile("receipt.pdf", receipt, "application/pdf")
    client.post("/contributions/add/", {**GOOD, "evidence": pdf})
    logged = Contribution.objects.get()
    assert logged.evidence.read() == receipt
    response = client.post(f"/contributions/{logged.pk}/edit/", {**GOOD, "amount": "1200"})
    assert response.status_code == 302
    logged.refresh_from_db()
    assert logged.value == 1200 and logged.evidence.name
    download = client.get(f"/contributions/{logged.pk}/evidence/")
    assert b"".join(download.streaming_content) == receipt


def test_editing_with_bad_input_changes_nothing(client_as, rules, birdlife_fp):
    logged = entry(birdlife_fp)
    client = client_as(birdlife_fp)
    for changes, field in (
        ({"days": "-3"}, "days"),
        ({"start": "2018-06-01"}, "start"),
        ({"end": "2020-01-01"}, "end"),
        ({"kind": "money", "amount": "10", "currency": "CHF"}, "currency"),
    ):
        data = {**GOOD, "kind": "staff_time", "days": "30", **changes}
        response = client.post(f"/contributions/{logged.pk}/edit/", data)
        assert response.status_code == 400 and field_errors(response, field)
    fresh = Contribution.objects.get(pk=logged.pk)
    assert (fresh.days, fresh.value, fresh.start) == (20, 6000, date(2024, 3, 1))


def test_editing_a_validated_entry_is_refused_with_the_way_out(
    client_as, rules, birdlife_fp, secretariat
):
    logged = entry(birdlife_fp, validated_by=secretariat)
    response = client_as(birdlife_fp).post(
        f"/contributions/{logged.pk}/edit/", {**GOOD, "kind": "staff_time", "days": "99"}
    )
    assert response.status_code == 403
    assert "log a correction" in response.content.decode()
    assert Contribution.objects.get(pk=logged.pk).days == 20


def test_a_correction_with_bad_input_logs_nothing(client_as, rules, birdlife_fp, secretariat):
    original = entry(birdlife_fp, validated_by=secretariat)
    client = client_as(birdlife_fp)
    data = {**GOOD, "kind": "staff_time", "days": "-1"}
    response = client.post(f"/contributions/{original.pk}/correct/", data)
    assert response.status_code == 400 and field_errors(response, "days")
    assert Contribution.objects.count() == 1
    # The form starts from the original's figures.
    form = client.get(f"/contributions/{original.pk}/correct/").context["form"]
    assert form["days"].value() == "20.00" and form["kind"].value() == "staff_time"


def test_an_entry_awaiting_validation_is_edited_not_corrected(client_as, rules, birdlife_fp):
    logged = entry(birdlife_fp)
    response = client_as(birdlife_fp).get(f"/contributions/{logged.pk}/correct/")
    assert response.status_code == 409
    assert "edit it instead" in response.content.decode()


def test_validating_twice_is_refused(client_as, rules, secretariat):
    logged = entry(secretariat, validated_by=secretariat)
    response = client_as(secretariat).post(f"/contributions/{logged.pk}/validate/")
    assert response.status_code == 409
    assert "already validated" in response.content.decode()


RULE = {
    "kind": "staff_time",
    "unit": "day",
    "value": "350",
    "currency": "USD",
    "valid_from": "2020-01-01",
    "source": "test",
}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({}, "valid_from", "overlaps the rule"),
        ({"valid_from": "2010-01-01", "valid_to": "2019-01-01"}, "valid_from", "overlaps"),
        ({"kind": "hosting", "valid_to": "2019-12-31"}, "valid_to", "before the start date"),
        ({"kind": "hosting", "value": "-1"}, "value", "greater than or equal to 0"),
        ({"kind": "hosting", "value": "many"}, "value", "Enter a number"),
        ({"kind": "hosting", "currency": "DOLLAR"}, "currency", "not an ISO 4217"),
        ({"kind": "money"}, "kind", "Select a valid choice"),
        ({"kind": "hosting", "valid_from": "soon"}, "valid_from", "Enter a valid date"),
    ],
)
def test_bad_valuation_rules_are_refused_at_their_field(
    client_as, rules, secretariat, changes, field, message
):
    response = client_as(secretariat).post("/contributions/rules/add/", {**RULE, **changes})
    assert response.status_code == 400
    assert message in field_errors(response, field)
    assert ValuationRule.objects.count() == 2


def test_a_new_rate_after_the_old_one_ends(client_as, rules, secretariat):
    with transaction.atomic():
        ValuationRule.objects.filter(kind="staff_time").update(valid_to=date(2024, 12, 31))
    data = {**RULE, "valid_from": "2025-01-01"}
    assert client_as(secretariat).post("/contributions/rules/add/", data).status_code == 302
    html = client_as(secretariat).get("/contributions/rules/").content.decode()
    assert "2024-12-31" in html and "350.00" in html


ASSESSED = {"party": "KE", "instrument": "cms", "year": "2024", "amount": "5000", "currency": "EUR"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "-1"}, "amount", "greater than or equal to 0"),
        ({"amount": "lots"}, "amount", "Enter a number"),
        ({"currency": "EU"}, "currency", "not an ISO 4217"),
        ({"year": "twenty"}, "year", "Enter a whole number"),
        ({"party": "XX"}, "party", "Select a valid choice"),
        ({"due": "2024-13-01"}, "due", "Enter a valid date"),
    ],
)
def test_bad_assessed_contributions_are_refused(client_as, secretariat, changes, field, message):
    response = client_as(secretariat).post("/contributions/assessed/set/", {**ASSESSED, **changes})
    assert response.status_code == 400
    assert message in field_errors(response, field)
    assert not AssessedContribution.objects.exists()


@pytest.fixture
def kenya_2020(secretariat):
    with transaction.atomic():
        return services.set_assessed_contribution(
            party=Party.objects.get(code="KE"),
            instrument=Instrument.objects.get(code="cms"),
            year=2020,
            amount=Decimal(5000),
            currency="EUR",
            by=secretariat,
        )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "0"}, "amount", "greater than or equal to 0.01"),
        ({"amount": "-100"}, "amount", "greater than or equal to 0.01"),
        ({"amount": "a hundred"}, "amount", "Enter a number"),
        ({"date": "yesterday"}, "date", "Enter a valid date"),
    ],
)
def test_bad_payments_are_refused(client_as, secretariat, kenya_2020, changes, field, message):
    url = f"/contributions/assessed/{kenya_2020.pk}/payments/add/"
    data = {"date": "2020-06-01", "amount": "100", **changes}
    response = client_as(secretariat).post(url, data)
    assert response.status_code == 400
    assert message in field_errors(response, field)
    assert not Payment.objects.exists()


def test_arrears_are_highlighted_and_the_status_shown(
    client_as, secretariat, nfp_kenya, kenya_2020
):
    this_year = timezone.localdate().year
    with transaction.atomic():
        services.record_payment(
            assessed=kenya_2020, date=date(2020, 6, 1), amount=Decimal(2000), by=secretariat
        )
        services.set_assessed_contribution(
            party=kenya_2020.party,
            instrument=kenya_2020.instrument,
            year=this_year,
            amount=Decimal(5000),
            currency="EUR",
            by=secretariat,
        )
    response = client_as(nfp_kenya).get("/contributions/assessed/")
    html = response.content.decode()
    assert html.count("in arrears") >= 2  # the summary and the 2020 row
    assert "partly paid" in html and "unpaid" in html
    assert "3,000.00" in html  # outstanding of 2020
    assert "Record a payment" not in html  # the NFP reads; the Secretariat records
    assert len(response.context["arrears"]) == 1
    csv = client_as(nfp_kenya).get("/contributions/assessed/?export=csv").content.decode()
    assert "partly paid, in arrears" in csv and "3000" in csv


def test_the_assessed_page_says_what_it_is_for_when_empty(client_as, birdlife_fp, nfp_germany):
    html = client_as(birdlife_fp).get("/contributions/assessed/").content.decode()
    assert "Your account does not act for a Party" in html
    html = client_as(nfp_germany).get("/contributions/assessed/").content.decode()
    assert "No assessed contribution is recorded yet for the Parties you act for" in html


# -- totals --------------------------------------------------------------------------------------


def test_a_missing_rate_is_an_error_and_the_us_dollar_totals_stay(client, rules, secretariat):
    entry(secretariat, validated_by=secretariat)
    response = client.get("/contributions/totals/", {"currency": "EUR", "on": "2025-01-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No exchange rate from USD to EUR on or before 2025-01-31" in html
    assert "6,000.00" in html and "Total in USD" in html and "Total in EUR" not in html
    euro_rate(secretariat, rate="1.20")
    rows = client.get("/contributions/totals/", {"currency": "EUR"}).context["rows"]
    assert [(row["labels"], row["total_usd"], row["total"]) for row in rows] == [
        (["Staff time"], Decimal("6000.00"), Decimal("5000.00"))
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"by": "kind", "then_by": "kind"}, "then_by"),
        ({"by": "colour"}, "by"),
        ({"currency": "XYZ"}, "currency"),
        ({"on": "31/12/2025"}, "on"),
    ],
)
def test_bad_totals_settings_are_refused_at_their_field(client, query, field):
    response = client.get("/contributions/totals/", query)
    assert response.status_code == 400
    assert response.context["form"].errors[field]


def test_totals_export(client, rules, secretariat):
    entry(secretariat, validated_by=secretariat)
    entry(secretariat, validated_by=secretariat, party="KE", start=date(2023, 1, 1))
    csv = client.get(
        "/contributions/totals/", {"by": "year", "then_by": "kind", "export": "csv"}
    ).content.decode()
    assert csv.splitlines() == [
        "Year,Kind,Total (USD)",
        "2023,Staff time,6000.00",
        "2024,Staff time,6000.00",
    ]
    xlsx = client.get("/contributions/totals/", {"by": "contributor_party", "export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get("/contributions/totals/", {"export": "doc"}).status_code == 400


# -- a year of BirdLife's work, from the form to the totals --------------------------------------


def test_birdlife_logs_a_year_of_work_of_each_kind_and_the_secretariat_validates_it(
    client_as, client, secretariat, birdlife_fp
):
    seed_rules(secretariat, hosting=True)
    euro_rate(secretariat, rate="1.10", valid_from=date(2024, 1, 1))
    activity = Activity.objects.get(programme__code="res-10-9", number="5.2")
    target = Target.objects.order_by("plan__code", "number").first()
    cms = Instrument.objects.get(code="cms")
    year = {"start": "2024-01-01", "end": "2024-12-31", "publish": "on", "status": "spent"}
    year_of_work = [
        {
            "kind": "money",
            "amount": "10000",
            "currency": "EUR",
            "activity": activity.pk,
            "description": "Grant for the gap analysis",
            "status": "received",
        },
        {
            "kind": "in_kind",
            "amount": "2500",
            "currency": "USD",
            "instrument": cms.pk,
            "description": "Satellite tags",
        },
        {"kind": "staff_time", "days": "120", "target": target.pk, "description": "Flyway officer"},
        {
            "kind": "meeting_attendance",
            "people": "4",
            "meetings": "4",
            "days": "6",
            "description": "Delegates at CMS meetings",
        },
        {"kind": "hosting", "days": "3", "description": "Hosted a flyway workshop"},
    ]
    focal_point = client_as(birdlife_fp)
    for values in year_of_work:
        data = {"contributor": "organisation:birdlife", **year, **values}
        response = focal_point.post("/contributions/add/", data)
        assert response.status_code == 302, response.context["form"].errors
    logged = Contribution.objects.filter(contributor_organisation__slug="birdlife")
    assert logged.count() == 5 and not logged.filter(validated_at__isnull=False).exists()
    assert client.get("/contributions/totals/").context["rows"] == []  # nothing validated yet

    officer = client_as(secretariat)
    for contribution in logged:
        assert officer.post(f"/contributions/{contribution.pk}/validate/").status_code == 302
    officer.logout()

    expected = {
        "Money": Decimal("11000.00"),  # €10,000 at 1.10
        "In-kind goods or services": Decimal("2500.00"),
        "Staff time": Decimal("36000.00"),  # 120 days × US$300
        "Meeting attendance": Decimal("35040.00"),  # 4 × 4 × 6 days × US$365
        "Hosting an event": 3 * HOSTING_TEST_VALUE,  # a test value, not a sourced rate
    }
    page = client.get("/contributions/totals/", {"by": "kind"})
    assert {row["labels"][0]: row["total_usd"] for row in page.context["rows"]} == expected
    assert page.context["grand_total_usd"] == Decimal("86040.00")
    assert "86,040.00" in page.content.decode()
    by_organisation = client.get(
        "/contributions/totals/", {"by": "contributor_organisation", "then_by": "year"}
    ).context["rows"]
    birdlife_name = Organisation.objects.get(slug="birdlife").name
    assert [row["labels"] for row in by_organisation] == [[birdlife_name, "2024"]]

    birdlife = client.get("/contributions/organisations/birdlife/")
    totals = birdlife.context["totals"]
    assert totals["years"][0]["year"] == 2024 and totals["total"] == Decimal("86040.00")
    assert dict(zip(totals["kinds"], totals["years"][0]["cells"], strict=True)) == expected
    assert birdlife.context["table"].paginator.count == 5
    html = birdlife.content.decode()
    assert "86,040.00" in html and "35,040.00" in html
    meeting = logged.get(kind="meeting_attendance")
    detail = client.get(f"/contributions/{meeting.pk}/").content.decode()
    assert "96.00 day × 365.00 USD = 35,040.00 USD" in detail
    assert "4 people × 4 meetings × 6.00 days = 96.00 days" in detail


# -- query counts ----------------------------------------------------------------------------------


def _ledger_of(size, secretariat, birdlife_fp):
    """`size` entries of every kind and state, linked to instruments, activities and targets,
    some validated and some corrected: each relation a page shows, so an N+1 adds queries."""
    activity = Activity.objects.filter(programme__code="res-10-9").first()
    target = Target.objects.first()
    cms = Instrument.objects.get(code="cms")
    kinds = [
        {"kind": "staff_time", "days": Decimal(2)},
        {"kind": "money", "amount": Decimal(100), "currency": "EUR", "days": None},
        {"kind": "meeting_attendance", "people": 2, "meetings": 1, "days": Decimal(3)},
    ]
    for n in range(size):
        logged = entry(
            None if n % 4 == 3 else birdlife_fp,  # Kenya's entries: not BirdLife's to log
            party="KE" if n % 4 == 3 else None,
            validated_by=secretariat if n % 2 else None,
            start=date(2020 + n % 5, 1 + n % 12, 1),
            activity=activity if n % 3 == 0 else None,
            target=target if n % 3 == 1 else None,
            instrument=cms if n % 3 == 2 else None,
            description=f"Entry {n}",
            **kinds[n % 3],
        )
        if n % 10 == 1:
            with transaction.atomic():
                services.correct_contribution(original=logged, by=secretariat, days=Decimal(3))
    with transaction.atomic():
        for n in range(size):
            assessed = services.set_assessed_contribution(
                party=Party.objects.order_by("code")[n],
                instrument=cms,
                year=2020 + n % 4,
                amount=Decimal(1000),
                currency="EUR",
                by=secretariat,
            )
            services.record_payment(
                assessed=assessed, date=date(2024, 1, 1), amount=Decimal(100), by=secretariat
            )
            ValuationRule.objects.create(
                kind="hosting",
                value=Decimal(1),
                currency="USD",
                valid_from=date(1900 + 2 * len(ValuationRule.objects.filter(kind="hosting")), 1, 1),
                valid_to=date(1900 + 2 * len(ValuationRule.objects.filter(kind="hosting")), 12, 31),
                source="test",
            )


LIST_PAGES = [
    "/contributions/",
    "/contributions/?kind=money&validated=yes",
    "/contributions/organisations/birdlife/",
    "/contributions/totals/?by=contributor_organisation&then_by=year",
    "/contributions/totals/?by=activity&then_by=target&currency=EUR",
    "/contributions/rules/",
    "/contributions/assessed/",
]


@pytest.mark.parametrize("persona", ["anonymous", "nfp_kenya", "birdlife_fp", "secretariat"])
def test_list_pages_take_as_many_queries_for_30_entries_as_for_3(
    client_as, request, secretariat, birdlife_fp, persona
):
    seed_rules(secretariat)
    euro_rate(secretariat)
    client = client_as(request.getfixturevalue(persona))
    counts: dict[str, list[int]] = {url: [] for url in LIST_PAGES}
    for size in (3, 27):  # 3, then 30 in all
        _ledger_of(size, secretariat, birdlife_fp)
        for url in LIST_PAGES:
            client.get(url)  # the first request of a session may set it up: not counted
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code in (200, 302)
            counts[url].append(len(queries))
    for url, (small, big) in counts.items():
        assert small == big, f"{url}: {small} queries for 3 entries, {big} for 30"
        assert big <= 14, f"{url}: {big} queries"
