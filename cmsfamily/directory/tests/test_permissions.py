"""Permission matrix: for every page and endpoint of the registry, who reads, who writes, who is refused."""

import pytest
from django.urls import reverse

from cmsfamily.core.testing import LOGIN, everyone, matrix, status_of
from cmsfamily.directory import services
from cmsfamily.directory.choices import Role
from cmsfamily.directory.models import Appointment, Expertise, Membership, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def kenya_nomination(kenya, nfp_kenya):
    person = Person.objects.create(
        given_name="Achieng", family_name="Nominee", email="achieng@example.org"
    )
    return services.nominate(person=person, role=Role.NFP, by=nfp_kenya, party=kenya)


@pytest.fixture
def germany_nfp_person(nfp_germany):
    return Person.objects.get(user=nfp_germany)


PUBLIC_PAGES = [
    "/",
    "/search/?q=ken",
    "/parties/",
    "/parties/ke/",
    "/instruments/",
    "/instruments/cms/",
    "/organisations/",
    "/organisations/birdlife/",
    "/people/",
    "/circular/",
    "/api/parties/",
    "/api/parties/KE/",
    "/api/instruments/",
    "/api/instruments/eurobats/",
    "/api/memberships/",
    "/api/organisations/",
    "/api/organisations/wwf/",
    "/api/focal-points/",
    "/api/schema/",
    "/api/docs/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
@pytest.mark.parametrize(("persona", "expected"), everyone(200))
def test_public_pages_are_read_by_everyone(client_as, request, url, persona, expected):
    assert status_of(client_as, request, persona, "GET", url) == expected


@pytest.mark.parametrize(("persona", "expected"), everyone(200))
def test_public_person_and_appointment_pages(
    client_as, request, germany_nfp_person, persona, expected
):
    appointment = germany_nfp_person.appointments.get()
    assert (
        status_of(client_as, request, persona, "GET", germany_nfp_person.get_absolute_url())
        == expected
    )
    assert status_of(client_as, request, persona, "GET", appointment.get_absolute_url()) == expected


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
@pytest.mark.parametrize(
    "url",
    [
        "/parties/de/history/",
        "/instruments/cms/history/",
        "/organisations/wwf/history/",
        "/appointments/pending/",
    ],
)
def test_history_and_review_pages_are_for_secretariats(client_as, request, url, persona, expected):
    assert status_of(client_as, request, persona, "GET", url) == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=200,
        nfp_germany=403,
        birdlife_fp=403,
        secretariat=200,
        eurobats_officer=403,
    ),
)
def test_nomination_form_for_kenya(client_as, request, persona, expected):
    assert status_of(client_as, request, persona, "GET", "/parties/ke/nominate/") == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=302,
        birdlife_fp=403,
        secretariat=302,
        eurobats_officer=403,
    ),
)
def test_crafted_nomination_post_for_germany(client_as, request, germany, persona, expected):
    data = {
        "role": "alternate_nfp",
        "given_name": "Hans",
        "family_name": "Crafted",
        "email": "hans@example.org",
        "start": "2026-01-01",
    }
    before = Appointment.objects.filter(party=germany).count()
    assert status_of(client_as, request, persona, "POST", "/parties/de/nominate/", data) == expected
    created = Appointment.objects.filter(party=germany).count() - before
    assert created == (1 if expected == 302 and persona != "anonymous" else 0)


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=404,
        nfp_kenya=200,
        nfp_germany=404,
        birdlife_fp=404,
        secretariat=200,
        eurobats_officer=404,
    ),
)
def test_a_nomination_is_seen_by_its_party_and_the_secretariat_only(
    client_as, request, kenya_nomination, persona, expected
):
    assert (
        status_of(client_as, request, persona, "GET", kenya_nomination.get_absolute_url())
        == expected
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=404,
        birdlife_fp=404,
        secretariat=302,
        eurobats_officer=404,
    ),
)
def test_only_the_secretariat_confirms(client_as, request, kenya_nomination, persona, expected):
    url = reverse("directory:appointment-confirm", args=[kenya_nomination.pk])
    assert status_of(client_as, request, persona, "POST", url) == expected
    kenya_nomination.refresh_from_db()
    assert (kenya_nomination.status == "confirmed") == (persona == "secretariat")


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=403,
        secretariat=302,
        eurobats_officer=403,
    ),
)
def test_only_the_secretariat_ends_an_appointment(
    client_as, request, germany_nfp_person, persona, expected
):
    appointment = germany_nfp_person.appointments.get()
    url = reverse("directory:appointment-end", args=[appointment.pk])
    assert status_of(client_as, request, persona, "POST", url, {"end": "2099-01-01"}) == expected
    appointment.refresh_from_db()
    assert (appointment.status == "ended") == (persona == "secretariat")


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
def test_eurobats_members_are_kept_by_its_secretariat_and_the_cms_secretariat(
    client_as, request, persona, expected
):
    assert (
        status_of(client_as, request, persona, "GET", "/instruments/eurobats/members/add/")
        == expected
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=403,
        secretariat=302,
        eurobats_officer=403,
    ),
)
def test_ascobans_members_are_not_kept_by_eurobats(client_as, request, kenya, persona, expected):
    data = {"party": kenya.pk, "kind": "party"}
    assert (
        status_of(client_as, request, persona, "POST", "/instruments/ascobans/members/add/", data)
        == expected
    )
    assert Membership.objects.filter(instrument__code="ascobans", party=kenya).exists() == (
        expected == 302 and persona != "anonymous"
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=302,
        secretariat=302,
        eurobats_officer=403,
    ),
)
def test_a_partner_keeps_its_own_expertise(client_as, request, persona, expected):
    data = {"topic": "Flyway monitoring", "availability": "available"}
    assert (
        status_of(
            client_as, request, persona, "POST", "/organisations/birdlife/expertise/add/", data
        )
        == expected
    )
    assert Expertise.objects.filter(topic="Flyway monitoring").exists() == (
        expected == 302 and persona != "anonymous"
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=403,
        secretariat=302,
        eurobats_officer=403,
    ),
)
def test_no_partner_edits_another_partners_expertise(client_as, request, persona, expected):
    data = {"topic": "Whale watching guidelines", "availability": "available"}
    assert (
        status_of(client_as, request, persona, "POST", "/organisations/wdc/expertise/add/", data)
        == expected
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=200,
        secretariat=200,
        eurobats_officer=403,
    ),
)
def test_partner_focal_point_nomination(client_as, request, persona, expected):
    assert (
        status_of(client_as, request, persona, "GET", "/organisations/birdlife/nominate/")
        == expected
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=200,
        birdlife_fp=403,
        secretariat=200,
        eurobats_officer=403,
    ),
)
def test_contact_details_are_edited_by_the_person_and_the_secretariat(
    client_as, request, germany_nfp_person, persona, expected
):
    url = reverse("directory:person-edit", args=[germany_nfp_person.pk])
    assert status_of(client_as, request, persona, "GET", url) == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    # A nominee of Kenya is not visible to Germany's NFP, nor to the EUROBATS secretariat: 404, not 403.
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=404,
        birdlife_fp=404,
        secretariat=200,
        eurobats_officer=404,
    ),
)
def test_invitations_are_sent_by_secretariats(client_as, request, persona, expected):
    person = Person.objects.create(given_name="New", family_name="Person", email="new@example.org")
    services.nominate(
        person=person, role=Role.ALTERNATE_NFP, by=None, party=request.getfixturevalue("kenya")
    )
    url = reverse("directory:person-invite", args=[person.pk])
    assert status_of(client_as, request, persona, "GET", url) == expected


