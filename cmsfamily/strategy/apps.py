from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

TRANSLATED_MODELS = (
    "AichiTarget",
    "SustainableDevelopmentGoal",
    "GbfTarget",
    "StrategicPlan",
    "Goal",
    "Target",
    "Indicator",
)


class StrategyConfig(AppConfig):
    name = "cmsfamily.strategy"
    label = "strategy"
    verbose_name = _("Strategic Plan")

    def ready(self):
        from cmsfamily.core.events import register_labels
        from cmsfamily.core.models import track_history_of_translated_models
        from cmsfamily.strategy.events import LABELS

        register_labels(LABELS)

        track_history_of_translated_models(self, TRANSLATED_MODELS)
