"""Version numbers in the reporting URLs are read by a form or a serializer: "²" (which
`isdigit()` accepts and `int()` refuses), negative or huge numbers are a 400 naming the version,
never a 500."""

import pytest

from cmsfamily.reporting.models import Submission
from cmsfamily.reporting.testing import build_template, open_cycle

pytestmark = pytest.mark.django_db

BAD_VERSIONS = ["²", "x", "-1", "0", "99999999999"]


@pytest.fixture
def cycle(db):
    return open_cycle(build_template()[1])


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_the_structure_refuses_a_version_that_is_not_a_number(client, cycle, version):
    response = client.get(
        "/api/report-templates/test-party-report/structure/", {"version": version}
    )
    assert response.status_code == 400
    assert list(response.json()) == ["version"]


def test_the_structure_is_a_plain_list_of_a_known_version(client, cycle):
    response = client.get("/api/report-templates/test-party-report/structure/", {"version": 1})
    assert response.status_code == 200
    assert [section["number"] for section in response.json()] == ["I", "II", "III"]


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_a_file_link_with_a_bad_version_is_refused(client_as, nfp_kenya, cycle, version):
    kenya = Submission.objects.get(cycle=cycle, party__code="KE")
    response = client_as(nfp_kenya).get(
        f"/reports/submissions/{kenya.pk}/files/t.departments/", {"version": version}
    )
    assert response.status_code == 400
    assert "Version:" in response.content.decode()


def test_a_file_link_to_a_version_that_does_not_exist_is_404(client_as, nfp_kenya, cycle):
    kenya = Submission.objects.get(cycle=cycle, party__code="KE")
    response = client_as(nfp_kenya).get(
        f"/reports/submissions/{kenya.pk}/files/t.departments/", {"version": "7"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "javascript:x"])
def test_a_question_edit_goes_back_only_within_the_site(client_as, secretariat, cycle, target):
    # "//evil.example/" passed the startswith("/") check: an open redirect after saving.
    response = client_as(secretariat).get(
        "/reports/questions/t.departments/edit/", {"next": target}
    )
    assert response.status_code == 200
    assert response.context["back"] == "/reports/templates/"


def test_a_question_edit_goes_back_to_a_page_of_the_site(client_as, secretariat, cycle):
    response = client_as(secretariat).get(
        "/reports/questions/t.departments/edit/", {"next": "/reports/"}
    )
    assert response.context["back"] == "/reports/"
