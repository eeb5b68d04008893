from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cmsfamily.core.services import set_exchange_rate
from cmsfamily.directory.models import Organisation
from cmsfamily.strategy.models import AichiTarget, Target
from cmsfamily.workplans.choices import ProgrammeStatus
from cmsfamily.workplans.models import Activity, ProgressUpdate, ResourceLine, WorkProgramme
from cmsfamily.workplans.tests import factories

pytestmark = pytest.mark.django_db

RES = "/workplans/res-10-9"


def test_the_outline_shows_areas_and_sub_activities_with_their_updates_and_gaps(client):
    response = client.get(f"{RES}/")
    html = response.content.decode()
    rows = response.context["outline"].rows
    assert len(rows) == Activity.objects.filter(programme__code="res-10-9").count()
    assert sum(1 for _activity, depth in rows if depth == 0) == 16
    assert html.count('<tr class="depth-0 area"') == 16
    assert 'href="/workplans/res-10-9/activities/16.2/"' in html
    five_two = next(activity for activity, _depth in rows if activity.number == "5.2")
    assert five_two.update_count == 1 and five_two.funding.gap == 25000
    assert "Funding gap (needed − secured)" in html


def test_a_large_programme_is_paged_by_whole_areas(client):
    big = factories.programme("big-plan")
    for area_number in range(1, 8):
        area = factories.activity(big, str(area_number))
        for sub in range(1, 40):
            factories.activity(big, f"{area_number}.{sub}", parent=area)
    first = client.get("/workplans/big-plan/").context["outline"]
    assert first.pages == 3 and first.activities == 7 * 40  # 150 rows a page, whole areas
    assert [a.number for a, depth in first.rows if depth == 0] == ["1", "2", "3"]
    second = client.get("/workplans/big-plan/", {"page": 2}).context["outline"]
    assert second.rows[0][0].number == "4" and second.has_next and second.has_previous
    assert client.get("/workplans/big-plan/", {"page": 4}).status_code == 404
    assert client.get("/workplans/big-plan/", {"page": "two"}).status_code == 404


def test_the_funding_gap_in_euros_is_the_seeds_25000_and_the_lines_without_amount_are_counted(
    client,
):
    response = client.get(f"{RES}/")
    funding = response.context["funding"]
    lines = ResourceLine.objects.filter(activity__programme__code="res-10-9")
    assert funding.per_currency == {"EUR": {"needed": Decimal(25000), "secured": Decimal(0)}}
    assert (funding.needed, funding.secured, funding.gap) == (25000, 0, 25000)
    assert funding.lines == lines.count()
    assert funding.without_amount == lines.filter(amount__isnull=True).count()
    assert (
        funding.needed_without_amount
        == lines.filter(amount__isnull=True, used_or_needed="needed").count()
    )
    html = response.content.decode()
    assert "25,000.00 EUR" in html


def test_a_missing_rate_is_an_error_never_a_zero(client):
    response = client.get(f"{RES}/", {"currency": "USD", "on": "2014-11-01"})
    assert response.status_code == 200
    funding = response.context["funding"]
    assert funding.gap is None and funding.needed is None
    assert "No exchange rate from EUR to USD on or before 2014-11-01" in funding.error
    assert 'role="alert"' in response.content.decode()


def test_the_gap_is_converted_with_the_rate_in_force_on_the_date(client, secretariat):
    with transaction.atomic():
        set_exchange_rate(
            currency="EUR",
            quote="USD",
            rate=Decimal("1.25"),
            valid_from=date(2014, 1, 1),
            source="test rate",
            by=secretariat,
        )
        set_exchange_rate(
            currency="EUR",
            quote="USD",
            rate=Decimal("1.10"),
            valid_from=date(2015, 1, 1),
            source="later test rate",
            by=secretariat,
        )
    funding = client.get(f"{RES}/", {"currency": "USD", "on": "2014-11-01"}).context["funding"]
    assert (funding.needed, funding.gap) == (Decimal("31250.00"), Decimal("31250.00"))
    assert funding.conversions[0].working == "25,000.00 EUR × 1.25 = 31,250.00 USD"
    later = client.get(f"{RES}/", {"currency": "USD", "on": "2026-01-01"}).context["funding"]
    assert later.gap == Decimal("27500.00")
    before = client.get(f"{RES}/", {"currency": "USD", "on": "2013-12-31"}).context["funding"]
    assert before.gap is None and before.error


@pytest.mark.parametrize(
    "query", [{"currency": "XXX"}, {"currency": "usd "}, {"on": "2014-13-01"}, {"on": "soon"}]
)
def test_bad_funding_settings_are_refused_with_a_message(client, query):
    response = client.get(f"{RES}/", query)
    assert response.status_code == 400
    assert "The funding cannot be shown with these settings" in response.content.decode()


def test_the_joint_work_plan_shows_its_aichi_targets_and_timeframes(client):
    html = client.get("/workplans/cbd-cms-jwp-2012-2014/").content.decode()
    for number in (5, 9, 11, 12):
        assert f"Aichi {number}<" in html
    assert "2012-14 <small>(2012-01-01 – 2014-12-31)</small>" in html


