"""The template builder: the Secretariat makes a template, its sections and questions, a cycle."""

import pytest

from cmsfamily.core.testing import LOGIN, client_for, matrix
from cmsfamily.reporting.choices import CycleStatus, VersionStatus
from cmsfamily.reporting.models import Cycle, Item, Question, Section, Template
from cmsfamily.reporting.testing import build_template, open_cycle

ONLY_CMS = {
    "anonymous": LOGIN,
    "nfp_kenya": 403,
    "nfp_germany": 403,
    "birdlife_fp": 403,
    "eurobats_officer": 403,
}


@pytest.fixture
def version(db):
    return build_template()[1]


def url(version, tail=""):
    return f"/reports/templates/{version.template.slug}/v{version.number}/{tail}"


# A draft template is not shown to anyone else: its pages answer 404 rather than 403.
HIDDEN = {
    "anonymous": LOGIN,
    "nfp_kenya": 404,
    "nfp_germany": 404,
    "birdlife_fp": 404,
    "eurobats_officer": 404,
}


@pytest.mark.parametrize("persona,status", matrix(**HIDDEN, secretariat=200))
def test_builder_pages_are_for_the_instruments_secretariat(
    client_as, request, persona, status, version
):
    client = client_for(client_as, request, persona)
    section = version.sections.first()
    for path in ("sections/add/", f"sections/{section.pk}/questions/add/", "cycles/add/"):
        assert client.get(url(version, path)).status_code == status, path


@pytest.mark.parametrize(
    "persona,status",
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=403,
        eurobats_officer=200,
        secretariat=200,
    ),
)
def test_a_secretariat_creates_a_template(client_as, request, persona, status, db):
    client = client_for(client_as, request, persona)
    assert client.get("/reports/templates/add/").status_code == status


def test_building_a_template_in_pages(client_as, secretariat, db):
    client = client_as(secretariat)
    from cmsfamily.directory.models import Instrument

    cms = Instrument.objects.get(code="cms")
    response = client.post(
        "/reports/templates/add/",
        {
            "slug": "partner-report",
            "instrument": cms.pk,
            "reporter_kind": "partner",
            "title_en": "Partner report",
        },
    )
    assert response.status_code == 302
    template = Template.objects.get(slug="partner-report")
    version = template.versions.get()
    assert (
        client.post(url(version, "sections/add/"), {"number": "A", "title_en": "Work"}).status_code
        == 302
    )
    assert (
        client.post(
            url(version, "sections/add/"),
            {
                "number": "B",
                "title_en": "Groups",
                "loop": "fixed",
                "loop_items": "birds | Birds | Oiseaux\nbats | Bats",
            },
        ).status_code
        == 302
    )
    groups = Section.objects.get(version=version, number="B")
    assert groups.loop_items == [
        {"key": "birds", "label": {"en": "Birds", "fr": "Oiseaux"}},
        {"key": "bats", "label": {"en": "Bats"}},
    ]
    section = Section.objects.get(version=version, number="A")
    response = client.post(
        url(version, f"sections/{section.pk}/questions/add/"),
        {
            "number": "1",
            "code": "p.focus",
            "kind": "single_choice",
            "text_en": "Main focus?",
            "options": "a | Advocacy\nb | Research | Recherche",
            "required": "on",
        },
    )
    assert response.status_code == 302
    assert list(Question.objects.get(code="p.focus").options.values_list("value", flat=True)) == [
        "a",
        "b",
    ]
    client.post(
        url(version, f"sections/{section.pk}/questions/add/"),
        {
            "number": "2",
            "code": "p.staff",
            "kind": "integer",
            "text_en": "Staff?",
            "min_value": "0",
        },
    )
    first = Item.objects.get(section=section, number="1")
    assert (
        client.post(
            url(version, "structure/"), {"what": "item", "id": first.pk, "action": "down"}
        ).status_code
        == 302
    )
    assert list(
        Item.objects.filter(section=section).order_by("order").values_list("number", flat=True)
    ) == ["2", "1"]
    assert (
        client.post(
            url(version, "structure/"), {"what": "item", "id": first.pk, "action": "remove"}
        ).status_code
        == 302
    )
    assert not Item.objects.filter(pk=first.pk).exists()
    page = client.get(url(version)).content.decode()
    assert "Staff?" in page and "Add a question to A" in page


