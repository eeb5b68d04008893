import django_tables2 as tables
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from cmsfamily.contributions.choices import Kind, PaymentStatus
from cmsfamily.contributions.models import AssessedContribution, Contribution, ValuationRule
from cmsfamily.contributions.selectors import payment_status
from cmsfamily.contributions.services import BASE_CURRENCY
from cmsfamily.directory.tables import IsoDateColumn

NUMBER = {"td": {"class": "number"}, "th": {"class": "number"}}


def amount(value) -> str:
    return floatformat(value, "2g")


def quantity_text(entry: Contribution) -> str:
    """'20.00 days'; '3 people × 2 meetings × 4.00 days = 24.00 days'; empty for amounts."""
    if entry.kind == Kind.MEETING_ATTENDANCE and entry.quantity is not None:
        return _("%(people)s people × %(meetings)s meetings × %(days)s days = %(total)s days") % {
            "people": entry.people,
            "meetings": entry.meetings,
            "days": amount(entry.days),
            "total": amount(entry.quantity),
        }
    if entry.quantity is not None:
        return _("%(days)s days") % {"days": amount(entry.quantity)}
    return ""


def recipients(entry: Contribution) -> list[tuple[str, str]]:
    """(text, link) of what the entry is given to; empty for the Family in general."""
    parts = []
    instrument, activity, target = entry.instrument, entry.activity, entry.target
    if instrument is not None:
        parts.append((instrument.label, instrument.get_absolute_url()))
    if activity is not None:
        parts.append(
            (
                _("Activity %(number)s (%(programme)s)")
                % {
                    "number": activity.number,
                    "programme": Truncator(activity.programme.title).words(8),
                },
                activity.get_absolute_url(),
            )
        )
    if target is not None:
        parts.append(
            (
                _("Target %(number)s (%(plan)s)")
                % {"number": target.number, "plan": target.plan.title},
                target.get_absolute_url(),
            )
        )
    return parts


