import csv
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from cmsfamily.directory.models import Appointment, Person

pytestmark = pytest.mark.django_db


def test_party_list_filters_by_region_and_instrument_and_searches_every_language(client):
    page = client.get("/parties/", {"region": "europe", "instrument": "ascobans"}).content.decode()
    assert "Germany" in page and "Kenya" not in page and "10 results" in page
    # A Spanish-speaking user may type the Spanish name in the English interface.
    page = client.get("/parties/", {"q": "Alemania"}).content.decode()
    assert "Germany" in page and "1 result" in page


def test_party_list_sorts(client):
    page = client.get("/parties/", {"sort": "-entry_into_force"}).content.decode()
    body = page[page.index("<tbody") :]
    assert (
        body.index("Malawi") < body.index("Trinidad and Tobago") < body.index("Brazil")
    )  # 2019, 2018, 2015
    assert "Bahrain" not in body  # unknown dates go last, on the next pages
    assert 'aria-sort="descending"' in page


def test_an_invalid_filter_is_reported_at_the_field(client):
    response = client.get("/parties/", {"region": "atlantis"})
    page = response.content.decode()
    assert response.status_code == 400  # the form says what is wrong
    assert "Select a valid choice" in page and "0 results" in page


def test_party_page_shows_memberships_focal_points_and_gaps(client, nfp_kenya):
    page = client.get("/parties/ke/").content.decode()
    assert "Kenya" in page and "Convention on the Conservation of Migratory Species" in page
    assert "Kenya NFP" in page or "Nfp Kenya" in page
    bahrain = client.get("/parties/bh/").content.decode()
    assert "not known" in bahrain and "133" in bahrain


@pytest.mark.parametrize(
    "url",
    [
        "/parties/zz/",
        "/parties/kenya/",
        "/instruments/nothing/",
        "/organisations/none/",
        "/people/999999/",
        "/appointments/999999/",
        "/api/parties/ZZ/",
    ],
)
def test_unknown_codes_are_404_not_500(client, url):
    assert client.get(url).status_code == 404


def test_csv_export_has_every_filtered_row_not_just_one_page(client):
    response = client.get("/parties/", {"region": "africa", "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Party"
    assert len(rows) - 1 == 45  # all African Parties, though a page shows 50 at most


def test_xlsx_export(client):
    response = client.get("/parties/", {"export": "xlsx", "q": "germ"})
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    values = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    assert values[1][0] == "Germany" and len(values) == 2


@pytest.mark.parametrize(
    "params", [{"export": "pdf"}, {"export": ""}, {"export": "csv", "region": "atlantis"}]
)
def test_malformed_export_parameters_get_a_clear_message(client, params):
    response = client.get("/parties/", params)
    assert response.status_code == 400
    assert "export" in response.content.decode().lower()


def test_demo_people_are_never_exported(client, secretariat):
    Person.objects.create(given_name="Demo", family_name="Only", is_demo=True)
    client.force_login(secretariat)
    assert "Only" in client.get("/people/", {"q": "Only"}).content.decode()
    assert b"Only" not in client.get("/people/", {"q": "Only", "export": "csv"}).content


@pytest.mark.parametrize("page", ["999", "abc"])
def test_out_of_range_pages(client, page):
    assert client.get("/parties/", {"page": page}).status_code in (200, 404)


def test_global_search(client):
    page = client.get("/search/", {"q": "bird"}).content.decode()
    assert "BirdLife" in page
    assert "Nothing found" in client.get("/search/", {"q": "zzzzzz"}).content.decode()


def test_circular_filters_and_exports(client, birdlife_fp):
    from cmsfamily.directory.models import Expertise, Organisation, Region

    birdlife = Organisation.objects.get(slug="birdlife")
    Expertise.objects.create(
        organisation=birdlife,
        topic="Seabird bycatch",
        species_group="Seabirds",
        languages="English, Spanish",
    )
    Expertise.objects.create(
        organisation=birdlife,
        topic="Wetland sites",
        species_group="Waterbirds",
        region=Region.objects.get(code="asia"),
        languages="English",
    )
    page = client.get("/circular/", {"region": "africa"}).content.decode()
    assert (
        "Seabird bycatch" in page and "Wetland sites" not in page
    )  # global expertise serves every region
    exported = client.get("/circular/", {"language": "spanish", "export": "csv"}).content.decode()
    assert "Seabird bycatch" in exported and "Wetland sites" not in exported


def nomination_data(**overrides):
    data = {
        "role": "nfp",
        "given_name": "Achieng",
        "family_name": "Odhiambo",
        "email": "achieng@example.org",
        "start": "2026-03-01",
    }
    data.update(overrides)
    return data


def test_nomination_form_round_trip(client, nfp_kenya, kenya):
    client.force_login(nfp_kenya)
    response = client.post("/parties/ke/nominate/", nomination_data())
    assert response.status_code == 302
    appointment = Appointment.objects.get(person__email="achieng@example.org")
    assert (
        appointment.status == "nominated"
        and appointment.party == kenya
        and appointment.nominated_by == nfp_kenya
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end": "2026-02-01"}, "end", "cannot end before it starts"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"start": "31/31/2026"}, "start", "valid date"),
        ({"role": "secretariat_officer"}, "role", "valid choice"),
        ({"role": "mou_focal_point"}, "instrument", "Choose the instrument"),
        ({"given_name": ""}, "given_name", "required"),
    ],
)
def test_nomination_bad_input_is_reported_at_the_field_and_nothing_is_saved(
    client, nfp_kenya, overrides, field, message
):
    client.force_login(nfp_kenya)
    people_before, appointments_before = Person.objects.count(), Appointment.objects.count()
    response = client.post("/parties/ke/nominate/", nomination_data(**overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in str(errors[field])
    assert (Person.objects.count(), Appointment.objects.count()) == (
        people_before,
        appointments_before,
    )


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("letter.pdf", b"MZ\x90 not a pdf"), "must be a PDF"),
        (SimpleUploadedFile("letter.docx", b"PK\x03\x04 a word file"), "must be a PDF"),
    ],
)
def test_a_confirming_document_that_is_not_a_pdf_is_refused(client, nfp_kenya, upload, message):
    client.force_login(nfp_kenya)
    response = client.post("/parties/ke/nominate/", nomination_data(document=upload))
    assert message in str(response.context["form"].errors["document"])
    assert not Person.objects.filter(email="achieng@example.org").exists()


