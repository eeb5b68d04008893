"""Plans, goals and targets written by the CMS Secretariat: pages, API, bad input, a successor
plan entered end to end, and query bounds with the extra plan."""

import pytest
from django.core.exceptions import ValidationError

from cmsfamily.core.models import Event
from cmsfamily.core.testing import (
    LOGIN,
    client_for,
    cms_secretariat_only,
    everyone,
    matrix,
    no_write_method,
)
from cmsfamily.strategy import services
from cmsfamily.strategy.models import Goal, StrategicPlan, Target, TargetAichiLink

pytestmark = pytest.mark.django_db

OFFICIAL = "spms-2015-2023"
PLAN = f"/strategy/{OFFICIAL}"
NEW = "spms-2024-2032"


def official():
    return StrategicPlan.objects.get(code=OFFICIAL)


def target(number):
    return Target.objects.get(plan__code=OFFICIAL, number=number)


def goal(number):
    return Goal.objects.get(plan__code=OFFICIAL, number=number)


@pytest.fixture
def successor(secretariat):
    """A second plan with one goal and one target, entered through the services."""
    plan = services.create_plan(
        code=NEW,
        title_en="Successor plan for migratory species",
        start_year=2024,
        end_year=2032,
        by=secretariat,
    )
    first = services.add_goal(plan=plan, number=1, text_en="Address threats", by=secretariat)
    services.add_target(
        plan=plan, goal=first, number=1, text_en="Threats are reduced", by=secretariat
    )
    return plan


def plan_data(**overrides):
    data = {
        "code": NEW,
        "title_en": "Strategic Plan for Migratory Species 2024-2032",
        "title_fr": "",
        "title_es": "",
        "adopted_by": "Resolution 14.2 (COP14, Samarkand, 2024)",
        "start_year": "2024",
        "end_year": "2032",
        "is_current": "on",
        "successor_note": "",
        "source": "UNEP/CMS/Resolution 14.2",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def goal_data(**overrides):
    data = {"number": "6", "text_en": "A new goal", "confidence": "", "source": "Test"}
    data.update(overrides)
    return data


def target_data(goal_pk, **overrides):
    data = {"goal": str(goal_pk), "number": "17", "text_en": "A new target", "source": "Test"}
    data.update(overrides)
    return data


def official_target_data(which, **overrides):
    """Every field of a loaded target as its edit form would post them back."""
    record = target(which)
    data = {
        "goal": str(record.goal_id),
        "number": str(record.number),
        "text_en": record.text_en,
        "text_fr": "",
        "text_es": "",
        "source": record.source,
    }
    data.update(overrides)
    return data


# --- permission matrix: pages -------------------------------------------------------------


FORMS = [
    "/strategy/add/",
    f"{PLAN}/edit/",
    f"{PLAN}/goals/add/",
    f"{PLAN}/goals/1/edit/",
    f"{PLAN}/targets/add/",
    f"{PLAN}/targets/1/edit/",
]


@pytest.mark.parametrize("url", FORMS)
@pytest.mark.parametrize(("persona", "expected"), cms_secretariat_only(anonymous=LOGIN))
def test_forms_are_for_the_cms_secretariat(client_as, request, url, persona, expected):
    assert client_for(client_as, request, persona).get(url).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=403,
        secretariat=200,
        eurobats_officer=200,
    ),
)
def test_plan_history_is_for_secretariats(client_as, request, persona, expected):
    assert client_for(client_as, request, persona).get(f"{PLAN}/history/").status_code == expected


@pytest.mark.parametrize(
    "url",
    [
        "/strategy/no-such-plan/edit/",
        "/strategy/no-such-plan/goals/add/",
        "/strategy/no-such-plan/targets/add/",
        f"{PLAN}/goals/9/edit/",
        f"{PLAN}/targets/99/edit/",
    ],
)
def test_forms_of_unknown_records_are_404(client, secretariat, url):
    client.force_login(secretariat)
    assert client.get(url).status_code == 404


def _posted(persona, expected):
    """Saved only by the CMS Secretariat; everyone else is refused before anything is written."""
    return expected == 302 and persona == "secretariat"


POST_ALLOWED = cms_secretariat_only(anonymous=LOGIN, allowed=302)