def test_the_activity_page_shows_updates_resources_and_source(client):
    html = client.get(f"{RES}/activities/5.2/").content.decode()
    assert "approximately €25,000 is needed" in html
    # The document as a reader cites it, not the seed file's line 99.
    assert "UNEP/CMS/COP11/Doc.16.1 (2014), Annex, activity 5, medium term: by 2017" in html
    assert "line 99" not in html and "seed" not in html
    assert "none linked" in html


def test_the_list_filters_and_exports(client):
    response = client.get("/workplans/", {"kind": "joint_work_plan"})
    assert [row.record.code for row in response.context["table"].rows] == ["cbd-cms-jwp-2012-2014"]
    csv = client.get("/workplans/", {"export": "csv"}).content.decode()
    assert "res-10-9" in csv and "cbd-cms-jwp-2012-2014" in csv
    assert client.get("/workplans/", {"export": "pdf"}).status_code == 400


def test_posting_progress_shows_it(client, secretariat):
    client.force_login(secretariat)
    url = f"{RES}/activities/5.2/"
    data = {"kind": "progress", "status": "in_progress", "date": "2025-03-01", "text": "Draft done"}
    response = client.post(f"{url}progress/", data)
    assert response.status_code == 302 and response["Location"] == url
    assert "Draft done" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "progress", "status": "unknown", "text": ""}, "text"),
        ({"kind": "gossip", "status": "unknown", "text": "x"}, "kind"),
        ({"kind": "progress", "status": "unknown", "text": "x", "date": "31/02/2025"}, "date"),
    ],
)
def test_bad_progress_is_shown_at_the_field(client, secretariat, data, field):
    client.force_login(secretariat)
    response = client.post(f"{RES}/activities/5.2/progress/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ProgressUpdate.objects.filter(author=secretariat).exists()


def test_progress_on_a_closed_programme_is_refused_on_the_page(client, secretariat):
    shared = factories.birdlife_programme(status=ProgrammeStatus.CLOSED)
    client.force_login(secretariat)
    page = client.get("/workplans/birdlife-shared/activities/1.1/").content.decode()
    assert "is closed" in page and "Post progress" not in page
    response = client.post(
        "/workplans/birdlife-shared/activities/1.1/progress/",
        {"kind": "progress", "status": "unknown", "text": "Late"},
    )
    assert response.status_code == 400
    assert "is closed" in response.content.decode()
    assert not ProgressUpdate.objects.filter(activity__programme=shared).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"number": "5.2", "title_en": "Again"}, "number", "already has an activity numbered 5.2"),
        ({"number": "5.x", "title_en": "X"}, "number", "separated by dots"),
        (
            {"number": "17", "title_en": "X", "start": "2015-01-01", "end": "2014-01-01"},
            "end",
            "before the start",
        ),
    ],
)
def test_bad_activities_are_shown_at_the_field(client, secretariat, data, field, message):
    client.force_login(secretariat)
    before = Activity.objects.count()
    response = client.post(f"{RES}/activities/add/", {"status": "unknown", **data})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert Activity.objects.count() == before


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": "-1", "currency": "EUR"}, "amount"),
        ({"amount": "1", "currency": "EURO"}, "currency"),
    ],
)
def test_bad_resource_lines_are_shown_at_the_field(client, secretariat, values, field):
    client.force_login(secretariat)
    before = ResourceLine.objects.count()
    data = {"description": "X", "type": "other", "used_or_needed": "needed", "secured": "unknown"}
    response = client.post(f"{RES}/activities/5.2/resources/add/", {**data, **values})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert ResourceLine.objects.count() == before


