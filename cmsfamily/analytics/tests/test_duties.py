"""The duties of Parties (seed 000): each duty judged from the registry, the reporting cycles and
the ledger with its evidence; who sees what; the next steps a Party's NFP gets; bad input; the
table's downloads; and what the page costs in queries."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cmsfamily.analytics import duties as judged
from cmsfamily.contributions import services as ledger
from cmsfamily.core.testing import client_for, matrix
from cmsfamily.directory import services as registry
from cmsfamily.directory.choices import Role
from cmsfamily.directory.models import Appointment, Instrument, Party, Person
from cmsfamily.reporting import services as reporting
from cmsfamily.reporting.models import Submission
from cmsfamily.reporting.testing import build_template, open_cycle

URL = "/analysis/duties/"
TODAY = timezone.localdate()


def _close(cycle, *, on_time=(), late=()):
    """Mark the named Parties' reports first submitted on time or after the deadline (the
    submission's workflow has its own tests; the duty reads only the first submission's time),
    then close the cycle."""
    for code in (*on_time, *late):
        first = dt.datetime.combine(
            cycle.deadline + dt.timedelta(days=10 if code in late else -5), dt.time(12)
        )
        Submission.objects.filter(cycle=cycle, party__code=code).update(
            status="submitted",
            first_submitted_at=timezone.make_aware(first),
            submitted_at=timezone.make_aware(first),
        )
    return reporting.set_cycle_status(cycle=cycle, status="closed", by=None)


@pytest.fixture
def cycles(db):
    """Two closed cycles of the Convention's national report: in the older one Kenya reported
    on time; in the last one Germany on time, Kenya late, France not at all."""
    _template, version = build_template()
    older = open_cycle(version, slug="older", parties=("KE", "DE"))
    _close(older, on_time=("KE",))
    last = open_cycle(version, slug="last", parties=("KE", "DE", "FR"))
    last.deadline = older.deadline + dt.timedelta(days=365 * 3)
    last.save(update_fields=["deadline"])
    _close(last, on_time=("DE",), late=("KE",))
    return older, last


@pytest.fixture
def assessed(secretariat):
    cms = Instrument.objects.get(code="cms")
    kenya = Party.objects.get(code="KE")
    germany = Party.objects.get(code="DE")
    rows = {}
    for party, year, amount, paid in [
        (kenya, TODAY.year - 2, "1000", "1000"),
        (kenya, TODAY.year - 1, "1000", "400"),
        (kenya, TODAY.year, "1000", "0"),
        (germany, TODAY.year - 1, "50000", "50000"),
    ]:
        row = ledger.set_assessed_contribution(
            party=party,
            instrument=cms,
            year=year,
            by=secretariat,
            amount=Decimal(amount),
            currency="EUR",
            due=dt.date(TODAY.year + 1, 1, 31) if year == TODAY.year else None,
        )
        if Decimal(paid):
            ledger.record_payment(
                assessed=row, by=secretariat, date=dt.date(year, 6, 1), amount=Decimal(paid)
            )
        rows[(party.code, year)] = row
    return rows


def _councillor(code, *, area="", confirmed=True):
    person = Person.objects.create(given_name="Ada", family_name=f"Councillor {code}")
    appointment = registry.nominate(
        person=person,
        role=Role.SCIENTIFIC_COUNCILLOR,
        by=None,
        party=Party.objects.get(code=code),
        area_of_expertise=area,
    )
    if confirmed:
        registry.confirm(appointment=appointment, by=None)
    return appointment


def _sign_mous(by, code="KE", count=2):
    """The reference data records the Agreements' Parties, not the MoUs' Signatories."""
    party = Party.objects.get(code=code)
    mous = list(Instrument.objects.filter(kind="mou").order_by("code")[:count])
    for mou in mous:
        registry.add_membership(party=party, instrument=mou, by=by, start=dt.date(2010, 1, 1))
    return mous


def _row(user, code):
    (row,) = judged.party_duties(user, [Party.objects.get(code=code)], today=TODAY)
    return row


# --- who sees what ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    matrix(
        anonymous=302,  # to the sign-in page
        nfp_kenya=200,  # its own row
        nfp_germany=200,
        birdlife_fp=403,
        secretariat=200,  # every Party
        eurobats_officer=403,  # the ledger shows it no assessed contribution
    ),
)
def test_the_duties_page_is_the_secretariats_and_each_nfps_own(
    client_as, request, persona, status, db
):
    client = client_for(client_as, request, persona)
    assert client.get(URL).status_code == status
    assert client.get(f"{URL}?export=csv").status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    matrix(
        anonymous=302,
        nfp_kenya=200,
        nfp_germany=403,  # another Party's duties
        birdlife_fp=403,
        secretariat=200,
        eurobats_officer=403,
    ),
)
def test_a_partys_duties_page_is_for_the_secretariat_and_its_own_nfp(
    client_as, request, persona, status, db
):
    client = client_for(client_as, request, persona)
    assert client.get(f"{URL}ke/").status_code == status


@pytest.mark.parametrize(
    ("persona", "shown"),
    matrix(
        anonymous=False,
        nfp_kenya=True,
        nfp_germany=False,
        birdlife_fp=False,
        secretariat=True,
        eurobats_officer=False,
    ),
)
def test_the_panel_on_the_partys_page_is_for_the_secretariat_and_its_own_nfp(
    client_as, request, persona, shown, db
):
    page = client_for(client_as, request, persona).get("/parties/ke/")
    assert page.status_code == 200
    assert ('id="duties-heading"' in page.content.decode()) is shown


def test_an_nfp_sees_only_its_own_row_with_next_steps(client_as, nfp_kenya, cycles, assessed):
    page = client_as(nfp_kenya).get(URL)
    rows = page.context["rows"]
    assert [row.party.code for row in rows] == ["KE"]
    html = page.content.decode()
    assert "Next step:" in html
    assert "Nominate your Party&#x27;s Scientific Councillor" in html
    assert "Germany" not in html


def test_the_secretariat_sees_no_next_steps_meant_for_the_nfp(client_as, secretariat, cycles):
    html = client_as(secretariat).get(f"{URL}ke/").content.decode()
    assert "Duties of Kenya" in html
    assert "Next step:" not in html


# --- each duty ----------------------------------------------------------------------------------


def test_the_nfp_duty_asks_for_the_ministerial_letter(secretariat, nfp_kenya):
    cell = _row(secretariat, "KE").cell("nfp")
    assert cell.state == judged.PARTLY
    assert "no letter on file" in cell.summary
    nfp = Appointment.objects.get(party__code="KE", role=Role.NFP, status="confirmed")
    assert cell.url == nfp.get_absolute_url()
    Appointment.objects.filter(pk=nfp.pk).update(document="appointments/2026/letter.pdf")
    assert _row(secretariat, "KE").cell("nfp").state == judged.MET


def test_a_party_without_nfp_is_told_to_nominate_one(secretariat):
    cell = _row(secretariat, "FR").cell("nfp")
    assert cell.state == judged.UNMET
    assert cell.next_url == reverse("directory:party-nominate", args=["fr"])


def test_the_alternate_is_named_nominated_or_missing(secretariat, nominated_kenya):
    assert _row(secretariat, "KE").cell("alternate").state == judged.PARTLY  # nominated
    assert _row(secretariat, "FR").cell("alternate").state == judged.UNMET
    appointment = Appointment.objects.get(party__code="KE", role=Role.ALTERNATE_NFP)
    registry.confirm(appointment=appointment, by=None)
    cell = _row(secretariat, "KE").cell("alternate")
    assert cell.state == judged.MET
    assert cell.evidence[0].url == appointment.get_absolute_url()


def test_the_report_of_the_last_closed_cycle_on_time_late_or_missing(secretariat, cycles):
    older, last = cycles
    kenya, germany, france = (_row(secretariat, code).cell("report") for code in ("KE", "DE", "FR"))
    assert (kenya.state, germany.state, france.state) == (judged.PARTLY, judged.MET, judged.UNMET)
    assert kenya.summary.startswith("Late: submitted on")
    assert "On time in 1 of the last 2 cycles." in kenya.details
    assert france.details[0] == "On time in 0 of the last 1 cycle."
    submission = Submission.objects.get(cycle=last, party__code="DE")
    assert germany.url == reverse("reporting:submission", args=[submission.pk])
    assert france.url == last.get_absolute_url()
    # Italy was expected in neither cycle: the duty does not apply.
    assert _row(secretariat, "IT").cell("report").state == judged.NOT_APPLICABLE


def test_an_open_cycle_is_not_judged(secretariat):
    open_cycle(build_template()[1], parties=("KE",))
    assert _row(secretariat, "KE").cell("report").state == judged.NOT_APPLICABLE


def test_each_year_of_the_assessed_contribution_is_paid_partly_paid_or_in_arrears(
    secretariat, assessed
):
    kenya = _row(secretariat, "KE").cell("contribution")
    assert kenya.state == judged.UNMET
    assert kenya.summary == f"In arrears for {TODAY.year - 1}"
    assert kenya.details == [
        f"{TODAY.year}: not due yet",
        f"{TODAY.year - 1}: partly paid, in arrears",
        f"{TODAY.year - 2}: paid",
    ]
    party = Party.objects.get(code="KE")
    assert kenya.url == reverse("contributions:assessed") + f"?party={party.pk}"
    assert _row(secretariat, "DE").cell("contribution").state == judged.MET
    assert _row(secretariat, "FR").cell("contribution").state == judged.NOT_APPLICABLE


def test_the_councillor_needs_an_area_of_expertise(secretariat):
    assert _row(secretariat, "KE").cell("councillor").state == judged.UNMET
    appointment = _councillor("KE")
    cell = _row(secretariat, "KE").cell("councillor")
    assert cell.state == judged.PARTLY
    assert cell.next_url == appointment.get_absolute_url()
    registry.set_area_of_expertise(appointment=appointment, area="Marine mammals", by=secretariat)
    cell = _row(secretariat, "KE").cell("councillor")
    assert cell.state == judged.MET
    assert any("Marine mammals" in line for line in cell.details)


def test_each_mou_the_party_signs_needs_its_focal_point(secretariat):
    assert _row(secretariat, "KE").cell("mou").state == judged.NOT_APPLICABLE
    kenya = Party.objects.get(code="KE")
    signed = _sign_mous(secretariat)
    cell = _row(secretariat, "KE").cell("mou")
    assert cell.state == judged.UNMET
    assert cell.summary == f"Named for 0 of {len(signed)} MoUs"
    person = Person.objects.create(given_name="Mo", family_name="Focal")
    registry.confirm(
        appointment=registry.nominate(
            person=person,
            role=Role.MOU_FOCAL_POINT,
            by=None,
            party=kenya,
            instrument=signed[0],
        ),
        by=None,
    )
    cell = _row(secretariat, "KE").cell("mou")
    assert cell.state == (judged.MET if len(signed) == 1 else judged.PARTLY)
    assert f"{signed[0].label}: Mo Focal" in cell.details


def test_without_meetings_credentials_and_invitations_do_not_apply(secretariat):
    row = _row(secretariat, "KE")
    assert row.cell("credentials").state == judged.NOT_APPLICABLE
    assert row.cell("invitations").state == judged.NOT_APPLICABLE


@pytest.fixture
def held_cop(secretariat, nfp_kenya, settings, tmp_path):
    """COP14 invited, Kenya's credentials accepted, then the meeting and its deadline moved into
    the past (the services refuse a deadline already passed)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cmsfamily.core import hostile
    from cmsfamily.meetings import services as meetings
    from cmsfamily.meetings.models import Invitation, Meeting
    from cmsfamily.meetings.tests.fixtures import cop14

    settings.MEDIA_ROOT = tmp_path
    meeting = cop14()
    meetings.invite(
        meeting=meeting,
        deadline=dt.date(2099, 1, 1),
        by=secretariat,
        instrument=Instrument.objects.get(code="cms"),
    )
    kenya = meeting.invitations.get(party__code="KE")
    meetings.reply(invitation=kenya, answer="attend", by=nfp_kenya)
    meetings.name_delegate(
        meeting=meeting,
        party=kenya.party,
        role="head",
        given_name="Amina",
        family_name="Odhiambo",
        by=nfp_kenya,
    )
    letter = SimpleUploadedFile("letter.pdf", hostile.pdf(), "application/pdf")
    credentials = meetings.submit_credentials(
        invitation=kenya,
        letter=letter,
        authority="head_of_state",
        names=["Amina Odhiambo"],
        by=nfp_kenya,
    )
    meetings.examine_credentials(credentials=credentials, examination="accepted", by=secretariat)
    Meeting.objects.filter(pk=meeting.pk).update(
        start=dt.date(2024, 2, 12), end=dt.date(2024, 2, 17)
    )
    Invitation.objects.filter(meeting=meeting).update(deadline=dt.date(2024, 1, 15))
    return meeting