@override_settings(APPOINTMENT_DOCUMENT_MAX_BYTES=1024)
def test_a_confirming_document_that_is_too_large_is_refused(client, nfp_kenya):
    client.force_login(nfp_kenya)
    big = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n" + b"0" * 4096)
    response = client.post("/parties/ke/nominate/", nomination_data(document=big))
    assert "the limit is 1.0" in str(response.context["form"].errors["document"])


def test_confirming_through_the_pages_replaces_the_nfp(client, nfp_kenya, secretariat, kenya):
    client.force_login(nfp_kenya)
    client.post("/parties/ke/nominate/", nomination_data())
    nomination = Appointment.objects.get(person__email="achieng@example.org")
    client.force_login(secretariat)
    assert "Achieng" in client.get("/appointments/pending/").content.decode()
    response = client.post(f"/appointments/{nomination.pk}/confirm/", follow=True)
    assert "was confirmed" in response.content.decode()
    current = Appointment.objects.current().get(party=kenya, role="nfp")
    assert current.pk == nomination.pk
    page = client.get("/parties/ke/").content.decode()
    assert "Ended" in page and "Achieng" in page


def test_ending_before_the_start_is_refused_at_the_field(client, secretariat, germany):
    appointment = Appointment.objects.current().get(party=germany, role="nfp")
    client.force_login(secretariat)
    response = client.post(f"/appointments/{appointment.pk}/end/", {"end": "1900-01-01"})
    assert response.status_code == 400
    assert "cannot end before it starts" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"


def test_history_tab_shows_who_changed_what_from_which_value(client, secretariat, nfp_germany):
    person = Person.objects.get(user=nfp_germany)
    client.force_login(nfp_germany)
    client.post(
        f"/people/{person.pk}/edit/",
        {
            "given_name": "Nfp",
            "family_name": person.family_name,
            "email": person.email,
            "phone": "+49 228 815 0",
        },
    )
    client.force_login(secretariat)
    page = client.get(f"/people/{person.pk}/history/").content.decode()
    assert "+00 000 000" in page and "+49 228 815 0" in page and str(nfp_germany) in page


def test_membership_form_bad_input(client, secretariat, kenya):
    client.force_login(secretariat)
    response = client.post(
        "/instruments/aewa/members/add/",
        {"party": kenya.pk, "kind": "party", "start": "2020-01-01", "end": "2019-01-01"},
    )
    assert "cannot end before it starts" in str(response.context["form"].errors["end"])
    response = client.post("/instruments/cms/members/add/", {"party": kenya.pk, "kind": "party"})
    assert "already a member" in str(response.context["form"].errors)


