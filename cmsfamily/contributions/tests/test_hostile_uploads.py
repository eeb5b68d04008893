"""Hostile files posted to the contributions pages: the bulk workbook upload and a contribution's
evidence. Each is refused with a clear message and a 400, nothing is logged, nothing is kept on
the server, never a 500 (the workbook upload had none of the report workbook's checks: a 1 MB
file that unpacked to 1 GB took 18 s and 1 GB of memory)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cmsfamily.contributions.models import Contribution
from cmsfamily.contributions.tests.ledger_data import seed_rules
from cmsfamily.contributions.tests.test_donors_and_upload import ledger_workbook, staff_days_row
from cmsfamily.contributions.tests.test_views import GOOD, field_errors
from cmsfamily.core import hostile
from cmsfamily.directory.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize("case", sorted(hostile.WORKBOOKS))
def test_a_hostile_workbook_is_refused_and_nothing_is_logged_or_kept(
    client, birdlife_fp, media, case
):
    name, data = hostile.WORKBOOKS[case](ledger_workbook([staff_days_row(10)]).read())
    client.force_login(birdlife_fp)
    response = client.post(
        "/contributions/upload/",
        {
            "organisation": Organisation.objects.get(slug="birdlife").pk,
            "workbook": SimpleUploadedFile(name, data),
            "confirm": "yes",
        },
    )
    assert response.status_code == 400
    assert hostile.WORKBOOK_REFUSALS[case] in response.content.decode()
    assert not Contribution.objects.exists()
    assert not list(media.rglob("*.*"))


def test_the_valid_workbook_the_hostile_ones_are_made_from_is_taken(client, birdlife_fp):
    client.force_login(birdlife_fp)
    response = client.post(
        "/contributions/upload/",
        {
            "organisation": Organisation.objects.get(slug="birdlife").pk,
            "workbook": ledger_workbook([staff_days_row(10)]),
            "confirm": "no",
        },
    )
    assert response.status_code == 200 and response.context["staged"]


@pytest.mark.parametrize("case", sorted(hostile.pdfs()))
def test_evidence_that_is_not_a_pdf_that_opens_is_refused(
    client, secretariat, birdlife_fp, media, case
):
    seed_rules(secretariat)
    name, data = hostile.pdfs()[case]
    client.force_login(birdlife_fp)
    response = client.post(
        "/contributions/add/",
        {**GOOD, "evidence": SimpleUploadedFile(name, data, "application/pdf")},
    )
    assert response.status_code == 400
    expected = "The submitted file is empty" if case == "empty" else "must be a PDF file"
    assert expected in field_errors(response, "evidence")
    assert not Contribution.objects.exists()
    assert not list(media.rglob("*.*"))
