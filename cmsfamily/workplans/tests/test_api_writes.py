"""Writing through the API: programmes, activities and resource lines, with who may and bad input."""

import pytest

from cmsfamily.core.testing import client_for, cms_secretariat_only, matrix
from cmsfamily.workplans.choices import ProgrammeStatus
from cmsfamily.workplans.models import Activity, ResourceLine, WorkProgramme
from cmsfamily.workplans.tests import factories

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _post(client, url, data):
    return client.post(url, data, content_type=JSON)


def _patch(client, url, data):
    return client.patch(url, data, content_type=JSON)


@pytest.mark.parametrize(("persona", "expected"), cms_secretariat_only(anonymous=403, allowed=201))
def test_creating_a_programme(client_as, request, persona, expected):
    data = {
        "code": "birdlife-2027",
        "title_en": "BirdLife and CMS shared programme 2027",
        "title_fr": "Programme commun BirdLife-CMS 2027",
        "kind": "partner_shared",
        "partner": "birdlife",
        "owner": "cms-secretariat",
        "start": "2027-01-01",
        "end": "2029-12-31",
        "status": "draft",
        "aichi_targets": [11, 12],
    }
    response = _post(client_for(client_as, request, persona), "/api/work-programmes/", data)
    assert response.status_code == expected
    created = WorkProgramme.objects.filter(code="birdlife-2027").first()
    assert (created is not None) == (expected == 201)
    if created:
        assert created.title_fr == "Programme commun BirdLife-CMS 2027"
        assert sorted(t.number for t in created.aichi_targets.all()) == [11, 12]
        assert response.json()["aichi_targets"] == [11, 12]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": "res-10-9"}, "code"),
        ({"code": "add"}, "code"),
        ({"start": "2029-01-01", "end": "2027-01-01"}, "end"),
        ({"partner": None}, "partner"),
        ({"partner": "no-such-organisation"}, "partner"),
        ({"kind": "treaty"}, "kind"),
        ({"title_en": ""}, "title_en"),
        ({"start": "someday"}, "start"),
    ],
)
def test_bad_programmes_are_refused_at_their_field(client, secretariat, data, field):
    client.force_login(secretariat)
    good = {"code": "new-one", "title_en": "New", "kind": "partner_shared", "partner": "birdlife"}
    before = WorkProgramme.objects.count()
    response = _post(client, "/api/work-programmes/", {**good, **data})
    assert response.status_code == 400
    assert field in response.json()
    assert WorkProgramme.objects.count() == before


def test_a_programme_is_changed_with_patch_and_its_code_stays(client, secretariat):
    client.force_login(secretariat)
    factories.birdlife_programme()
    response = _patch(client, "/api/work-programmes/birdlife-shared/", {"status": "closed"})
    assert response.status_code == 200 and response.json()["status"] == "closed"
    response = _patch(client, "/api/work-programmes/birdlife-shared/", {"code": "renamed"})
    assert response.status_code == 400 and "code" in response.json()
    assert (
        client.put("/api/work-programmes/birdlife-shared/", {}, content_type=JSON).status_code
        == 405
    )


def _activity_matrix(*, birdlife):
    return matrix(
        anonymous=403,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=birdlife,
        secretariat=201,
        eurobats_officer=403,
    )


@pytest.mark.parametrize(
    ("programme", "persona", "expected"),
    [
        pytest.param(code, *param.values, id=f"{code}-{param.id}")
        for code, birdlife in (("birdlife-shared", 201), ("res-10-9", 403))
        for param in _activity_matrix(birdlife=birdlife)
    ],
)
def test_adding_an_activity(client_as, request, programme, persona, expected):
    """A Partner adds activities to its own shared programme only."""
    factories.birdlife_programme()
    data = {
        "programme": programme,
        "number": "1.3",
        "parent": "1",
        "title_en": "Flyway survey",
        "partners": ["birdlife"],
        "partner_parties": ["KE"],
        "status": "planned",
    }
    if programme == "res-10-9":
        data["number"], data["parent"] = "16.9", "16"
    response = _post(client_for(client_as, request, persona), "/api/activities/", data)
    assert response.status_code == expected
    created = Activity.objects.filter(title_en="Flyway survey").first()
    assert (created is not None) == (expected == 201)
    if created:
        assert created.parent.number == data["parent"]
        assert [p.code for p in created.partner_parties.all()] == ["KE"]


