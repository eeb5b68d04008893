import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cmsfamily.core.models import Event
from cmsfamily.core.testing import LOGIN, cms_secretariat_only, everyone, status_of
from cmsfamily.decisions import services
from cmsfamily.decisions.choices import DecisionStatus
from cmsfamily.decisions.models import Addressee, Decision, OperativeParagraph
from cmsfamily.decisions.reference import load_decisions_data

pytestmark = pytest.mark.django_db


def test_loader_loads_what_the_seeds_name_with_citations_and_gaps(register):
    slugs = set(Decision.objects.values_list("slug", flat=True))
    assert {
        "cms-res-10-9",
        "cms-res-10-5",
        "cms-res-12-5",
        "cms-res-8-2",
        "cms-res-8-11",
        "cms-res-8-18",
        "cms-res-9-6",
        "review-conservation-collaboration-2019",
    } <= slugs
    res_10_9 = Decision.objects.get(slug="cms-res-10-9")
    assert res_10_9.paragraphs.count() == 16
    assert res_10_9.programme.code == "res-10-9"
    ninth = res_10_9.paragraphs.get(number="9")
    assert ninth.activity.number == "9" and "inter-operability" in ninth.text
    assert "002_6b481c85ec1c3061.txt" in ninth.source
    # never invented: no dates the seeds do not give
    assert not Decision.objects.exclude(adopted_on=None).exists()
    assert all(decision.source and decision.gaps for decision in Decision.objects.all())
    review = Decision.objects.get(slug="review-conservation-collaboration-2019")
    assert [p.number for p in review.paragraphs.all()][:3] == ["M.1", "M.2", "P.1"]
    assert review.paragraphs.filter(number__startswith="R.").count() == 10
    assert review.paragraphs.get(number="R.9").addressees.get().kind == "secretariat"
    rule = Decision.objects.get(slug="cms-res-12-5").paragraphs.get()
    assert "six months" in rule.deadline_rule and rule.addressees.get().kind == "parties"


def test_loader_is_idempotent(register):
    counts = (
        Decision.objects.count(),
        OperativeParagraph.objects.count(),
        Addressee.objects.count(),
    )
    report = load_decisions_data()
    assert not report.changed
    assert counts == (
        Decision.objects.count(),
        OperativeParagraph.objects.count(),
        Addressee.objects.count(),
    )


def test_circular_superseded_by_is_refused(resolution, secretariat):
    newer = services.record_decision(
        by=secretariat,
        slug="cms-res-test-2",
        kind="resolution",
        number="15.1",
        title="New",
        body="cop",
    )
    services.set_status(
        decision=resolution, status="superseded", superseded_by=newer, by=secretariat
    )
    with pytest.raises(ValidationError) as refused:
        services.set_status(
            decision=newer, status="superseded", superseded_by=resolution, by=secretariat
        )
    assert refused.value.error_dict["superseded_by"][0].code == "circular_supersession"
    with pytest.raises(ValidationError):
        services.set_status(
            decision=newer, status="superseded", superseded_by=newer, by=secretariat
        )
    newer.refresh_from_db()
    assert newer.status == DecisionStatus.IN_FORCE and newer.superseded_by is None


def test_superseded_needs_its_successor_and_only_the_secretariat_sets_status(
    resolution, secretariat, nfp_kenya
):
    with pytest.raises(ValidationError):
        services.set_status(decision=resolution, status="superseded", by=secretariat)
    with pytest.raises(PermissionDenied):
        services.set_status(decision=resolution, status="repealed", by=nfp_kenya)
    services.set_status(decision=resolution, status="repealed", by=secretariat)
    assert Event.objects.filter(kind="decision.status_changed").exists()


@pytest.mark.parametrize("body", ["the public", "instrument:nowhere", "Parties", "", "parties:x"])
def test_a_paragraph_addressed_to_an_unknown_body_is_refused(resolution, secretariat, body):
    paragraph = resolution.paragraphs.get(number="1")
    with pytest.raises(ValidationError) as refused:
        services.set_addressees(paragraph=paragraph, addressees=[body], by=secretariat)
    assert refused.value.code == "unknown_addressee"
    assert list(paragraph.addressees.values_list("kind", flat=True)) == ["parties"]


