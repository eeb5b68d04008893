import pytest

from cmsfamily.strategy.models import Indicator, Target, TargetGbfLink

pytestmark = pytest.mark.django_db


def target(number):
    return Target.objects.get(plan__code="spms-2015-2023", number=number)


def test_targets_are_filtered_and_carry_their_mappings(client):
    data = client.get("/api/targets/", {"plan": "spms-2015-2023", "goal": 2}).json()
    assert [row["number"] for row in data["results"]] == [5, 6, 7]
    five = data["results"][0]
    assert [link["number"] for link in five["aichi_targets"]] == [4, 5, 7]
    assert five["aichi_targets"][0]["confidence"] == "medium"
    assert five["sdgs"] == [] and five["gbf_targets"] == []
    assert client.get("/api/targets/").json()["count"] == 16


def test_global_lists_and_plans(client):
    assert client.get("/api/aichi-targets/").json()["count"] == 20
    assert client.get("/api/sdgs/").json()["count"] == 17
    assert client.get("/api/gbf-targets/").json()["count"] == 23
    plan = client.get("/api/strategic-plans/spms-2015-2023/").json()
    assert len(plan["goals"]) == 5 and plan["goals"][0]["confidence"] == "medium"


def test_texts_fall_back_to_english_in_french(client):
    row = client.get("/api/targets/", {"goal": 5}, HTTP_ACCEPT_LANGUAGE="fr").json()["results"][0]
    assert row["text"] == row["text_en"] and row["text_fr"] in (None, "")


def test_secretariat_posts_an_indicator_and_a_mapping(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        "/api/indicators/",
        {"target": target(4).pk, "code": "4.1", "name_en": "Harmful incentives reformed"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["plan"] == "spms-2015-2023" and response.json()["target_number"] == 4
    response = client.post(
        "/api/target-mappings/",
        {
            "target": target(4).pk,
            "kind": "gbf",
            "number": 18,
            "confidence": "medium",
            "source": "x",
        },
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["number"] == 18
    assert client.get("/api/indicators/", {"target__number": 4}).json()["count"] == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"code": "4.1", "name_en": "Duplicate"}, "code"),
        ({"code": "", "name_en": "x"}, "code"),
        ({"code": "4.2"}, "name_en"),
        ({"code": "4.2", "name_en": "x", "target": 999999}, "target"),
        ({"code": "x" * 30, "name_en": "x"}, "code"),
    ],
)
def test_bad_indicator_posts_are_400_with_field_errors(client, secretariat, payload, field):
    Indicator.objects.create(target=target(4), code="4.1", name_en="Existing")
    client.force_login(secretariat)
    response = client.post(
        "/api/indicators/", {"target": target(4).pk, **payload}, content_type="application/json"
    )
    assert response.status_code == 400 and field in response.json()
    assert Indicator.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "gbf", "number": 24}, "number"),
        ({"kind": "aichi", "number": 1}, "number"),  # target 1 is mapped to Aichi 1 already
        ({"kind": "cites", "number": 1}, "kind"),
        ({"kind": "gbf", "number": 1, "confidence": "sure"}, "confidence"),
        ({"kind": "gbf", "number": 1, "source": ""}, "source"),
        ({"kind": "gbf", "number": 1, "target": 999999}, "target"),
    ],
)
def test_bad_mapping_posts_are_400_with_field_errors(client, secretariat, payload, field):
    client.force_login(secretariat)
    body = {"target": target(1).pk, "confidence": "medium", "source": "x", **payload}
    response = client.post("/api/target-mappings/", body, content_type="application/json")
    assert response.status_code == 400 and field in response.json()
    assert not TargetGbfLink.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/api/strategic-plans/",
        "/api/targets/",
        "/api/aichi-targets/",
        "/api/sdgs/",
        "/api/gbf-targets/",
        "/api/indicators/",
    ],
)
@pytest.mark.parametrize("persona", ["anonymous", "nfp_kenya", "secretariat"])
def test_api_lists_have_a_bounded_number_of_queries(
    client_as, request, django_assert_max_num_queries, url, persona
):
    for number in range(1, 6):
        Indicator.objects.create(target=target(number), code=f"{number}.1", name_en="x")
    client = client_as(request.getfixturevalue(persona))
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