class ContributionTable(tables.Table):
    id = tables.Column(linkify=True, verbose_name=_("No."))
    contributor = tables.Column(
        verbose_name=_("Contributor"),
        empty_values=(),
        order_by=("contributor_organisation__short_name", "contributor_party__name"),
    )
    kind = tables.Column(verbose_name=_("Kind"))
    to_what = tables.Column(
        verbose_name=_("To"), empty_values=(), orderable=False, attrs={"td": {"class": "to-what"}}
    )
    start = tables.Column(verbose_name=_("Period"), order_by=("start", "end"))
    quantity = tables.Column(verbose_name=_("Quantity"), empty_values=(), attrs=NUMBER)
    # The page shows the value in US dollars under the value, the status under the kind and the
    # correction marks under the validation; the exports have a column for each.
    value = tables.Column(verbose_name=_("Value"), attrs=NUMBER, order_by=("base_value",))
    value_currency = tables.Column(verbose_name=_("Currency of the value"), visible=False)
    base_value = tables.Column(verbose_name=_("Value in USD"), visible=False)
    status = tables.Column(verbose_name=_("Status"), visible=False)  # shown under the kind
    validated_at = tables.Column(verbose_name=_("Validated"), empty_values=())
    correction = tables.Column(
        verbose_name=_("Correction"),
        accessor="corrects_id",
        empty_values=(),
        orderable=False,
        visible=False,
    )

    class Meta:
        model = Contribution
        fields = (
            "id",
            "contributor",
            "kind",
            "to_what",
            "start",
            "quantity",
            "value",
            "value_currency",
            "base_value",
            "status",
            "validated_at",
            "correction",
        )
        attrs = {"class": "data-table ledger"}
        template_name = "contributions/table.html"
        order_by = ("-start", "-id")

    def render_contributor(self, record):
        if record.contributor_organisation_id:
            organisation = record.contributor_organisation
            return format_html(
                '<a href="{}">{}</a>',
                reverse("contributions:organisation", args=[organisation.slug]),
                organisation,
            )
        return str(record.contributor_party)

    def value_contributor(self, record):
        return str(record.contributor)

    def render_kind(self, record):
        return format_html(
            "{}<small>{}</small>", record.get_kind_display(), record.get_status_display()
        )

    def value_kind(self, record):
        return record.get_kind_display()

    def render_to_what(self, record):
        parts = recipients(record)
        if not parts:
            return _("the Family in general")
        return format_html_join("; ", '<a href="{}">{}</a>', ((link, text) for text, link in parts))

    def value_to_what(self, record):
        return "; ".join(text for text, _link in recipients(record)) or _("the Family in general")

    def render_start(self, record):
        start, end = record.start, record.end
        if start.month == start.day == 1 and end == start.replace(month=12, day=31):
            return str(start.year)  # a calendar year
        if end and end != start:
            return format_html(
                '<span class="date">{}</span> – <span class="date">{}</span>',
                start.isoformat(),
                end.isoformat(),
            )
        return format_html('<span class="date">{}</span>', start.isoformat())

    def value_start(self, record):
        if record.end and record.end != record.start:
            return f"{record.start.isoformat()} – {record.end.isoformat()}"
        return record.start.isoformat()

    def render_quantity(self, record):
        if record.quantity is None:
            return "—"
        return _("%(days)s days") % {"days": amount(record.quantity)}

    def value_quantity(self, record):
        return record.quantity

    def render_value(self, record):
        value = f"{amount(record.value)} {record.value_currency}"
        if record.value_currency == BASE_CURRENCY:
            return value
        return format_html(
            "{}<small>{} {}</small>", value, amount(record.base_value), BASE_CURRENCY
        )

    def value_value(self, record):
        return record.value

    def render_validated_at(self, record):
        if record.validated_at is None:
            state = format_html('<span class="badge pending">{}</span>', _("awaiting validation"))
        else:
            state = format_html(
                '<span class="date">{}</span>', record.validated_at.date().isoformat()
            )
        marks = self.render_correction(record)
        return format_html("{}<small>{}</small>", state, marks) if marks else state

    def value_validated_at(self, record):
        return record.validated_at.date().isoformat() if record.validated_at else ""

    def render_correction(self, record):
        marks = []
        if record.corrects_id:
            marks.append(
                format_html(
                    '<a href="{}">{}</a>',
                    reverse("contributions:detail", args=[record.corrects_id]),
                    _("corrects No. %(number)s") % {"number": record.corrects_id},
                )
            )
        if getattr(record, "replaced", False):
            marks.append(
                format_html(
                    '<span class="badge replaced" title="{}">{}</span>',
                    _("replaced by a correction"),
                    _("corrected"),
                )
            )
        return format_html_join(" ", "{}", ((mark,) for mark in marks)) or ""

    def value_correction(self, record):
        marks = []
        if record.corrects_id:
            marks.append(_("corrects No. %(number)s") % {"number": record.corrects_id})
        if getattr(record, "replaced", False):
            marks.append(str(_("replaced by a correction")))
        return "; ".join(str(mark) for mark in marks)


