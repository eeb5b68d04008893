"""Query parameters of the work programmes' API are parsed by the filters, never by hand: a value
that is not an id is a 400 naming the parameter, never a 500."""

import pytest

from cmsfamily.workplans.models import ResourceLine

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("endpoint", ["/api/resource-lines/", "/api/progress-updates/"])
@pytest.mark.parametrize("value", ["²", "x", "-1", "0", "1.5", "99999999999"])
def test_an_activity_that_is_not_an_id_is_refused_by_name(client, endpoint, value):
    # "²".isdigit() is true and int("²") raises: this was a 500.
    response = client.get(endpoint, {"activity": value})
    assert response.status_code == 400
    assert list(response.json()) == ["activity"]


def test_an_activity_id_still_filters_the_resource_lines(client):
    line = ResourceLine.objects.select_related("activity").first()
    response = client.get("/api/resource-lines/", {"activity": str(line.activity_id)})
    assert response.status_code == 200
    assert response.json()["count"] == ResourceLine.objects.filter(activity=line.activity).count()