@pytest.mark.parametrize(
    "data,field",
    [
        ({"number": "1"}, "Give the code of a question of the bank"),
        ({"number": "1", "existing": "nope"}, "The bank has no question with this code."),
        (
            {"number": "1", "code": "x.c", "kind": "single_choice", "text_en": "C?"},
            "needs at least one option",
        ),
        (
            {
                "number": "1",
                "code": "x.o",
                "kind": "single_choice",
                "text_en": "C?",
                "options": "only-a-code",
            },
            "Line 1",
        ),
        ({"number": "1", "code": "BAD CODE", "kind": "integer", "text_en": "N?"}, "lower-case"),
    ],
)
def test_bad_questions_are_explained_at_the_field(client_as, secretariat, version, data, field):
    section = version.sections.first()
    response = client_as(secretariat).post(
        url(version, f"sections/{section.pk}/questions/add/"), data
    )
    assert response.status_code == 400 and field in response.content.decode()


def test_a_frozen_version_refuses_changes_and_offers_a_new_version(client_as, secretariat, version):
    open_cycle(version)
    client = client_as(secretariat)
    response = client.post(url(version, "sections/add/"), {"number": "IX", "title_en": "Late"})
    assert response.status_code == 400 and "can no longer change" in response.content.decode()
    item = Item.objects.filter(section__version=version).first()
    assert (
        client.post(
            url(version, "structure/"), {"what": "item", "id": item.pk, "action": "up"}
        ).status_code
        == 409
    )
    assert (
        client.post(
            url(version, "structure/"), {"what": "table", "id": 1, "action": "up"}
        ).status_code
        == 400
    )
    assert (
        client.post(f"/reports/templates/{version.template.slug}/versions/new/").status_code == 302
    )
    assert version.template.versions.get(number=2).status == VersionStatus.DRAFT


def test_a_cycle_from_a_meeting_date_and_its_opening(client_as, secretariat, version):
    client = client_as(secretariat)
    response = client.post(
        url(version, "cycles/add/"),
        {
            "slug": "cop15",
            "title_en": "National reports to COP15",
            "period_start": "2023-01-01",
            "period_end": "2025-12-31",
            "opens_on": "2025-01-01",
            "meeting_opens": "2026-03-23",
            "expected": "chosen",
            "parties": [],
        },
    )
    assert response.status_code == 400 and "Choose the reporters." in response.content.decode()
    from cmsfamily.directory.models import Party

    kenya = Party.objects.get(code="KE")
    response = client.post(
        url(version, "cycles/add/"),
        {
            "slug": "cop15",
            "title_en": "National reports to COP15",
            "period_start": "2023-01-01",
            "period_end": "2025-12-31",
            "opens_on": "2025-01-01",
            "meeting_opens": "2026-03-23",
            "expected": "chosen",
            "parties": [kenya.pk],
        },
    )
    assert response.status_code == 302
    cycle = Cycle.objects.get(slug="cop15")
    assert cycle.deadline.isoformat() == "2025-09-23" and "Resolution 12.5" in cycle.deadline_rule
    assert (
        client.post(f"/reports/cycles/{cycle.slug}/status/", {"status": "open"}).status_code == 302
    )
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.OPEN
    client.post(f"/reports/cycles/{cycle.slug}/status/", {"status": "bogus"})
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.OPEN


@pytest.mark.parametrize("persona,status", matrix(**ONLY_CMS, secretariat=302))
def test_only_the_secretariat_opens_a_cycle(client_as, request, persona, status, version):
    from cmsfamily.reporting import services

    cycle = open_cycle(version)
    services.set_cycle_status(cycle=cycle, status="closed", by=None)
    response = client_for(client_as, request, persona).post(
        f"/reports/cycles/{cycle.slug}/status/", {"status": "open"}
    )
    assert response.status_code == status
    cycle.refresh_from_db()
    assert (cycle.status == CycleStatus.OPEN) == (persona == "secretariat")


