from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "cmsfamily.decisions"
    label = "decisions"
    verbose_name = _("Decisions and consultations")

    def ready(self):
        from cmsfamily.core.events import register_labels
        from cmsfamily.decisions.events import LABELS

        register_labels(LABELS)
