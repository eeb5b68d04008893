"""Hostile files posted to a report's workbook upload: each is refused with a clear message and a
400; no answer changes and nothing waits on the server for a confirmation; never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cmsfamily.core import hostile
from cmsfamily.reporting import workbook
from cmsfamily.reporting.models import Answer
from cmsfamily.reporting.tests.test_workbook import media, report  # noqa: F401  (fixtures)


def _answers(submission):
    return sorted(Answer.objects.filter(submission=submission).values_list("pk", "revision"))


@pytest.mark.parametrize("case", sorted(hostile.WORKBOOKS))
def test_a_hostile_workbook_is_refused_and_nothing_changes(client, report, nfp_kenya, media, case):  # noqa: F811
    name, data = hostile.WORKBOOKS[case](workbook.draft_workbook(report, nfp_kenya, "en"))
    before = _answers(report)
    client.force_login(nfp_kenya)
    response = client.post(
        reverse("reporting:workbook-upload", args=[report.pk]),
        {"file": SimpleUploadedFile(name, data, content_type=workbook.CONTENT_TYPE)},
    )
    assert response.status_code == 400
    assert hostile.WORKBOOK_REFUSALS[case] in response.content.decode()
    assert _answers(report) == before
    assert not [path for path in media.rglob("*") if path.is_file()]


@pytest.mark.django_db
def test_a_template_file_nested_too_deep_for_the_json_parser_is_refused(client, secretariat):
    client.force_login(secretariat)
    deep = SimpleUploadedFile("t.json", b"[" * 100_000, "application/json")
    response = client.post("/reports/templates/import/", {"file": deep})
    assert response.status_code == 400
    assert "This file is not JSON in UTF-8." in response.content.decode()
