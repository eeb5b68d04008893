"""Permission matrix: every page and endpoint of the work programmes, for every persona."""

import pytest

from cmsfamily.core.testing import LOGIN, client_for, cms_secretariat_only, everyone, matrix
from cmsfamily.workplans.choices import ProgrammeStatus
from cmsfamily.workplans.models import Activity, ProgressUpdate, ResourceLine
from cmsfamily.workplans.tests import factories

pytestmark = pytest.mark.django_db

RES = "/workplans/res-10-9"


PUBLIC = [
    "/workplans/",
    "/workplans/?kind=cop_resolution&status=published&q=CMS",
    "/workplans/?export=csv",
    "/workplans/?export=xlsx",
    f"{RES}/",
    f"{RES}/activities/5.2/",
    "/workplans/cbd-cms-jwp-2012-2014/activities/5.1/",
    "/api/work-programmes/",
    "/api/work-programmes/res-10-9/",
    "/api/activities/",
    "/api/activities/?programme=res-10-9",
    "/api/progress-updates/",
    "/api/resource-lines/",
    "/api/resource-lines/?programme=res-10-9",
]


@pytest.mark.parametrize("url", PUBLIC)
@pytest.mark.parametrize(("persona", "expected"), everyone(200))
def test_public_pages_and_endpoints(client_as, request, url, persona, expected):
    assert client_for(client_as, request, persona).get(url).status_code == expected


@pytest.mark.parametrize(
    "url",
    [
        "/workplans/no-such-programme/",
        f"{RES}/activities/99.9/",
        "/api/work-programmes/no-such-programme/",
    ],
)
@pytest.mark.parametrize(("persona", "expected"), everyone(404))
def test_unknown_records_are_404(client_as, request, url, persona, expected):
    assert client_for(client_as, request, persona).get(url).status_code == expected


DRAFT_URLS = [
    "/workplans/draft-plan/",
    "/workplans/draft-plan/activities/1/",
    "/api/work-programmes/draft-plan/",
]


@pytest.mark.parametrize("url", DRAFT_URLS)
@pytest.mark.parametrize(("persona", "expected"), cms_secretariat_only(anonymous=404, others=404))
def test_draft_programmes_are_seen_by_the_cms_secretariat_only(
    client_as, request, url, persona, expected
):
    draft = factories.programme("draft-plan", status=ProgrammeStatus.DRAFT)
    factories.activity(draft, "1")
    client = client_for(client_as, request, persona)
    assert client.get(url).status_code == expected
    listed = client.get("/api/activities/?programme=draft-plan").json()["count"]
    assert listed == (1 if persona == "secretariat" else 0)


@pytest.mark.parametrize("url", [f"{RES}/activities/add/", f"{RES}/activities/5.2/resources/add/"])
@pytest.mark.parametrize(("persona", "expected"), cms_secretariat_only(anonymous=LOGIN))
def test_edit_forms_are_for_the_cms_secretariat(client_as, request, url, persona, expected):
    assert client_for(client_as, request, persona).get(url).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"), cms_secretariat_only(anonymous=LOGIN, allowed=302)
)
def test_adding_an_activity(client_as, request, persona, expected):
    data = {"number": "16.9", "title_en": "A new activity", "parent": "", "status": "unknown"}
    response = client_for(client_as, request, persona).post(f"{RES}/activities/add/", data)
    assert response.status_code == expected
    created = Activity.objects.filter(programme__code="res-10-9", number="16.9").exists()
    assert created == (persona == "secretariat")


@pytest.mark.parametrize(
    ("persona", "expected"), cms_secretariat_only(anonymous=LOGIN, allowed=302)
)
def test_adding_a_resource_line(client_as, request, persona, expected):
    data = {
        "description": "Consultant",
        "type": "voluntary_contribution",
        "used_or_needed": "needed",
        "amount": "1000",
        "currency": "USD",
        "secured": "unknown",
    }
    url = f"{RES}/activities/5.2/resources/add/"
    response = client_for(client_as, request, persona).post(url, data)
    assert response.status_code == expected
    assert ResourceLine.objects.filter(description="Consultant").exists() == (
        persona == "secretariat"
    )


