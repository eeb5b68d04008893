"""Reads shared by the pages, the API and the exports; every one takes the user and is scoped."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils.text import Truncator

from cmsfamily.contributions.choices import Kind, PaymentStatus
from cmsfamily.contributions.models import AssessedContribution, Contribution, ValuationRule
from cmsfamily.contributions.services import BASE_CURRENCY
from cmsfamily.core.selectors import Converter, MissingRate
from cmsfamily.directory.models import Instrument
from cmsfamily.strategy.models import StrategicPlan
from cmsfamily.workplans.models import WorkProgramme


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


class Year(ExtractYear):
    """ExtractYear that SQLite computes itself. Django's SQLite backend extracts through a Python
    function called once per row, which made the totals over a million entries (make bench) about
    1.5× the raw SQL of the same aggregate; PostgreSQL keeps EXTRACT."""

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(strftime('%%Y', {sql}) AS INTEGER)", params


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


def code_labels(by: tuple[str, ...], rows: list[dict]) -> dict[str, dict[str, str]]:
    """What the codes in totals rows stand for, as a reader names them: an instrument's acronym
    or name, a work programme's title, a strategic plan's title (never the platform's slugs).
    One query per breakdown that needs it; only the codes in the rows are named."""
    wanted: dict[str, tuple[Any, str, Callable[[Any], str]]] = {
        "instrument": (Instrument, "instrument__code", lambda each: each.label),
        "activity": (
            WorkProgramme,
            "activity__programme__code",
            lambda each: Truncator(each.title).words(8),
        ),
        "target": (StrategicPlan, "target__plan__code", lambda each: each.title),
    }
    labels: dict[str, dict[str, str]] = {}
    for name, (model, key, label) in wanted.items():
        if name not in by:
            continue
        codes = {row[key] for row in rows if row.get(key)}
        # Read whole (small tables, one query whatever the rows): a filter on no code at all would
        # skip the query, and the page's query count would depend on its rows.
        labels[name] = {
            each.code: label(each) for each in model._default_manager.all() if each.code in codes
        }
    return labels


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
        .annotate(year=Year("start"))
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


# -- the web pages' reads (additive helpers) ---------------------------------------------------


def _replaced():
    return Exists(Contribution.objects.filter(corrects=OuterRef("pk")))


def ledger(user):
    """The rows of the ledger page: each knows whether a correction has replaced it (one query
    however many rows, so the page can say why an entry no longer counts in the totals)."""
    return contributions(user).annotate(replaced=_replaced())


def entry_page(user):
    """One entry with everything its page shows, and whether a correction has replaced it."""
    return contribution_detail(user).annotate(replaced=_replaced())


def correction_chain(user, contribution) -> tuple[Contribution | None, Contribution | None]:
    """(the entry it corrects, the entry correcting it), each only if the user may see it."""
    if contribution.corrects_id is None and not contribution.replaced:
        return None, None
    related = {
        entry.pk: entry
        for entry in contributions(user).filter(
            Q(pk=contribution.corrects_id) | Q(corrects=contribution)
        )
    }
    corrects = related.pop(contribution.corrects_id, None)
    return corrects, next(iter(related.values()), None)


def organisation_totals(user, organisation) -> list[dict]:
    """US dollars by year and kind of what one organisation gave, as the totals count it."""
    return list(
        counted(user)
        .filter(contributor_organisation=organisation)
        .annotate(year=Year("start"))
        .values("year", "kind")
        .annotate(total=Sum("base_value"), entries=Count("pk"))
        .order_by("-year", "kind")
    )


def awaiting_validation(user, organisation) -> dict:
    """How many of the organisation's entries the user sees that are not validated yet, and
    their value in US dollars: not counted in the totals until the Secretariat validates them."""
    return (
        contributions(user)
        .filter(contributor_organisation=organisation, validated_at__isnull=True)
        .order_by()
        .aggregate(entries=Count("pk"), total=Sum("base_value"))
    )


@dataclass
class FundingNeed:
    activity: Any  # a workplans Activity (read through the workplans selectors)
    programme: Any
    funding: Any  # workplans.selectors.Funding


def donor_view(user, *, currency: str, on: date) -> tuple[list[FundingNeed], list[str]]:
    """Activities of published work programmes that still need funds (seed 003's donor-oriented
    document of planned and partly funded work): a gap above zero after validated contributions,
    or a need stated without an amount. Largest gap first; errors name any missing rate."""
    from cmsfamily.workplans import selectors as workplans
    from cmsfamily.workplans.choices import ProgrammeStatus
    from cmsfamily.workplans.models import Activity

    needs: list[FundingNeed] = []
    errors: list[str] = []
    programmes = workplans.programmes(user).filter(status=ProgrammeStatus.PUBLISHED)
    for programme in programmes:
        _total, per_activity = workplans.funding(user, programme, currency=currency, on=on)
        wanted = {
            pk: funding
            for pk, funding in per_activity.items()
            if (funding.gap or 0) > 0 or funding.needed_without_amount or funding.error
        }
        for funding in wanted.values():
            if funding.error and funding.error not in errors:
                errors.append(funding.error)
        activities = Activity.objects.filter(pk__in=wanted).defer(
            "description", "description_en", "description_fr", "description_es", "source"
        )
        for activity in activities:
            activity.programme = programme
            needs.append(FundingNeed(activity, programme, wanted[activity.pk]))
    needs.sort(
        key=lambda need: (-(need.funding.gap or 0), need.programme.code, need.activity.sort_key)
    )
    return needs, errors


# Demo content (DESIGN §6) never leaves the platform in an export of real data: entries made or
# validated by demo accounts, given by demo organisations, or to the demo programme (its code
# starts with this prefix, workplans/demo.py).
DEMO_PROGRAMME_PREFIX = "demo-"


def iati_money_flows():
    """The money flows of the IATI activity file, the same whoever asks: validated money given to
    an activity of a published work programme, counted as the public totals count it (current,
    and only where the contributor agreed to publish), without demo content. Ordered by activity,
    so that one pass groups them; one query however many activities."""
    from cmsfamily.workplans.models import Activity

    public = AnonymousUser()
    return (
        counted(public)
        .filter(kind=Kind.MONEY, activity__in=Activity.objects.visible_to(public))
        .exclude(activity__programme__code__startswith=DEMO_PROGRAMME_PREFIX)
        .exclude(contributor_organisation__is_demo=True)
        .exclude(entered_by__is_demo=True)
        .exclude(validated_by__is_demo=True)
        .select_related(
            "contributor_organisation",
            "contributor_party",
            "instrument__secretariat",
            "activity__programme__owner",
            "activity__lead",
        )
        .order_by("activity__programme__code", "activity__sort_key", "start", "pk")
    )


def to_work_of_targets(user, *, activity_ids, target_ids) -> list[Contribution]:
    """The entries totals count (`counted`) made to these activities or directly to these
    Strategic Plan targets, with their contributor (named in the reader's language); each is
    valued by `base_value`, US dollars at its own date, as the ledger values it. One query
    whatever the number of activities, targets and entries."""
    return list(
        counted(user)
        .filter(Q(activity_id__in=activity_ids) | Q(target_id__in=target_ids))
        .select_related("contributor_organisation", "contributor_party")
        .only(
            "pk",
            "activity_id",
            "target_id",
            "kind",
            "base_value",
            "contributor_organisation",
            "contributor_party",
        )
        .order_by("pk")
    )