@pytest.mark.parametrize(("persona", "expected"), POST_ALLOWED)
def test_posting_a_plan(client_as, request, persona, expected):
    response = client_for(client_as, request, persona).post("/strategy/add/", plan_data())
    assert response.status_code == expected
    assert StrategicPlan.objects.filter(code=NEW).exists() == _posted(persona, expected)


@pytest.mark.parametrize(("persona", "expected"), POST_ALLOWED)
def test_posting_a_plan_edit(client_as, request, persona, expected):
    data = plan_data(
        code=OFFICIAL,
        title_en=official().title_en,
        start_year="2015",
        end_year="2023",
        is_current=None,
        adopted_by="Resolution 11.2 (COP11, Quito, 2014)",
    )
    response = client_for(client_as, request, persona).post(f"{PLAN}/edit/", data)
    assert response.status_code == expected
    changed = official().adopted_by == "Resolution 11.2 (COP11, Quito, 2014)"
    assert changed == _posted(persona, expected)
    assert official().code == OFFICIAL and not official().is_current


@pytest.mark.parametrize(("persona", "expected"), POST_ALLOWED)
def test_posting_a_goal(client_as, request, persona, expected):
    response = client_for(client_as, request, persona).post(f"{PLAN}/goals/add/", goal_data())
    assert response.status_code == expected
    assert official().goals.filter(number=6).exists() == _posted(persona, expected)


@pytest.mark.parametrize(("persona", "expected"), POST_ALLOWED)
def test_posting_a_goal_edit(client_as, request, persona, expected):
    data = goal_data(number="1", text_en=goal(1).text_en, confidence="high", source="Checked")
    response = client_for(client_as, request, persona).post(f"{PLAN}/goals/1/edit/", data)
    assert response.status_code == expected
    assert (goal(1).confidence == "high") == _posted(persona, expected)


@pytest.mark.parametrize(("persona", "expected"), POST_ALLOWED)
def test_posting_a_target(client_as, request, persona, expected):
    response = client_for(client_as, request, persona).post(
        f"{PLAN}/targets/add/", target_data(goal(5).pk)
    )
    assert response.status_code == expected
    assert official().targets.filter(number=17).exists() == _posted(persona, expected)


@pytest.mark.parametrize(("persona", "expected"), POST_ALLOWED)
def test_posting_a_target_edit(client_as, request, persona, expected):
    data = official_target_data(1, text_fr="Texte français officiel.")
    response = client_for(client_as, request, persona).post(f"{PLAN}/targets/1/edit/", data)
    assert response.status_code == expected
    assert (target(1).text_fr == "Texte français officiel.") == _posted(persona, expected)


# --- permission matrix: API ---------------------------------------------------------------


API_WRITE = cms_secretariat_only(anonymous=403, allowed=201)
API_PATCH = cms_secretariat_only(anonymous=403, allowed=200)


@pytest.mark.parametrize("url", ["/api/goals/", "/api/goals/?plan=spms-2015-2023"])
@pytest.mark.parametrize(("persona", "expected"), everyone(200))
def test_goals_are_public(client_as, request, url, persona, expected):
    response = client_for(client_as, request, persona).get(url)
    assert response.status_code == expected
    assert response.json()["count"] == 5


@pytest.mark.parametrize(("persona", "expected"), everyone(200))
def test_a_goal_is_public(client_as, request, persona, expected):
    response = client_for(client_as, request, persona).get(f"/api/goals/{goal(2).pk}/")
    assert response.status_code == expected
    assert response.json()["plan"] == OFFICIAL and response.json()["number"] == 2


@pytest.mark.parametrize(("persona", "expected"), API_WRITE)
def test_api_plan_post(client_as, request, persona, expected):
    response = client_for(client_as, request, persona).post(
        "/api/strategic-plans/",
        {"code": NEW, "title_en": "Successor", "start_year": 2024, "end_year": 2032},
        content_type="application/json",
    )
    assert response.status_code == expected
    assert StrategicPlan.objects.filter(code=NEW).exists() == (expected == 201)


@pytest.mark.parametrize(("persona", "expected"), API_PATCH)
def test_api_plan_patch(client_as, request, persona, expected):
    response = client_for(client_as, request, persona).patch(
        f"/api/strategic-plans/{OFFICIAL}/",
        {"successor_note": "Replaced in 2024"},
        content_type="application/json",
    )
    assert response.status_code == expected
    assert (official().successor_note == "Replaced in 2024") == (expected == 200)


