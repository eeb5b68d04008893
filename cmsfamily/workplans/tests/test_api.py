import pytest

from cmsfamily.directory.models import Organisation
from cmsfamily.workplans.choices import ProgrammeStatus
from cmsfamily.workplans.models import Activity, ProgressUpdate
from cmsfamily.workplans.tests import factories

pytestmark = pytest.mark.django_db


def test_programmes_and_activities_are_listed_and_filtered(client):
    programmes = client.get("/api/work-programmes/").json()
    assert [row["code"] for row in programmes["results"]] == ["cbd-cms-jwp-2012-2014", "res-10-9"]
    jwp = client.get("/api/work-programmes/cbd-cms-jwp-2012-2014/").json()
    assert jwp["aichi_targets"] == [5, 9, 11, 12] and jwp["owner"] == "cms-secretariat"
    activities = client.get("/api/activities/", {"programme": "res-10-9", "page_size": 100}).json()
    assert activities["count"] == Activity.objects.filter(programme__code="res-10-9").count()
    first = activities["results"][0]
    assert (first["number"], first["parent"]) == ("1", None)


def test_progress_updates_are_filtered_by_activity(client):
    activity = Activity.objects.get(programme__code="res-10-9", number="5.2")
    data = client.get("/api/progress-updates/", {"activity": activity.pk}).json()
    assert data["count"] == activity.updates.count() > 0
    assert {row["activity_number"] for row in data["results"]} == {"5.2"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "gossip", "text": "x"}, "kind"),
        ({"kind": "progress", "text": ""}, "text"),
        ({"kind": "progress", "text": "x", "date": "not a date"}, "date"),
        ({"kind": "progress", "text": "x", "status": "finished"}, "status"),
    ],
)
def test_bad_progress_gets_400_with_field_errors(client, secretariat, data, field):
    client.force_login(secretariat)
    activity = Activity.objects.get(programme__code="res-10-9", number="5.2")
    response = client.post(
        "/api/progress-updates/", {"activity": activity.pk, **data}, content_type="application/json"
    )
    assert response.status_code == 400 and field in response.json()
    assert not ProgressUpdate.objects.filter(author=secretariat).exists()


def test_progress_on_a_closed_programme_gets_400(client, secretariat):
    activity = factories.birdlife_programme(ProgrammeStatus.CLOSED).activities.get(number="1.1")
    client.force_login(secretariat)
    response = client.post(
        "/api/progress-updates/",
        {"activity": activity.pk, "kind": "progress", "text": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "is closed" in response.json()["non_field_errors"][0]


def test_a_draft_programme_activity_is_not_postable_by_its_lead(client, birdlife_fp):
    """BirdLife leads 1.1 of a draft programme that is not its shared one: it cannot see it."""
    draft = factories.programme(
        "draft-secretariat-plan", status=ProgrammeStatus.DRAFT, kind="cop_resolution"
    )
    activity = factories.activity(draft, "1", lead=Organisation.objects.get(slug="birdlife"))
    client.force_login(birdlife_fp)
    response = client.post(
        "/api/progress-updates/",
        {"activity": activity.pk, "kind": "progress", "text": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_a_partner_works_on_its_own_shared_programme_while_it_is_a_draft(client, birdlife_fp):
    activity = factories.birdlife_programme(ProgrammeStatus.DRAFT).activities.get(number="1.1")
    client.force_login(birdlife_fp)
    assert client.get("/workplans/birdlife-shared/").status_code == 200
    response = client.post(
        "/api/progress-updates/",
        {"activity": activity.pk, "kind": "progress", "text": "x"},
        content_type="application/json",
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    "url",
    [
        "/api/work-programmes/",
        "/api/activities/",
        "/api/activities/?programme=res-10-9",
        "/api/progress-updates/",
    ],
)
@pytest.mark.parametrize("persona", ["anonymous", "birdlife_fp", "secretariat"])
def test_api_lists_have_a_bounded_number_of_queries(
    client_as, request, django_assert_max_num_queries, url, persona
):
    client = client_as(request.getfixturevalue(persona))
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("value", ["-9.2e171", "1.5", "99999999999999999999", "abc"])
def test_a_nonsense_activity_filter_is_refused_by_name(client, value):
    response = client.get("/api/progress-updates/", {"activity": value})
    assert response.status_code == 400 and list(response.json()) == ["activity"]
