from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

TRANSLATED_MODELS = ("Region", "Party", "Instrument", "Organisation")


class DirectoryConfig(AppConfig):
    name = "cmsfamily.directory"
    label = "directory"
    verbose_name = _("Registry of the CMS Family")

    def ready(self):
        from cmsfamily.core.events import register_labels
        from cmsfamily.core.models import track_history_of_translated_models
        from cmsfamily.directory.events import LABELS

        register_labels(LABELS)

        track_history_of_translated_models(self, TRANSLATED_MODELS)