class ValuationRuleTable(tables.Table):
    kind = tables.Column(verbose_name=_("Kind"))
    value = tables.Column(verbose_name=_("Value per unit"), attrs=NUMBER)
    unit = tables.Column(verbose_name=_("Unit"))
    currency = tables.Column(verbose_name=_("Currency"))
    valid_from = IsoDateColumn(verbose_name=_("Valid from"))
    valid_to = IsoDateColumn(verbose_name=_("Valid to"), default=_("in force"))
    source = tables.Column(verbose_name=_("Source"), attrs={"td": {"class": "source"}})
    end = tables.TemplateColumn(
        template_name="contributions/_end_rule_link.html",
        verbose_name=_("Actions"),
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = ValuationRule
        fields = ("kind", "value", "unit", "currency", "valid_from", "valid_to", "source")
        attrs = {"class": "data-table"}
        order_by = ("kind", "valid_from")
        template_name = "contributions/table.html"

    def render_value(self, value):
        return amount(value)

    def value_value(self, value):
        return value


class AssessedTable(tables.Table):
    # The page shows the currency and the scale with the amount, the due date with the invoice,
    # and the Secretariat's link to record a payment with what is paid; the exports have a column
    # for each figure.
    party = tables.Column(verbose_name=_("Party"), order_by=("party__name",))
    instrument = tables.Column(
        verbose_name=_("Instrument"), accessor="instrument__code", order_by=("instrument__code",)
    )
    year = tables.Column(verbose_name=_("Year"))
    scale = tables.Column(verbose_name=_("Scale (%)"), visible=False)  # shown under the amount
    amount = tables.Column(verbose_name=_("Assessed"), attrs=NUMBER)
    currency = tables.Column(verbose_name=_("Currency"), visible=False)
    paid = tables.Column(verbose_name=_("Paid"), attrs=NUMBER)
    outstanding = tables.Column(
        verbose_name=_("Outstanding"), empty_values=(), attrs=NUMBER, orderable=False
    )
    status = tables.Column(verbose_name=_("Status"), empty_values=(), orderable=False)
    invoice_number = tables.Column(verbose_name=_("Invoice"), empty_values=())
    due = IsoDateColumn(verbose_name=_("Due"), default="", visible=False)

    class Meta:
        model = AssessedContribution
        fields = (
            "party",
            "instrument",
            "year",
            "scale",
            "amount",
            "currency",
            "paid",
            "outstanding",
            "status",
            "invoice_number",
            "due",
        )
        attrs = {"class": "data-table assessed"}
        order_by = ("party", "instrument", "-year")
        template_name = "contributions/table.html"

    def __init__(self, *args, this_year: int | None = None, can_manage: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.this_year = this_year or timezone.localdate().year
        self.can_manage = can_manage

    def in_arrears(self, record) -> bool:
        return record.year < self.this_year and record.paid < record.amount

    def render_instrument(self, record):
        return record.instrument.label

    def render_amount(self, record):
        assessed = f"{amount(record.amount)} {record.currency}"
        if record.scale is None:
            return assessed
        return format_html(
            "{}<small>{}</small>", assessed, _("scale %(scale)s %%") % {"scale": record.scale}
        )

    def value_amount(self, value):
        return value

    def render_paid(self, record):
        if not self.can_manage:
            return amount(record.paid)
        return format_html(
            '{}<small><a href="{}">{}<span class="visually-hidden"> ({})</span></a></small>',
            amount(record.paid),
            reverse("contributions:payment-add", args=[record.pk]),
            _("Record a payment"),
            record,
        )

    def value_paid(self, value):
        return value

    def render_outstanding(self, record):
        return amount(max(record.amount - record.paid, 0))

    def value_outstanding(self, record):
        return max(record.amount - record.paid, 0)

    def render_status(self, record):
        status = payment_status(record)
        badge = format_html('<span class="badge {}">{}</span>', status, PaymentStatus(status).label)
        if self.in_arrears(record):
            return format_html(
                '{}<small><span class="badge arrears">{}</span></small>', badge, _("in arrears")
            )
        return badge

    def value_status(self, record):
        label = PaymentStatus(payment_status(record)).label
        if self.in_arrears(record):
            return _("%(status)s, in arrears") % {"status": label}
        return str(label)

    def render_invoice_number(self, record):
        if not record.invoice_number and not record.due:
            return "—"
        due = _("due %(date)s") % {"date": record.due.isoformat()} if record.due else ""
        return format_html(
            '<span class="nowrap">{}</span><small>{}</small>', record.invoice_number or "—", due
        )

    def value_invoice_number(self, record):
        return record.invoice_number
