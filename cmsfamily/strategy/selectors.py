"""Reads shared by the pages and the API; every one takes the user and is scoped."""

from typing import Any

from django.db.models import Count, Prefetch

from cmsfamily.strategy.models import (
    MAPPINGS,
    AichiTarget,
    GbfTarget,
    Goal,
    Indicator,
    IndicatorValue,
    StrategicPlan,
    SustainableDevelopmentGoal,
    Target,
)

LINK_PREFETCHES = [f"{related}__global_target" for _model, _global, related in MAPPINGS.values()]


def plans(user):
    return StrategicPlan.objects.visible_to(user).annotate(
        goal_count=Count("goals", distinct=True), target_count=Count("targets", distinct=True)
    )


def targets(user):
    return (
        Target.objects.visible_to(user)
        .select_related("plan", "goal")
        .prefetch_related(*LINK_PREFETCHES)
        .order_by("plan__start_year", "plan__code", "number")
    )


def goals(user):
    return Goal.objects.visible_to(user).select_related("plan").order_by("plan__code", "number")


def goals_with_targets(user, plan):
    return (
        Goal.objects.visible_to(user)
        .filter(plan=plan)
        .prefetch_related(
            Prefetch(
                "targets",
                queryset=Target.objects.visible_to(user)
                .select_related("plan")
                .order_by("number")
                .prefetch_related(*LINK_PREFETCHES),
            )
        )
        .order_by("number")
    )


def indicators(user):
    return (
        Indicator.objects.visible_to(user)
        .select_related("target__plan")
        .order_by("target__plan__code", "target__number", "code")
    )


def indicator(user, key: str) -> Indicator | None:
    """An indicator by its id, or None (the page says 404)."""
    if not key.isdigit():
        return None
    return indicators(user).filter(pk=int(key)).first()


def indicator_values(user, indicator_ids=None):
    """Entered values, with whom each is of, by indicator, year and scope."""
    values = IndicatorValue.objects.visible_to(user).select_related("region", "party__region")
    if indicator_ids is not None:
        values = values.filter(indicator__in=indicator_ids)
    return values.order_by("indicator", "year", "scope", "region__order", "party__name")


def aichi_targets(user):
    return AichiTarget.objects.visible_to(user).order_by("number")


def sdgs(user):
    return SustainableDevelopmentGoal.objects.visible_to(user).order_by("number")


def gbf_targets(user):
    return GbfTarget.objects.visible_to(user).order_by("number")


def matrix(user, plan, kind):
    """(global targets, rows) where each row is (target, [link or None per global target])."""
    link_model, global_model, related = MAPPINGS[kind]
    columns = list(global_model.objects.visible_to(user).order_by("number"))
    links = {
        (link.target_id, link.global_target_id): link
        for link in link_model.objects.visible_to(user)
        .filter(target__plan=plan)
        .select_related("global_target")
    }
    rows = [
        (target, [links.get((target.pk, column.pk)) for column in columns])
        for target in Target.objects.visible_to(user)
        .filter(plan=plan)
        .select_related("plan")
        .order_by("number")
    ]
    return columns, rows, bool(links)


def work_serving(user, target) -> dict:
    """The work programmes and activities that serve a target, read through reverse relations
    (workplans is a higher app; strategy never imports it).

    `direct`: activities the Secretariat linked to the target. `through_aichi`: programmes and
    activities linked to an Aichi Target that this target maps to (e.g. the CBD-CMS Joint Work
    Plan names Aichi Targets 5, 9, 11 and 12), each with the Aichi Targets that make the link.
    A fixed number of queries whatever the number of mappings.
    """
    aichi = {
        link.global_target_id: link.global_target
        for link in target.aichi_links.select_related("global_target")
    }
    programme_model: Any = AichiTarget._meta.get_field("work_programmes").related_model
    activity_model: Any = AichiTarget._meta.get_field("activities").related_model
    direct = list(
        target.activities.visible_to(user)
        .select_related("programme")
        .order_by("programme__code", "sort_key")
    )
    programmes = list(
        programme_model.objects.visible_to(user)
        .filter(aichi_targets__in=aichi)
        .distinct()
        .prefetch_related("aichi_targets")
        .order_by("code")
    )
    activities = list(
        activity_model.objects.visible_to(user)
        .filter(aichi_targets__in=aichi)
        .exclude(pk__in=[activity.pk for activity in direct])
        .distinct()
        .select_related("programme")
        .prefetch_related("aichi_targets")
        .order_by("programme__code", "sort_key")
    )
    for record in (*programmes, *activities):
        record.shared_aichi = [t for t in record.aichi_targets.all() if t.pk in aichi]
    return {"direct": direct, "programmes": programmes, "activities": activities}