def _progress_matrix(*, allowed):
    # BirdLife's focal point leads 1.1 but not 1.2; the CMS Secretariat posts on both.
    return matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=allowed["birdlife_fp"],
        secretariat=302,
        eurobats_officer=403,
    )


@pytest.mark.parametrize(
    ("number", "persona", "expected"),
    [
        pytest.param(number, *param.values, id=f"{number}-{param.id}")
        for number, birdlife in (("1.1", 302), ("1.2", 403))
        for param in _progress_matrix(allowed={"birdlife_fp": birdlife})
    ],
)
def test_posting_progress_on_a_page(client_as, request, number, persona, expected):
    factories.birdlife_programme()
    url = f"/workplans/birdlife-shared/activities/{number}/progress/"
    data = {"kind": "progress", "status": "in_progress", "text": "Surveys done"}
    response = client_for(client_as, request, persona).post(url, data)
    assert response.status_code == expected
    assert ProgressUpdate.objects.filter(text="Surveys done").exists() == (
        expected == 302 and persona != "anonymous"
    )


@pytest.mark.parametrize(
    ("number", "persona", "expected"),
    [
        pytest.param(number, *param.values, id=f"{number}-{param.id}")
        for number, birdlife in (("1.1", 201), ("1.2", 403))
        for param in matrix(
            anonymous=403,
            nfp_kenya=403,
            nfp_germany=403,
            birdlife_fp=birdlife,
            secretariat=201,
            eurobats_officer=403,
        )
    ],
)
def test_posting_progress_through_the_api(client_as, request, number, persona, expected):
    shared = factories.birdlife_programme()
    activity = shared.activities.get(number=number)
    response = client_for(client_as, request, persona).post(
        "/api/progress-updates/",
        {"activity": activity.pk, "kind": "progress", "text": "Surveys done"},
        content_type="application/json",
    )
    assert response.status_code == expected
    assert ProgressUpdate.objects.filter(text="Surveys done").exists() == (expected == 201)


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=False,
        nfp_kenya=False,
        nfp_germany=False,
        birdlife_fp=True,
        secretariat=True,
        eurobats_officer=False,
    ),
)
def test_the_progress_form_is_shown_to_those_who_may_post(client_as, request, persona, expected):
    factories.birdlife_programme()
    page = client_for(client_as, request, persona).get("/workplans/birdlife-shared/activities/1.1/")
    assert ("Post progress" in page.content.decode()) == expected


@pytest.mark.parametrize("url", ["/workplans/add/", f"{RES}/edit/"])
@pytest.mark.parametrize(("persona", "expected"), cms_secretariat_only(anonymous=LOGIN))
def test_programme_forms_are_for_the_cms_secretariat(client_as, request, url, persona, expected):
    assert client_for(client_as, request, persona).get(url).status_code == expected


@pytest.mark.parametrize(
    ("url", "persona", "expected"),
    [
        pytest.param(url, *param.values, id=f"{url}-{param.id}")
        for url, birdlife in (
            ("/workplans/birdlife-shared/activities/1.2/edit/", 200),
            ("/workplans/birdlife-shared/activities/add/", 200),
            (f"{RES}/activities/5.2/edit/", 403),
        )
        for param in matrix(
            anonymous=LOGIN,
            nfp_kenya=403,
            nfp_germany=403,
            birdlife_fp=birdlife,
            secretariat=200,
            eurobats_officer=403,
        )
    ],
)
def test_a_partner_edits_the_activities_of_its_own_shared_programme_only(
    client_as, request, url, persona, expected
):
    factories.birdlife_programme()
    assert client_for(client_as, request, persona).get(url).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=404,
        nfp_kenya=404,
        nfp_germany=404,
        birdlife_fp=200,
        secretariat=200,
        eurobats_officer=404,
    ),
)
def test_a_draft_shared_programme_is_seen_by_its_partner_and_the_cms_secretariat(
    client_as, request, persona, expected
):
    factories.birdlife_programme(ProgrammeStatus.DRAFT)
    client = client_for(client_as, request, persona)
    assert client.get("/workplans/birdlife-shared/").status_code == expected
    assert client.get("/workplans/birdlife-shared/activities/1.1/").status_code == expected
