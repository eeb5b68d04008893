"""The contributions ledger: what Parties, Partners and donors give to the CMS Family, each valued
with the dated rule in force at its date; and the Parties' assessed contributions and payments."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cmsfamily.contributions.choices import Kind, Status
from cmsfamily.contributions.querysets import AssessedQuerySet, ContributionQuerySet
from cmsfamily.core.models import TimeStampedModel, validate_currency

NOT_NEGATIVE = [MinValueValidator(Decimal(0))]


class ValuationRule(TimeStampedModel):
    """The value of one unit of a kind of contribution (a staff day, a meeting day ...) from
    `valid_from` to `valid_to` (open-ended when empty). Rules of one kind never overlap."""

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    unit = models.CharField(_("unit"), max_length=40, default="day")
    value = models.DecimalField(
        _("value per unit"), max_digits=14, decimal_places=2, validators=NOT_NEGATIVE
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.TextField(_("source"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "valid_from"]
        verbose_name = _("valuation rule")
        verbose_name_plural = _("valuation rules")

    def __str__(self):
        end = self.valid_to.isoformat() if self.valid_to else "…"
        return f"{self.get_kind_display()}: {self.value} {self.currency}/{self.unit} ({self.valid_from} – {end})"


class Contribution(TimeStampedModel):
    """One contribution. Once validated it never changes: a correction is a new entry that
    `corrects` it, and totals count the latest entry of such a chain only."""

    contributor_organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("contributing organisation"),
    )
    contributor_party = models.ForeignKey(
        "directory.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("contributing Party"),
    )
    instrument = models.ForeignKey(
        "directory.Instrument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("to the instrument"),
    )
    activity = models.ForeignKey(
        "workplans.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("to the activity"),
    )
    target = models.ForeignKey(
        "strategy.Target",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("to the Strategic Plan target"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    description = models.TextField(_("description"))
    amount = models.DecimalField(
        _("amount"), max_digits=16, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, validators=[validate_currency]
    )
    days = models.DecimalField(
        _("days"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
        help_text=_("Staff time and hosting: person-days. Meetings: days per meeting."),
    )
    people = models.PositiveIntegerField(_("people"), null=True, blank=True)
    meetings = models.PositiveIntegerField(_("meetings"), null=True, blank=True)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    evidence_url = models.URLField(_("evidence (link)"), blank=True)
    evidence = models.FileField(
        _("evidence (document)"), upload_to="contributions/evidence/%Y/", blank=True
    )
    publish = models.BooleanField(
        _("may be published"),
        default=False,
        help_text=_("The contributor agrees that the validated value appears in public totals."),
    )
    # What the ledger computed, kept with the rule it used so that old figures never change.
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    rule = models.ForeignKey(
        ValuationRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("valuation rule"),
    )
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    value_currency = models.CharField(_("currency of the value"), max_length=3)
    # The value in the ledger's base currency (US dollars, as seed 003 values Partner work), with
    # the exchange rate of the contribution's date: totals are sums of it in the database.
    base_value = models.DecimalField(_("value in US dollars"), max_digits=16, decimal_places=2)
    base_rate = models.ForeignKey(
        "core.ExchangeRate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exchange rate used"),
    )
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
        verbose_name=_("corrects"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validated by"),
    )
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)
    fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    history = HistoricalRecords()

    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-pk"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(contributor_organisation__isnull=False, contributor_party__isnull=True)
                    | models.Q(
                        contributor_organisation__isnull=True, contributor_party__isnull=False
                    )
                ),
                name="contributions_one_contributor",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="contributions_value_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "start"]),
            # A Partner's page lists its entries newest first (-start, -end, -id), 50 at a time:
            # read backwards from this index instead of sorting all of them (make bench, 97,000
            # entries: 450 → 6 ms on SQLite, 170 → 20 ms on PostgreSQL).
            models.Index(
                fields=["contributor_organisation", "start", "end"],
                name="contributions_org_start_idx",
            ),
        ]

    def __str__(self):
        return f"{self.contributor}: {self.get_kind_display()} ({self.start})"

    def get_absolute_url(self):
        return reverse("contributions:detail", args=[self.pk])

    @property
    def contributor(self):
        return self.contributor_organisation or self.contributor_party

    @property
    def is_validated(self) -> bool:
        return self.validated_at is not None

    @property
    def working(self) -> str:
        """quantity × rate = value, as the page shows it."""
        if self.rule is None:
            return f"{self.value:,.2f} {self.value_currency}"
        return (
            f"{self.quantity:,.2f} {self.rule.unit} × {self.rule.value:,.2f} {self.rule.currency}"
            f" = {self.value:,.2f} {self.value_currency}"
        )


class AssessedContribution(TimeStampedModel):
    """A Party's contribution to an instrument's budget for a year, as assessed on the UN scale."""

    party = models.ForeignKey(
        "directory.Party",
        on_delete=models.PROTECT,
        related_name="assessed_contributions",
        verbose_name=_("Party"),
    )
    instrument = models.ForeignKey(
        "directory.Instrument",
        on_delete=models.PROTECT,
        related_name="assessed_contributions",
        verbose_name=_("instrument"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    scale = models.DecimalField(
        _("scale (%)"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    amount = models.DecimalField(
        _("amount assessed"), max_digits=14, decimal_places=2, validators=NOT_NEGATIVE
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    invoice_number = models.CharField(_("invoice"), max_length=60, blank=True)
    invoice_date = models.DateField(_("invoice date"), null=True, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    source = models.TextField(_("source"), blank=True)
    history = HistoricalRecords()

    objects = AssessedQuerySet.as_manager()

    class Meta:
        ordering = ["party", "instrument", "-year"]
        verbose_name = _("assessed contribution")
        verbose_name_plural = _("assessed contributions")
        constraints = [
            models.UniqueConstraint(
                fields=["party", "instrument", "year"], name="contributions_assessed_once_a_year"
            )
        ]

    def __str__(self):
        return f"{self.party} · {self.instrument} · {self.year}"


class Payment(TimeStampedModel):
    assessed = models.ForeignKey(
        AssessedContribution,
        on_delete=models.CASCADE,
        related_name="payments",
        verbose_name=_("assessed contribution"),
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessed", "date", "pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self):
        return f"{self.assessed}: {self.amount} ({self.date})"