def test_credentials_for_the_last_cop_and_replies_to_invitations(secretariat, held_cop):
    kenya, germany = _row(secretariat, "KE"), _row(secretariat, "DE")
    assert kenya.cell("credentials").state == judged.MET
    assert "In order for" in kenya.cell("credentials").summary
    assert kenya.cell("invitations").state == judged.MET
    assert germany.cell("credentials").state == judged.UNMET
    assert germany.cell("credentials").next_url.endswith("/credentials/")
    assert germany.cell("invitations").state == judged.UNMET
    assert "1 of 1 invitations unanswered" in germany.cell("invitations").summary


def test_a_late_reply_partly_meets_the_duty(secretariat, nfp_germany, held_cop):
    from cmsfamily.meetings import services as meetings

    meetings.reply(
        invitation=held_cop.invitations.get(party__code="DE"), answer="decline", by=nfp_germany
    )
    assert _row(secretariat, "DE").cell("invitations").state == judged.PARTLY


def test_kenyas_nfp_sees_its_duty_row_with_its_next_steps(
    client_as, nfp_kenya, secretariat, cycles, assessed
):
    """Issue 17, done when: Kenya's NFP sees its duty row with its next steps."""
    _sign_mous(secretariat)
    page = client_as(nfp_kenya).get(f"{URL}ke/")
    row = page.context["row"]
    assert row.next_steps_shown
    steps = {cell.duty: cell.next_step for cell in row.open_cells}
    assert set(steps) >= {"nfp", "alternate", "report", "contribution", "councillor", "mou"}
    assert all(steps.values())
    html = page.content.decode()
    assert "Send the Secretariat the letter from your Minister confirming your appointment." in html
    assert f"Pay the assessed contribution for {TODAY.year - 1}" in html


