from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal

from babel.numbers import format_decimal
from django.utils import timezone
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _

from cmsfamily.core.models import Event, ExchangeRate


def events_for(target):
    return (
        Event.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
        .select_related("actor")
        .order_by("-at", "-id")
    )


def history_rows(instance, *, limit: int = 200):
    """The simple-history records of an object, each with the fields it changed from the one before.

    Returns dicts the History tab renders: when, who, type (+ ~ -), and changes as
    (field label, old, new).
    """
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    rows = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = instance._meta.get_field(change.field)
                changes.append(
                    (field.verbose_name, _display(change.old, field), _display(change.new, field))
                )
        rows.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "type": record.history_type,
                "reason": _reason(instance, record.history_change_reason),
                "changes": changes,
            }
        )
    return rows


def _reason(instance, reason):
    """A change reason that is a status ("nominated", "confirmed") shows as the status's label."""
    for field in instance._meta.concrete_fields:
        if reason and field.flatchoices and reason in dict(field.flatchoices):
            return str(dict(field.flatchoices)[reason])
    return reason


def _display(value, field=None):
    if value in (None, ""):
        return "—"
    if field is not None and field.flatchoices:
        # A status shows its label, in the reader's language.
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime("%Y-%m-%d %H:%M")
    return str(value)


PIVOT_CURRENCY = "USD"  # the UN operational rates of exchange are all quoted against it


class MissingRate(Exception):
    """No exchange rate on or before the date: the conversion is refused, never made zero."""

    def __init__(self, currency: str, quote: str, on: date):
        self.currency, self.quote, self.on = currency, quote, on
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return _(
            "No exchange rate from %(currency)s to %(quote)s on or before %(date)s: the amount "
            "cannot be converted. The CMS Secretariat can add the rate on the exchange-rates page."
        ) % {"currency": self.currency, "quote": self.quote, "date": self.on.isoformat()}


@dataclass(frozen=True)
class Conversion:
    amount: Decimal
    currency: str
    value: Decimal
    quote: str
    factor: Decimal
    rates: tuple[ExchangeRate, ...]  # the rates used: none, one, or two through the pivot

    @property
    def working(self) -> str:
        """'25,000.00 EUR × 1.25 = 31,250.00 USD', with the numbers written as the language writes them."""
        locale = to_locale(get_language() or "en")
        amount = format_decimal(self.amount, format="#,##0.00", locale=locale)
        if not self.rates:
            return f"{amount} {self.currency}"
        factor = format_decimal(round(self.factor, 8), format="0.########", locale=locale)
        value = format_decimal(self.value, format="#,##0.00", locale=locale)
        return f"{amount} {self.currency} × {factor} = {value} {self.quote}"


class Converter:
    """Converts amounts into one currency with the rates in force on one date.

    The rates are read once (one query), so a page converting a thousand lines costs no more
    than one converting a single line.
    """

    def __init__(self, quote: str, on: date):
        self.quote, self.on = quote, on
        self._latest: dict[tuple[str, str], ExchangeRate] | None = None

    def _rates(self) -> dict[tuple[str, str], ExchangeRate]:
        if self._latest is None:
            self._latest = {}
            rows = ExchangeRate.objects.filter(valid_from__lte=self.on).order_by(
                "currency", "quote", "-valid_from"
            )
            for rate in rows:
                self._latest.setdefault((rate.currency, rate.quote), rate)
        return self._latest

    def _step(self, currency: str, quote: str) -> tuple[Decimal, tuple[ExchangeRate, ...]] | None:
        rates = self._rates()
        if (currency, quote) in rates:
            rate = rates[(currency, quote)]
            return rate.rate, (rate,)
        if (quote, currency) in rates:
            rate = rates[(quote, currency)]
            return Decimal(1) / rate.rate, (rate,)
        return None

    def factor(self, currency: str) -> tuple[Decimal, tuple[ExchangeRate, ...]]:
        if currency == self.quote:
            return Decimal(1), ()
        direct = self._step(currency, self.quote)
        if direct is not None:
            return direct
        if PIVOT_CURRENCY not in (currency, self.quote):
            first = self._step(currency, PIVOT_CURRENCY)
            second = self._step(PIVOT_CURRENCY, self.quote)
            if first is not None and second is not None:
                return first[0] * second[0], first[1] + second[1]
        raise MissingRate(currency, self.quote, self.on)

    def convert(self, amount: Decimal, currency: str) -> Conversion:
        factor, rates = self.factor(currency)
        value = (amount * factor).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
        return Conversion(amount, currency, value, self.quote, factor, rates)