def test_a_new_decision_with_a_bad_addressee_saves_nothing(secretariat):
    with pytest.raises(ValidationError):
        services.record_decision(
            by=secretariat,
            slug="cms-res-bad",
            kind="resolution",
            number="1.1",
            title="x",
            body="cop",
            paragraphs=[{"number": "1", "text": "x", "addressees": ["mars"]}],
        )
    assert not Decision.objects.filter(slug="cms-res-bad").exists()


def test_addressed_to_an_instrument(resolution, secretariat):
    paragraph = resolution.paragraphs.get(number="2")
    services.set_addressees(
        paragraph=paragraph, addressees=["secretariat", "instrument:AEWA"], by=secretariat
    )
    assert {str(a) for a in paragraph.addressees.all()} >= {"Secretariat"}
    assert paragraph.addressees.filter(instrument__code="aewa").exists()


@pytest.mark.parametrize("persona", [p.values[0] for p in everyone(200)])
def test_register_pages_are_public(register, client_as, request, persona):
    assert status_of(client_as, request, persona, "GET", reverse("decisions:decision-list")) == 200
    url = reverse("decisions:decision-detail", args=["cms-res-10-9"])
    assert status_of(client_as, request, persona, "GET", url) == 200


@pytest.mark.parametrize("persona,expected", cms_secretariat_only(anonymous=LOGIN))
def test_status_page_is_the_secretariats(resolution, client_as, request, persona, expected):
    url = reverse("decisions:decision-status", args=[resolution.slug])
    assert status_of(client_as, request, persona, "GET", url) == expected
    assert status_of(client_as, request, persona, "POST", url, {"status": "repealed"}) in (
        expected if expected != 200 else 302,
    )


def test_register_list_filters_searches_and_is_query_bounded(
    register, client, django_assert_max_num_queries
):
    url = reverse("decisions:decision-list")
    with django_assert_max_num_queries(8):
        page = client.get(url)
    assert "Future Structure and Strategies" in page.content.decode()
    found = client.get(url, {"q": "inter-operability"}).content.decode()
    assert "10.9" in found and "Cooperation with other Conventions" not in found
    only_reviews = client.get(url, {"body": "review"}).content.decode()
    assert "Conservation Collaboration" in only_reviews and "8.11" not in only_reviews
    assert client.get(url, {"kind": "nonsense"}).status_code == 400
    assert client.get(url, {"page": "999"}).status_code == 404
    export = client.get(url, {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")


def test_decision_page_shows_paragraphs_citations_gaps(
    register, client, django_assert_max_num_queries
):
    url = reverse("decisions:decision-detail", args=["review-conservation-collaboration-2019"])
    with django_assert_max_num_queries(8):
        page = client.get(url)
    text = page.content.decode()
    assert "Establish additional capacity within the Secretariat" in text
    assert "not given by the sources" in text
    assert client.get(reverse("decisions:decision-detail", args=["no-such"])).status_code == 404


def test_status_form_refuses_a_circle_in_the_users_language(resolution, secretariat, client_as):
    newer = services.record_decision(
        by=secretariat,
        slug="cms-res-test-3",
        kind="resolution",
        number="15.2",
        title="N",
        body="cop",
    )
    services.set_status(
        decision=resolution, status="superseded", superseded_by=newer, by=secretariat
    )
    client = client_as(secretariat)
    url = reverse("decisions:decision-status", args=[newer.slug])
    response = client.post(
        url, {"status": "superseded", "superseded_by": resolution.pk}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 400
    response = client.post(url, {"status": "superseded", "superseded_by": "x"})
    assert response.status_code == 400
    newer.refresh_from_db()
    assert newer.status == DecisionStatus.IN_FORCE
