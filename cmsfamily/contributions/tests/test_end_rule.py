"""Ending a valuation rule so that the next can start; what it valued keeps it."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from cmsfamily.contributions import services
from cmsfamily.contributions.models import ValuationRule
from cmsfamily.core.testing import LOGIN, client_for, cms_secretariat_only
from cmsfamily.directory.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule(secretariat):
    with transaction.atomic():
        return services.add_valuation_rule(
            kind="staff_time",
            value=Decimal(300),
            currency="USD",
            valid_from=date(2019, 1, 1),
            source="seed 003",
            by=secretariat,
        )


@pytest.mark.parametrize(
    ("persona", "expected"), cms_secretariat_only(anonymous=LOGIN, allowed=302)
)
def test_only_the_cms_secretariat_ends_a_rule_on_the_page(
    client_as, request, rule, persona, expected
):
    client = client_for(client_as, request, persona)
    response = client.post(f"/contributions/rules/{rule.pk}/end/", {"valid_to": "2025-12-31"})
    assert response.status_code == expected
    rule.refresh_from_db()
    assert (rule.valid_to == date(2025, 12, 31)) == (persona == "secretariat")


@pytest.mark.parametrize(("persona", "expected"), cms_secretariat_only(anonymous=403, allowed=200))
def test_only_the_cms_secretariat_ends_a_rule_through_the_api(
    client_as, request, rule, persona, expected
):
    response = client_for(client_as, request, persona).post(
        f"/api/valuation-rules/{rule.pk}/end/",
        {"valid_to": "2025-12-31"},
        content_type="application/json",
    )
    assert response.status_code == expected


def test_after_ending_a_rule_the_next_one_starts_and_old_entries_keep_theirs(
    client, rule, secretariat, birdlife_fp
):
    with transaction.atomic():
        entry = services.log_contribution(
            by=birdlife_fp,
            contributor_organisation=Organisation.objects.get(slug="birdlife"),
            kind="staff_time",
            days=Decimal(2),
            start=date(2025, 6, 1),
            status="spent",
            description="x",
        )
    client.force_login(secretariat)
    page = client.get("/contributions/rules/").content.decode()
    assert f'href="/contributions/rules/{rule.pk}/end/"' in page
    refused = client.post(f"/contributions/rules/{rule.pk}/end/", {"valid_to": "2025-01-31"})
    assert refused.status_code == 400
    assert "1 entries dated after 2025-01-31" in " ".join(
        refused.context["form"].errors["valid_to"]
    )
    assert (
        client.post(f"/contributions/rules/{rule.pk}/end/", {"valid_to": "2018-01-01"}).status_code
        == 400
    )
    assert (
        client.post(f"/contributions/rules/{rule.pk}/end/", {"valid_to": "soon"}).status_code == 400
    )
    assert (
        client.post(f"/contributions/rules/{rule.pk}/end/", {"valid_to": "2025-12-31"}).status_code
        == 302
    )
    with transaction.atomic():
        services.add_valuation_rule(
            kind="staff_time",
            value=Decimal(350),
            currency="USD",
            valid_from=date(2026, 1, 1),
            source="test",
            by=secretariat,
        )
    entry.refresh_from_db()
    assert entry.value == Decimal("600.00") and ValuationRule.objects.count() == 2
