"""Reads shared by the pages and the API; every one takes the user and is scoped."""

from django.db.models import Count, Prefetch

from cmsfamily.strategy.models import (
    MAPPINGS,
    AichiTarget,
    GbfTarget,
    Goal,
    Indicator,
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
