from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cmsfamily.core.models import Event, ExchangeRate
from cmsfamily.core.request_id import current_request_id


def require(by, perm: str, obj=None) -> None:
    """A service asks the named rule of its `by` itself: a page, an API or an import that forgot
    to ask is still refused. `by=None` is the platform itself (loaders and commands)."""
    if by is not None and not by.has_perm(perm, obj):
        raise PermissionDenied(_("You may not do this."))


def record_event(*, kind: str, target, actor=None, **data) -> Event:
    """Write a domain event; callers invoke it inside the transaction of the change it records."""
    assert transaction.get_connection().in_atomic_block, (
        "record_event must run inside a transaction"
    )
    return Event.objects.create(
        kind=kind,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        actor=actor if actor is not None and actor.is_authenticated else None,
        data=data,
        request_id=current_request_id(),
    )


@transaction.atomic
def set_exchange_rate(
    *, currency: str, quote: str, rate, valid_from, source: str, by
) -> ExchangeRate:
    """Record a rate, or correct the one of the same day; the history keeps the old value."""
    require(by, "core.add_exchangerate")
    currency, quote = currency.strip().upper(), quote.strip().upper()
    existing = ExchangeRate.objects.filter(
        currency=currency, quote=quote, valid_from=valid_from
    ).first()
    exchange_rate = existing or ExchangeRate(currency=currency, quote=quote, valid_from=valid_from)
    exchange_rate.rate = rate
    exchange_rate.source = source
    exchange_rate.entered_by = by if by is not None and by.is_authenticated else None
    exchange_rate.full_clean(validate_constraints=False)
    if currency == quote:
        raise ValidationError({"quote": _("Choose two different currencies.")})
    exchange_rate.save()
    record_event(
        kind="exchange_rate.corrected" if existing else "exchange_rate.set",
        target=exchange_rate,
        actor=by,
        rate=str(rate),
    )
    return exchange_rate
