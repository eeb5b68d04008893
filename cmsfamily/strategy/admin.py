from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from cmsfamily.strategy.models import (
    AichiTarget,
    GbfTarget,
    Goal,
    Indicator,
    StrategicPlan,
    SustainableDevelopmentGoal,
    Target,
    TargetAichiLink,
    TargetGbfLink,
    TargetSdgLink,
)


@admin.register(StrategicPlan)
class StrategicPlanAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["title", "code", "start_year", "end_year", "is_current"]


@admin.register(Goal)
class GoalAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["plan", "number", "confidence"]
    list_filter = ["plan"]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["plan", "number", "goal"]
    list_filter = ["plan"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["target", "code", "name"]


@admin.register(AichiTarget, SustainableDevelopmentGoal, GbfTarget)
class GlobalTargetAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["number", "short_title"]


@admin.register(TargetAichiLink, TargetSdgLink, TargetGbfLink)
class TargetLinkAdmin(SimpleHistoryAdmin):
    list_display = ["target", "global_target", "confidence"]
