"""Slices 3 and 4: delegations named by the NFP, funding, credentials and their examination."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cmsfamily.core import hostile
from cmsfamily.core.testing import LOGIN, cms_secretariat_only, matrix, status_of
from cmsfamily.directory.models import Instrument, Party
from cmsfamily.meetings import selectors, services
from cmsfamily.meetings.models import Credentials, Delegate
from cmsfamily.meetings.tests.fixtures import cop14

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


@pytest.fixture
def kenya_invited(secretariat):
    meeting = cop14()
    services.invite(
        meeting=meeting,
        deadline=date(2099, 1, 15),
        by=secretariat,
        instrument=Instrument.objects.get(code="cms"),
        partners=True,
    )
    return meeting.invitations.get(party__code="KE")


@pytest.fixture
def delegation(kenya_invited, nfp_kenya):
    meeting, kenya = kenya_invited.meeting, kenya_invited.party
    for role, given, family in [
        ("head", "Amina", "Odhiambo"),
        ("alternate", "Peter", "Kamau"),
        ("adviser", "Grace", "Wanjiru"),
    ]:
        services.name_delegate(
            meeting=meeting,
            party=kenya,
            role=role,
            given_name=given,
            family_name=family,
            by=nfp_kenya,
        )
    return kenya_invited


def letter(content=None):
    return SimpleUploadedFile("letter.pdf", content or hostile.pdf(), "application/pdf")


def test_the_nfp_names_a_delegation_of_three_from_the_registry_and_as_new_people(
    client_as, nfp_kenya, kenya_invited
):
    browser = client_as(nfp_kenya)
    url = f"{kenya_invited.get_absolute_url()}delegates/add/"
    own = selectors.registry_people(kenya_invited.party).get(user=nfp_kenya)
    assert browser.post(url, {"role": "head", "person": own.pk}).status_code == 302
    assert (
        browser.post(
            url, {"role": "alternate", "given_name": "Peter", "family_name": "Kamau"}
        ).status_code
        == 302
    )
    assert (
        browser.post(
            url, {"role": "adviser", "given_name": "Grace", "family_name": "Wanjiru"}
        ).status_code
        == 302
    )
    assert kenya_invited.delegates.count() == 3
    page = browser.get(kenya_invited.get_absolute_url()).content.decode()
    assert "Peter Kamau" in page and "Head of delegation" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"role": "head", "given_name": "Second", "family_name": "Head"}, "already has a head"),
        ({"role": "adviser"}, "Choose a person from the registry or give a new person"),
        ({"role": "king", "given_name": "A", "family_name": "B"}, "Select a valid choice."),
        ({"role": "adviser", "person": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_delegates_are_refused(client_as, nfp_kenya, delegation, data, message):
    response = client_as(nfp_kenya).post(f"{delegation.get_absolute_url()}delegates/add/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert delegation.delegates.count() == 3


def test_a_delegation_for_a_meeting_the_party_was_not_invited_to_is_refused(secretariat, nfp_kenya):
    meeting = cop14()  # nobody invited
    with pytest.raises(ValidationError, match="was not invited"):
        services.name_delegate(
            meeting=meeting,
            party=Party.objects.get(code="KE"),
            role="head",
            given_name="A",
            family_name="B",
            by=nfp_kenya,
        )
    assert not Delegate.objects.exists()


def test_germany_cannot_name_kenyas_delegation(nfp_germany, kenya_invited):
    with pytest.raises(PermissionDenied):
        services.name_delegate(
            meeting=kenya_invited.meeting,
            party=kenya_invited.party,
            role="head",
            given_name="A",
            family_name="B",
            by=nfp_germany,
        )


@pytest.mark.parametrize(
    "persona, status",
    matrix(
        anonymous=LOGIN,
        nfp_kenya=200,
        nfp_germany=404,
        birdlife_fp=404,
        secretariat=403,
        eurobats_officer=404,
    ),
)
def test_who_names_kenyas_delegates_and_uploads_its_credentials(
    client_as, request, persona, status, kenya_invited
):
    base = kenya_invited.get_absolute_url()
    assert status_of(client_as, request, persona, "GET", f"{base}delegates/add/") == status
    assert status_of(client_as, request, persona, "GET", f"{base}credentials/") == status


def test_funding_only_for_eligible_parties_and_decided_by_the_secretariat(
    client_as, secretariat, nfp_kenya, delegation
):
    head = delegation.delegates.get(role="head")
    with pytest.raises(ValidationError, match="not eligible"):
        services.request_funding(delegate=head, by=nfp_kenya)
    with pytest.raises(PermissionDenied):
        services.set_funding_eligibility(invitation=delegation, eligible=True, by=nfp_kenya)
    secretariat_client = client_as(secretariat)
    secretariat_client.post(f"{delegation.get_absolute_url()}eligibility/", {"eligible": "yes"})
    secretariat_client.logout()
    kenya_client = client_as(nfp_kenya)
    kenya_client.post(f"{delegation.get_absolute_url()}delegates/{head.pk}/funding/")
    head.refresh_from_db()
    assert head.funding == "requested"
    assert (
        kenya_client.post(
            f"{delegation.get_absolute_url()}delegates/{head.pk}/decide/", {"grant": "yes"}
        ).status_code
        == 403
    )
    kenya_client.logout()
    secretariat_client = client_as(secretariat)
    refused = secretariat_client.post(
        f"{delegation.get_absolute_url()}delegates/{head.pk}/decide/", {"grant": "no"}
    )
    assert (
        refused.status_code == 400
        and "Say why the funding is not granted." in refused.content.decode()
    )
    secretariat_client.post(
        f"{delegation.get_absolute_url()}delegates/{head.pk}/decide/", {"grant": "yes"}
    )
    assert [
        d.person.family_name for d in selectors.funded_delegates(secretariat, delegation.meeting)
    ] == ["Odhiambo"]


def test_credentials_uploaded_examined_and_reported(
    client_as, secretariat, nfp_kenya, delegation, media
):
    kenya_client = client_as(nfp_kenya)
    response = kenya_client.post(
        f"{delegation.get_absolute_url()}credentials/",
        {
            "letter": letter(),
            "authority": "foreign_minister",
            "authority_detail": "Cabinet Secretary for Foreign Affairs",
            "names": "Amina Odhiambo\npeter  kamau\n",
        },
    )
    assert response.status_code == 302
    credentials = Credentials.objects.get()
    assert sorted(d.person.family_name for d in credentials.covers.all()) == ["Kamau", "Odhiambo"]
    kenya_client.logout()
    secretariat_client = client_as(secretariat)
    examine = f"/meetings/cop14/credentials/{credentials.pk}/examine/"
    refused = secretariat_client.post(examine, {"examination": "not_accepted"})
    assert (
        refused.status_code == 400
        and "Say why the credentials are not accepted." in refused.content.decode()
    )
    assert secretariat_client.post(examine, {"examination": "accepted"}).status_code == 302
    report = selectors.credentials_report(delegation.meeting)
    assert [row.party.code for row in report["in_order"]] == ["KE"]
    page = secretariat_client.get("/meetings/cop14/credentials/").content.decode()
    assert "1 Party has credentials in order." in page and "Kenya" in page


def test_the_report_says_who_is_not_accepted_and_why(secretariat, nfp_kenya, delegation, media):
    credentials = services.submit_credentials(
        invitation=delegation,
        letter=letter(),
        authority="other",
        authority_detail="Ministry of Environment",
        names=["Amina Odhiambo"],
        by=nfp_kenya,
    )
    services.examine_credentials(
        credentials=credentials,
        examination="not_accepted",
        reason="Not issued by a competent authority",
        by=secretariat,
    )
    report = selectors.credentials_report(delegation.meeting)
    assert report["not_accepted"][0].reason == "Not issued by a competent authority"
    assert report["in_order"] == []


@pytest.mark.parametrize(
    "data, message",
    [
        ({"letter": "<html>", "names": "Amina Odhiambo"}, "must be a PDF file"),
        ({"names": "Amina Odhiambo\nJohn Smith"}, "Not in the delegation: John Smith"),
        ({"names": "Amina Odhiambo", "authority": "other"}, "Name the authority that issued"),
        ({"names": ""}, "This field is required."),
    ],
)
def test_bad_credentials_are_refused_and_nothing_saved(
    client_as, nfp_kenya, delegation, media, data, message
):
    content = data.pop("letter", None)
    fields = {
        "authority": "head_of_state",
        "letter": letter(content.encode() if content else None),
        **data,
    }
    response = client_as(nfp_kenya).post(f"{delegation.get_absolute_url()}credentials/", fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Credentials.objects.exists()


def test_a_too_large_letter_is_refused(nfp_kenya, delegation, media, settings):
    settings.CREDENTIALS_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="the limit is 100"):
        services.submit_credentials(
            invitation=delegation,
            letter=letter(),
            authority="head_of_state",
            names=["Amina Odhiambo"],
            by=nfp_kenya,
        )


@pytest.mark.parametrize(
    "persona, status",
    matrix(
        anonymous=LOGIN,
        nfp_kenya=200,
        nfp_germany=404,
        birdlife_fp=404,
        secretariat=200,
        eurobats_officer=404,
    ),
)
def test_who_reads_kenyas_credentials_letter(
    client_as, request, persona, status, nfp_kenya, delegation, media
):
    credentials = services.submit_credentials(
        invitation=delegation,
        letter=letter(),
        authority="head_of_state",
        names=["Amina Odhiambo"],
        by=nfp_kenya,
    )
    url = f"/meetings/cop14/credentials/{credentials.pk}/letter/"
    assert status_of(client_as, request, persona, "GET", url) == status


@pytest.mark.parametrize("persona, status", cms_secretariat_only(anonymous=LOGIN))
def test_who_sees_the_credentials_report_and_examines(
    client_as, request, persona, status, nfp_kenya, delegation, media
):
    credentials = services.submit_credentials(
        invitation=delegation,
        letter=letter(),
        authority="head_of_state",
        names=["Amina Odhiambo"],
        by=nfp_kenya,
    )
    assert status_of(client_as, request, persona, "GET", "/meetings/cop14/credentials/") == status
    examine = f"/meetings/cop14/credentials/{credentials.pk}/examine/"
    expected = (
        {403: 404}.get(status, status)
        if persona in ("nfp_germany", "birdlife_fp", "eurobats_officer")
        else status
    )
    assert status_of(client_as, request, persona, "GET", examine) == expected


def test_the_public_page_shows_no_delegation_funding_or_credentials(client, delegation):
    page = client.get("/meetings/cop14/").content.decode()
    assert "Odhiambo" not in page and "Credentials" not in page and "funding" not in page.lower()


def test_the_api_scopes_delegations_and_names_delegates(
    client_as, nfp_kenya, nfp_germany, delegation, client
):
    assert client.get("/api/meeting-delegates/").json()["count"] == 0
    germany = client_as(nfp_germany)
    assert germany.get("/api/meeting-delegates/").json()["count"] == 0
    refused = germany.post(
        "/api/meeting-delegates/",
        {"invitation": delegation.pk, "role": "adviser", "given_name": "X", "family_name": "Y"},
    )
    assert refused.status_code == 400 and "invitation" in refused.json()
    germany.logout()
    kenya = client_as(nfp_kenya)
    rows = kenya.get("/api/meeting-delegates/?meeting=cop14").json()["results"]
    assert sorted(row["name"] for row in rows) == ["Amina Odhiambo", "Grace Wanjiru", "Peter Kamau"]
    assert "funding" in rows[0]
    created = kenya.post(
        "/api/meeting-delegates/",
        {
            "invitation": delegation.pk,
            "role": "adviser",
            "given_name": "John",
            "family_name": "Mwangi",
        },
    )
    assert created.status_code == 201 and created.json()["party"] == "KE"
    bad = kenya.post(
        "/api/meeting-delegates/",
        {"invitation": delegation.pk, "role": "head", "given_name": "A", "family_name": "B"},
    )
    assert bad.status_code == 400 and "role" in bad.json()
    assert (
        kenya.post(
            "/api/meeting-delegates/",
            {"invitation": delegation.pk, "role": "adviser", "person": 999999},
        ).status_code
        == 400
    )


def test_the_delegations_api_is_query_bounded(
    client_as, secretariat, delegation, django_assert_max_num_queries
):
    browser = client_as(secretariat)
    with django_assert_max_num_queries(8):
        assert browser.get("/api/meeting-delegates/").json()["count"] == 3
    with django_assert_max_num_queries(8):
        assert browser.get("/api/meeting-invitations/?meeting=cop14").status_code == 200
