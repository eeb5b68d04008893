from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "cmsfamily.reporting"
    label = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        from cmsfamily.core.events import register_labels
        from cmsfamily.core.jobs import kinds
        from cmsfamily.core.models import track_history_of_translated_models
        from cmsfamily.reporting.events import LABELS
        from cmsfamily.reporting.jobs import KINDS

        register_labels(LABELS)
        for kind in KINDS:
            kinds.register(kind)
        track_history_of_translated_models(self, ("Question", "Template", "Cycle"))
