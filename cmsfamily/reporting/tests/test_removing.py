"""Taking back from the pages what was added there: a contributor's section assignment, and an item
the reporter added to a repeated section (a site) with its answers. Asked once more, refused to
whoever may not add, and a second click does no harm."""

import pytest
from django.urls import reverse

from cmsfamily.core.models import Event
from cmsfamily.reporting import services
from cmsfamily.reporting.models import Answer, LoopEntry, SectionAssignment, Submission
from cmsfamily.reporting.services import Edit
from cmsfamily.reporting.testing import build_template, open_cycle


@pytest.fixture
def draft(db, nfp_kenya):
    cycle = open_cycle(build_template()[1])
    return Submission.objects.get(cycle=cycle, party__code="KE")


def section(submission, number):
    return submission.cycle.version.sections.get(number=number)


@pytest.fixture
def site(draft, nfp_kenya):
    entry = services.add_loop_entry(
        submission=draft, section=section(draft, "III"), label="Lake Naivasha", by=nfp_kenya
    )
    assert services.save_answers(
        submission=draft, edits=[Edit("t.site-area", entry.key, "120", 0)], by=nfp_kenya
    ).ok
    return entry


@pytest.fixture
def assignment(draft, nfp_kenya, nfp_germany):
    return services.assign_section(
        submission=draft, section=section(draft, "II"), user=nfp_germany, by=nfp_kenya
    )


def _remove_site_url(draft, entry):
    return reverse("reporting:loop-entry-remove", args=[draft.pk, entry.section_id, entry.key])


def _unassign_url(draft, assignment):
    return reverse("reporting:unassign", args=[draft.pk, assignment.pk])


# --- an item the reporter added -----------------------------------------------------------------


def test_the_reporter_removes_a_site_and_its_answers(draft, site, nfp_kenya, client):
    client.force_login(nfp_kenya)
    page = client.get(reverse("reporting:section", args=[draft.pk, site.section_id]))
    text = page.content.decode()
    assert 'aria-label="Remove Lake Naivasha and its answers"' in text
    assert _remove_site_url(draft, site) in text
    url = _remove_site_url(draft, site)
    asked = client.post(url)
    assert asked.status_code == 200
    assert "Remove “Lake Naivasha” from section III?" in asked.content.decode()
    assert LoopEntry.objects.filter(pk=site.pk).exists()  # asking removes nothing
    done = client.post(url, {"confirmed": "1"})
    assert done.status_code == 302
    assert not LoopEntry.objects.filter(pk=site.pk).exists()
    assert not Answer.objects.filter(submission=draft, loop_key=site.key).exists()
    event = Event.objects.get(kind="submission.item_removed")
    assert event.actor == nfp_kenya and event.data["label"] == "Lake Naivasha"
    again = client.post(url, {"confirmed": "1"}, follow=True)  # the double click
    assert again.status_code == 200
    assert "This item was already removed." in again.content.decode()


@pytest.mark.parametrize("persona,status", [("nfp_germany", 404), ("secretariat", 404)])
def test_who_cannot_see_the_draft_cannot_remove_its_items(
    draft, site, request, client, persona, status
):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(_remove_site_url(draft, site), {"confirmed": "1"}).status_code == status
    assert LoopEntry.objects.filter(pk=site.pk).exists()


def test_a_contributor_adds_and_removes_items_of_their_own_sections_only(
    draft, site, assignment, nfp_germany, client
):
    client.force_login(nfp_germany)  # the contributor of section II, not of the sites
    assert client.post(_remove_site_url(draft, site), {"confirmed": "1"}).status_code == 403
    add = reverse("reporting:loop-entry-add", args=[draft.pk, site.section_id])
    assert client.post(add, {"label": "Lake Turkana"}).status_code == 403
    assert list(LoopEntry.objects.filter(submission=draft)) == [site]
    assert Answer.objects.filter(submission=draft, loop_key=site.key).exists()


def test_no_remove_button_once_submitted(draft, site, nfp_kenya, client):
    assert services.save_answers(
        submission=draft,
        edits=[
            Edit("t.departments", "", "Ministry", 0),
            Edit("t.obstacles", "birds", "no", 0),
            Edit("t.obstacles", "aquatic-mammals", "no", 0),
        ],
        by=nfp_kenya,
    ).ok
    services.submit(submission=draft, by=nfp_kenya)
    client.force_login(nfp_kenya)
    page = client.get(reverse("reporting:section", args=[draft.pk, site.section_id]))
    assert _remove_site_url(draft, site) not in page.content.decode()
    assert client.post(_remove_site_url(draft, site), {"confirmed": "1"}).status_code == 403
    assert LoopEntry.objects.filter(pk=site.pk).exists()


