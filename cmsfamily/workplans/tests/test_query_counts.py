"""The tree page and the API lists of a programme take as many queries for 5 activities as for 60.

The benchmark (bench/, `make bench`) measures the same pages on 2,000 activities; here only the
query counts are checked, so that an N+1 fails a test before it shows as a slow page.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cmsfamily.accounts.models import User
from cmsfamily.directory.models import Organisation
from cmsfamily.workplans.models import ProgressUpdate, ResourceLine
from cmsfamily.workplans.tests import factories

pytestmark = pytest.mark.django_db

URLS = [
    "/workplans/{code}/",
    "/api/activities/?programme={code}",
    "/api/progress-updates/?programme={code}",
]
# A signed-in persona's session, user and permission checks included, as in test_views; the
# headroom is for a query or two per request, never for one per activity.
MAX_QUERIES = 14


def _programme(code, areas, subs_per_area, updates_each):
    """A programme whose sub-activities each have a lead, updates of every kind by an author, and
    a resource line: every relation the pages show, so that an N+1 on any of them adds queries."""
    programme = factories.programme(code)
    leads = list(Organisation.objects.filter(slug__in=["birdlife", "cms-secretariat"]))
    author = User.objects.order_by("pk").first()
    kinds = ["progress", "short_term_progress", "medium_term_plan"]
    updates, lines = [], []
    for area_number in range(1, areas + 1):
        area = factories.activity(programme, str(area_number), lead=leads[0])
        for sub in range(1, subs_per_area + 1):
            activity = factories.activity(
                programme, f"{area_number}.{sub}", parent=area, lead=leads[sub % len(leads)]
            )
            updates += [
                ProgressUpdate(
                    activity=activity, kind=kinds[n % len(kinds)], text=f"u{n}", author=author
                )
                for n in range(updates_each)
            ]
            lines.append(
                ResourceLine(
                    activity=activity, description="r", type="other", amount=1, currency="EUR"
                )
            )
    ProgressUpdate.objects.bulk_create(updates)
    ResourceLine.objects.bulk_create(lines)
    return programme


@pytest.fixture
def small_and_big():
    small = _programme("small-programme", areas=1, subs_per_area=4, updates_each=1)  # 5
    big = _programme("big-programme", areas=4, subs_per_area=14, updates_each=4)  # 60, 224
    assert small.activities.count() == 5 and big.activities.count() == 60
    return small, big


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("persona", ["anonymous", "birdlife_fp", "secretariat"])
def test_a_programme_page_takes_the_same_queries_whatever_its_size(
    client_as, request, small_and_big, django_assert_max_num_queries, url, persona
):
    client = client_as(request.getfixturevalue(persona))
    counts = []
    for programme in small_and_big:
        path = url.format(code=programme.code)
        client.get(path)  # the first request of a session may set it up: not counted
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{counts[0]} queries for 5 activities, {counts[1]} for 60"
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(url.format(code=small_and_big[1].code))


def test_the_api_lists_show_the_big_programme_paginated(client, small_and_big):
    big = small_and_big[1]
    activities = client.get("/api/activities/", {"programme": big.code}).json()
    updates = client.get("/api/progress-updates/", {"programme": big.code}).json()
    assert activities["count"] == 60 and len(activities["results"]) == 50
    assert updates["count"] == 56 * 4 and len(updates["results"]) == 50
    assert {row["programme"] for row in updates["results"]} == {big.code}
