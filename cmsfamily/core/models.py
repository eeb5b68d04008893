"""Base models shared by every app: timestamps, scoped querysets and the domain-event log."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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
    # The request it was written in (X-Request-ID, also in that request's log lines); blank when
    # written by a command or a task.
    request_id = models.CharField(_("request"), max_length=64, blank=True, default="")

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


def currency_codes() -> frozenset[str]:
    """ISO 4217 codes in use, from Unicode CLDR through Babel."""
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def validate_currency(code: str) -> None:
    if code not in currency_codes():
        raise ValidationError(
            _("“%(code)s” is not an ISO 4217 currency code (e.g. EUR, USD)."),
            code="unknown_currency",
            params={"code": code},
        )


class ExchangeRate(TimeStampedModel):
    """One unit of `currency` is worth `rate` units of `quote`, from `valid_from` until superseded.

    Kept by the CMS Secretariat (e.g. from the UN operational rates of exchange). Conversions use
    the latest rate on or before the date asked for; a missing rate is an error, never a zero.
    It lives in core, not in contributions as DESIGN §3 lists, because work programmes (a lower
    app than contributions) need it for their funding gap.
    """

    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    quote = models.CharField(
        _("in currency"), max_length=3, validators=[validate_currency], default="USD"
    )
    rate = models.DecimalField(
        _("rate"),
        max_digits=18,
        decimal_places=8,
        validators=[MinValueValidator(Decimal("0.00000001"))],
        help_text=_("Units of the second currency for one unit of the first."),
    )
    valid_from = models.DateField(_("valid from"))
    source = models.CharField(_("source"), max_length=300)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["currency", "quote", "-valid_from"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "quote", "valid_from"], name="core_exchangerate_unique_day"
            ),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="core_rate_positive"),
            models.CheckConstraint(
                condition=~models.Q(currency=models.F("quote")), name="core_rate_two_currencies"
            ),
        ]

    def __str__(self):
        return f"1 {self.currency} = {self.rate.normalize():f} {self.quote} ({self.valid_from})"


# The background jobs' model lives with the rest of the jobs (core/jobs) and belongs to this app.
from cmsfamily.core.jobs.models import Job, JobStatus  # noqa: E402, F401
