from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

TRANSLATED_MODELS = ("Region", "Party", "Instrument", "Organisation")


class DirectoryConfig(AppConfig):
    name = "cmsfamily.directory"
    label = "directory"
    verbose_name = _("Registry of the CMS Family")

    def ready(self):
        # modeltranslation (earlier in INSTALLED_APPS) has added the name_xx fields by now.
        from simple_history import register

        from cmsfamily.core.events import register_labels
        from cmsfamily.directory.events import LABELS

        register_labels(LABELS)

        for name in TRANSLATED_MODELS:
            model = self.get_model(name)
            if not hasattr(model, "history"):
                register(model)