# --- the table ------------------------------------------------------------------------------------


def test_the_table_puts_what_is_missing_first_and_filters_by_region_and_duty(
    client_as, secretariat, cycles, assessed
):
    client = client_as(secretariat)
    rows = client.get(URL).context["rows"]
    assert len(rows) == Party.objects.count()
    unmet = [row.unmet for row in rows]
    assert unmet == sorted(unmet, reverse=True)
    africa = client.get(f"{URL}?region=africa").context["rows"]
    assert {row.party.region.code for row in africa} == {"africa"}
    late = client.get(f"{URL}?duty=report").context["rows"]
    assert [row.party.code for row in late] == ["FR", "KE"]  # missing before late
    assert [row.party.code for row in client.get(f"{URL}?party=ke").context["rows"]] == ["KE"]


def test_each_cell_links_to_its_evidence(client_as, secretariat, cycles):
    html = client_as(secretariat).get(f"{URL}?party=DE").content.decode()
    submission = Submission.objects.get(cycle=cycles[1], party__code="DE")
    assert reverse("reporting:submission", args=[submission.pk]) in html


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_table_downloads_through_the_formula_guard(
    client_as, secretariat, cycles, assessed, export_format
):
    Person.objects.filter(appointments__party__code="KE").update(honorific="=HYPERLINK(1)")
    response = client_as(secretariat).get(f"{URL}?party=KE&export={export_format}")
    assert response.status_code == 200
    if export_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:3] == ["Party", "ISO code", "CMS region"]
        assert rows[1][:2] == ["Kenya", "KE"]
        assert "'=HYPERLINK(1)" in [cell.split(" ")[0] for cell in rows[1]]
        assert all(not cell.startswith("=") for cell in rows[1])
    else:
        assert response.content[:2] == b"PK"


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("region=atlantis", "atlantis"),
        ("duty=flying", "flying"),
        ("party=ZZ", "ZZ"),
        ("party=KEN", "KEN"),
        ("export=pdf", "pdf"),
        ("region=%3Cscript%3E", "&lt;script&gt;"),
    ],
)
def test_unknown_filters_are_a_400_that_names_them(client_as, secretariat, query, named):
    response = client_as(secretariat).get(f"{URL}?{query}")
    assert response.status_code == 400
    assert named in response.content.decode()


