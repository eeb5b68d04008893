from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "cmsfamily.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from cmsfamily.core.events import register_labels
        from cmsfamily.meetings.events import LABELS

        register_labels(LABELS)
