"""The ledger's rules: valuation by the rule in force, conversion at the entry's date, corrections."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from cmsfamily.contributions import selectors, services
from cmsfamily.contributions.models import Contribution, ValuationRule
from cmsfamily.core.services import set_exchange_rate
from cmsfamily.directory.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def birdlife():
    return Organisation.objects.get(slug="birdlife")


@pytest.fixture
def seed_rules(secretariat):
    """Seed 003's day rates: staff time US$300, meeting attendance US$365 a day."""
    with transaction.atomic():
        staff = services.add_valuation_rule(
            kind="staff_time",
            value=Decimal(300),
            currency="USD",
            valid_from=date(2019, 1, 1),
            source="seed 003",
            by=secretariat,
        )
        meeting = services.add_valuation_rule(
            kind="meeting_attendance",
            value=Decimal(365),
            currency="USD",
            valid_from=date(2019, 1, 1),
            source="seed 003",
            by=secretariat,
        )
    return staff, meeting


def _log(by, **values):
    with transaction.atomic():
        return services.log_contribution(by=by, **values)


def test_staff_time_is_valued_with_the_rule_in_force_and_keeps_it(
    seed_rules, birdlife, birdlife_fp, secretariat
):
    entry = _log(
        birdlife_fp,
        contributor_organisation=birdlife,
        kind="staff_time",
        days=Decimal(20),
        start=date(2024, 3, 1),
        status="spent",
        description="Flyway coordination",
    )
    assert (entry.quantity, entry.value, entry.value_currency) == (20, Decimal("6000.00"), "USD")
    assert entry.rule == seed_rules[0] and entry.base_value == Decimal("6000.00")
    assert entry.working == "20.00 day × 300.00 USD = 6,000.00 USD"
    # A new rate from 2025 leaves the 2024 figure as it was.
    with transaction.atomic():
        ValuationRule.objects.filter(pk=seed_rules[0].pk).update(valid_to=date(2024, 12, 31))
        services.add_valuation_rule(
            kind="staff_time",
            value=Decimal(350),
            currency="USD",
            valid_from=date(2025, 1, 1),
            source="test",
            by=secretariat,
        )
    entry.refresh_from_db()
    assert entry.value == Decimal("6000.00")
    later = _log(
        birdlife_fp,
        contributor_organisation=birdlife,
        kind="staff_time",
        days=Decimal(2),
        start=date(2025, 6, 1),
        status="spent",
        description="Later",
    )
    assert later.value == Decimal("700.00")


def test_meeting_attendance_is_people_times_meetings_times_days(seed_rules, birdlife, birdlife_fp):
    entry = _log(
        birdlife_fp,
        contributor_organisation=birdlife,
        kind="meeting_attendance",
        people=3,
        meetings=2,
        days=Decimal(4),
        start=date(2023, 10, 1),
        status="spent",
        description="COP",
    )
    assert entry.quantity == 24 and entry.value == Decimal("8760.00")


def test_money_in_euros_is_kept_in_euros_and_converted_at_its_date(
    seed_rules, birdlife, birdlife_fp, secretariat
):
    with transaction.atomic():
        set_exchange_rate(
            currency="EUR",
            quote="USD",
            rate=Decimal("1.10"),
            valid_from=date(2024, 1, 1),
            source="t",
            by=secretariat,
        )
    entry = _log(
        birdlife_fp,
        contributor_organisation=birdlife,
        kind="money",
        amount=Decimal(1000),
        currency="EUR",
        start=date(2024, 5, 1),
        status="received",
        description="Grant",
    )
    assert (entry.value, entry.value_currency, entry.base_value) == (
        1000,
        "EUR",
        Decimal("1100.00"),
    )


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"currency": "CHF"}, "currency", "No exchange rate from CHF to USD"),
        ({"amount": Decimal(-5)}, "amount", ""),
        ({"currency": "EURO"}, "currency", ""),
        ({"amount": None}, "amount", "Needed for this kind"),
        ({"end": date(2023, 1, 1)}, "end", "before the start"),
        ({"contributor_party_id": True}, "contributor_organisation", "one contributor"),
    ],
)
def test_bad_money_entries_are_refused_at_their_field(
    birdlife, birdlife_fp, values, field, message
):
    good = {
        "contributor_organisation": birdlife,
        "kind": "money",
        "amount": Decimal(10),
        "currency": "USD",
        "start": date(2024, 1, 1),
        "status": "pledged",
        "description": "X",
    }
    if values.pop("contributor_party_id", None):
        from cmsfamily.directory.models import Party

        values["contributor_party"] = Party.objects.get(code="KE")
    with pytest.raises(ValidationError) as error:
        _log(birdlife_fp, **{**good, **values})
    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])
    assert not Contribution.objects.exists()


def test_a_date_outside_every_rule_is_refused(seed_rules, birdlife, birdlife_fp):
    with pytest.raises(ValidationError) as error:
        _log(
            birdlife_fp,
            contributor_organisation=birdlife,
            kind="staff_time",
            days=Decimal(1),
            start=date(2018, 12, 31),
            status="spent",
            description="Before the rules",
        )
    assert (
        "No valuation rule for Staff time is in force on 2018-12-31"
        in error.value.message_dict["start"][0]
    )


