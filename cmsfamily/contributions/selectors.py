"""Reads shared by the pages, the API and the exports; every one takes the user and is scoped."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.db.models.functions import ExtractYear

from cmsfamily.contributions.choices import PaymentStatus
from cmsfamily.contributions.models import AssessedContribution, Contribution, ValuationRule
from cmsfamily.contributions.services import BASE_CURRENCY
from cmsfamily.core.selectors import Converter, MissingRate


def contributions(user):
    return (
        Contribution.objects.visible_to(user)
        .select_related(
            "contributor_organisation",
            "contributor_party",
            "instrument",
            "activity__programme",
            "target__plan",
            "rule",
            "corrects",
        )
        .order_by("-start", "-pk")
    )


def contribution_detail(user):
    return contributions(user).select_related("entered_by", "validated_by", "base_rate")


def valuation_rules():
    return ValuationRule.objects.order_by("kind", "valid_from")


# The ways totals can be broken down: name -> (value expression, label expression).
DIMENSIONS = {
    "kind": ("kind",),
    "year": ("year",),
    "contributor_organisation": ("contributor_organisation__name",),
    "contributor_party": ("contributor_party__name",),
    "instrument": ("instrument__code",),
    "activity": ("activity__programme__code", "activity__number"),
    "target": ("target__plan__code", "target__number"),
}


def counted(user):
    """The entries totals count: validated, not replaced by a correction, visible to the user
    (for the public: only those the contributor agreed to publish)."""
    return Contribution.objects.visible_to(user).validated().current()


@dataclass
class Totals:
    """Sums in US dollars (each entry converted at its own date when it was logged), and in the
    reporting currency at the rate of one date; `error` says which rate is missing."""

    by: tuple[str, ...]
    rows: list[dict]
    currency: str
    on: date
    error: str = ""


def totals(user, *, by: tuple[str, ...], currency: str = BASE_CURRENCY, on: date) -> Totals:
    """One GROUP BY in the database, then one conversion factor for every row."""
    fields = [field for name in by for field in DIMENSIONS[name]]
    rows = list(
        counted(user)
        .annotate(year=ExtractYear("start"))
        .values(*fields)
        .annotate(total=Sum("base_value"))
        .order_by(*fields)
    )
    result = Totals(by, rows, currency, on)
    try:
        factor, _rates = Converter(currency, on).factor(BASE_CURRENCY)
    except MissingRate as missing:
        result.error = missing.message
        factor = None
    for row in rows:
        row["total_usd"] = row.pop("total")
        row["total"] = (row["total_usd"] * factor).quantize(Decimal("0.01")) if factor else None
    return result


def secured_for_activities(activity_ids) -> dict[int, Decimal]:
    """US dollars of validated money pledged or received for each activity: what the funding gap
    of a work programme counts as secured (one source of truth)."""
    rows = (
        Contribution.objects.validated()
        .current()
        .filter(activity_id__in=activity_ids, kind="money")
        .values("activity_id")
        .annotate(total=Sum("base_value"))
        .order_by()
    )
    return {row["activity_id"]: row["total"] for row in rows}


def assessed(user):
    return (
        AssessedContribution.objects.visible_to(user)
        .select_related("party", "instrument")
        .annotate(paid=Sum("payments__amount", default=Decimal(0)))
        .order_by("party__name", "instrument__code", "-year")
    )


def payment_status(row) -> str:
    if row.paid >= row.amount:
        return PaymentStatus.PAID
    if row.paid > 0:
        return PaymentStatus.PARTLY_PAID
    return PaymentStatus.UNPAID


def arrears(user, *, today: date):
    """Assessed contributions of past years not fully paid, with what is outstanding."""
    rows = assessed(user).filter(year__lt=today.year).filter(~Q(paid__gte=F("amount")))
    for row in rows:
        row.outstanding = row.amount - row.paid
    return rows