@pytest.mark.parametrize("query", ["party=%00", "region=%00", "duty=" + "x" * 5000, "party=é"])
def test_hostile_filters_are_a_400_never_500(client_as, secretariat, query):
    assert client_as(secretariat).get(f"{URL}?{query}").status_code == 400


def test_an_nfp_cannot_ask_for_another_partys_row(client_as, nfp_kenya):
    response = client_as(nfp_kenya).get(f"{URL}?party=DE")
    assert response.status_code == 400
    assert "DE" in response.content.decode()


@pytest.mark.parametrize("code", ["zz", "kenya", "k"])
def test_an_unknown_party_is_a_404_that_names_it(client_as, secretariat, code):
    response = client_as(secretariat).get(f"{URL}{code}/")
    assert response.status_code == 404
    assert code in response.content.decode()


def test_the_table_costs_the_same_for_1_or_all_parties(
    client_as, secretariat, cycles, assessed, django_assert_max_num_queries
):
    client = client_as(secretariat)
    counts = []
    for query in ("party=KE", "region=africa", ""):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{URL}?{query}")
        counts.append((len(response.context["rows"]), len(queries)))
    assert counts[0][0] == 1 and counts[2][0] == Party.objects.count()
    (_one, by_party), (_region, by_region), (_all, everyone) = counts
    assert by_region == everyone, counts
    assert by_party == everyone + 1, counts  # the Party named in the filter is looked up
    with django_assert_max_num_queries(12):
        client.get(URL)


