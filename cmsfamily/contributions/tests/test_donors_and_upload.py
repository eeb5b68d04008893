"""The donor view of work still needing funds, and the XLSX upload page."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import Workbook

from cmsfamily.contributions import bulk, services
from cmsfamily.contributions.models import Contribution
from cmsfamily.core.testing import LOGIN, client_for, everyone, matrix
from cmsfamily.directory.models import Organisation
from cmsfamily.workplans.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """A checked workbook waits in the default storage for its confirmation: not in media/."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(("persona", "expected"), everyone(200))
def test_everyone_reads_the_donor_view(client_as, request, persona, expected):
    response = client_for(client_as, request, persona).get("/contributions/donors/")
    assert response.status_code == expected
    needs = response.context["needs"]
    assert needs[0].activity.number == "5.2" and needs[0].funding.gap == Decimal("25000.00")
    assert all(need.programme.status == "published" for need in needs)


def test_the_donor_view_counts_validated_money_and_names_a_missing_rate(
    client, secretariat, birdlife_fp
):
    activity = Activity.objects.get(programme__code="res-10-9", number="5.2")
    with transaction.atomic():
        entry = services.log_contribution(
            by=birdlife_fp,
            contributor_organisation=Organisation.objects.get(slug="birdlife"),
            activity=activity,
            kind="money",
            amount=Decimal(25000),
            currency="USD",
            start=date(2024, 1, 1),
            status="pledged",
            description="All of it",
            publish=True,
        )
        services.validate_contribution(contribution=entry, by=secretariat)
    response = client.get("/contributions/donors/", {"currency": "USD"})
    assert "No exchange rate from EUR to USD" in response.context["errors"][0]
    assert client.get("/contributions/donors/", {"on": "someday"}).status_code == 400


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=200,
        nfp_germany=200,
        birdlife_fp=200,
        secretariat=200,
        eurobats_officer=403,
    ),
)
def test_the_upload_page_is_for_those_who_log_contributions(client_as, request, persona, expected):
    assert (
        client_for(client_as, request, persona).get("/contributions/upload/").status_code
        == expected
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=404,
        nfp_germany=404,
        birdlife_fp=200,
        secretariat=200,
        eurobats_officer=403,
    ),
)
def test_a_partner_downloads_its_own_template_only(client_as, request, persona, expected):
    response = client_for(client_as, request, persona).get(
        "/contributions/upload/template.xlsx?organisation=birdlife"
    )
    assert response.status_code == expected


def ledger_workbook(rows):
    book = Workbook()
    sheet = book.active
    sheet.title = bulk.SHEET
    sheet.append([name for name, _f, _k in bulk.COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("year.xlsx", buffer.getvalue())


def staff_days_row(days):
    values = {
        "kind": "money",
        "description": f"Grant {days}",
        "start": date(2024, 1, 1),
        "amount": days,
        "currency": "USD",
        "status": "received",
    }
    return [values.get(name) for name, _f, _k in bulk.COLUMNS]


def test_check_then_confirm_logs_the_rows_and_a_bad_workbook_logs_nothing(client, birdlife_fp):
    client.force_login(birdlife_fp)
    birdlife = Organisation.objects.get(slug="birdlife")
    checked = client.post(
        "/contributions/upload/",
        {
            "organisation": birdlife.pk,
            "workbook": ledger_workbook([staff_days_row(10), staff_days_row(20)]),
            "confirm": "no",
        },
    )
    assert checked.status_code == 200 and len(checked.context["result"].rows) == 2
    assert not Contribution.objects.exists()
    confirmed = client.post(
        "/contributions/upload/",
        {
            "organisation": birdlife.pk,
            "workbook": ledger_workbook([staff_days_row(10), staff_days_row(20)]),
            "confirm": "yes",
        },
    )
    assert confirmed.status_code == 302 and Contribution.objects.count() == 2
    bad = client.post(
        "/contributions/upload/",
        {
            "organisation": birdlife.pk,
            "workbook": ledger_workbook([staff_days_row(30), staff_days_row(-1)]),
            "confirm": "yes",
        },
    )
    assert bad.status_code == 400 and "Contributions!E3" in bad.content.decode()
    assert Contribution.objects.count() == 2


def test_a_partner_cannot_upload_for_another_organisation(client, birdlife_fp):
    client.force_login(birdlife_fp)
    wwf = Organisation.objects.get(slug="wwf")
    response = client.post(
        "/contributions/upload/",
        {
            "organisation": wwf.pk,
            "workbook": ledger_workbook([staff_days_row(10)]),
            "confirm": "yes",
        },
    )
    assert response.status_code == 400 and "organisation" in response.context["form"].errors
    assert not Contribution.objects.exists()
