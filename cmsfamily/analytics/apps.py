from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "cmsfamily.analytics"
    label = "analytics"
    verbose_name = _("Analysis")

    def ready(self):
        from cmsfamily.analytics.duties_views import party_panel
        from cmsfamily.analytics.editions.jobs import KINDS
        from cmsfamily.analytics.events import LABELS
        from cmsfamily.core.events import register_labels
        from cmsfamily.core.jobs import kinds
        from cmsfamily.directory.panels import register_party_panel

        register_labels(LABELS)
        for kind in KINDS:
            kinds.register(kind)

        # The registry's Party page shows the Party's duties (a lower app reads a higher one's
        # panel through the registration, never by import).
        register_party_panel(party_panel)