@pytest.mark.parametrize(
    ("valid_from", "valid_to"),
    [(date(2020, 1, 1), None), (date(2010, 1, 1), date(2019, 1, 1)), (date(2010, 1, 1), None)],
)
def test_overlapping_rules_of_one_kind_are_refused(seed_rules, secretariat, valid_from, valid_to):
    with pytest.raises(ValidationError) as error, transaction.atomic():
        services.add_valuation_rule(
            kind="staff_time",
            value=Decimal(1),
            currency="USD",
            valid_from=valid_from,
            valid_to=valid_to,
            source="t",
            by=secretariat,
        )
    assert "overlaps" in error.value.message_dict["valid_from"][0]
    # Another kind, or the time before the first rule, is fine.
    with transaction.atomic():
        services.add_valuation_rule(
            kind="hosting",
            value=Decimal(1),
            currency="USD",
            valid_from=valid_from,
            valid_to=valid_to,
            source="t",
            by=secretariat,
        )
        services.add_valuation_rule(
            kind="staff_time",
            value=Decimal(1),
            currency="USD",
            valid_from=date(2000, 1, 1),
            valid_to=date(2018, 12, 31),
            source="t",
            by=secretariat,
        )


def test_a_validated_entry_is_corrected_by_a_new_entry_never_edited(
    seed_rules, birdlife, birdlife_fp, secretariat
):
    entry = _log(
        birdlife_fp,
        contributor_organisation=birdlife,
        kind="staff_time",
        days=Decimal(10),
        start=date(2024, 1, 1),
        status="spent",
        description="Survey",
    )
    with transaction.atomic():
        services.update_contribution(contribution=entry, by=birdlife_fp, days=Decimal(12))
        services.validate_contribution(contribution=entry, by=secretariat)
    with pytest.raises(ValidationError, match="cannot be changed"), transaction.atomic():
        services.update_contribution(contribution=entry, by=birdlife_fp, days=Decimal(15))
    with transaction.atomic():
        correction = services.correct_contribution(original=entry, by=birdlife_fp, days=Decimal(15))
        services.validate_contribution(contribution=correction, by=secretariat)
    entry.refresh_from_db()
    assert entry.days == 12 and correction.corrects == entry and correction.value == 4500
    with pytest.raises(ValidationError, match="corrected already"), transaction.atomic():
        services.correct_contribution(original=entry, by=birdlife_fp, days=Decimal(1))
    totals = selectors.totals(secretariat, by=("kind",), on=date(2024, 12, 31))
    assert totals.rows == [
        {"kind": "staff_time", "total_usd": Decimal("4500.00"), "total": Decimal("4500.00")}
    ]


def test_validated_money_for_an_activity_is_what_its_funding_gap_counts_as_secured(
    client, birdlife, birdlife_fp, secretariat
):
    """Seed 002's activity 5.2 needs about €25,000; €10,000 given by BirdLife closes part of it."""
    from cmsfamily.workplans.models import Activity

    activity = Activity.objects.get(programme__code="res-10-9", number="5.2")
    with transaction.atomic():
        set_exchange_rate(
            currency="EUR",
            quote="USD",
            rate=Decimal("1.10"),
            valid_from=date(2024, 1, 1),
            source="t",
            by=secretariat,
        )
    entry = _log(
        birdlife_fp,
        contributor_organisation=birdlife,
        activity=activity,
        kind="money",
        amount=Decimal(10000),
        currency="EUR",
        start=date(2024, 5, 1),
        status="pledged",
        description="Gap analysis follow-up",
        publish=True,
    )
    before = client.get("/workplans/res-10-9/", {"on": "2024-12-31"}).context["funding"]
    assert before.gap == Decimal("25000.00")  # not validated yet: not secured
    with transaction.atomic():
        services.validate_contribution(contribution=entry, by=secretariat)
    funding = client.get("/workplans/res-10-9/", {"on": "2024-12-31"}).context["funding"]
    assert (funding.needed, funding.secured, funding.gap) == (
        Decimal("25000.00"),
        Decimal("10000.00"),
        Decimal("15000.00"),
    )
    page = client.get("/workplans/res-10-9/", {"on": "2024-12-31"}).content.decode()
    assert "of which validated money in the contributions ledger" in page


def test_an_entry_counts_until_its_correction_is_validated(
    seed_rules, birdlife, birdlife_fp, secretariat
):
    entry = _log(
        birdlife_fp,
        contributor_organisation=birdlife,
        kind="staff_time",
        days=Decimal(10),
        start=date(2024, 1, 1),
        status="spent",
        description="Survey",
    )
    with transaction.atomic():
        services.validate_contribution(contribution=entry, by=secretariat)
        correction = services.correct_contribution(original=entry, by=birdlife_fp, days=Decimal(20))
    totals = selectors.totals(secretariat, by=("kind",), on=date(2024, 12, 31))
    assert [row["total_usd"] for row in totals.rows] == [Decimal("3000.00")]
    with transaction.atomic():
        services.validate_contribution(contribution=correction, by=secretariat)
    totals = selectors.totals(secretariat, by=("kind",), on=date(2024, 12, 31))
    assert [row["total_usd"] for row in totals.rows] == [Decimal("6000.00")]