# --- a contributor's section --------------------------------------------------------------------


def test_the_reporter_unassigns_a_section(draft, assignment, nfp_kenya, client):
    client.force_login(nfp_kenya)
    text = client.get(draft.get_absolute_url()).content.decode()
    assert _unassign_url(draft, assignment) in text
    assert 'aria-label="Remove Nfp Germany from section II"' in text
    url = _unassign_url(draft, assignment)
    asked = client.post(url)
    assert asked.status_code == 200 and "from section II" in asked.content.decode()
    assert SectionAssignment.objects.filter(pk=assignment.pk).exists()
    done = client.post(url, {"confirmed": "1"})
    assert done.status_code == 302
    assert not SectionAssignment.objects.filter(pk=assignment.pk).exists()
    assert Event.objects.filter(kind="submission.unassigned", actor=nfp_kenya).exists()
    again = client.post(url, {"confirmed": "1"}, follow=True)  # the double click
    assert again.status_code == 200
    assert "already removed" in again.content.decode()


@pytest.mark.parametrize(
    "persona,status", [("nfp_germany", 403), ("secretariat", 404), ("birdlife_fp", 404)]
)
def test_only_who_assigns_unassigns(draft, assignment, request, client, persona, status):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(_unassign_url(draft, assignment), {"confirmed": "1"})
    assert response.status_code == status
    assert SectionAssignment.objects.filter(pk=assignment.pk).exists()


def test_an_assignment_of_another_report_is_not_found(draft, assignment, nfp_kenya, client):
    germany = Submission.objects.get(cycle=draft.cycle, party__code="DE")
    client.force_login(nfp_kenya)
    url = reverse("reporting:unassign", args=[germany.pk, assignment.pk])
    assert client.post(url, {"confirmed": "1"}).status_code == 404
    assert SectionAssignment.objects.filter(pk=assignment.pk).exists()


def test_the_reporter_removes_a_species_they_added(db, nfp_kenya, client):
    from cmsfamily.directory.models import Instrument
    from cmsfamily.reporting.choices import LoopKind
    from cmsfamily.species.models import Taxon

    template = services.create_template(
        slug="species-report",
        instrument=Instrument.objects.get(code="cms"),
        reporter_kind="party",
        title_en="Species",
        by=None,
    )
    version = template.versions.get()
    species = services.add_section(
        version=version, number="I", title_en="Species", loop=LoopKind.RANGE_SPECIES, by=None
    )
    trend = services.create_question(
        code="s.trend", kind="short_text", text_en="Population trend", by=None
    )
    services.add_item(section=species, question=trend, number="1", by=None)
    report = Submission.objects.get(cycle=open_cycle(version), party__code="KE")
    elsewhere = Taxon.objects.exclude(range_states__party__code="KE").first()
    entry = services.add_loop_entry(
        submission=report, section=species, key=f"taxon-{elsewhere.pk}", label="", by=nfp_kenya
    )
    assert services.save_answers(
        submission=report, edits=[Edit("s.trend", entry.key, "stable", 0)], by=nfp_kenya
    ).ok
    client.force_login(nfp_kenya)
    page = client.get(reverse("reporting:section", args=[report.pk, species.pk])).content.decode()
    url = reverse("reporting:loop-entry-remove", args=[report.pk, species.pk, entry.key])
    assert url in page and f"Remove {elsewhere.scientific_name} and its answers" in page
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    assert not LoopEntry.objects.filter(pk=entry.pk).exists()
    assert not Answer.objects.filter(submission=report, loop_key=entry.key).exists()
    # Kenya's own range species stay, and the removed one may be added again.
    page = client.get(reverse("reporting:section", args=[report.pk, species.pk])).content.decode()
    assert f'value="taxon-{elsewhere.pk}"' in page


def test_the_same_item_added_twice_at_once_is_a_message_not_a_500(draft, nfp_kenya, monkeypatch):
    """Two adds computing the same key at the same moment: the second meets the unique constraint."""
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError

    def collide(**fields):
        raise IntegrityError("loop_entry_unique")

    monkeypatch.setattr(LoopEntry.objects, "create", collide)
    with pytest.raises(ValidationError) as refused:
        services.add_loop_entry(
            submission=draft, section=section(draft, "III"), label="Lake Turkana", by=nfp_kenya
        )
    assert "already in the list" in str(refused.value)
