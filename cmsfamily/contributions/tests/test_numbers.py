"""Amounts, days and people are read in the language of the page they were typed on, and shown
back in it: "1.234,50" on a Spanish page is one thousand two hundred and thirty-four and a half,
"1.000" people are a thousand people, not one."""

from decimal import Decimal

import pytest

from cmsfamily.contributions.models import AssessedContribution, Contribution, Payment
from cmsfamily.contributions.tests.ledger_data import seed_rules
from cmsfamily.directory.models import Instrument, Party

pytestmark = pytest.mark.django_db

GOOD = {
    "contributor": "organisation:birdlife",
    "kind": "money",
    "description": "Grant for a flyway workshop",
    "currency": "USD",
    "start": "2024-05-01",
    "status": "received",
}


@pytest.fixture
def rules(secretariat):
    return seed_rules(secretariat)


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("en", "1,234.50", Decimal("1234.50")),
        ("fr", "1 234,50", Decimal("1234.50")),
        ("fr", "1\u202f234,50", Decimal("1234.50")),
        ("es", "1.234,50", Decimal("1234.50")),
        ("es", "1.234", Decimal("1234")),
        ("en", "1.234", Decimal("1.23")),  # stored with the field's two decimals
    ],
)
def test_an_amount_is_read_in_the_language_of_the_page(
    client_as, rules, birdlife_fp, language, typed, expected
):
    response = client_as(birdlife_fp).post(
        "/contributions/add/", {**GOOD, "amount": typed}, HTTP_ACCEPT_LANGUAGE=language
    )
    if expected == Decimal("1.23"):  # three decimals do not fit an amount of money
        assert response.status_code == 400
        assert not Contribution.objects.exists()
        return
    assert response.status_code == 302, response.context["form"].errors
    assert Contribution.objects.get().amount == expected


@pytest.mark.parametrize(("language", "typed"), [("es", "1.000"), ("en", "1,000")])
def test_a_thousand_people_are_a_thousand(client_as, rules, birdlife_fp, language, typed):
    data = {
        **GOOD,
        "kind": "meeting_attendance",
        "people": typed,
        "meetings": "1",
        "days": "1",
    }
    response = client_as(birdlife_fp).post(
        "/contributions/add/", data, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Contribution.objects.get().people == 1000


@pytest.mark.parametrize(("language", "typed"), [("fr", "1,000"), ("en", "1.000"), ("fr", "1,5")])
def test_people_with_decimals_are_refused_at_the_field(
    client_as, rules, birdlife_fp, language, typed
):
    data = {**GOOD, "kind": "meeting_attendance", "people": typed, "meetings": "1", "days": "1"}
    response = client_as(birdlife_fp).post(
        "/contributions/add/", data, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    assert response.context["form"].errors["people"]
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("typed", ["1,2,3,4", "1..2", "12abc", "1e3"])
def test_garbage_amounts_are_refused_at_the_field(client_as, rules, birdlife_fp, language, typed):
    response = client_as(birdlife_fp).post(
        "/contributions/add/", {**GOOD, "amount": typed}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    assert response.context["form"].errors["amount"] == [
        {"en": "Enter a number.", "fr": "Saisissez un nombre.", "es": "Introduzca un número."}[
            language
        ]
    ]


@pytest.mark.parametrize(
    ("language", "shown"), [("en", "1,234.50"), ("fr", "1\u202f234,50"), ("es", "1.234,50")]
)
def test_the_edit_form_shows_the_amount_in_the_language_of_the_page(
    client_as, rules, birdlife_fp, language, shown
):
    client = client_as(birdlife_fp)
    client.post("/contributions/add/", {**GOOD, "amount": "1234.50"})
    logged = Contribution.objects.get()
    page = client.get(f"/contributions/{logged.pk}/edit/", HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    assert f'value="{shown}"' in html and 'inputmode="decimal"' in html
    # Sent back as shown, it is the same amount.
    form = page.context["form"]
    data = {name: form[name].value() for name in ("contributor", "kind", "description")}
    data.update({**GOOD, "amount": shown})
    response = client.post(f"/contributions/{logged.pk}/edit/", data, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 302
    assert Contribution.objects.current().get().amount == Decimal("1234.50")


def test_an_assessed_contribution_and_its_payment_in_french(client_as, secretariat):
    client = client_as(secretariat)
    response = client.post(
        "/contributions/assessed/set/",
        {
            "party": "KE",
            "instrument": "cms",
            "year": "2024",
            "scale": "0,012",
            "amount": "12 500,75",
            "currency": "EUR",
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 302, response.context["form"].errors
    assessed = AssessedContribution.objects.get(
        party=Party.objects.get(code="KE"), instrument=Instrument.objects.get(code="cms")
    )
    assert (assessed.year, assessed.scale, assessed.amount) == (
        2024,
        Decimal("0.012"),
        Decimal("12500.75"),
    )
    response = client.post(
        f"/contributions/assessed/{assessed.pk}/payments/add/",
        {"date": "2024-06-01", "amount": "2.500,25"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Payment.objects.get().amount == Decimal("2500.25")


def test_an_uploaded_workbooks_text_amounts_are_read_in_the_language_of_the_page(
    client, birdlife_fp
):
    from datetime import date
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from cmsfamily.contributions import bulk
    from cmsfamily.directory.models import Organisation

    book = Workbook()
    sheet = book.active
    sheet.title = bulk.SHEET
    sheet.append([name for name, _f, _k in bulk.COLUMNS])
    values = {
        "kind": "money",
        "description": "Grant",
        "start": date(2024, 1, 1),
        "amount": "12.000,50",
        "currency": "USD",
        "status": "received",
    }
    sheet.append([values.get(name) for name, _f, _k in bulk.COLUMNS])
    buffer = BytesIO()
    book.save(buffer)
    client.force_login(birdlife_fp)
    checked = client.post(
        "/contributions/upload/",
        {
            "organisation": Organisation.objects.get(slug="birdlife").pk,
            "workbook": SimpleUploadedFile("year.xlsx", buffer.getvalue()),
            "confirm": "no",
        },
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert checked.status_code == 200
    ((_number, row),) = checked.context["result"].rows
    assert row["amount"] == Decimal("12000.50")