@pytest.mark.parametrize(("persona", "expected"), API_WRITE)
def test_api_goal_post(client_as, request, persona, expected):
    response = client_for(client_as, request, persona).post(
        "/api/goals/",
        {"plan": OFFICIAL, "number": 6, "text_en": "A sixth goal"},
        content_type="application/json",
    )
    assert response.status_code == expected
    assert official().goals.filter(number=6).exists() == (expected == 201)


@pytest.mark.parametrize(("persona", "expected"), API_PATCH)
def test_api_goal_patch(client_as, request, persona, expected):
    response = client_for(client_as, request, persona).patch(
        f"/api/goals/{goal(3).pk}/", {"confidence": "high"}, content_type="application/json"
    )
    assert response.status_code == expected
    assert (goal(3).confidence == "high") == (expected == 200)


@pytest.mark.parametrize(("persona", "expected"), API_WRITE)
def test_api_target_post(client_as, request, persona, expected):
    response = client_for(client_as, request, persona).post(
        "/api/targets/",
        {"plan": OFFICIAL, "goal": 5, "number": 17, "text_en": "A seventeenth target"},
        content_type="application/json",
    )
    assert response.status_code == expected
    assert official().targets.filter(number=17).exists() == (expected == 201)


@pytest.mark.parametrize(("persona", "expected"), API_PATCH)
def test_api_target_patch(client_as, request, persona, expected):
    response = client_for(client_as, request, persona).patch(
        f"/api/targets/{target(2).pk}/", {"text_es": "Texto"}, content_type="application/json"
    )
    assert response.status_code == expected
    assert (target(2).text_es == "Texto") == (expected == 200)


@pytest.mark.parametrize("method", ["put", "delete"])
@pytest.mark.parametrize(
    "url",
    [f"/api/strategic-plans/{OFFICIAL}/", "/api/goals/{goal}/", "/api/targets/{target}/"],
)
@pytest.mark.parametrize(("persona", "expected"), no_write_method())
def test_api_has_no_put_or_delete(client_as, request, method, url, persona, expected):
    url = url.format(goal=goal(1).pk, target=target(1).pk)
    client = client_for(client_as, request, persona)
    response = getattr(client, method)(url, {}, content_type="application/json")
    assert response.status_code == expected
    assert Target.objects.filter(plan__code=OFFICIAL).count() == 16


# --- bad input: services ------------------------------------------------------------------


