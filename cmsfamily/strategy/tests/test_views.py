import io

import openpyxl
import pytest

from cmsfamily.core.models import Event
from cmsfamily.strategy.models import Indicator, Target, TargetGbfLink, TargetSdgLink

pytestmark = pytest.mark.django_db

PLAN = "/strategy/spms-2015-2023"


def target(number):
    return Target.objects.get(plan__code="spms-2015-2023", number=number)


def test_plan_overview_shows_goals_targets_and_badges(client):
    page = client.get(f"{PLAN}/").content.decode()
    assert page.count("<h1") == 1
    assert "Goal 2: Reduce the direct pressures" in page
    assert "Target 16" in page and "medium confidence" in page
    assert ">Aichi 1</span>" in page
    assert 'title="People are aware of the values of biodiversity — confidence: confirmed"' in page
    assert "no mapping recorded yet" in page  # targets 3 and 9
    assert "Samarkand" in page


def test_plan_list(client):
    page = client.get("/strategy/").content.decode()
    assert "Strategic Plan for Migratory Species 2015-2023" in page and "superseded" in page
    assert '<th scope="col">' in page


def test_target_page_shows_text_goal_mappings_and_empty_indicators(client, secretariat):
    page = client.get(f"{PLAN}/targets/10/").content.decode()
    assert target(10).text_en in page and "Goal 3" in page
    assert "Aichi 11" in page and "confirmed" in page and "aichi_mapping" not in page
    assert "No indicator has been entered yet" in page and "Add an indicator" not in page
    client.force_login(secretariat)
    page = client.get(f"{PLAN}/targets/10/").content.decode()
    assert "Add an indicator" in page and "Add a mapping" in page


def test_the_french_interface_falls_back_to_the_english_official_text(client):
    client.cookies["django_language"] = "fr"
    response = client.get(f"{PLAN}/targets/1/")
    assert response["Content-Language"] == "fr"
    page = response.content.decode()
    assert target(1).text_en in page and 'lang="en"' in page
    assert 'lang="fr"' in page  # the interface itself is French
    overview = client.get(f"{PLAN}/").content.decode()
    assert target(16).text_en in overview


def test_a_french_text_is_shown_when_present(client):
    Target.objects.filter(pk=target(1).pk).update(text_fr="Texte français officiel.")
    client.cookies["django_language"] = "fr"
    page = client.get(f"{PLAN}/targets/1/").content.decode()
    assert '<blockquote lang="fr">Texte français officiel.</blockquote>' in page
    assert "English text is shown" not in page


def test_secretariat_adds_and_edits_an_indicator(client, secretariat):
    client.force_login(secretariat)
    data = {
        "code": "1.1",
        "name_en": "Share of people aware of migratory species",
        "unit": "%",
        "responsible_body": "CMS Secretariat",
    }
    response = client.post(f"{PLAN}/targets/1/indicators/add/", data)
    assert response.status_code == 302
    indicator = Indicator.objects.get(code="1.1")
    assert indicator.history.count() == 1
    assert Event.objects.filter(kind="indicator.created", target_id=str(target(1).pk)).exists()
    page = client.get(f"{PLAN}/targets/1/").content.decode()
    assert "Share of people aware" in page and "No indicator has been entered yet" not in page
    data["baseline"] = "2015 survey"
    response = client.post(f"{PLAN}/targets/1/indicators/{indicator.pk}/edit/", data)
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.baseline == "2015 survey" and indicator.history.count() == 2


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"code": "", "name_en": "x"}, "code", "This field is required"),
        ({"code": "1.1", "name_en": ""}, "name_en", "This field is required"),
        ({"code": "1.1", "name_en": "Duplicate"}, "code", "already has an indicator with code 1.1"),
        ({"code": "x" * 30, "name_en": "Long"}, "code", "at most 20 characters"),
    ],
)
def test_bad_indicator_input_is_reported_at_the_field(client, secretariat, data, field, message):
    Indicator.objects.create(target=target(1), code="1.1", name_en="Existing")
    client.force_login(secretariat)
    response = client.post(f"{PLAN}/targets/1/indicators/add/", data)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert Indicator.objects.filter(target=target(1)).count() == 1


def test_editing_an_indicator_to_a_duplicate_code_fails_at_the_field(client, secretariat):
    Indicator.objects.create(target=target(1), code="1.1", name_en="First")
    second = Indicator.objects.create(target=target(1), code="1.2", name_en="Second")
    client.force_login(secretariat)
    response = client.post(
        f"{PLAN}/targets/1/indicators/{second.pk}/edit/", {"code": "1.1", "name_en": "Second"}
    )
    assert response.status_code == 400 and "code" in response.context["form"].errors
    second.refresh_from_db()
    assert second.code == "1.2"


def test_an_indicator_of_another_target_is_404(client, secretariat):
    other = Indicator.objects.create(target=target(2), code="2.1", name_en="Other")
    client.force_login(secretariat)
    assert client.get(f"{PLAN}/targets/1/indicators/{other.pk}/edit/").status_code == 404


