"""The public circular shows the contact a Partner sets for it, never a person's private email."""

import pytest

from cmsfamily.directory.models import Expertise, Organisation

pytestmark = pytest.mark.django_db

EDIT = "/organisations/birdlife/expertise/add/"


def _entry(**fields):
    data = {"topic": "Seabird bycatch", "availability": "available", "contact_name": "Desk"}
    data.update(fields)
    return data


def test_the_partner_sets_a_public_contact_that_the_circular_and_its_export_show(
    client_as, birdlife_fp, client
):
    partner = client_as(birdlife_fp)
    response = partner.post(EDIT, _entry(public_contact="seabirds@birdlife.example"))
    assert response.status_code == 302
    client.logout()
    for export in ({}, {"export": "csv"}):
        answer = client.get("/circular/", export)
        assert answer.status_code == 200
        assert "seabirds@birdlife.example" in answer.content.decode()
        assert birdlife_fp.email not in answer.content.decode()


def test_a_persons_private_address_is_refused_as_the_public_contact(client_as, birdlife_fp):
    response = client_as(birdlife_fp).post(EDIT, _entry(public_contact=birdlife_fp.email.upper()))
    assert response.status_code == 200  # the form again, with the reason at the field
    assert "private address of a person in the registry" in response.content.decode()
    assert not Expertise.objects.filter(topic="Seabird bycatch").exists()


def test_the_anonymous_circular_shows_no_private_email(client, birdlife_fp):
    Expertise.objects.create(
        organisation=Organisation.objects.get(slug="birdlife"),
        topic="Flyway sites",
        contact_name=str(birdlife_fp.person),
    )
    for export in ({}, {"export": "csv"}):
        content = client.get("/circular/", export).content.decode()
        assert "Flyway sites" in content
        assert birdlife_fp.email not in content
