import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cmsfamily.core.testing import everyone, matrix
from cmsfamily.decisions import services
from cmsfamily.decisions.tests.conftest import addressee_of
from cmsfamily.decisions.tests.drafts_data import note_docx

pytestmark = pytest.mark.django_db


def api_as(user):
    client = APIClient()
    if user.is_authenticated:
        client.force_authenticate(user)
    return client


@pytest.fixture
def consultation(secretariat):
    return services.open_consultation(
        title="Concept note",
        content=note_docx(),
        file_name="note.docx",
        deadline=timezone.now() + datetime.timedelta(days=10),
        visibility="secretariat",
        all_nfps=True,
        by=secretariat,
    )


@pytest.mark.parametrize("persona,expected", everyone(200))
def test_register_is_public(register, request, persona, expected, django_assert_max_num_queries):
    client = api_as(request.getfixturevalue(persona))
    with django_assert_max_num_queries(10):
        response = client.get("/api/decisions/")
    assert response.status_code == expected
    assert response.json()["count"] >= 8
    one = client.get("/api/decisions/cms-res-10-9/").json()
    assert len(one["paragraphs"]) == 16 and one["gaps"]
    assert client.get("/api/decisions/nothing/").status_code == 404


def test_implementation_is_scoped_and_written_by_the_implementer(
    resolution, nfp_kenya, nfp_germany, secretariat, anonymous
):
    parties = addressee_of(resolution, "1")
    body = {"addressee": parties.pk, "party": "KE", "status": "in_progress", "note": "Drafting"}
    assert api_as(anonymous).post("/api/decision-implementation/", body).status_code == 403
    refused = api_as(nfp_germany).post("/api/decision-implementation/", body)
    assert refused.status_code == 403
    made = api_as(nfp_kenya).post("/api/decision-implementation/", body)
    assert made.status_code == 201 and made.json()["party"] == "KE"
    bad = api_as(nfp_kenya).post("/api/decision-implementation/", {**body, "status": "finished"})
    assert bad.status_code == 400
    assert api_as(nfp_kenya).get("/api/decision-implementation/").json()["count"] == 1
    assert api_as(nfp_germany).get("/api/decision-implementation/").json()["count"] == 0
    assert api_as(anonymous).get("/api/decision-implementation/").json()["count"] == 0
    assert api_as(secretariat).get("/api/decision-implementation/").json()["count"] == 1


@pytest.mark.parametrize(
    "persona,expected",
    matrix(
        anonymous=0, nfp_kenya=1, nfp_germany=1, birdlife_fp=0, secretariat=1, eurobats_officer=0
    ),
)
def test_consultations_are_scoped(consultation, request, persona, expected):
    client = api_as(request.getfixturevalue(persona))
    assert client.get("/api/consultations/").json()["count"] == expected
    detail = client.get(f"/api/consultations/{consultation.slug}/")
    assert detail.status_code == (200 if expected else 404)
    if expected:
        assert len(detail.json()["paragraphs"]) == 10


def test_comments_through_the_api(consultation, nfp_kenya, nfp_germany, birdlife_fp, secretariat):
    first = consultation.versions.get().paragraphs.get(number="1")
    body = {"paragraph": first.pk, "kind": "general", "text": "From Kenya"}
    assert api_as(birdlife_fp).post("/api/consultation-comments/", body).status_code == 404
    assert api_as(nfp_kenya).post("/api/consultation-comments/", body).status_code == 201
    empty = api_as(nfp_kenya).post("/api/consultation-comments/", {**body, "text": ""})
    assert empty.status_code == 400
    query = f"/api/consultation-comments/?consultation={consultation.slug}"
    assert api_as(nfp_kenya).get(query).json()["count"] == 1
    assert api_as(nfp_germany).get(query).json()["count"] == 0  # visible to the Secretariat only
    assert api_as(secretariat).get(query).json()["count"] == 1
