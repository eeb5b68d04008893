"""Every endpoint whose service may refuse a write answers the refusal through the API's one
exception handler: the 400 names the field with its messages, as before, and `codes` gives the
machine-readable code of each message (cmsfamily.core.api_errors)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from cmsfamily.contributions import services as contributions
from cmsfamily.contributions.models import ValuationRule
from cmsfamily.core import services as core_services
from cmsfamily.directory.models import Organisation
from cmsfamily.reporting.models import Submission
from cmsfamily.reporting.testing import build_template, open_cycle
from cmsfamily.strategy.models import Indicator, Target
from cmsfamily.workplans.choices import ProgrammeStatus
from cmsfamily.workplans.tests import factories

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _refused(response, field):
    """The 400's messages of `field`, each with a code, in the same order."""
    assert response.status_code == 400, response.content
    body = response.json()
    messages, codes = body[field], body["codes"][field]
    assert len(codes) == len(messages) and all(isinstance(code, str) and code for code in codes)
    return codes


@pytest.fixture
def rules(secretariat):
    with transaction.atomic():
        return contributions.add_valuation_rule(
            kind="staff_time",
            value=Decimal(300),
            currency="USD",
            valid_from=date(2019, 1, 1),
            source="seed",
            by=secretariat,
        )


def test_an_exchange_rate(client, secretariat, monkeypatch):
    def refuse(**values):
        raise ValidationError({"rate": ValidationError("Not a rate.", code="rate")})

    monkeypatch.setattr(core_services, "set_exchange_rate", refuse)
    client.force_login(secretariat)
    body = {
        "currency": "EUR",
        "quote": "USD",
        "rate": "1.1",
        "valid_from": "2026-11-01",
        "source": "UN",
    }
    response = client.post("/api/exchange-rates/", body, content_type=JSON)
    assert _refused(response, "rate") == ["rate"]


CONTRIBUTION = {
    "contributor_organisation": "birdlife",
    "kind": "staff_time",
    "days": "3",
    "start": "2018-06-01",  # before the first valuation rule
    "status": "spent",
    "description": "Survey",
}


def test_a_contribution(client, rules, birdlife_fp):
    client.force_login(birdlife_fp)
    response = client.post("/api/contributions/", CONTRIBUTION, content_type=JSON)
    assert _refused(response, "start")


def test_a_contribution_corrected(client, rules, secretariat):
    client.force_login(secretariat)
    entry = _validated_entry(secretariat)
    response = client.post(
        f"/api/contributions/{entry.pk}/correct/", {"start": "2018-06-01"}, content_type=JSON
    )
    assert _refused(response, "start")


def _validated_entry(by):
    with transaction.atomic():
        entry = contributions.log_contribution(
            contributor_organisation=Organisation.objects.get(slug="birdlife"),
            kind="staff_time",
            days=Decimal(5),
            start=date(2024, 2, 1),
            status="spent",
            description="Survey",
            by=by,
        )
        contributions.validate_contribution(contribution=entry, by=by)
    return entry


def test_a_validated_contribution_patched(client, rules, secretariat):
    entry = _validated_entry(secretariat)
    client.force_login(secretariat)
    response = client.patch(f"/api/contributions/{entry.pk}/", {"days": "6"}, content_type=JSON)
    assert _refused(response, "non_field_errors") == ["validated"]


def test_a_valuation_rule_and_its_end(client, rules, secretariat):
    client.force_login(secretariat)
    body = {
        "kind": "staff_time",
        "value": "350",
        "currency": "USD",
        "valid_from": "2024-01-01",
        "source": "x",
    }
    response = client.post("/api/valuation-rules/", body, content_type=JSON)
    assert _refused(response, "valid_from")
    response = client.post(
        f"/api/valuation-rules/{rules.pk}/end/", {"valid_to": "2018-01-01"}, content_type=JSON
    )
    assert _refused(response, "valid_to") == ["invalid"]
    assert ValuationRule.objects.get().valid_to is None


def test_an_assessed_contribution(client, secretariat, monkeypatch):
    def refuse(**values):
        raise ValidationError({"scale": ValidationError("Too high.", code="max_value")})

    monkeypatch.setattr(contributions, "set_assessed_contribution", refuse)
    client.force_login(secretariat)
    body = {"party": "KE", "instrument": "cms", "year": 2025, "amount": "1", "currency": "EUR"}
    response = client.post("/api/assessed-contributions/", body, content_type=JSON)
    assert _refused(response, "scale") == ["max_value"]


def test_a_strategic_plan(client, secretariat):
    client.force_login(secretariat)
    body = {"code": "spms-2015-2023", "title_en": "Again", "start_year": 2024, "end_year": 2032}
    response = client.post("/api/strategic-plans/", body, content_type=JSON)
    assert _refused(response, "code")


def test_an_indicator(client, secretariat):
    target = Target.objects.get(plan__code="spms-2015-2023", number=4)
    Indicator.objects.create(target=target, code="4.1", name_en="Existing")
    client.force_login(secretariat)
    body = {"target": target.pk, "code": "4.1", "name_en": "Duplicate"}
    response = client.post("/api/indicators/", body, content_type=JSON)
    assert _refused(response, "code")


def test_a_target_mapping(client, secretariat):
    target = Target.objects.get(plan__code="spms-2015-2023", number=1)
    client.force_login(secretariat)
    body = {"target": target.pk, "kind": "aichi", "number": 1, "confidence": "medium"}
    response = client.post("/api/target-mappings/", {**body, "source": "x"}, content_type=JSON)
    assert _refused(response, "number")


def test_a_work_programme(client, secretariat):
    client.force_login(secretariat)
    body = {"code": "no-partner", "title_en": "Shared", "kind": "partner_shared"}
    response = client.post("/api/work-programmes/", body, content_type=JSON)
    assert _refused(response, "partner")


def test_progress_on_a_closed_programme(client, secretariat):
    activity = factories.birdlife_programme(ProgrammeStatus.CLOSED).activities.get(number="1.1")
    client.force_login(secretariat)
    body = {"activity": activity.pk, "kind": "progress", "text": "x"}
    response = client.post("/api/progress-updates/", body, content_type=JSON)
    assert _refused(response, "non_field_errors")


def test_a_nomination(client, nfp_kenya):
    client.force_login(nfp_kenya)
    body = {
        "party": "KE",
        "given_name": "Otieno",
        "family_name": "Api",
        "email": "otieno@example.org",
        "start": "2026-02-01",
        "role": "mou_focal_point",  # without the instrument it serves
    }
    response = client.post("/api/nominations/", body, content_type=JSON)
    assert _refused(response, "instrument")


def test_submitting_an_incomplete_report(client_as, nfp_kenya):
    kenya = Submission.objects.get(cycle=open_cycle(build_template()[1]), party__code="KE")
    response = client_as(nfp_kenya).post(f"/api/submissions/{kenya.pk}/submit/")
    assert _refused(response, "non_field_errors")


def test_each_problem_of_an_incomplete_report_answers_its_own_code(client_as, nfp_kenya):
    kenya = Submission.objects.get(cycle=open_cycle(build_template()[1]), party__code="KE")
    response = client_as(nfp_kenya).post(f"/api/submissions/{kenya.pk}/submit/")
    codes = _refused(response, "non_field_errors")
    assert codes and set(codes) == {"incomplete"}