@pytest.mark.parametrize(
    ("programme", "persona", "expected"),
    [
        pytest.param(code, *param.values, id=f"{code}-{param.id}")
        for code, birdlife in (("birdlife-shared", 200), ("res-10-9", 403))
        for param in matrix(
            anonymous=403,
            nfp_kenya=403,
            nfp_germany=403,
            birdlife_fp=birdlife,
            secretariat=200,
            eurobats_officer=403,
        )
    ],
)
def test_changing_an_activity(client_as, request, programme, persona, expected):
    factories.birdlife_programme()
    activity = Activity.objects.get(programme__code=programme, number="1.1")
    response = _patch(
        client_for(client_as, request, persona),
        f"/api/activities/{activity.pk}/",
        {"status": "completed", "title_fr": "Titre"},
    )
    assert response.status_code == expected
    activity.refresh_from_db()
    assert (activity.status == "completed") == (expected == 200)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"number": "1.1"}, "number"),
        ({"number": "1.x"}, "number"),
        ({"parent": "9"}, "parent"),
        ({"start": "2027-06-01", "end": "2027-01-01"}, "end"),
        ({"title_en": ""}, "title_en"),
        ({"status": "abandoned"}, "status"),
        ({"partner_parties": ["XX"]}, "partner_parties"),
        ({"programme": "no-such-programme"}, "programme"),
    ],
)
def test_bad_activities_are_refused_at_their_field(client, secretariat, data, field):
    factories.birdlife_programme()
    client.force_login(secretariat)
    good = {"programme": "birdlife-shared", "number": "1.3", "parent": "1", "title_en": "X"}
    before = Activity.objects.count()
    response = _post(client, "/api/activities/", {**good, **data})
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Activity.objects.count() == before


def test_an_activity_cannot_become_its_own_ancestor_through_the_api(client, secretariat):
    shared = factories.birdlife_programme()
    client.force_login(secretariat)
    area = shared.activities.get(number="1")
    response = _patch(client, f"/api/activities/{area.pk}/", {"parent": "1.1"})
    assert response.status_code == 400
    assert "own ancestor" in response.json()["parent"][0]
    area.refresh_from_db()
    assert area.parent is None


def test_a_closed_programme_refuses_new_activities(client, secretariat):
    factories.birdlife_programme(ProgrammeStatus.CLOSED)
    client.force_login(secretariat)
    data = {"programme": "birdlife-shared", "number": "2", "title_en": "Late"}
    response = _post(client, "/api/activities/", data)
    assert response.status_code == 400 and "closed" in str(response.json())


@pytest.mark.parametrize(
    ("programme", "persona", "expected"),
    [
        pytest.param(code, *param.values, id=f"{code}-{param.id}")
        for code, birdlife in (("birdlife-shared", 201), ("res-10-9", 403))
        for param in _activity_matrix(birdlife=birdlife)
    ],
)
def test_adding_a_resource_line(client_as, request, programme, persona, expected):
    factories.birdlife_programme()
    activity = Activity.objects.get(programme__code=programme, number="1.1")
    data = {
        "activity": activity.pk,
        "description": "Field team",
        "type": "voluntary_contribution",
        "used_or_needed": "needed",
        "amount": "12000.50",
        "currency": "USD",
        "secured": False,
    }
    response = _post(client_for(client_as, request, persona), "/api/resource-lines/", data)
    assert response.status_code == expected
    assert ResourceLine.objects.filter(description="Field team").exists() == (expected == 201)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"amount": "a lot"}, "amount"),
        ({"currency": "EURO"}, "currency"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": ""}, "currency"),
        ({"type": "gift"}, "type"),
    ],
)
def test_bad_resource_lines_are_refused_at_their_field(client, secretariat, data, field):
    shared = factories.birdlife_programme()
    client.force_login(secretariat)
    activity = shared.activities.get(number="1.1")
    good = {
        "activity": activity.pk,
        "description": "X",
        "type": "other",
        "amount": "1",
        "currency": "EUR",
    }
    response = _post(client, "/api/resource-lines/", {**good, **data})
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not ResourceLine.objects.filter(activity=activity).exists()


def test_resource_lines_are_listed_per_programme(client):
    response = client.get("/api/resource-lines/", {"programme": "res-10-9"})
    assert response.status_code == 200
    body = response.json()
    assert (
        body["count"] == ResourceLine.objects.filter(activity__programme__code="res-10-9").count()
    )
    refused = client.get("/api/resource-lines/", {"activity": "x"})
    assert refused.status_code == 400
    assert "activity" in refused.json()
