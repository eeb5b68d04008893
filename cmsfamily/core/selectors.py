from cmsfamily.core.models import Event


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
                changes.append((field.verbose_name, _display(change.old), _display(change.new)))
        rows.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "type": record.history_type,
                "reason": record.history_change_reason,
                "changes": changes,
            }
        )
    return rows


def _display(value):
    if value in (None, ""):
        return "—"
    return str(value)
