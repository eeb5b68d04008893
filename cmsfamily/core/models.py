"""Base models shared by every app: timestamps, scoped querysets and the domain-event log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        abstract = True


class RestrictedQuerySet(models.QuerySet):
    """Deny by default: a model's manager must say what a user may see."""

    def visible_to(self, user):  # pragma: no cover - every subclass overrides
        return self.none()


class Event(models.Model):
    """A domain event (appointed, confirmed, submitted ...) written in the transaction of its change."""

    kind = models.CharField(_("event"), max_length=64, db_index=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self):
        return f"{self.kind} {self.target_type}:{self.target_id}"


def track_history_of_translated_models(app_config, model_names) -> None:
    """Register simple-history for models with modeltranslation fields, from AppConfig.ready().

    modeltranslation adds the name_fr/name_es fields when apps are ready; a HistoricalRecords
    declared on the class would be built before them and so would not track the translations.
    """
    from simple_history import register

    for name in model_names:
        model = app_config.get_model(name)
        if not hasattr(model, "history"):
            register(model)
