"""The attack of issue 13, step by step: Kenya's NFP nominates Germany's NFP by address, then tries
to read and edit that person, to have the Secretariat invite an address Kenya chose, and to read
Germany's draft with the account that accepts the invitation. The same against a Partner.

Each step asserts what must hold now; before the fix each of them let the attacker through.
"""

import re

import pytest
from django.core import mail

from cmsfamily.directory import services
from cmsfamily.directory.choices import Role
from cmsfamily.directory.models import Appointment, Person
from cmsfamily.reporting import services as reporting
from cmsfamily.reporting.models import Submission
from cmsfamily.reporting.testing import build_template, open_cycle

pytestmark = pytest.mark.django_db


def person_of(user):
    return Person.objects.get(user=user)


ATTACKER_EMAIL = "attacker@evil.example"


@pytest.fixture
def germany_nfp(nfp_germany):
    person = person_of(nfp_germany)
    Person.objects.filter(pk=person.pk).update(
        phone="+49 30 18305 0", address="Stresemannstraße 128, 10117 Berlin"
    )
    person.refresh_from_db()
    return person


def _nominate_api(client, email, party="KE"):
    return client.post(
        "/api/nominations/",
        {
            "party": party,
            "role": "alternate_nfp",
            "given_name": "Someone",
            "family_name": "Else",
            "email": email,
            "start": "2026-01-01",
        },
        content_type="application/json",
    )


def test_nominating_another_partys_person_by_address_links_reveals_and_grants_nothing(
    client, nfp_kenya, germany_nfp
):
    client.force_login(nfp_kenya)
    response = _nominate_api(client, germany_nfp.email)
    assert response.status_code == 201
    body = response.json()
    # A new person was added with what Kenya typed; Germany's NFP is untouched and not linked.
    assert body["person"]["id"] != germany_nfp.pk
    assert body["person"]["given_name"] == "Someone"
    assert "18305" not in response.content.decode()
    assert "Stresemann" not in response.content.decode()
    assert not Appointment.objects.filter(person=germany_nfp, party__code="KE").exists()
    # Kenya still cannot read or edit Germany's NFP.
    page = client.get(germany_nfp.get_absolute_url()).content.decode()
    assert "18305" not in page and "Stresemann" not in page
    assert client.get(f"/people/{germany_nfp.pk}/edit/").status_code == 403
    response = client.post(
        f"/people/{germany_nfp.pk}/edit/",
        {"given_name": "X", "family_name": "Y", "email": ATTACKER_EMAIL},
    )
    assert response.status_code == 403
    germany_nfp.refresh_from_db()
    assert germany_nfp.email == "nfp@germany.example"


def test_the_page_says_the_same_whether_or_not_the_address_is_known(client, nfp_kenya, germany_nfp):
    client.force_login(nfp_kenya)

    def nominate(email):
        response = client.post(
            "/parties/ke/nominate/",
            {
                "role": "alternate_nfp",
                "given_name": "Someone",
                "family_name": "Else",
                "email": email,
                "start": "2026-01-01",
            },
            follow=True,
        )
        assert response.status_code == 200
        return [str(m) for m in response.context["messages"]]

    known = nominate(germany_nfp.email)
    unknown = nominate("nobody-has-this@example.org")
    assert known == unknown and len(known) == 1
    assert Person.objects.filter(email__iexact=germany_nfp.email).count() == 2


def test_the_secretariat_sees_the_duplicate_address_when_it_reviews(
    client, nfp_kenya, secretariat, germany_nfp
):
    client.force_login(nfp_kenya)
    _nominate_api(client, germany_nfp.email)
    appointment = Appointment.objects.get(
        party__code="KE", role=Role.ALTERNATE_NFP, person__given_name="Someone"
    )
    client.force_login(secretariat)
    page = client.get(appointment.get_absolute_url()).content.decode()
    assert "Other people in the registry have this email address" in page
    assert germany_nfp.get_absolute_url() in page
    client.force_login(nfp_kenya)
    page = client.get(appointment.get_absolute_url()).content.decode()
    assert "Other people in the registry" not in page


def test_a_partner_cannot_take_over_another_partners_focal_point(client, birdlife_fp, wwf_fp):
    wwf_person = person_of(wwf_fp)
    client.force_login(birdlife_fp)
    response = client.post(
        "/organisations/birdlife/nominate/",
        {
            "role": "partner_focal_point",
            "given_name": "Someone",
            "family_name": "Else",
            "email": wwf_person.email,
            "start": "2026-01-01",
        },
    )
    assert response.status_code == 302
    assert not Appointment.objects.filter(person=wwf_person, organisation__slug="birdlife").exists()
    assert client.get(f"/people/{wwf_person.pk}/edit/").status_code == 403
    assert "+00 wwf_fp" not in client.get(wwf_person.get_absolute_url()).content.decode()


