"""Carry-forward: a new cycle's drafts start from the reporter's last accepted report."""

import datetime as dt

import pytest
from django.urls import reverse

from cmsfamily.core.testing import client_for, matrix
from cmsfamily.reporting import services
from cmsfamily.reporting.models import Answer, Submission
from cmsfamily.reporting.services import Edit
from cmsfamily.reporting.testing import build_template, open_cycle

COMPLETE = [
    Edit("t.departments", "", "Ministry of Environment", 0),
    Edit("t.staff", "", "12", 0),
    Edit("t.obstacles", "birds", "yes", 0),
    Edit("t.actions", "birds", "Power lines insulated.", 0),
    Edit("t.obstacles", "aquatic-mammals", "no", 0),
]


@pytest.fixture
def next_report(db, nfp_kenya, secretariat):
    _template, version = build_template()
    first = Submission.objects.get(cycle=open_cycle(version), party__code="KE")
    assert services.save_answers(submission=first, edits=COMPLETE, by=nfp_kenya).ok
    services.submit(submission=first, by=nfp_kenya)
    services.accept(submission=first, by=secretariat)
    v2 = services.new_version(template=version.template, by=secretariat)
    cycle = services.create_cycle(
        slug="next",
        version=v2,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2026, 12, 31),
        opens_on=dt.date(2027, 1, 1),
        deadline=dt.date(2027, 4, 30),
        expected="chosen",
        parties=[s.party for s in Submission.objects.filter(cycle=first.cycle)],
        title_en="Next cycle",
        by=secretariat,
    )
    return Submission.objects.get(cycle=cycle, party__code="KE")


def test_the_new_draft_is_prefilled_and_marked(next_report):
    answers = {
        (a.question.code, a.loop_key): a for a in Answer.objects.filter(submission=next_report)
    }
    assert answers[("t.staff", "")].value == 12
    assert answers[("t.actions", "birds")].carried_from.slug == "test-cycle"
    assert next_report.status == "draft"
    # Germany had no accepted report: its draft starts empty.
    germany = Submission.objects.get(cycle=next_report.cycle, party__code="DE")
    assert not germany.answers.exists() and germany.status == "not_started"


def test_changing_or_confirming_ends_the_mark(next_report, nfp_kenya):
    staff = Answer.objects.get(submission=next_report, question__code="t.staff")
    services.save_answers(
        submission=next_report, edits=[Edit("t.staff", "", "15", staff.revision)], by=nfp_kenya
    )
    staff.refresh_from_db()
    assert staff.carried_from is None
    general = next_report.cycle.version.sections.get(number="I")
    assert services.confirm_carried(submission=next_report, section=general, by=nfp_kenya) == 1
    assert not Answer.objects.filter(
        submission=next_report, question__code="t.departments", carried_from__isnull=False
    ).exists()
    assert Answer.objects.filter(submission=next_report, carried_from__isnull=False).count() == 3


def test_the_form_marks_carried_answers_and_confirms_them(client_as, nfp_kenya, next_report):
    general = next_report.cycle.version.sections.get(number="I")
    client = client_as(nfp_kenya)
    page = client.get(
        reverse("reporting:section", args=[next_report.pk, general.pk])
    ).content.decode()
    assert "carried forward from Test cycle" in page and "Confirm them as this cycle" in page
    response = client.post(reverse("reporting:confirm-carried", args=[next_report.pk, general.pk]))
    assert response.status_code == 302
    assert not Answer.objects.filter(
        submission=next_report, question__code="t.staff", carried_from__isnull=False
    ).exists()


@pytest.mark.parametrize(
    "persona,status",
    matrix(
        anonymous=404,
        nfp_kenya=200,
        nfp_germany=404,
        birdlife_fp=404,
        secretariat=404,
        eurobats_officer=404,
    ),
)
def test_changes_since_the_last_cycle(client_as, request, persona, status, next_report, nfp_kenya):
    staff = Answer.objects.get(submission=next_report, question__code="t.staff")
    services.save_answers(
        submission=next_report, edits=[Edit("t.staff", "", "15", staff.revision)], by=nfp_kenya
    )
    response = client_for(client_as, request, persona).get(
        reverse("reporting:since-previous", args=[next_report.pk])
    )
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert (
            "Staff" in page
            and "12" in page
            and "15" in page
            and "Ministry of Environment" not in page
        )


@pytest.mark.parametrize(
    "persona,status",
    matrix(
        anonymous=302,
        nfp_kenya=302,
        nfp_germany=404,
        birdlife_fp=404,
        secretariat=404,
        eurobats_officer=404,
    ),
)
def test_only_the_reporter_confirms(client_as, request, persona, status, next_report):
    general = next_report.cycle.version.sections.get(number="I")
    response = client_for(client_as, request, persona).post(
        reverse("reporting:confirm-carried", args=[next_report.pk, general.pk])
    )
    assert response.status_code == status
