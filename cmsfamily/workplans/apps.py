from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplansConfig(AppConfig):
    name = "cmsfamily.workplans"
    label = "workplans"
    verbose_name = _("Work programmes")

    def ready(self):
        from cmsfamily.core.events import register_labels
        from cmsfamily.core.jobs import kinds
        from cmsfamily.core.models import track_history_of_translated_models
        from cmsfamily.workplans.events import LABELS
        from cmsfamily.workplans.jobs import KINDS

        register_labels(LABELS)
        for kind in KINDS:
            kinds.register(kind)
        track_history_of_translated_models(
            self, ("WorkProgramme", "Activity", "ProgressUpdate", "ResourceLine")
        )
