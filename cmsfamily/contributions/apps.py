from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContributionsConfig(AppConfig):
    name = "cmsfamily.contributions"
    label = "contributions"
    verbose_name = _("Contributions")

    def ready(self):
        from cmsfamily.contributions.events import LABELS
        from cmsfamily.core.events import register_labels

        register_labels(LABELS)
