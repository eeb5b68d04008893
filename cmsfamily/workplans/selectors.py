"""Reads shared by the pages and the API; every one takes the user and is scoped."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Prefetch, Q, Sum

from cmsfamily.core.selectors import Conversion, Converter, MissingRate
from cmsfamily.strategy.models import AichiTarget, Target, TargetAichiLink
from cmsfamily.workplans.choices import UpdateKind, UsedOrNeeded
from cmsfamily.workplans.models import Activity, ProgressUpdate, ResourceLine, WorkProgramme


def programmes(user):
    return (
        WorkProgramme.objects.visible_to(user)
        .select_related("owner", "partner")
        .annotate(activity_count=Count("activities", distinct=True))
        .order_by("code")
    )


def activities(user):
    return (
        Activity.objects.visible_to(user)
        .select_related("programme", "parent", "lead")
        .order_by("programme__code", "sort_key")
    )


def progress_updates(user):
    return (
        ProgressUpdate.objects.visible_to(user)
        .select_related("activity__programme", "author")
        .order_by("activity__programme__code", "activity__sort_key", "kind", "pk")
    )


def activity_detail(user):
    return activities(user).prefetch_related(
        Prefetch("updates", queryset=ProgressUpdate.objects.select_related("author")),
        "resources",
        "targets__plan",
        "aichi_targets",
        "programme__aichi_targets",
        "partners",
        "partner_parties",
        Prefetch("children", queryset=Activity.objects.order_by("sort_key")),
    )


def activity_tree(user, programme, *, with_parts=True):
    """The programme's activities as [(activity, [children ...])], every level in four queries.

    Each activity gets `updates_by_kind` (kind -> its updates, latest first, the undated after
    the dated on every database), `latest_updates` (the most recent update of each kind) and its
    resource lines, whatever the size of the programme. `with_parts=False` leaves updates and
    resources out (one query) for pages that show only the tree and its dates.
    """
    activities = (
        Activity.objects.visible_to(user)
        .filter(programme=programme)
        .select_related("lead")
        .order_by("sort_key")
    )
    if not with_parts:
        activities = activities.defer(*LONG_TEXTS)
    if with_parts:
        latest_first = ProgressUpdate.objects.select_related("author").order_by(
            F("date").desc(nulls_last=True), "-pk"
        )
        activities = activities.prefetch_related(
            Prefetch("updates", queryset=latest_first),
            Prefetch("resources", queryset=ResourceLine.objects.order_by("pk")),
        )
    rows = list(activities)
    children = defaultdict(list)
    for activity in rows:
        activity.programme = programme  # their URLs need its code: no query per activity
        if with_parts:
            by_kind = {kind: [] for kind in UpdateKind.values}
            for update in activity.updates.all():
                by_kind.setdefault(update.kind, []).append(update)
            activity.updates_by_kind = by_kind
            activity.latest_updates = [updates[0] for updates in by_kind.values() if updates]
        children[activity.parent_id].append(activity)
    for activity in rows:
        activity.child_list = children.get(activity.pk, [])
    known = {activity.pk for activity in rows}
    # Roots: no parent, or a parent outside what this user may see (never dropped silently).
    return [a for a in rows if a.parent_id is None or a.parent_id not in known]


LONG_TEXTS = ("description", "description_en", "description_fr", "description_es", "source")
OUTLINE_ROWS_PER_PAGE = 150


@dataclass
class OutlinePage:
    """One page of a programme's outline: whole top-level areas, about `OUTLINE_ROWS_PER_PAGE`
    rows, each row (activity, depth). A programme of a few hundred activities is one page."""

    rows: list[tuple[Activity, int]]
    number: int
    pages: int
    activities: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def outline(user, programme, *, page: int = 1) -> OutlinePage:
    """The tree as indented rows, paginated by whole areas, in three queries at any size: the
    tree's skeleton (ids and parents only), the page's activities (without their long texts),
    and the number and latest date of their updates.

    Raises ValueError for a page that does not exist.
    """
    skeleton = list(
        Activity.objects.visible_to(user)
        .filter(programme=programme)
        .order_by("sort_key")
        .values_list("pk", "parent_id")
    )
    known = {pk for pk, _parent in skeleton}
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in skeleton:
        # A parent outside what this user may see makes a root (never dropped silently).
        children[parent_id if parent_id in known else None].append(pk)

    def flatten(pk: int, depth: int):
        yield pk, depth
        for child in children.get(pk, []):
            yield from flatten(child, depth + 1)

    pages: list[list[tuple[int, int]]] = []
    for root in children.get(None, []):
        group = list(flatten(root, 0))
        if not pages or (pages[-1] and len(pages[-1]) + len(group) > OUTLINE_ROWS_PER_PAGE):
            pages.append([])
        pages[-1].extend(group)
    pages = pages or [[]]
    if not 1 <= page <= len(pages):
        raise ValueError(page)
    wanted = pages[page - 1]
    loaded = Activity.objects.filter(pk__in=[pk for pk, _depth in wanted]).select_related("lead")
    by_pk = {activity.pk: activity for activity in loaded.defer(*LONG_TEXTS)}
    counts = {
        row["activity_id"]: row
        for row in ProgressUpdate.objects.filter(activity__in=by_pk)
        .values("activity_id")
        .annotate(count=Count("pk"), latest=Max("date"))
        .order_by()
    }
    rows = []
    for pk, depth in wanted:
        activity: Any = by_pk[pk]  # gains the outline's attributes below
        activity.programme = programme  # its URL needs the code: no query per row
        activity.is_area = bool(children.get(pk))
        found = counts.get(pk, {})
        activity.update_count = found.get("count", 0)
        activity.latest_update = found.get("latest")
        rows.append((activity, depth))
    return OutlinePage(rows, page, len(pages), len(skeleton))


def targets_through_aichi(activity) -> list[tuple[Target, list[AichiTarget]]]:
    """Strategic Plan targets mapped to an Aichi Target the activity or its programme names,
    each with those Aichi Targets; the direct links are left out."""
    aichi = {t.pk: t for t in activity.aichi_targets.all()}
    aichi.update({t.pk: t for t in activity.programme.aichi_targets.all()})
    direct = {t.pk for t in activity.targets.all()}
    links = (
        TargetAichiLink.objects.filter(global_target__in=aichi)
        .exclude(target__in=direct)
        .select_related("target__plan")
        .order_by("target__plan__code", "target__number")
    )
    found: dict[int, tuple[Target, list[AichiTarget]]] = {}
    for link in links:
        found.setdefault(link.target_id, (link.target, []))[1].append(aichi[link.global_target_id])
    return list(found.values())


def walk(tree):
    """Every activity of an `activity_tree`, parents before children."""
    for activity in tree:
        yield activity
        yield from walk(activity.child_list)


@dataclass
class Funding:
    """Needed, secured and the gap of a set of resource lines, converted into one currency.

    Amounts are first summed per currency (`per_currency`), then converted with the rates in force
    on `on`. A missing rate leaves the converted figures empty and says why in `error`: a gap is
    never computed as if the amount were zero. Lines stating no amount are counted, not summed.
    """

    currency: str
    on: date
    per_currency: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    conversions: list[Conversion] = field(default_factory=list)
    lines: int = 0
    without_amount: int = 0
    needed_without_amount: int = 0
    needed: Decimal | None = None
    secured: Decimal | None = None
    secured_by_contributions: Decimal = Decimal(0)  # in US dollars
    error: str = ""

    @property
    def gap(self) -> Decimal | None:
        if self.needed is None or self.secured is None:
            return None
        return self.needed - self.secured

    def add(self, amount, currency, used_or_needed, secured) -> None:
        needed = used_or_needed == UsedOrNeeded.NEEDED
        self.lines += 1
        if amount is None or not currency:
            self.without_amount += 1
            self.needed_without_amount += needed
            return
        sums = self.per_currency.setdefault(currency, {"needed": Decimal(0), "secured": Decimal(0)})
        if needed:
            sums["needed"] += amount
        if secured:
            sums["secured"] += amount

    def add_secured(self, amount: Decimal, currency: str) -> None:
        """Money validated in the contributions ledger for the activity (one source of truth)."""
        self.secured_by_contributions += amount
        sums = self.per_currency.setdefault(currency, {"needed": Decimal(0), "secured": Decimal(0)})
        sums["secured"] += amount

    def convert(self, converter: Converter) -> "Funding":
        needed = secured = Decimal(0)
        try:
            for currency, sums in sorted(self.per_currency.items()):
                for key in ("needed", "secured"):
                    if sums[key]:
                        conversion = converter.convert(sums[key], currency)
                        self.conversions.append(conversion)
                        needed += conversion.value if key == "needed" else 0
                        secured += conversion.value if key == "secured" else 0
        except MissingRate as missing:
            self.error = missing.message
            return self
        self.needed, self.secured = needed, secured
        return self


def funding(user, programme, *, currency: str, on: date) -> tuple[Funding, dict[int, Funding]]:
    """The programme's funding and each activity's, in `currency` at the rates of `on`.

    Two queries whatever the size: the resource lines, and the exchange rates.
    """
    converter = Converter(currency, on)
    total = Funding(currency, on)
    per_activity: dict[int, Funding] = {}
    lines = ResourceLine.objects.visible_to(user).filter(activity__programme=programme)
    for activity_id, *values in lines.values_list(
        "activity_id", "amount", "currency", "used_or_needed", "secured"
    ):
        total.add(*values)
        per_activity.setdefault(activity_id, Funding(currency, on)).add(*values)
    for activity_id, amount in _secured_money(user, activity__programme=programme):
        total.add_secured(amount, SECURED_CURRENCY)
        per_activity.setdefault(activity_id, Funding(currency, on)).add_secured(
            amount, SECURED_CURRENCY
        )
    total.convert(converter)
    for each in per_activity.values():
        each.convert(converter)
    return total, per_activity


def activity_funding(user, activity, *, currency: str, on: date) -> Funding:
    converter = Converter(currency, on)
    result = Funding(currency, on)
    for values in (
        ResourceLine.objects.visible_to(user)
        .filter(activity=activity)
        .values_list("amount", "currency", "used_or_needed", "secured")
    ):
        result.add(*values)
    for _activity_id, amount in _secured_money(user, activity=activity):
        result.add_secured(amount, SECURED_CURRENCY)
    return result.convert(converter)


SECURED_CURRENCY = "USD"  # the ledger keeps every value in US dollars as well


def _secured_money(user, **where):
    """(activity id, US dollars) of validated money contributions to activities, read through
    the reverse relation: the contributions app is higher than workplans, which never imports it."""
    ledger: Any = Activity._meta.get_field("contributions").related_model
    return (
        ledger.objects.visible_to(user)
        .validated()
        .current()
        .filter(kind="money", **where)
        .values("activity_id")
        .annotate(total=Sum("base_value"))
        .values_list("activity_id", "total")
        .order_by()
    )


@dataclass
class ReportRow:
    """One activity of a progress report, in the columns of seed 002's Annex."""

    activity: Activity
    depth: int
    parent_number: str
    has_children: bool = False
    progress: list[ProgressUpdate] = field(default_factory=list)
    plan: list[ProgressUpdate] = field(default_factory=list)
    resources: list[ResourceLine] = field(default_factory=list)

    @property
    def is_reported(self) -> bool:
        return bool(self.progress or self.plan or self.resources)

    @property
    def is_area(self) -> bool:
        """It has sub-activities: the seed gives such an area a description, not the columns."""
        return self.has_children

    @property
    def heading_level(self) -> int:
        """h2 for the top level under the report's h1, one deeper per level, h6 at most."""
        return min(self.depth + 2, 6)


