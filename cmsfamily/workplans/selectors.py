"""Reads shared by the pages and the API; every one takes the user and is scoped."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Prefetch

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
        Prefetch("children", queryset=Activity.objects.order_by("sort_key")),
    )


def activity_tree(user, programme):
    """The programme's activities as [(activity, [children ...])], every level in four queries.

    Each activity gets `latest_updates` (the most recent update of each kind) and its resource
    lines, whatever the size of the programme.
    """
    rows = list(
        Activity.objects.visible_to(user)
        .filter(programme=programme)
        .select_related("lead")
        .prefetch_related(
            Prefetch("updates", queryset=ProgressUpdate.objects.order_by("-date", "-pk")),
            Prefetch("resources", queryset=ResourceLine.objects.order_by("pk")),
        )
        .order_by("sort_key")
    )
    children = defaultdict(list)
    for activity in rows:
        activity.programme = programme  # their URLs need its code: no query per activity
        latest = {}
        for update in activity.updates.all():
            latest.setdefault(update.kind, update)
        activity.latest_updates = [latest[kind] for kind in UpdateKind.values if kind in latest]
        children[activity.parent_id].append(activity)
    for activity in rows:
        activity.child_list = children.get(activity.pk, [])
    known = {activity.pk for activity in rows}
    # Roots: no parent, or a parent outside what this user may see (never dropped silently).
    return [a for a in rows if a.parent_id is None or a.parent_id not in known]


def funding_summary(user, programme) -> dict:
    """Per currency, the sum of the 'needed' amounts that are stated; lines without one counted.

    No exchange-rate conversion yet: amounts in different currencies are never added together.
    """
    totals: dict[str, Decimal] = defaultdict(Decimal)
    lines = ResourceLine.objects.visible_to(user).filter(activity__programme=programme)
    summary = {"lines": 0, "without_amount": 0, "needed_lines": 0, "needed_without_amount": 0}
    for amount, currency, used_or_needed in lines.values_list(
        "amount", "currency", "used_or_needed"
    ):
        needed = used_or_needed == UsedOrNeeded.NEEDED
        summary["lines"] += 1
        summary["needed_lines"] += needed
        if amount is None or not currency:
            summary["without_amount"] += 1
            summary["needed_without_amount"] += needed
        elif needed:
            totals[currency] += amount
    return {**summary, "needed": sorted(totals.items())}
