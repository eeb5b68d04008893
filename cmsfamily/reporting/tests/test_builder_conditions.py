"""The builder's conditions: a question's "shown when", "required when" and "valid when" (with its
message) and a section's "shown when", written as XLSForm expressions, checked as an import is,
shown in words on the version's page; refused on a frozen version and to who does not keep the
template."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from cmsfamily.core.models import Event
from cmsfamily.core.testing import LOGIN, client_for, matrix
from cmsfamily.reporting import services
from cmsfamily.reporting.choices import VersionStatus
from cmsfamily.reporting.models import Item, Section
from cmsfamily.reporting.testing import build_template


@pytest.fixture
def version(db):
    return build_template()[1]


def item(version, code) -> Item:
    return Item.objects.get(section__version=version, question__code=code)


def url(version, tail=""):
    return f"/reports/templates/{version.template.slug}/v{version.number}/{tail}"


def conditions_url(version, code):
    return url(version, f"questions/{item(version, code).pk}/conditions/")


def post(client, version, code, **fields):
    data = {"shown_when": "", "required_when": "", "valid_when": ""}
    data.update(fields)
    return client.post(conditions_url(version, code), data)


def test_the_secretariat_sets_conditions_and_the_version_says_them_in_words(
    client_as, secretariat, version
):
    client = client_as(secretariat)
    form = client.get(conditions_url(version, "t.area-protected")).content.decode()
    assert "Conditions of question I.5" in form and "XLSForm expression" in form
    response = post(
        client,
        version,
        "t.area-protected",
        shown_when="${t.committee} = 'yes' and ${t.narrative} = ''",
        required_when="${t.area-total} > 0",
        valid_when=". <= ${t.area-total}",
        valid_message_en="The protected area is part of the total.",
        valid_message_fr="La superficie protégée fait partie du total.",
    )
    assert response.status_code == 302, response.content.decode()
    saved = item(version, "t.area-protected")
    assert saved.shown_when == "${t.committee} = 'yes' and ${t.narrative} = ''"
    assert saved.shown_when_tree["op"] == "and"
    assert saved.required_when_tree["op"] == ">"
    assert saved.valid_when_tree["op"] == "<="
    assert saved.valid_message == {
        "en": "The protected area is part of the total.",
        "fr": "La superficie protégée fait partie du total.",
    }
    assert Event.objects.filter(kind="template.conditions").exists()
    page = client.get(url(version)).content.decode()
    assert "Shown when I.3 is Yes and I.2 is not answered." in page
    assert "Required when I.4 is more than 0." in page
    assert "Valid when this answer is at most I.4." in page
    assert "The protected area is part of the total." in page
    with translation.override("fr"):
        page = client.get(url(version), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "I.3" in page and "La superficie protégée fait partie du total." in page


def test_a_section_condition_is_set_and_cleared(client_as, secretariat, version):
    client = client_as(secretariat)
    loop = Section.objects.get(version=version, number="II")
    address = url(version, f"sections/{loop.pk}/condition/")
    assert client.get(address).status_code == 200
    response = client.post(address, {"shown_when": "selected(${t.threats}, 'bycatch')"})
    assert response.status_code == 302, response.content.decode()
    loop.refresh_from_db()
    assert loop.shown_when_tree == {
        "op": "selected",
        "arg": {"op": "ref", "q": "t.threats", "t": "multi"},
        "v": "bycatch",
    }
    assert "Shown when I.11 includes By-catch." in client.get(url(version)).content.decode()
    assert client.post(address, {"shown_when": "  "}).status_code == 302
    loop.refresh_from_db()
    assert loop.shown_when == "" and loop.shown_when_tree is None


@pytest.mark.parametrize(
    "field,text,expected",
    [
        ("shown_when", "${t.committee} = ", "Column 17: The condition ends too early."),
        ("shown_when", "${t.nothing} = 'yes'", "Column 1: Unknown question t.nothing."),
        (
            "shown_when",
            "${t.committee} = 'yes' or ${t.staff} > 3",
            "Column 27: t.staff comes at or after this point of the form",
        ),
        (
            "shown_when",
            "selected(${t.threats}, 'volcanoes')",
            "Column 10: “volcanoes” is not an option of ${t.threats}.",
        ),
        (
            "required_when",
            "${t.adopted} > 'soon'",
            "Column 1: ${t.adopted} (a date) cannot be compared with 'soon' (text).",
        ),
        ("valid_when", ". > 'many'", "(a number) cannot be compared with 'many' (text)."),
    ],
)
def test_a_wrong_expression_is_refused_on_its_field_with_the_column(
    client_as, secretariat, version, field, text, expected
):
    client = client_as(secretariat)
    response = post(client, version, "t.area-protected", **{field: text})
    assert response.status_code == 400
    form = response.context["form"]
    assert any(expected in error for error in form.errors[field]), form.errors
    saved = item(version, "t.area-protected")
    assert saved.shown_when == saved.required_when == saved.valid_when == ""


def test_one_wrong_field_saves_none_of_them(client_as, secretariat, version):
    response = post(
        client_as(secretariat),
        version,
        "t.area-protected",
        shown_when="${t.committee} = 'yes'",
        required_when="${t.nothing} > 1",
    )
    assert response.status_code == 400
    assert item(version, "t.area-protected").shown_when == ""


def test_a_circle_of_conditions_is_refused(client_as, secretariat, version):
    """A question read by a condition can be moved above it; a condition that then closes a
    circle is refused on its field, naming the circle."""
    services.set_item_conditions(
        item=item(version, "t.staff"), by=secretariat, shown_when="${t.committee} = 'yes'"
    )
    for _step in range(3):  # staff (6th) moves above committee (3rd)
        services.move(obj=item(version, "t.staff"), direction=-1, by=secretariat)
    response = post(client_as(secretariat), version, "t.committee", shown_when="${t.staff} > 1")
    assert response.status_code == 400
    errors = response.context["form"].errors["shown_when"]
    assert any("circle: t.committee → t.staff → t.committee" in error for error in errors), errors
    assert item(version, "t.committee").shown_when == ""


def test_a_message_without_its_condition_is_refused(client_as, secretariat, version):
    response = post(client_as(secretariat), version, "t.staff", valid_message_en="Too many people.")
    assert response.status_code == 400
    assert response.context["form"].errors["valid_message_en"]


def test_a_frozen_version_refuses_in_the_service_and_the_page(client_as, secretariat, version):
    version.status = VersionStatus.FROZEN
    version.save()
    with pytest.raises(ValidationError) as error:
        services.set_item_conditions(
            item=item(version, "t.staff"), by=secretariat, shown_when="${t.committee} = 'yes'"
        )
    assert error.value.code == "frozen"
    section = Section.objects.get(version=version, number="I")
    with pytest.raises(ValidationError):
        services.set_section_condition(section=section, by=secretariat, shown_when="")
    client = client_as(secretariat)
    response = post(client, version, "t.staff", shown_when="${t.committee} = 'yes'")
    assert response.status_code == 400
    assert "can no longer change" in response.content.decode()
    assert item(version, "t.staff").shown_when == ""
    assert "conditions of" not in client.get(url(version)).content.decode()


def test_the_service_asks_who_may_itself(nfp_kenya, eurobats_officer, version):
    for user in (nfp_kenya, eurobats_officer):
        with pytest.raises(PermissionDenied):
            services.set_item_conditions(
                item=item(version, "t.staff"), by=user, shown_when="${t.committee} = 'yes'"
            )
    assert item(version, "t.staff").shown_when == ""


@pytest.mark.parametrize(
    "persona,status",
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=403,
        eurobats_officer=403,
        secretariat=302,
    ),
)
def test_only_who_keeps_the_template_sets_conditions(client_as, request, persona, status, version):
    client = client_for(client_as, request, persona)
    # A draft is not shown to others (404 on GET), the write is refused (403) before anything.
    response = post(client, version, "t.staff", shown_when="${t.committee} = 'yes'")
    assert response.status_code in ((404, 403) if status == 403 else (status,))
    section = Section.objects.get(version=version, number="I")
    response = client.post(url(version, f"sections/{section.pk}/condition/"), {"shown_when": ""})
    assert response.status_code in ((404, 403) if status == 403 else (status,))


def test_unknown_question_or_section_is_404(client_as, secretariat, version):
    client = client_as(secretariat)
    assert client.get(url(version, "questions/999999/conditions/")).status_code == 404
    assert client.get(url(version, "sections/999999/condition/")).status_code == 404


def test_the_version_page_reads_its_conditions_in_a_bounded_number_of_queries(
    client_as, secretariat, version, django_assert_max_num_queries
):
    client = client_as(secretariat)
    client.get(url(version))
    with django_assert_max_num_queries(30) as few:
        client.get(url(version))
    baseline = len(few.captured_queries)
    for code in ("t.area-total", "t.area-protected", "t.staff", "t.share", "t.priority"):
        services.set_item_conditions(
            item=item(version, code),
            by=secretariat,
            shown_when="${t.committee} = 'yes'",
            valid_when=". != ''",
        )
    with django_assert_max_num_queries(baseline):
        response = client.get(url(version))
    assert response.content.decode().count("Shown when I.3 is Yes.") == 5
