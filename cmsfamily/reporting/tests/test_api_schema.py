"""The reporting API answers as its OpenAPI schema says: `structure/`, `answers/` and `versions/`
are plain lists (the schema said paginated objects), a Party's report has a null organisation
(the schema said a required string), and every 400 of `answers/` has an `errors` list."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from cmsfamily.reporting.models import Submission
from cmsfamily.reporting.testing import build_template, open_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def kenya(db):
    cycle = open_cycle(build_template()[1])
    return Submission.objects.get(cycle=cycle, party__code="KE")


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _ok(schema, path):
    return schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/report-templates/{slug}/structure/",
        "/api/submissions/{id}/answers/",
        "/api/submissions/{id}/versions/",
    ],
)
def test_the_unpaginated_actions_are_documented_as_lists(schema, path):
    assert _ok(schema, path)["type"] == "array"
    names = {p["name"] for p in schema["paths"][path]["get"].get("parameters", [])}
    assert not names & {"page", "ordering", "search", "status"}


def test_a_party_report_has_a_null_organisation_as_documented(schema, client_as, nfp_kenya, kenya):
    body = client_as(nfp_kenya).get(f"/api/submissions/{kenya.pk}/").json()
    assert body["organisation"] is None
    assert schema["components"]["schemas"]["Submission"]["properties"]["organisation"]["nullable"]
    assert (client_as(nfp_kenya).get(f"/api/submissions/{kenya.pk}/answers/").json()) == []


def test_every_operation_documents_its_errors(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"400", "403", "404"} <= set(operation["responses"]), (method, path)


@pytest.mark.parametrize(
    "body,question",
    [
        ({"question": "t.staff"}, None),
        ("nonsense", None),
        ([{"question": "t.staff", "value": 1, "base_revision": -1}], "t.staff"),
        ([{"question": "t.staff", "value": 1}], "t.staff"),
    ],
)
def test_every_refused_edit_is_in_the_errors_list(client_as, nfp_kenya, kenya, body, question):
    response = client_as(nfp_kenya).post(
        f"/api/submissions/{kenya.pk}/answers/", body, content_type="application/json"
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["question"] == question
    assert error["messages"] and all(isinstance(m, str) for m in error["messages"])
