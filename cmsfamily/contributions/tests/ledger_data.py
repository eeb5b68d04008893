"""Entries and rules the page tests share: seed 003's day rates, and entries made through the
services (the pages are tested on what the ledger really computes)."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from cmsfamily.contributions import services
from cmsfamily.core.services import set_exchange_rate
from cmsfamily.directory.models import Organisation, Party

# Seed 003 values a staff day at US$300 and a day of meeting attendance at US$365. It gives no
# rate for hosting an event: the tests use this value, which comes from no source.
HOSTING_TEST_VALUE = Decimal(500)


def seed_rules(by, *, hosting: bool = False):
    with transaction.atomic():
        rules = [
            services.add_valuation_rule(
                kind="staff_time",
                value=Decimal(300),
                currency="USD",
                valid_from=date(2019, 1, 1),
                source="seed 003: FTE at a day rate of US$300/day",
                by=by,
            ),
            services.add_valuation_rule(
                kind="meeting_attendance",
                value=Decimal(365),
                currency="USD",
                valid_from=date(2019, 1, 1),
                source="seed 003: a day rate of US$365/day",
                by=by,
            ),
        ]
        if hosting:
            rules.append(
                services.add_valuation_rule(
                    kind="hosting",
                    value=HOSTING_TEST_VALUE,
                    currency="USD",
                    valid_from=date(2019, 1, 1),
                    source="TEST VALUE for the tests only: no source gives a hosting day rate",
                    by=by,
                )
            )
    return rules


def euro_rate(by, rate="1.10", valid_from=date(2020, 1, 1)):
    with transaction.atomic():
        return set_exchange_rate(
            currency="EUR",
            quote="USD",
            rate=Decimal(rate),
            valid_from=valid_from,
            source="test rate",
            by=by,
        )


def entry(by, *, organisation="birdlife", party=None, validated_by=None, **values):
    """A staff-time entry of BirdLife (or of a Party), published, unless told otherwise."""
    values = {
        "kind": "staff_time",
        "days": Decimal(20),
        "start": date(2024, 3, 1),
        "status": "spent",
        "description": "Flyway coordination",
        "publish": True,
        **values,
    }
    if party:
        values["contributor_party"] = Party.objects.get(code=party)
    else:
        values["contributor_organisation"] = Organisation.objects.get(slug=organisation)
    with transaction.atomic():
        logged = services.log_contribution(by=by, **values)
        if validated_by:
            services.validate_contribution(contribution=logged, by=validated_by)
    return logged