def test_an_address_changed_by_a_focal_point_is_confirmed_again_before_an_invitation(
    client, nfp_kenya, secretariat, kenya, django_capture_on_commit_callbacks
):
    # Kenya nominates its own new contact; the Secretariat confirms (and sees the address).
    nominee = services.nominate_contact(
        email="amina@kenya.example",
        details={"given_name": "Amina", "family_name": "Odhiambo"},
        role=Role.SCIENTIFIC_COUNCILLOR,
        by=nfp_kenya,
        party=kenya,
    )
    services.confirm(appointment=nominee, by=secretariat)
    person = Person.objects.get(pk=nominee.person_id)
    assert person.email_confirmed
    # Kenya's NFP changes the address: it is no longer confirmed.
    client.force_login(nfp_kenya)
    response = client.post(
        f"/people/{person.pk}/edit/",
        {"given_name": "Amina", "family_name": "Odhiambo", "email": ATTACKER_EMAIL},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == ATTACKER_EMAIL and not person.email_confirmed
    # The Secretariat's invitation is refused until it confirms the address it sees.
    client.force_login(secretariat)
    response = client.post(f"/people/{person.pk}/invite/", {"purpose": "to report"})
    assert response.status_code == 200
    assert "not been confirmed by the Secretariat" in response.content.decode()
    assert not mail.outbox
    page = client.get(person.get_absolute_url()).content.decode()
    assert "Confirm this address" in page
    assert client.post(f"/people/{person.pk}/confirm-email/").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/people/{person.pk}/invite/", {"purpose": "to report"})
    assert response.status_code == 302 and mail.outbox[0].to == [ATTACKER_EMAIL]


def test_kenya_cannot_confirm_addresses_nor_invite(client, nfp_kenya, germany_nfp):
    client.force_login(nfp_kenya)
    assert client.post(f"/people/{germany_nfp.pk}/confirm-email/").status_code in (403, 404)
    assert client.post(f"/people/{germany_nfp.pk}/invite/", {"purpose": "x"}).status_code == 403


def test_accepting_links_only_the_invited_person_at_the_invited_address(
    client, secretariat, django_capture_on_commit_callbacks
):
    person = Person.objects.create(
        given_name="Amina",
        family_name="Odhiambo",
        email="amina@kenya.example",
        email_confirmed=True,
    )
    twin = Person.objects.create(
        given_name="Other", family_name="Record", email="amina@kenya.example", email_confirmed=True
    )
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/people/{person.pk}/invite/", {"purpose": "to report"})
    link = re.search(r"http://testserver(/invitations/\S+/)", mail.outbox[0].body).group(1)
    # The address changes after the invitation left: the account is made, but linked to no one.
    Person.objects.filter(pk=person.pk).update(email="someone-else@example.org")
    client.logout()
    client.post(
        link,
        {"password1": "correct-horse-battery-staple", "password2": "correct-horse-battery-staple"},
    )
    person.refresh_from_db()
    twin.refresh_from_db()
    assert person.user is None and twin.user is None


@pytest.fixture
def germany_draft(nfp_germany):
    cycle = open_cycle(build_template()[1])
    submission = Submission.objects.get(cycle=cycle, party__code="DE")
    reporting.save_answers(
        submission=submission,
        edits=[reporting.Edit("t.departments", "", "Secret German draft", 0)],
        by=nfp_germany,
    )
    return submission


def test_the_whole_chain_ends_without_germanys_draft(
    client, nfp_kenya, secretariat, germany_nfp, germany_draft, django_capture_on_commit_callbacks
):
    """Nominate Germany's NFP by address, edit them, get them invited, read Germany's draft."""
    client.force_login(nfp_kenya)
    _nominate_api(client, germany_nfp.email)
    client.post(
        f"/people/{germany_nfp.pk}/edit/",
        {"given_name": "Hans", "family_name": "Muster", "email": ATTACKER_EMAIL},
    )
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/people/{germany_nfp.pk}/invite/", {"purpose": "to report"})
    assert all(ATTACKER_EMAIL not in message.to for message in mail.outbox)
    # Whatever account the attacker holds, Germany's draft stays Germany's.
    client.force_login(nfp_kenya)
    response = client.get(f"/api/submissions/{germany_draft.pk}/answers/")
    assert response.status_code == 404
    assert "Secret German draft" not in response.content.decode()


def test_a_section_contributor_reads_only_the_assigned_section(
    client, nfp_kenya, contributor_kenya
):
    cycle = open_cycle(build_template()[1])
    kenya = Submission.objects.get(cycle=cycle, party__code="KE")
    reporting.save_answers(
        submission=kenya,
        edits=[reporting.Edit("t.departments", "", "Ministry of Environment", 0)],
        by=nfp_kenya,
    )
    species = _section(kenya, "II")
    reporting.save_answers(
        submission=kenya,
        edits=[reporting.Edit("t.obstacles", "birds", "yes", 0)],
        by=nfp_kenya,
    )
    reporting.assign_section(
        submission=kenya, section=species, user=contributor_kenya, by=nfp_kenya
    )
    client.force_login(contributor_kenya)
    response = client.get(f"/api/submissions/{kenya.pk}/answers/")
    assert response.status_code == 200
    codes = {row["question"] for row in response.json()}
    assert codes == {"t.obstacles"}
    assert "Ministry of Environment" not in response.content.decode()
    general = _section(kenya, "I")
    assert client.get(f"/reports/submissions/{kenya.pk}/sections/{general.pk}/").status_code == 403
    assert client.get(f"/reports/submissions/{kenya.pk}/sections/{species.pk}/").status_code == 200


def _section(submission, number):
    return submission.cycle.version.sections.get(number=number)