def _errors(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_services_refuse_bad_plans(secretariat, successor):
    def create(**values):
        base = {"code": "x-plan", "title_en": "X", "start_year": 2024, "end_year": 2032}
        return _errors(lambda: services.create_plan(by=secretariat, **{**base, **values}))

    assert "exists" in create(code=OFFICIAL)["code"][0]
    assert "reserved" in create(code="add")["code"][0]
    assert "before the first year" in create(start_year=2032, end_year=2024)["end_year"][0]
    assert "in English" in create(title_en="  ")["title_en"][0]
    assert "between 1979 and 2100" in create(start_year=15)["start_year"][0]
    assert "slug" in create(code="not a slug")["code"][0]
    assert not StrategicPlan.objects.filter(code="x-plan").exists()
    errors = _errors(lambda: services.update_plan(plan=successor, end_year=2020, by=secretariat))
    assert "end_year" in errors
    successor.refresh_from_db()
    assert successor.end_year == 2032


def test_services_refuse_bad_goals_and_targets(secretariat, successor):
    plan = official()
    other_goal = successor.goals.get()
    assert (
        "goal numbered 1"
        in _errors(lambda: services.add_goal(plan=plan, number=1, text_en="Dup", by=secretariat))[
            "number"
        ][0]
    )
    assert "text_en" in _errors(
        lambda: services.add_goal(plan=plan, number=6, text_en="", by=secretariat)
    )
    assert (
        "target numbered 1"
        in _errors(
            lambda: services.add_target(
                plan=plan, goal=goal(1), number=1, text_en="Dup", by=secretariat
            )
        )["number"][0]
    )
    assert (
        "same plan"
        in _errors(
            lambda: services.add_target(
                plan=plan, goal=other_goal, number=17, text_en="X", by=secretariat
            )
        )["goal"][0]
    )
    assert "text_en" in _errors(
        lambda: services.add_target(plan=plan, goal=goal(1), number=17, text_en="", by=secretariat)
    )
    assert (
        "same plan"
        in _errors(
            lambda: services.update_target(target=target(2), goal=other_goal, by=secretariat)
        )["goal"][0]
    )
    assert "number" in _errors(lambda: services.update_goal(goal=goal(2), number=1, by=secretariat))
    assert plan.goals.count() == 5 and plan.targets.count() == 16
    assert target(2).goal == goal(1)


def test_making_a_plan_current_supersedes_the_others(secretariat, successor):
    services.update_plan(plan=successor, is_current=True, by=secretariat)
    later = services.create_plan(
        code="spms-2033-2041",
        title_en="Later",
        start_year=2033,
        end_year=2041,
        is_current=True,
        by=secretariat,
    )
    successor.refresh_from_db()
    assert later.is_current and not successor.is_current and not official().is_current
    assert successor.history.first().is_current is False
    event = Event.objects.get(kind="plan.created", target_id=str(later.pk))
    assert event.data["superseded"] == [NEW]


# --- bad input: pages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"code": OFFICIAL}, "code", "A strategic plan with the code “spms-2015-2023” exists."),
        ({"code": "add"}, "code", "reserved word"),
        ({"code": "not a slug"}, "code", "valid “slug”"),
        ({"start_year": "2032", "end_year": "2024"}, "end_year", "before the first year"),
        ({"title_en": ""}, "title_en", "This field is required"),
        ({"start_year": "24"}, "start_year", "between 1979 and 2100"),
        ({"end_year": "twenty"}, "end_year", "Enter a whole number"),
    ],
)
def test_bad_plan_input_is_reported_at_the_field(client, secretariat, data, field, message):
    client.force_login(secretariat)
    response = client.post("/strategy/add/", plan_data(**data))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert StrategicPlan.objects.count() == 1
    assert not Event.objects.filter(kind="plan.created").exists()


def test_editing_a_plan_keeps_its_code_and_refuses_a_bad_period(client, secretariat):
    client.force_login(secretariat)
    data = plan_data(
        code="hijacked", title_en="Edited", start_year="2015", end_year="2010", is_current=None
    )
    response = client.post(f"{PLAN}/edit/", data)
    assert response.status_code == 400 and "end_year" in response.context["form"].errors
    assert official().title_en != "Edited" and official().end_year == 2023
    response = client.post(f"{PLAN}/edit/", {**data, "end_year": "2023"})
    assert response.status_code == 302 and response["Location"] == f"{PLAN}/"
    assert official().title_en == "Edited" and not StrategicPlan.objects.filter(code="hijacked")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"number": "1"}, "number", "This plan already has a goal numbered 1."),
        ({"text_en": ""}, "text_en", "This field is required"),
        ({"number": "0"}, "number", "Numbers start at 1."),
        ({"confidence": "sure"}, "confidence", "Select a valid choice"),
    ],
)
def test_bad_goal_input_is_reported_at_the_field(client, secretariat, data, field, message):
    client.force_login(secretariat)
    response = client.post(f"{PLAN}/goals/add/", goal_data(**data))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert official().goals.count() == 5


def test_editing_a_goal_to_a_taken_number_is_refused(client, secretariat):
    client.force_login(secretariat)
    data = goal_data(number="1", text_en=goal(2).text_en, confidence="medium")
    response = client.post(f"{PLAN}/goals/2/edit/", data)
    assert response.status_code == 400
    assert "already has a goal numbered 1" in response.context["form"].errors["number"][0]
    assert goal(2).number == 2


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"number": "16"}, "number", "This plan already has a target numbered 16."),
        ({"number": "0"}, "number", "Numbers start at 1."),
        ({"text_en": ""}, "text_en", "This field is required"),
        ({"number": ""}, "number", "This field is required"),
        ({"goal": ""}, "goal", "This field is required"),
    ],
)
def test_bad_target_input_is_reported_at_the_field(client, secretariat, data, field, message):
    client.force_login(secretariat)
    response = client.post(f"{PLAN}/targets/add/", target_data(goal(1).pk, **data))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert official().targets.count() == 16


