"""The ledger's API: who reads and writes what, and bad input refused at its field."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from cmsfamily.contributions import services
from cmsfamily.contributions.models import AssessedContribution, Contribution, ValuationRule
from cmsfamily.core.testing import client_for, cms_secretariat_only, everyone, matrix
from cmsfamily.directory.models import Instrument, Organisation, Party

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def rules(secretariat):
    with transaction.atomic():
        services.add_valuation_rule(
            kind="staff_time",
            value=Decimal(300),
            currency="USD",
            valid_from=date(2019, 1, 1),
            source="seed 003",
            by=secretariat,
        )


def _entry(by, *, organisation="birdlife", party=None, validated_by=None, publish=True):
    values = {
        "kind": "staff_time",
        "days": Decimal(5),
        "start": date(2024, 2, 1),
        "status": "spent",
        "description": "Survey",
        "publish": publish,
    }
    if party:
        values["contributor_party"] = Party.objects.get(code=party)
    else:
        values["contributor_organisation"] = Organisation.objects.get(slug=organisation)
    with transaction.atomic():
        entry = services.log_contribution(by=by, **values)
        if validated_by:
            services.validate_contribution(contribution=entry, by=validated_by)
    return entry


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=1, nfp_kenya=2, nfp_germany=1, birdlife_fp=2, secretariat=3, eurobats_officer=1
    ),
)
def test_who_reads_which_entries(client_as, request, rules, secretariat, persona, expected):
    _entry(secretariat, validated_by=secretariat)  # validated and published: public
    _entry(secretariat)  # BirdLife's, awaiting validation
    _entry(secretariat, party="KE")  # Kenya's, awaiting validation
    response = client_for(client_as, request, persona).get("/api/contributions/")
    assert response.status_code == 200 and response.json()["count"] == expected


@pytest.mark.parametrize(
    ("contributor", "persona", "expected"),
    [
        pytest.param(who, *param.values, id=f"{who}-{param.id}")
        for who, birdlife, kenya in (("birdlife", 201, 403), ("KE", 403, 201))
        for param in matrix(
            anonymous=403,
            nfp_kenya=kenya,
            nfp_germany=403,
            birdlife_fp=birdlife,
            secretariat=201,
            eurobats_officer=403,
        )
    ],
)
def test_logging_through_the_api(client_as, request, rules, contributor, persona, expected):
    data = {
        "kind": "staff_time",
        "days": "3",
        "start": "2024-05-01",
        "status": "spent",
        "description": "API",
    }
    data["contributor_party" if contributor == "KE" else "contributor_organisation"] = contributor
    response = client_for(client_as, request, persona).post(
        "/api/contributions/", data, content_type=JSON
    )
    assert response.status_code == expected
    assert Contribution.objects.filter(description="API").exists() == (expected == 201)
    if expected == 201:
        assert response.json()["working"] == "3.00 day × 300.00 USD = 900.00 USD"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"days": "-1"}, "days"),
        ({"days": "three"}, "days"),
        ({"start": "2018-06-01"}, "start"),
        ({"kind": "money", "amount": "10", "currency": "XOF"}, "currency"),
        ({"kind": "money", "amount": "10", "currency": "DOLLARS"}, "currency"),
        ({"kind": "money", "amount": "-10", "currency": "USD"}, "amount"),
        ({"kind": "donation"}, "kind"),
        ({"end": "2024-01-01"}, "end"),
    ],
)
def test_bad_entries_are_refused_at_their_field(client, rules, birdlife_fp, data, field):
    client.force_login(birdlife_fp)
    good = {
        "contributor_organisation": "birdlife",
        "kind": "staff_time",
        "days": "3",
        "start": "2024-05-01",
        "status": "spent",
        "description": "Bad",
    }
    response = client.post("/api/contributions/", {**good, **data}, content_type=JSON)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    ("persona", "patch", "validate"),
    [
        ("anonymous", 403, 403),
        ("nfp_kenya", 404, 404),
        ("nfp_germany", 404, 404),
        ("birdlife_fp", 200, 403),
        ("secretariat", 200, 200),
        ("eurobats_officer", 404, 404),
    ],
)
def test_changing_and_validating(client_as, request, rules, secretariat, persona, patch, validate):
    entry = _entry(secretariat, publish=False)
    client = client_for(client_as, request, persona)
    url = f"/api/contributions/{entry.pk}/"
    assert client.patch(url, {"days": "6"}, content_type=JSON).status_code in (
        (patch, 404) if persona == "anonymous" else (patch,)
    )
    assert client.post(f"{url}validate/").status_code in (
        (validate, 404) if persona == "anonymous" else (validate,)
    )


def test_a_validated_entry_is_corrected_not_patched(client, rules, secretariat, birdlife_fp):
    entry = _entry(secretariat, validated_by=secretariat)
    client.force_login(birdlife_fp)
    url = f"/api/contributions/{entry.pk}/"
    response = client.patch(url, {"days": "6"}, content_type=JSON)
    assert response.status_code == 400 and "correction" in str(response.json())
    response = client.post(f"{url}correct/", {"days": "6"}, content_type=JSON)
    assert response.status_code == 201 and response.json()["corrects"] == entry.pk
    assert response.json()["value"] == "1800.00"
    entry.refresh_from_db()
    assert entry.days == 5


@pytest.mark.parametrize(("persona", "expected"), everyone(200))
def test_everyone_reads_the_valuation_rules(client_as, request, rules, persona, expected):
    response = client_for(client_as, request, persona).get("/api/valuation-rules/")
    assert response.status_code == expected and response.json()["count"] == 1


@pytest.mark.parametrize(("persona", "expected"), cms_secretariat_only(anonymous=403, allowed=201))
def test_only_the_cms_secretariat_adds_rules(client_as, request, persona, expected):
    data = {
        "kind": "meeting_attendance",
        "value": "365",
        "currency": "USD",
        "valid_from": "2019-01-01",
        "source": "seed 003",
    }
    response = client_for(client_as, request, persona).post(
        "/api/valuation-rules/", data, content_type=JSON
    )
    assert response.status_code == expected
    assert ValuationRule.objects.exists() == (expected == 201)


def test_an_overlapping_rule_is_refused_through_the_api(client, rules, secretariat):
    client.force_login(secretariat)
    data = {
        "kind": "staff_time",
        "value": "350",
        "currency": "USD",
        "valid_from": "2024-01-01",
        "source": "x",
    }
    response = client.post("/api/valuation-rules/", data, content_type=JSON)
    assert response.status_code == 400 and "overlaps" in response.json()["valid_from"][0]


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=0, nfp_kenya=1, nfp_germany=1, birdlife_fp=0, secretariat=2, eurobats_officer=0
    ),
)
def test_assessed_contributions_are_seen_by_the_party_and_the_secretariat(
    client_as, request, secretariat, persona, expected
):
    cms = Instrument.objects.get(code="cms")
    with transaction.atomic():
        for code in ("KE", "DE"):
            assessed = services.set_assessed_contribution(
                party=Party.objects.get(code=code),
                instrument=cms,
                year=2024,
                amount=Decimal(1000),
                currency="EUR",
                by=secretariat,
            )
        services.record_payment(
            assessed=assessed, date=date(2024, 3, 1), amount=Decimal(400), by=secretariat
        )
    response = client_for(client_as, request, persona).get("/api/assessed-contributions/")
    status = 403 if persona == "anonymous" else 200
    assert response.status_code in (200, status)
    count = response.json().get("count", 0) if response.status_code == 200 else 0
    assert count == expected
    if persona == "secretariat":
        states = {row["party"]: row["payment_status"] for row in response.json()["results"]}
        assert states == {"KE": "unpaid", "DE": "partly_paid"}


@pytest.mark.parametrize(("persona", "expected"), cms_secretariat_only(anonymous=403, allowed=201))
def test_only_the_cms_secretariat_sets_assessed_contributions(
    client_as, request, persona, expected
):
    data = {
        "party": "KE",
        "instrument": "cms",
        "year": 2025,
        "amount": "1200.00",
        "currency": "EUR",
    }
    response = client_for(client_as, request, persona).post(
        "/api/assessed-contributions/", data, content_type=JSON
    )
    assert response.status_code == expected
    assert AssessedContribution.objects.exists() == (expected == 201)


def test_the_ledger_list_takes_a_fixed_number_of_queries(
    client, rules, secretariat, django_assert_max_num_queries
):
    for _ in range(3):
        _entry(secretariat, validated_by=secretariat)
    client.force_login(secretariat)
    with django_assert_max_num_queries(12) as small:
        client.get("/api/contributions/")
    for _ in range(20):
        _entry(secretariat, validated_by=secretariat)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/api/contributions/")
