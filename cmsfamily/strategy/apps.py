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
        # modeltranslation (earlier in INSTALLED_APPS) has added the xx_fr/xx_es fields by now.
        from simple_history import register

        from cmsfamily.core.events import register_labels
        from cmsfamily.strategy.events import LABELS

        register_labels(LABELS)

        for name in TRANSLATED_MODELS:
            model = self.get_model(name)
            if not hasattr(model, "history"):
                register(model)