def _big_programme(size):
    big = factories.programme(f"big-{size}")
    for area_number in range(1, size // 10 + 1):
        area = factories.activity(big, str(area_number))
        for sub in range(1, 10):
            activity = factories.activity(big, f"{area_number}.{sub}", parent=area)
            ProgressUpdate.objects.create(activity=activity, kind="progress", text="p")
            ProgressUpdate.objects.create(activity=activity, kind="medium_term_plan", text="m")
            ResourceLine.objects.create(
                activity=activity, description="r", type="other", amount=1, currency="EUR"
            )
    return big


@pytest.mark.parametrize("persona", ["anonymous", "birdlife_fp", "secretariat"])
def test_the_tree_page_needs_the_same_queries_whatever_its_size(
    client_as, request, django_assert_max_num_queries, persona
):
    client = client_as(request.getfixturevalue(persona))
    small, large = _big_programme(20), _big_programme(200)
    counts = []
    for programme in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/workplans/{programme.code}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(14):
        client.get(f"/workplans/{large.code}/")


@pytest.mark.parametrize(
    "url",
    ["/workplans/", "/workplans/?export=xlsx", f"{RES}/activities/5.2/", f"{RES}/activities/5/"],
)
@pytest.mark.parametrize("persona", ["anonymous", "nfp_kenya", "secretariat"])
def test_pages_have_a_bounded_number_of_queries(
    client_as, request, django_assert_max_num_queries, url, persona
):
    for number in range(5):
        factories.programme(f"extra-{number}")
    client = client_as(request.getfixturevalue(persona))
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    assert WorkProgramme.objects.count() >= 7


def test_the_secretariat_creates_a_programme_on_a_page(client, secretariat):
    client.force_login(secretariat)
    data = {
        "code": "cms-ngo-2027",
        "title_en": "Shared programme",
        "title_es": "Programa compartido",
        "kind": "partner_shared",
        "partner": Organisation.objects.get(slug="birdlife").pk,
        "status": "draft",
        "aichi_targets": [AichiTarget.objects.get(number=11).pk],
    }
    response = client.post("/workplans/add/", data)
    assert response.status_code == 302 and response["Location"] == "/workplans/cms-ngo-2027/"
    programme = WorkProgramme.objects.get(code="cms-ngo-2027")
    assert programme.title_es == "Programa compartido"
    client.post("/workplans/cms-ngo-2027/edit/", {**data, "code": "ignored", "status": "published"})
    programme.refresh_from_db()
    assert (programme.code, programme.status) == ("cms-ngo-2027", "published")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": "res-10-9"}, "code"),
        ({"code": "add"}, "code"),
        ({"code": "has spaces"}, "code"),
        ({"partner": ""}, "partner"),
        ({"start": "2029-01-01", "end": "2028-01-01"}, "end"),
        ({"title_en": ""}, "title_en"),
    ],
)
def test_bad_programmes_are_shown_at_the_field(client, secretariat, data, field):
    client.force_login(secretariat)
    good = {
        "code": "new-programme",
        "title_en": "New",
        "kind": "partner_shared",
        "partner": Organisation.objects.get(slug="birdlife").pk,
        "status": "draft",
    }
    before = WorkProgramme.objects.count()
    response = client.post("/workplans/add/", {**good, **data})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert WorkProgramme.objects.count() == before


def test_editing_an_activity_links_targets_which_then_show_on_the_target_page(client, secretariat):
    client.force_login(secretariat)
    target = Target.objects.get(plan__code="spms-2015-2023", number=10)
    activity = Activity.objects.get(programme__code="res-10-9", number="5.2")
    data = {
        "number": "5.2",
        "parent": activity.parent_id,
        "title_en": activity.title_en,
        "title_fr": "Titre français",
        "status": "ongoing",
        "targets": [target.pk],
        "partners": [Organisation.objects.get(slug="birdlife").pk],
    }
    response = client.post(f"{RES}/activities/5.2/edit/", data)
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == "ongoing" and activity.title_fr == "Titre français"
    page = client.get(target.get_absolute_url()).content.decode()
    assert f'href="{activity.get_absolute_url()}"' in page
    assert "Target 10" in client.get(activity.get_absolute_url()).content.decode()


def test_an_activity_cannot_be_moved_under_its_own_child_on_the_page(client, secretariat):
    client.force_login(secretariat)
    area = Activity.objects.get(programme__code="res-10-9", number="5")
    child = Activity.objects.get(programme__code="res-10-9", number="5.2")
    data = {"number": "5", "parent": child.pk, "title_en": area.title_en, "status": "unknown"}
    response = client.post(f"{RES}/activities/5/edit/", data)
    assert response.status_code == 400
    assert "own ancestor" in " ".join(response.context["form"].errors["parent"])
    area.refresh_from_db()
    assert area.parent is None


def test_the_joint_work_plan_reaches_the_targets_mapped_to_its_aichi_targets(client):
    """Seed 001 names Aichi 5, 9, 11, 12 for the whole plan; SPMS targets mapped to them list it."""
    linked = Target.objects.filter(aichi_links__global_target__number__in=[5, 9, 11, 12]).first()
    assert linked is not None
    page = client.get(linked.get_absolute_url()).content.decode()
    assert 'href="/workplans/cbd-cms-jwp-2012-2014/"' in page
    activity_page = client.get("/workplans/cbd-cms-jwp-2012-2014/activities/2.1/").content.decode()
    assert "Strategic Plan targets through Aichi Targets" in activity_page
    assert linked.get_absolute_url() in activity_page


@pytest.mark.parametrize(
    ("language", "typed"), [("en", "12,500.50"), ("fr", "12 500,50"), ("es", "12.500,50")]
)
def test_a_resource_amount_is_read_in_the_language_of_the_page(
    client, secretariat, language, typed
):
    client.force_login(secretariat)
    data = {"description": "Workshop", "type": "other", "used_or_needed": "needed"}
    response = client.post(
        f"{RES}/activities/5.2/resources/add/",
        {**data, "amount": typed, "currency": "EUR", "secured": "unknown"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 302
    assert ResourceLine.objects.get(description="Workshop").amount == Decimal("12500.50")