def test_a_goal_of_another_plan_is_refused_on_the_page(client, secretariat, successor):
    client.force_login(secretariat)
    other = successor.goals.get()
    response = client.post(f"{PLAN}/targets/add/", target_data(other.pk))
    assert response.status_code == 400
    assert "Select a valid choice" in response.context["form"].errors["goal"][0]
    response = client.post(f"{PLAN}/targets/3/edit/", official_target_data(3, goal=str(other.pk)))
    assert response.status_code == 400 and "goal" in response.context["form"].errors
    assert official().targets.count() == 16 and target(3).goal == goal(1)


def test_editing_a_target_to_a_taken_number_is_refused(client, secretariat):
    client.force_login(secretariat)
    response = client.post(f"{PLAN}/targets/3/edit/", official_target_data(3, number="4"))
    assert response.status_code == 400
    assert "already has a target numbered 4" in response.context["form"].errors["number"][0]
    assert target(3).text_en == official_target_data(3)["text_en"]


# --- bad input: API -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"code": OFFICIAL}, "code"),
        ({"code": "add"}, "code"),
        ({"code": "not a slug"}, "code"),
        ({"start_year": 2032, "end_year": 2024}, "end_year"),
        ({"title_en": ""}, "title_en"),
        ({"title_en": None}, "title_en"),
        ({"start_year": 24}, "start_year"),
        ({"end_year": None}, "end_year"),
    ],
)
def test_bad_plan_posts_are_400_with_field_errors(client, secretariat, payload, field):
    client.force_login(secretariat)
    body = {"code": NEW, "title_en": "Successor", "start_year": 2024, "end_year": 2032, **payload}
    response = client.post("/api/strategic-plans/", body, content_type="application/json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert StrategicPlan.objects.count() == 1


def test_a_plan_duplicate_is_refused_in_the_users_language(client, secretariat):
    client.force_login(secretariat)
    body = {"code": OFFICIAL, "title_en": "Dup", "start_year": 2024, "end_year": 2032}
    response = client.post("/api/strategic-plans/", body, content_type="application/json")
    assert response.json()["code"] == ["A strategic plan with the code “spms-2015-2023” exists."]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"end_year": 2010}, "end_year"),
        ({"title_en": ""}, "title_en"),
        ({"code": "renamed"}, "code"),
    ],
)
def test_bad_plan_patches_are_400_and_change_nothing(client, secretariat, payload, field):
    client.force_login(secretariat)
    before = official().history.count()
    response = client.patch(
        f"/api/strategic-plans/{OFFICIAL}/", payload, content_type="application/json"
    )
    assert response.status_code == 400 and field in response.json()
    plan = official()
    assert plan.end_year == 2023 and plan.title_en and plan.history.count() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"number": 1}, "number"),
        ({"text_en": ""}, "text_en"),
        ({"text_en": None}, "text_en"),
        ({"plan": "no-such-plan"}, "plan"),
        ({"confidence": "sure"}, "confidence"),
    ],
)
def test_bad_goal_posts_are_400_with_field_errors(client, secretariat, payload, field):
    client.force_login(secretariat)
    body = {"plan": OFFICIAL, "number": 6, "text_en": "Sixth", **payload}
    response = client.post("/api/goals/", body, content_type="application/json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert Goal.objects.count() == 5


def test_bad_goal_patches_are_400(client, secretariat, successor):
    client.force_login(secretariat)
    url = f"/api/goals/{goal(2).pk}/"
    for payload, field in (({"number": 1}, "number"), ({"plan": NEW}, "plan")):
        response = client.patch(url, payload, content_type="application/json")
        assert response.status_code == 400 and field in response.json()
    assert goal(2).number == 2 and goal(2).plan.code == OFFICIAL


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"number": 16}, "number"),
        ({"number": 0}, "number"),
        ({"text_en": ""}, "text_en"),
        ({"goal": 9}, "goal"),  # the official plan has five goals
        ({"goal": None}, "goal"),
        ({"plan": "no-such-plan"}, "plan"),
    ],
)
def test_bad_target_posts_are_400_with_field_errors(client, secretariat, payload, field):
    client.force_login(secretariat)
    body = {"plan": OFFICIAL, "goal": 1, "number": 17, "text_en": "Seventeenth", **payload}
    response = client.post("/api/targets/", body, content_type="application/json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert Target.objects.count() == 16


def test_a_goal_of_another_plan_cannot_be_named_through_the_api(client, secretariat, successor):
    """The API names a goal by its number in the target's plan: goal 2 of the successor plan
    does not exist, even though the official plan has one."""
    client.force_login(secretariat)
    body = {"plan": NEW, "goal": 2, "number": 2, "text_en": "Second"}
    response = client.post("/api/targets/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["goal"] == ["spms-2024-2032 has no goal numbered 2."]
    url = f"/api/targets/{target(5).pk}/"
    for payload, field in (
        ({"plan": NEW}, "plan"),
        ({"goal": 7}, "goal"),
        ({"number": 6}, "number"),
    ):
        response = client.patch(url, payload, content_type="application/json")
        assert response.status_code == 400 and field in response.json()
    assert successor.targets.count() == 1 and target(5).goal == goal(2)


# --- what a write leaves behind -----------------------------------------------------------


def test_api_writes_answer_with_the_saved_record(client, secretariat):
    client.force_login(secretariat)
    plan = client.post(
        "/api/strategic-plans/",
        {"code": NEW, "title_en": "Successor", "start_year": 2024, "end_year": 2032},
        content_type="application/json",
    )
    assert plan.status_code == 201
    assert plan.json()["code"] == NEW and plan.json()["goals"] == []
    new_goal = client.post(
        "/api/goals/",
        {"plan": NEW, "number": 1, "text_en": "Address threats", "confidence": ""},
        content_type="application/json",
    ).json()
    assert new_goal["plan"] == NEW and new_goal["text"] == "Address threats"
    response = client.post(
        "/api/targets/",
        {"plan": NEW, "goal": 1, "number": 1, "text_en": "Threats are reduced"},
        content_type="application/json",
    )
    assert response.status_code == 201
    created = response.json()
    assert created["plan"] == NEW and created["goal"] == 1 and created["aichi_targets"] == []
    response = client.patch(
        f"/api/targets/{created['id']}/",
        {"text_fr": "Les menaces sont réduites", "number": 2},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["number"] == 2
    response = client.patch(
        f"/api/strategic-plans/{NEW}/", {"is_current": True}, content_type="application/json"
    )
    assert response.json()["is_current"] is True and len(response.json()["goals"]) == 1
    kinds = Event.objects.filter(kind__in=["plan.created", "goal.added", "target.added"])
    assert kinds.count() == 3


def test_editing_the_official_text_is_kept_in_the_history(client, secretariat):
    client.force_login(secretariat)
    old_text = target(1).text_en
    data = official_target_data(1, text_en="A corrected official text.")
    response = client.post(f"{PLAN}/targets/1/edit/", data)
    assert response.status_code == 302 and response["Location"] == f"{PLAN}/targets/1/"
    record = target(1)
    assert record.text_en == "A corrected official text."
    assert record.history.count() == 2 and record.history.last().text_en == old_text
    history = client.get(f"{PLAN}/targets/1/history/").content.decode()
    assert "Target changed" in history and "A corrected official text." in history


def test_editing_a_goal_or_the_plan_is_in_the_plans_history(client, secretariat):
    client.force_login(secretariat)
    data = goal_data(number="4", text_en=goal(4).text_en, confidence="confirmed")
    assert client.post(f"{PLAN}/goals/4/edit/", data).status_code == 302
    assert goal(4).history.count() == 2
    page = client.get(f"{PLAN}/history/").content.decode()
    assert "History of Strategic Plan" in page and "Goal changed" in page


# --- a successor plan entered end to end through the pages --------------------------------


def test_a_successor_plan_is_entered_through_the_pages(client, secretariat):
    client.force_login(secretariat)
    listing = client.get("/strategy/").content.decode()
    assert 'href="/strategy/add/"' in listing and "New strategic plan" in listing
    form = client.get("/strategy/add/").content.decode()
    assert "Title in French" in form and "Title in English" in form

    response = client.post("/strategy/add/", plan_data())
    assert response.status_code == 302 and response["Location"] == f"/strategy/{NEW}/"
    page = client.get(f"/strategy/{NEW}/").content.decode()
    assert "No goal has been recorded for this plan." in page
    assert f'href="/strategy/{NEW}/goals/add/"' in page
    assert f'href="/strategy/{NEW}/targets/add/"' not in page  # no goal to put a target in yet

    form = client.get(f"/strategy/{NEW}/goals/add/").content.decode()
    assert "Text in Spanish" in form
    response = client.post(
        f"/strategy/{NEW}/goals/add/",
        goal_data(number="1", text_en="Address the threats to migratory species", source="Res."),
    )
    assert response.status_code == 302
    new_goal = Goal.objects.get(plan__code=NEW, number=1)

    page = client.get(f"/strategy/{NEW}/").content.decode()
    assert f'href="/strategy/{NEW}/targets/add/?goal=1"' in page
    form = client.get(f"/strategy/{NEW}/targets/add/?goal=1").content.decode()
    assert f'<option value="{new_goal.pk}" selected>' in form
    assert f'<option value="{goal(1).pk}"' not in form  # only the goals of this plan
    response = client.post(
        f"/strategy/{NEW}/targets/add/",
        target_data(new_goal.pk, number="1", text_en="Threats to migratory species are reduced"),
    )
    assert response.status_code == 302 and response["Location"] == f"/strategy/{NEW}/targets/1/"

    response = client.post(
        f"/strategy/{NEW}/targets/1/mappings/add/",
        {"kind": "aichi", "number": "12", "confidence": "medium", "source": "Res. 14.2 annex"},
    )
    assert response.status_code == 302
    new_target = Target.objects.get(plan__code=NEW, number=1)
    assert TargetAichiLink.objects.get(target=new_target).global_target.number == 12

    listing = client.get("/strategy/").content.decode()
    assert "Strategic Plan for Migratory Species 2024-2032" in listing
    assert listing.index("2024-2032") < listing.index("2015-2023")  # newest first
    assert "<td>current</td>" in listing and "superseded" in listing
    page = client.get(f"/strategy/{NEW}/").content.decode()
    assert "Goal 1: Address the threats to migratory species" in page
    assert "Threats to migratory species are reduced" in page and ">Aichi 12</span>" in page
    target_page = client.get(f"/strategy/{NEW}/targets/1/").content.decode()
    assert f'href="/strategy/{NEW}/targets/1/edit/"' in target_page
    assert StrategicPlan.objects.get(code=NEW).is_current and not official().is_current
    kinds = list(
        Event.objects.filter(kind__in=["plan.created", "goal.added", "target.added"]).values_list(
            "kind", flat=True
        )
    )
    assert sorted(kinds) == ["goal.added", "plan.created", "target.added"]

    client.logout()
    assert client.get(f"/strategy/{NEW}/").status_code == 200
    public = client.get("/api/targets/", {"plan": NEW}).json()
    assert public["count"] == 1 and public["results"][0]["aichi_targets"][0]["number"] == 12


def test_the_edit_links_are_shown_to_the_cms_secretariat_only(client, nfp_kenya, secretariat):
    client.force_login(nfp_kenya)
    for url in ("/strategy/", f"{PLAN}/", f"{PLAN}/targets/1/"):
        page = client.get(url).content.decode()
        assert "/edit/" not in page and "/add/" not in page
    client.force_login(secretariat)
    page = client.get(f"{PLAN}/").content.decode()
    for link in ("edit/", "goals/add/", "targets/add/", "goals/1/edit/", "history/"):
        assert f'href="{PLAN}/{link}' in page


def test_the_target_page_title_is_plain_text(client):
    page = client.get(f"{PLAN}/targets/1/").content.decode()
    title = page[page.index("<title>") : page.index("</title>")]
    assert "<section" not in title and "Target 1" in title


# --- query bounds with the extra plan -----------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/strategy/",
        f"/strategy/{NEW}/",
        f"{PLAN}/",
        f"/strategy/{NEW}/targets/1/",
        "/api/goals/",
        "/api/strategic-plans/",
    ],
)
@pytest.mark.parametrize("persona", ["anonymous", "nfp_kenya", "secretariat"])
def test_plan_pages_have_a_bounded_number_of_queries(
    client_as, request, django_assert_max_num_queries, successor, url, persona
):
    first = successor.goals.get()
    for number in range(2, 6):
        services.add_goal(plan=successor, number=number, text_en=f"Goal {number}", by=None)
        services.add_target(
            plan=successor, goal=first, number=number, text_en=f"Target {number}", by=None
        )
    client = client_as(request.getfixturevalue(persona))
    # Measured: 12 at most for an NFP (sign-in scope included), whatever the number of goals.
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
