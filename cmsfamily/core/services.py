from django.db import transaction

from cmsfamily.core.models import Event


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
    )
