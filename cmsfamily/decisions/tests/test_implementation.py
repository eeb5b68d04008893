import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cmsfamily.core.testing import LOGIN, matrix, status_of
from cmsfamily.decisions import selectors, services
from cmsfamily.decisions.models import Evidence, Implementation
from cmsfamily.decisions.tests.conftest import addressee_of
from cmsfamily.workplans.models import Activity

pytestmark = pytest.mark.django_db


def edit_url(paragraph, implementer, addressee=None):
    url = reverse("decisions:implementation-edit", args=[paragraph.pk, implementer])
    return f"{url}?addressee={addressee.pk}" if addressee else url


def test_kenyas_nfp_updates_kenyas_row_only(resolution, nfp_kenya, nfp_germany, kenya):
    parties = addressee_of(resolution, "1")
    row = services.update_implementation(
        addressee=parties, party=kenya, status="in_progress", note="Bill drafted", by=nfp_kenya
    )
    assert row.noted_on == datetime.date.today() and row.updated_by == nfp_kenya
    with pytest.raises(PermissionDenied):
        services.update_implementation(
            addressee=parties, party=kenya, status="done", by=nfp_germany
        )
    row.refresh_from_db()
    assert row.status == "in_progress"


def test_rows_belong_to_the_right_implementer(resolution, secretariat, birdlife_fp, kenya):
    with pytest.raises(ValidationError):  # a Parties' paragraph needs a Party
        services.update_implementation(
            addressee=addressee_of(resolution, "1"), status="done", by=secretariat
        )
    with pytest.raises(ValidationError):  # the Secretariat's paragraph is not Kenya's
        services.update_implementation(
            addressee=addressee_of(resolution, "2"), party=kenya, status="done", by=secretariat
        )
    with pytest.raises(PermissionDenied):  # BirdLife does not report for the Secretariat
        services.update_implementation(
            addressee=addressee_of(resolution, "2"), status="done", by=birdlife_fp
        )
    services.update_implementation(
        addressee=addressee_of(resolution, "2"), status="done", by=secretariat
    )
    assert Implementation.objects.count() == 1


def test_bad_status_and_future_note_are_refused(resolution, nfp_kenya, kenya):
    parties = addressee_of(resolution, "1")
    for bad in [{"status": "finished"}, {"status": "done", "noted_on": datetime.date(2999, 1, 1)}]:
        with pytest.raises(ValidationError):
            services.update_implementation(addressee=parties, party=kenya, by=nfp_kenya, **bad)
    assert not Implementation.objects.exists()


@pytest.mark.parametrize(
    "persona,expected",
    matrix(
        anonymous=LOGIN,
        nfp_kenya=200,
        nfp_germany=403,
        birdlife_fp=403,
        secretariat=200,
        eurobats_officer=403,
    ),
)
def test_kenyas_row_page(resolution, client_as, request, persona, expected):
    url = edit_url(resolution.paragraphs.get(number="1"), "party-ke")
    assert status_of(client_as, request, persona, "GET", url) == expected
    posted = status_of(
        client_as, request, persona, "POST", url, {"action": "status", "status": "done"}
    )
    assert posted == (302 if expected == 200 else expected)
    assert Implementation.objects.filter(status="done").exists() == (expected == 200)


@pytest.mark.parametrize(
    "persona,expected",
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=200,
        secretariat=200,
        eurobats_officer=403,
    ),
)
def test_birdlifes_row_page(resolution, client_as, request, persona, expected):
    url = edit_url(resolution.paragraphs.get(number="3"), "org-birdlife")
    assert status_of(client_as, request, persona, "GET", url) == expected


@pytest.mark.parametrize(
    "url_args",
    [("1", "party-zz"), ("1", "org-nowhere"), ("1", "x"), ("2", "party-ke"), ("1", "body")],
)
def test_unknown_rows_are_404(resolution, client_as, secretariat, url_args):
    number, implementer = url_args
    url = edit_url(resolution.paragraphs.get(number=number), implementer)
    assert client_as(secretariat).get(url).status_code == 404


def test_my_implementation_lists_own_partys_paragraphs(
    resolution, client_as, nfp_kenya, nfp_germany, django_assert_max_num_queries
):
    client = client_as(nfp_kenya)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("decisions:my-implementation"))
    text = page.content.decode()
    assert "Urges Parties to act." in text and "Kenya" in text
    assert "Requests the Secretariat." not in text and "Germany" not in text
    duties = selectors.duties(nfp_germany)
    assert {d.row.party.code for d in duties if d.row.party} == {"DE"}
    assert client_as(nfp_kenya).get(reverse("decisions:my-implementation")).status_code == 200


def test_evidence_links_are_validated(resolution, client_as, nfp_kenya, kenya):
    parties = addressee_of(resolution, "1")
    services.update_implementation(addressee=parties, party=kenya, status="done", by=nfp_kenya)
    client = client_as(nfp_kenya)
    url = edit_url(resolution.paragraphs.get(number="1"), "party-ke")
    activity = Activity.objects.filter(programme__code="res-10-9", number="9").get()
    for reference, kind in [
        ("not a link", "activity"),
        ("/workplans/res-10-9/activities/99.9/", "activity"),
        ("https://evil.example/contributions/1/", "activity"),
        ("999999", "contribution"),
        ("99999999999999", "activity"),
        ("12", "answer"),
        ("12 v1", "answer"),
        ("x", "nonsense"),
    ]:
        response = client.post(url, {"action": "evidence", "kind": kind, "reference": reference})
        assert response.status_code == 400, reference
    assert not Evidence.objects.exists()
    response = client.post(
        url, {"action": "evidence", "kind": "activity", "reference": activity.get_absolute_url()}
    )
    assert response.status_code == 302
    assert Evidence.objects.get().activity == activity
    assert (
        client.post(
            url, {"action": "evidence", "kind": "activity", "reference": str(activity.pk)}
        ).status_code
        == 302
    )


def test_overview_per_paragraph_region_and_addressee(
    resolution,
    secretariat,
    nfp_kenya,
    nfp_germany,
    kenya,
    germany,
    client_as,
    django_assert_max_num_queries,
):
    parties = addressee_of(resolution, "1")
    services.update_implementation(addressee=parties, party=kenya, status="done", by=nfp_kenya)
    services.update_implementation(
        addressee=parties, party=germany, status="in_progress", by=nfp_germany
    )
    everything = selectors.overview(secretariat, resolution)
    tally = everything.per_paragraph[parties.pk]
    assert tally.counts["done"] == 1 and tally.counts["in_progress"] == 1
    assert tally.counts["not_started"] > 100  # every other Party
    assert everything.per_region[kenya.region_id].counts["done"] == 1
    own = selectors.overview(nfp_kenya, resolution)
    assert own.per_paragraph[parties.pk].counts["done"] == 1
    assert own.per_paragraph[parties.pk].counts["in_progress"] == 0
    client = client_as(secretariat)
    with django_assert_max_num_queries(16):
        page = client.get(resolution.get_absolute_url())
    assert "Per region" in page.content.decode()