@pytest.mark.parametrize(
    ("persona", "shown"),
    [
        ("anonymous", False),
        ("nfp_kenya", False),
        ("nfp_germany", True),
        ("birdlife_fp", False),
        ("secretariat", True),
        ("eurobats_officer", False),
    ],
)
def test_private_contact_fields(client_as, request, germany_nfp_person, persona, shown):
    user = request.getfixturevalue(persona)
    page = client_as(user).get(germany_nfp_person.get_absolute_url()).content.decode()
    assert (germany_nfp_person.email in page) == shown
    api = client_as(user).get("/api/focal-points/?party__code=DE").json()
    assert (germany_nfp_person.email in str(api)) == shown


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=403,
        nfp_kenya=201,
        nfp_germany=403,
        birdlife_fp=403,
        secretariat=201,
        eurobats_officer=403,
    ),
)
def test_api_nomination_for_kenya(client_as, request, persona, expected):
    user = request.getfixturevalue(persona)
    payload = {
        "party": "KE",
        "role": "scientific_councillor",
        "given_name": "Otieno",
        "family_name": "Api",
        "email": "otieno@example.org",
        "start": "2026-02-01",
    }
    response = client_as(user).post("/api/nominations/", payload, content_type="application/json")
    assert response.status_code == expected
    assert Appointment.objects.filter(person__email="otieno@example.org").exists() == (
        expected == 201
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=403,  # refused before the method is looked up, as every anonymous write
        nfp_kenya=405,
        nfp_germany=405,
        birdlife_fp=405,
        secretariat=405,
        eurobats_officer=405,
    ),
)
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_registry_api_is_read_only(client_as, request, persona, expected, method):
    user = request.getfixturevalue(persona)
    response = getattr(client_as(user), method)(
        "/api/parties/DE/", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=403,
        secretariat=302,
        eurobats_officer=403,
    ),
)
def test_only_the_cms_secretariat_adds_organisations(client_as, request, persona, expected):
    from cmsfamily.directory.models import Organisation

    data = {
        "slug": "kws",
        "short_name": "KWS",
        "name_en": "Kenya Wildlife Service",
        "kind": "ministry",
        "party": request.getfixturevalue("kenya").pk,
    }
    assert status_of(client_as, request, persona, "POST", "/organisations/add/", data) == expected
    assert Organisation.objects.filter(slug="kws").exists() == (persona == "secretariat")


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=302,
        secretariat=302,
        eurobats_officer=403,
    ),
)
def test_a_partner_keeps_its_own_details(client_as, request, persona, expected):
    from cmsfamily.directory.models import Organisation

    data = {
        "name_en": "BirdLife International",
        "website": "https://www.birdlife.org",
        "kind": "partner_ngo",
        "short_name": "BirdLife",
    }
    assert (
        status_of(client_as, request, persona, "POST", "/organisations/birdlife/edit/", data)
        == expected
    )
    birdlife = Organisation.objects.get(slug="birdlife")
    assert (birdlife.website == "https://www.birdlife.org") == (
        expected == 302 and persona != "anonymous"
    )
    assert birdlife.kind == "partner_ngo"


def test_a_partner_cannot_edit_another_partner(client_as, birdlife_fp):
    response = client_as(birdlife_fp).post("/organisations/wwf/edit/", {"name_en": "Hijacked"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=403,
        secretariat=302,
        eurobats_officer=403,
    ),
)
def test_only_a_secretariat_of_the_instrument_ends_a_membership(
    client_as, request, persona, expected
):
    membership = Membership.objects.get(instrument__code="ascobans", party__code="DE")
    url = reverse("directory:membership-end", args=["ascobans", membership.pk])
    assert status_of(client_as, request, persona, "POST", url, {"end": "2030-01-01"}) == expected
    membership.refresh_from_db()
    assert (membership.end is not None) == (persona == "secretariat")