def test_secretariat_adds_and_removes_a_mapping(client, secretariat):
    client.force_login(secretariat)
    data = {"kind": "sdg", "number": "15", "confidence": "medium", "source": "Test source"}
    assert client.post(f"{PLAN}/targets/8/mappings/add/", data).status_code == 302
    link = TargetSdgLink.objects.get(target=target(8))
    assert link.global_target.number == 15 and link.history.count() == 1
    page = client.get(f"{PLAN}/").content.decode()
    assert ">SDG 15</span>" in page
    url = f"{PLAN}/targets/8/mappings/sdg/{link.pk}/remove/"
    assert client.post(url).status_code == 302
    assert not TargetSdgLink.objects.exists()
    kinds = set(Event.objects.filter(target_id=str(target(8).pk)).values_list("kind", flat=True))
    assert {"mapping.added", "mapping.removed"} <= kinds


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"kind": "aichi", "number": "21"},
            "number",
            "no Aichi Biodiversity Target with number 21",
        ),
        ({"kind": "gbf", "number": "24"}, "number", "no GBF target with number 24"),
        ({"kind": "aichi", "number": "1"}, "number", "already mapped to Aichi 1"),
        ({"kind": "aichi", "number": "0"}, "number", "greater than or equal to 1"),
        ({"kind": "aichi", "number": "one"}, "number", "Enter a whole number"),
        ({"kind": "cites", "number": "1"}, "kind", "Select a valid choice"),
        ({"kind": "sdg", "number": "1", "confidence": "sure"}, "confidence", "valid choice"),
        ({"kind": "sdg", "number": "1", "source": ""}, "source", "This field is required"),
    ],
)
def test_bad_mapping_input_is_reported_at_the_field(client, secretariat, data, field, message):
    client.force_login(secretariat)
    payload = {"confidence": "medium", "source": "Test", **data}
    before = target(1).aichi_links.count()
    response = client.post(f"{PLAN}/targets/1/mappings/add/", payload)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert target(1).aichi_links.count() == before
    assert not TargetSdgLink.objects.exists() and not TargetGbfLink.objects.exists()


def test_removing_an_unknown_kind_is_404(client, secretariat):
    client.force_login(secretariat)
    assert client.post(f"{PLAN}/targets/1/mappings/cites/1/remove/").status_code == 404


def test_matrix_marks_linked_cells_and_shows_the_gbf_gap(client):
    page = client.get(f"{PLAN}/matrix/").content.decode()
    assert page.count("<h1") == 1
    assert page.count('class="linked ') == 18
    assert "Aichi 11: confirmed" in page
    assert "no mapping recorded yet" in page  # no GBF mapping in the sources


def test_matrix_exports_xlsx_with_the_right_marks(client):
    response = client.get(f"{PLAN}/matrix/", {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    aichi, gbf = workbook.worksheets
    assert aichi.max_row == 2 + 16 and aichi.max_column == 1 + 20
    assert aichi["A3"].value == "Target 1" and aichi["B1"].value == "Aichi 1"
    assert aichi.cell(row=3, column=2).value == "confirmed"  # T1 x Aichi 1
    assert aichi.cell(row=12, column=12).value == "confirmed"  # T10 x Aichi 11
    assert aichi.cell(row=7, column=5).value == "medium"  # T5 x Aichi 4
    marks = [c.value for row in aichi.iter_rows(min_row=3, min_col=2) for c in row if c.value]
    assert len(marks) == 18
    assert gbf.max_column == 1 + 23
    assert not [c.value for row in gbf.iter_rows(min_row=3, min_col=2) for c in row if c.value]


@pytest.mark.parametrize("value", ["csv", "pdf", ""])
def test_matrix_refuses_other_export_formats(client, value):
    response = client.get(f"{PLAN}/matrix/", {"export": value})
    assert response.status_code == 400
    assert "is not an export format of the matrix" in response.content.decode()


def test_target_history_lists_changes_and_events(client, secretariat):
    client.force_login(secretariat)
    client.post(
        f"{PLAN}/targets/8/mappings/add/",
        {"kind": "gbf", "number": "4", "confidence": "medium", "source": "Test"},
    )
    page = client.get(f"{PLAN}/targets/8/history/").content.decode()
    assert "History of Target 8" in page and "Mapping added" in page


@pytest.mark.parametrize(
    "url",
    [
        "/strategy/",
        f"{PLAN}/",
        f"{PLAN}/targets/5/",
        f"{PLAN}/matrix/",
        f"{PLAN}/targets/5/history/",
    ],
)
@pytest.mark.parametrize("persona", ["anonymous", "nfp_kenya", "secretariat"])
def test_pages_have_a_bounded_number_of_queries(
    client_as, request, django_assert_max_num_queries, url, persona
):
    user = request.getfixturevalue(persona)
    if url.endswith("history/") and persona != "secretariat":
        return
    for number in (1, 2, 3):
        Indicator.objects.create(
            target=target(5), code=f"5.{number}", name_en=f"Indicator {number}"
        )
    client = client_as(user)
    with django_assert_max_num_queries(18):
        assert client.get(url).status_code == 200