@pytest.mark.parametrize(
    "persona,status",
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=403,
        eurobats_officer=403,
        secretariat=200,
    ),
)
def test_only_the_cms_secretariat_edits_the_bank(client_as, request, persona, status, version):
    assert (
        client_for(client_as, request, persona).get("/reports/questions/t.staff/edit/").status_code
        == status
    )


def test_editing_texts_of_a_section_and_a_question(client_as, secretariat, version):
    client = client_as(secretariat)
    section = version.sections.get(number="I")
    response = client.post(
        url(version, f"sections/{section.pk}/edit/"), {"title_en": "", "title_fr": "x"}
    )
    assert response.status_code == 400
    assert (
        client.post(
            url(version, f"sections/{section.pk}/edit/"),
            {"title_en": "General information", "title_fr": "Généralités"},
        ).status_code
        == 302
    )
    section.refresh_from_db()
    assert (section.title_en, section.title_fr) == ("General information", "Généralités")
    edit = "/reports/questions/t.staff/edit/?next=" + url(version)
    assert (
        client.post(
            edit, {"text_en": "Staff in post", "min_value": "0", "max_value": "500"}
        ).status_code
        == 302
    )
    assert Question.objects.get(code="t.staff").max_value == 500
    assert (
        client.post(edit, {"text_en": "Staff", "min_value": "9", "max_value": "1"}).status_code
        == 400
    )


def test_a_frozen_question_keeps_its_english_text(client_as, secretariat, version):
    open_cycle(version)
    client = client_as(secretariat)
    edit = "/reports/questions/t.staff/edit/"
    assert client.post(edit, {"text_en": "Changed", "text_fr": "Personnel"}).status_code == 302
    question = Question.objects.get(code="t.staff")
    assert (question.text_en, question.text_fr) == ("Staff", "Personnel")


@pytest.mark.parametrize(
    "persona,status",
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=403,
        eurobats_officer=200,
        secretariat=200,
    ),
)
def test_the_timeliness_overview_is_for_secretariats(
    client_as, request, persona, status, version, django_assert_max_num_queries
):
    open_cycle(version)
    client = client_for(client_as, request, persona)
    response = client.get("/reports/timeliness/")
    assert response.status_code == status
    if persona == "secretariat":
        assert "Test cycle" in response.content.decode()
        with django_assert_max_num_queries(12):
            client.get("/reports/timeliness/")
    if persona == "eurobats_officer":
        assert "Test cycle" not in response.content.decode()


@pytest.mark.parametrize(
    "target,expected",
    [
        ("//evil.example.org/x", "/reports/templates/"),
        ("https://evil.example.org", "/reports/templates/"),
        ("/\\evil.example.org", "/reports/templates/"),
        ("javascript:alert(1)", "/reports/templates/"),
        ("/reports/", "/reports/"),
    ],
)
def test_the_question_page_goes_back_only_to_this_site(
    client_as, secretariat, version, target, expected
):
    client = client_as(secretariat)
    edit = "/reports/questions/t.staff/edit/"
    page = client.get(edit, {"next": target})
    html = page.content.decode()
    assert f'href="{expected}">Cancel' in html
    assert f'href="{target}"' not in html or target == expected
    response = client.post(
        f"{edit}?next={target}", {"text_en": "Staff in post", "min_value": "0", "max_value": "5"}
    )
    assert response.status_code == 302
    assert response["Location"] == expected


def test_the_builder_numbers_each_question_once(client_as, secretariat, version):
    """The questions carry their own numbers ("1", "1a"): the list around them adds none, so the
    outline never reads "1. 1 Which departments…"."""
    client = client_as(secretariat)
    html = client.get(url(version)).content.decode()
    assert '<span class="number">1</span> Which departments are involved?' in html
    outline = html[html.index("<main") :]
    assert "<ol" not in outline  # an ordered list would number the numbered questions again
    assert '<ul class="plain"><li><span class="number">1</span>' in outline