def test_the_panel_and_party_page_cost_a_bounded_number_of_queries(
    client_as, nfp_kenya, cycles, assessed, django_assert_max_num_queries
):
    client = client_as(nfp_kenya)
    with django_assert_max_num_queries(25):
        client.get("/parties/ke/")
    with django_assert_max_num_queries(14):
        client.get(f"{URL}ke/")


# --- the Scientific Councillor's area of expertise -------------------------------------------------


def test_the_area_of_expertise_is_given_when_nominating_and_shown(client_as, nfp_kenya):
    client = client_as(nfp_kenya)
    response = client.post(
        "/parties/ke/nominate/",
        {
            "role": "scientific_councillor",
            "given_name": "Wanjiru",
            "family_name": "Expert",
            "email": "councillor@kenya.example",
            "start": TODAY.isoformat(),
            "area_of_expertise": "Migratory waterbirds",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    appointment = Appointment.objects.get(person__family_name="Expert")
    assert appointment.area_of_expertise == "Migratory waterbirds"
    assert "Migratory waterbirds" in client.get(appointment.get_absolute_url()).content.decode()


def test_only_a_councillor_has_an_area_of_expertise(client_as, nfp_kenya):
    response = client_as(nfp_kenya).post(
        "/parties/ke/nominate/",
        {
            "role": "alternate_nfp",
            "given_name": "Alt",
            "family_name": "Ernate",
            "email": "alt@kenya.example",
            "start": TODAY.isoformat(),
            "area_of_expertise": "Bats",
        },
    )
    assert response.status_code == 200
    assert "Only a Scientific Councillor has an area of expertise" in response.content.decode()
    assert not Appointment.objects.filter(person__family_name="Ernate").exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    matrix(
        anonymous=302,
        nfp_kenya=302,  # its own Party's councillor
        nfp_germany=403,  # another Party's councillor
        birdlife_fp=403,
        secretariat=302,
        eurobats_officer=403,
    ),
)
def test_who_may_record_the_area_of_expertise(client_as, request, persona, status, db):
    appointment = _councillor("KE")
    client = client_for(client_as, request, persona)
    url = reverse("directory:appointment-area", args=[appointment.pk])
    response = client.post(url, {"area_of_expertise": "Sharks"})
    assert response.status_code == status
    appointment.refresh_from_db()
    assert (appointment.area_of_expertise == "Sharks") is (persona in ("nfp_kenya", "secretariat"))


def test_an_area_of_expertise_too_long_is_refused_on_the_form(client_as, secretariat):
    appointment = _councillor("KE")
    response = client_as(secretariat).post(
        reverse("directory:appointment-area", args=[appointment.pk]),
        {"area_of_expertise": "x" * 201},
    )
    assert response.status_code == 400
    appointment.refresh_from_db()
    assert appointment.area_of_expertise == ""


def test_the_area_of_an_alternate_cannot_be_recorded(client_as, secretariat, nominated_kenya):
    appointment = Appointment.objects.get(party__code="KE", role=Role.ALTERNATE_NFP)
    response = client_as(secretariat).post(
        reverse("directory:appointment-area", args=[appointment.pk]), {"area_of_expertise": "x"}
    )
    assert response.status_code in (400, 403)


def test_the_api_shows_and_takes_the_area_of_expertise(client_as, nfp_kenya, secretariat):
    appointment = _councillor("KE", area="Marine turtles")
    listing = client_as(secretariat).get("/api/focal-points/?party__code=KE").json()
    rows = listing.get("results", listing)
    row = next(r for r in rows if r["id"] == appointment.pk)
    assert row["area_of_expertise"] == "Marine turtles"
    refused = client_as(nfp_kenya).post(
        "/api/nominations/",
        {
            "party": "KE",
            "role": "nfp",
            "given_name": "A",
            "family_name": "B",
            "email": "ab@kenya.example",
            "start": TODAY.isoformat(),
            "area_of_expertise": "Bats",
        },
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "area_of_expertise" in refused.json().get("errors", refused.json())
