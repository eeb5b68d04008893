from modeltranslation.translator import TranslationOptions, register

from cmsfamily.strategy.models import (
    AichiTarget,
    GbfTarget,
    Goal,
    Indicator,
    StrategicPlan,
    SustainableDevelopmentGoal,
    Target,
)


class ShortTitleTranslation(TranslationOptions):
    fields = ("short_title",)


register(AichiTarget)(ShortTitleTranslation)
register(SustainableDevelopmentGoal)(ShortTitleTranslation)
register(GbfTarget)(ShortTitleTranslation)


@register(StrategicPlan)
class StrategicPlanTranslation(TranslationOptions):
    fields = ("title",)


@register(Goal)
class GoalTranslation(TranslationOptions):
    fields = ("text",)


@register(Target)
class TargetTranslation(TranslationOptions):
    fields = ("text",)


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("name",)
