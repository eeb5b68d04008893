"""The start page per role: each persona sees their blocks and nothing of another Party's or
Partner's work, in a bounded number of queries, in English and in French."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from cmsfamily.contributions import services as ledger
from cmsfamily.directory import services as registry
from cmsfamily.directory.choices import Role
from cmsfamily.directory.models import Instrument, Organisation, Party, Person
from cmsfamily.reporting import services
from cmsfamily.reporting.models import Question, Section, Submission
from cmsfamily.reporting.services import Edit
from cmsfamily.reporting.testing import build_template, open_cycle

COMPLETE = [
    Edit("t.departments", "", "Ministry of Environment", 0),
    Edit("t.obstacles", "birds", "no", 0),
    Edit("t.obstacles", "aquatic-mammals", "no", 0),
]
KENYA_NOTE = "Kenya: please give the area of each site."
GERMANY_NOTE = "Germany: the committee answer is missing its source."


def eurobats_version():
    """A one-question EUROBATS template (the bank's question of the CMS test template)."""
    template = services.create_template(
        slug="eurobats-report",
        instrument=Instrument.objects.get(code="eurobats"),
        reporter_kind="party",
        by=None,
        title_en="EUROBATS test report",
    )
    version = template.versions.get()
    section = services.add_section(version=version, number="I", title_en="General", by=None)
    services.add_item(
        section=section, question=Question.objects.get(code="t.departments"), number="1", by=None
    )
    return version


@pytest.fixture
def world(db, secretariat, nfp_kenya, nfp_germany, birdlife_fp, wwf_fp):
    """A CMS cycle with Kenya, Germany, BirdLife and WWF; Kenya's report returned, Germany's
    returned, edited and sent again, BirdLife's drafted; a nomination per Party; an entry per
    Partner waiting for validation; a EUROBATS cycle with a report waiting too."""
    cycle = open_cycle(build_template()[1], parties=("KE", "DE"), organisations=("birdlife", "wwf"))
    reports = {code: Submission.objects.get(cycle=cycle, party__code=code) for code in ("KE", "DE")}
    for code, user, note in (
        ("KE", nfp_kenya, KENYA_NOTE),
        ("DE", nfp_germany, GERMANY_NOTE),
    ):
        assert services.save_answers(submission=reports[code], edits=COMPLETE, by=user).ok
        services.submit(submission=reports[code], by=user)
        services.return_submission(submission=reports[code], by=secretariat, note=note)
    services.submit(submission=reports["DE"], by=nfp_germany)
    birdlife = Submission.objects.get(cycle=cycle, organisation__slug="birdlife")
    services.save_answers(submission=birdlife, edits=COMPLETE[:1], by=birdlife_fp)

    eurobats = open_cycle(eurobats_version(), slug="eurobats-cycle", parties=("DE",))
    de_bats = Submission.objects.get(cycle=eurobats, party__code="DE")
    assert services.save_answers(submission=de_bats, edits=COMPLETE[:1], by=nfp_germany).ok
    services.submit(submission=de_bats, by=nfp_germany)

    cms = Instrument.objects.get(code="cms")
    for code, name in (("KE", "Wanjiru Kenyanominee"), ("DE", "Hans Germannominee")):
        given, family = name.split()
        registry.nominate(
            person=Person.objects.create(given_name=given, family_name=family),
            role=Role.SCIENTIFIC_COUNCILLOR,
            by=None,
            party=Party.objects.get(code=code),
            instrument=cms,
        )
    with transaction.atomic():
        for slug, user, text in (
            ("birdlife", birdlife_fp, "BirdLife flyway survey"),
            ("wwf", wwf_fp, "WWF river dolphin count"),
        ):
            ledger.log_contribution(
                by=user,
                contributor_organisation=Organisation.objects.get(slug=slug),
                kind="money",
                amount=Decimal(1000),
                currency="USD",
                start=date(2024, 1, 1),
                status="pledged",
                description=text,
                publish=False,
            )
    return {"cycle": cycle, "eurobats": eurobats, "reports": reports, "birdlife": birdlife}


def page(client, language="en"):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_kenya_nfp_sees_her_party_and_nothing_of_germany(
    world, client_as, nfp_kenya, django_assert_max_num_queries
):
    client = client_as(nfp_kenya)
    with django_assert_max_num_queries(30):
        html = page(client)
    assert "Kenya: your Party" in html
    assert "Reports due" in html
    assert world["reports"]["KE"].get_absolute_url() in html
    assert "Returned for changes" in html
    assert KENYA_NOTE in html
    # 2024's deadline is long past: the report is overdue, and its completion is shown.
    assert "days overdue" in html
    assert "questions answered" in html
    assert "Scientific Councillor" in html and "Not appointed" in html
    assert "The ledger holds no assessed contribution" in html
    assert "Wanjiru Kenyanominee" in html
    # Germany's report, its note and its nomination are Germany's.
    assert world["reports"]["DE"].get_absolute_url() not in html
    assert GERMANY_NOTE not in html
    assert "Hans Germannominee" not in html
    # No Secretariat queue, no Partner block.
    assert "Review queue" not in html
    assert "your organisation" not in html


def test_germany_nfp_sees_resubmitted_report_as_due_no_more(world, client_as, nfp_germany):
    html = page(client_as(nfp_germany))
    assert "Germany: your Party" in html
    assert world["reports"]["DE"].get_absolute_url() in html
    assert "Hans Germannominee" in html
    assert KENYA_NOTE not in html and "Wanjiru Kenyanominee" not in html
    # Sent again: no longer returned, so the note is not shown as work to do.
    assert "Returned to you" not in html


def test_assessed_contribution_in_arrears(world, client_as, secretariat, nfp_kenya):
    kenya = Party.objects.get(code="KE")
    with transaction.atomic():
        assessed = ledger.set_assessed_contribution(
            party=kenya,
            instrument=Instrument.objects.get(code="cms"),
            year=2023,
            by=secretariat,
            amount=Decimal(5000),
            currency="EUR",
        )
        ledger.record_payment(
            assessed=assessed, by=secretariat, date=date(2023, 6, 1), amount=Decimal(100)
        )
    html = page(client_as(nfp_kenya))
    assert "In arrears for 2023" in html
    assert "duty-open" in html


def test_secretariat_review_queue(world, client_as, secretariat, django_assert_max_num_queries):
    client = client_as(secretariat)
    with django_assert_max_num_queries(30):
        html = page(client)
    assert "Review queue" in html
    queue = html.split('id="review-heading"')[1]
    # Germany's two reports wait (CMS and EUROBATS: the CMS Secretariat sees the Family), oldest
    # first; the CMS one was sent again.
    assert world["reports"]["DE"].get_absolute_url() in queue
    assert "resubmitted (version 2)" in queue
    eurobats_report = Submission.objects.get(cycle=world["eurobats"])
    assert eurobats_report.get_absolute_url() in queue
    # Kenya's returned report is with Kenya, not in the queue.
    assert world["reports"]["KE"].get_absolute_url() not in queue.split("Recalled")[0]
    assert "Wanjiru Kenyanominee" in queue and "Hans Germannominee" in queue
    assert "Contributions to validate" in queue
    assert "BirdLife" in queue and "WWF" in queue
    assert world["cycle"].get_absolute_url() in queue
    assert world["eurobats"].get_absolute_url() in queue
    # A draft's answers are never on the page, and no Party desk for an officer.
    assert "your Party" not in html


def test_recalled_report_in_queue(world, client_as, secretariat, nfp_germany):
    services.recall(submission=world["reports"]["DE"], by=nfp_germany)
    html = page(client_as(secretariat))
    recalled = html.split("Recalled by their reporter")[1].split("Nominations to confirm")[0]
    assert world["reports"]["DE"].get_absolute_url() in recalled


def test_eurobats_officer_sees_eurobats_only(
    world, client_as, eurobats_officer, django_assert_max_num_queries
):
    client = client_as(eurobats_officer)
    with django_assert_max_num_queries(30):
        html = page(client)
    queue = html.split('id="review-heading"')[1]
    assert Submission.objects.get(cycle=world["eurobats"]).get_absolute_url() in queue
    assert world["reports"]["DE"].get_absolute_url() not in queue
    assert world["cycle"].get_absolute_url() not in queue
    # CMS nominations are the CMS Secretariat's to confirm; only it validates contributions.
    assert "Hans Germannominee" not in queue
    assert "Contributions to validate" not in queue


def test_birdlife_sees_its_report_entries_and_not_wwf(
    world, client_as, birdlife_fp, django_assert_max_num_queries
):
    client = client_as(birdlife_fp)
    with django_assert_max_num_queries(30):
        html = page(client)
    assert "BirdLife International: your organisation" in html or "your organisation" in html
    assert world["birdlife"].get_absolute_url() in html
    assert "BirdLife flyway survey" in html
    assert "WWF river dolphin count" not in html
    wwf_report = Submission.objects.get(cycle=world["cycle"], organisation__slug="wwf")
    assert wwf_report.get_absolute_url() not in html
    assert "Your shared work programme" in html
    assert "your Party" not in html and "Review queue" not in html


def test_wwf_does_not_see_birdlife(world, client_as, wwf_fp):
    html = page(client_as(wwf_fp))
    assert "WWF river dolphin count" in html
    assert "BirdLife flyway survey" not in html
    assert world["birdlife"].get_absolute_url() not in html


def test_section_contributor_sees_assigned_sections(
    world, client_as, nfp_kenya, contributor_kenya, django_assert_max_num_queries
):
    report = world["reports"]["KE"]
    section = Section.objects.get(version=report.cycle.version, number="II")
    services.assign_section(
        submission=report, section=section, user=contributor_kenya, by=nfp_kenya
    )
    client = client_as(contributor_kenya)
    with django_assert_max_num_queries(20):
        html = page(client)
    assert "Sections assigned to you" in html
    assert f"/reports/submissions/{report.pk}/sections/{section.pk}/" in html
    assert "your Party" not in html
    assert KENYA_NOTE not in html


def test_anonymous_sees_what_the_platform_holds_and_no_draft(
    world, client, secretariat, django_assert_max_num_queries
):
    de_bats = Submission.objects.get(cycle=world["eurobats"])
    services.accept(submission=de_bats, by=secretariat)
    services.publish(submission=de_bats, by=secretariat)
    with django_assert_max_num_queries(15):
        html = page(client)
    assert "What the platform holds" in html
    assert "Latest published reports" in html
    assert de_bats.get_absolute_url() in html
    for draft in (world["reports"]["KE"], world["reports"]["DE"], world["birdlife"]):
        assert draft.get_absolute_url() not in html
    assert KENYA_NOTE not in html and GERMANY_NOTE not in html
    assert "Review queue" not in html and "Reports due" not in html
    assert "in preparation" not in html


def test_signed_in_without_role_gets_an_empty_state(db, client_as, nominated_kenya):
    html = page(client_as(nominated_kenya))
    assert "Nothing waits for you yet" in html
    assert "What the platform holds" in html


def test_several_roles_see_each_block(world, client_as, nfp_kenya):
    """Kenya's NFP who is also BirdLife's focal point gets both desks."""
    person = Person.objects.get(user=nfp_kenya)
    birdlife = Organisation.objects.get(slug="birdlife")
    registry.confirm(
        appointment=registry.nominate(
            person=person, role=Role.PARTNER_FOCAL_POINT, by=None, organisation=birdlife
        ),
        by=None,
    )
    html = page(client_as(type(nfp_kenya).objects.get(pk=nfp_kenya.pk)))
    assert "Kenya: your Party" in html
    assert "BirdLife flyway survey" in html
    assert world["birdlife"].get_absolute_url() in html


@pytest.mark.parametrize(
    "persona", ["anonymous", "nfp_kenya", "secretariat", "birdlife_fp"], indirect=True
)
def test_start_page_in_french(world, client_as, persona):
    html = page(client_as(persona), "fr")
    assert '<html lang="fr"' in html
    # Words of the platform's catalogue, whatever strings of this page are not translated yet.
    assert "Parties" in html
