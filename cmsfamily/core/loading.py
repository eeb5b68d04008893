"""What the reference-data loaders of every app share: an idempotent upsert and its tally.

A record is saved only when a value differs, so a second run writes nothing (no new history
rows, no changed timestamps).
"""

from dataclasses import dataclass, field


@dataclass
class Report:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def count(self, bucket: dict, model) -> None:
        label = model._meta.verbose_name_plural
        bucket[str(label)] = bucket.get(str(label), 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def upsert(report: Report, model, lookup: dict, values: dict):
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model.objects.create(**lookup, **values)
        report.count(report.created, model)
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save()
        report.count(report.updated, model)
    return instance