def progress_report(user, programme) -> list[ReportRow]:
    """The programme's activities in tree order (1, 1.1, 1.2, 2 ...) in the shape of the Annex of
    UNEP/CMS/COP11/Doc.16.1: each with its progress (short-term progress and plain progress
    updates, latest first), its plan (medium-term plan updates) and its resource lines.

    The queries of `activity_tree`, whatever the size of the programme.
    """
    rows: list[ReportRow] = []

    def add(activities, depth, parent_number):
        for activity in activities:
            rows.append(
                ReportRow(
                    activity=activity,
                    depth=depth,
                    parent_number=parent_number,
                    has_children=bool(activity.child_list),
                    progress=[
                        update
                        for update in activity.updates.all()
                        if update.kind != UpdateKind.MEDIUM_TERM_PLAN
                    ],
                    plan=activity.updates_by_kind[UpdateKind.MEDIUM_TERM_PLAN],
                    resources=list(activity.resources.all()),
                )
            )
            add(activity.child_list, depth + 1, activity.number)

    add(activity_tree(user, programme), 0, "")
    return rows


def serving(user, targets, *, with_progress: bool = False) -> list[Activity]:
    """The activities the user sees that serve any of these Strategic Plan targets: linked to one
    directly, or to an Aichi Target one of them maps to (the activity's own or its programme's).
    Each comes with its targets, its and its programme's Aichi Targets and, `with_progress`, its
    progress updates latest first (the undated last). A fixed number of queries whatever the
    number of targets and activities; `targets` must come with their `aichi_links` prefetched."""
    aichi = {link.global_target_id for target in targets for link in target.aichi_links.all()}
    found = (
        Activity.objects.visible_to(user)
        .filter(
            Q(targets__in=targets)
            | Q(aichi_targets__in=aichi)
            | Q(programme__aichi_targets__in=aichi)
        )
        .distinct()
        .select_related("programme")
        .prefetch_related("targets", "aichi_targets", "programme__aichi_targets")
        .order_by("programme__code", "sort_key")
    )
    if with_progress:
        latest_first = (
            ProgressUpdate.objects.visible_to(user)
            .exclude(kind=UpdateKind.MEDIUM_TERM_PLAN)
            .order_by(F("date").desc(nulls_last=True), "-pk")
        )
        found = found.prefetch_related(Prefetch("updates", queryset=latest_first))
    else:
        found = found.defer(*LONG_TEXTS)
    return list(found)
