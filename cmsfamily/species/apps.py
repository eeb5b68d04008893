from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

TRANSLATED_MODELS = ("Taxon",)


class SpeciesConfig(AppConfig):
    name = "cmsfamily.species"
    label = "species"
    verbose_name = _("Species of the CMS Appendices")

    def ready(self):
        from cmsfamily.core.events import register_labels
        from cmsfamily.core.models import track_history_of_translated_models
        from cmsfamily.species.events import LABELS

        register_labels(LABELS)

        track_history_of_translated_models(self, TRANSLATED_MODELS)