@pytest.mark.parametrize(
    "url",
    [
        "/parties/",
        "/instruments/",
        "/organisations/",
        "/people/",
        "/circular/",
        "/parties/ke/",
        "/instruments/cms/",
        "/organisations/birdlife/",
    ],
)
@pytest.mark.parametrize("persona", ["anonymous", "nfp_kenya", "secretariat"])
def test_list_and_detail_pages_have_a_bounded_number_of_queries(
    client_as, request, django_assert_max_num_queries, url, persona
):
    client = client_as(request.getfixturevalue(persona))
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_the_nomination_queue_filters_exports_and_has_bounded_queries(
    client, secretariat, nfp_kenya, django_assert_max_num_queries
):
    already = Appointment.objects.filter(party__code="KE", status="nominated").count()
    client.force_login(nfp_kenya)
    for index in range(3):
        client.post(
            "/parties/ke/nominate/",
            nomination_data(
                role="scientific_councillor",
                email=f"sc{index}@example.org",
                given_name=f"Sc{index}",
            ),
        )
    client.force_login(secretariat)
    with django_assert_max_num_queries(14):
        page = client.get("/appointments/pending/", {"party": "KE"}).content.decode()
    assert f"{already + 3} results" in page
    exported = client.get(
        "/appointments/pending/", {"party": "KE", "export": "csv"}
    ).content.decode()
    assert exported.count("Scientific Councillor") == 3 and "Review" not in exported


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"slug": "birdlife"}, "slug", "already exists"),
        ({"website": "not a url"}, "website", "valid URL"),
        ({"name_en": ""}, "name_en", "required"),
        ({"kind": "cartel"}, "kind", "valid choice"),
        ({"slug": "no spaces please"}, "slug", "valid"),
    ],
)
def test_organisation_form_bad_input(client, secretariat, data, field, message):
    from cmsfamily.directory.models import Organisation

    client.force_login(secretariat)
    body = {
        "slug": "kws",
        "short_name": "KWS",
        "name_en": "Kenya Wildlife Service",
        "kind": "ministry",
    }
    body.update(data)
    before = Organisation.objects.count()
    response = client.post("/organisations/add/", body)
    assert message in str(response.context["form"].errors[field])
    assert Organisation.objects.count() == before


def test_a_partner_may_not_change_its_kind(client, birdlife_fp):
    from cmsfamily.directory.models import Organisation

    client.force_login(birdlife_fp)
    client.post(
        "/organisations/birdlife/edit/", {"name_en": "BirdLife International", "kind": "igo"}
    )
    assert Organisation.objects.get(slug="birdlife").kind == "partner_ngo"


def test_events_are_shown_in_words_in_the_users_language(client, secretariat, germany):
    appointment = Appointment.objects.current().get(party=germany, role="nfp")
    client.force_login(secretariat)
    page = client.get(appointment.get_absolute_url()).content.decode()
    assert "appointment.confirmed" not in page and "Confirmed" in page
    client.cookies["django_language"] = "es"
    assert "Propuesto" in client.get(appointment.get_absolute_url()).content.decode()


def test_ending_a_membership_keeps_it_dated_and_reports_bad_dates(client, secretariat):
    from datetime import date

    from cmsfamily.directory.models import Membership

    membership = Membership.objects.get(instrument__code="cms", party__code="DE")
    url = f"/instruments/cms/members/{membership.pk}/end/"
    client.force_login(secretariat)
    response = client.post(url, {"end": "1900-01-01"})
    assert "cannot end before it starts" in str(response.context["form"].errors["end"])
    response = client.post(url, {"end": "not a date"})
    assert "valid date" in str(response.context["form"].errors["end"])
    membership.refresh_from_db()
    assert membership.end is None
    assert client.post(url, {"end": "2030-06-30"}).status_code == 302
    membership.refresh_from_db()
    assert membership.end == date(2030, 6, 30) and membership.history.first().end == date(
        2030, 6, 30
    )
    assert client.get(url).status_code == 404  # an ended membership cannot be ended again
    assert (
        "Germany"
        not in client.get("/instruments/cms/").content.decode().split("members recorded")[1]
    )


def test_the_instruments_list_marks_one_sorted_column(client, django_assert_max_num_queries):
    """The default order (date in effect, then code) is shown on its first column only: one arrow,
    one aria-sort, where the sort really is."""
    with django_assert_max_num_queries(12):
        page = client.get("/instruments/").content.decode()
    assert "{#" not in page and "One column says" not in page
    head = page[page.index("<thead") : page.index("</thead>")]
    assert head.count("aria-sort=") == 1
    assert re.search(r'aria-sort="ascending">\s*<a href="\?sort=-in_effect"', head)
    head = client.get("/instruments/", {"sort": "-name"}).content.decode()
    head = head[head.index("<thead") : head.index("</thead>")]
    assert head.count("aria-sort=") == 1
    assert re.search(r'aria-sort="descending">\s*<a href="\?sort=name"', head)
