"""The valuation rules seed 003 ("Conservation Collaboration", 2019) states (a staff day at US$300, a meeting day at US$365), loaded
as the ledger's first rules. The document gives them no period: they are dated from its year
(2019) and left open-ended until the Secretariat adds the next rule. Idempotent."""

import json
from datetime import date
from decimal import Decimal

from django.db import transaction

from cmsfamily.contributions.models import ValuationRule
from cmsfamily.contributions.scenario import PATH, citation

SEED_YEAR_START = date(2019, 1, 1)
DAY_RULES = {"staff_day", "meeting_day"}  # the per-Partner-year amounts are not unit rules


@transaction.atomic
def load_seed_rules() -> int:
    data = json.loads(PATH.read_text(encoding="utf-8"))
    created = 0
    for row in data["rules"]:
        if row["kind"] not in DAY_RULES:
            continue
        source = (
            f"{citation(data['source']['document'], data['source']['year'], row['paragraph'])}: "
            f"“{row['quote']}” The document gives no period; the rule is dated from its year."
        )
        # A rule loaded before the source was cited as a reader knows it named the data file's
        # seed and lines: it gets the citation, nothing else changes.
        ValuationRule.objects.filter(
            kind=row["contribution_kind"], source__contains="seed 003, lines"
        ).update(source=source)
        if ValuationRule.objects.filter(kind=row["contribution_kind"]).exists():
            continue
        ValuationRule.objects.create(
            kind=row["contribution_kind"],
            unit=row["unit"],
            value=Decimal(row["value"]),
            currency=row["currency"],
            valid_from=SEED_YEAR_START,
            source=source,
        )
        created += 1
    return created
