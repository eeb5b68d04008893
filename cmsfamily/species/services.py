"""Writes to the species table. There is one: importing a table (CSV), all or nothing."""

import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cmsfamily.core.services import record_event, require
from cmsfamily.species import importing
from cmsfamily.species.importing import Plan, Problem
from cmsfamily.species.models import Listing, RangeState, SpeciesImport, Taxon


class ImportRefused(Exception):
    """The table has problems (listed by line and column); nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


class PreviewOutdated(Exception):
    """The database changed since the preview was shown; `plan` is what the import would do now."""

    def __init__(self, plan: Plan):
        super().__init__("the species table changed since the preview")
        self.plan = plan


@transaction.atomic
def import_species(
    *, content: bytes, by, file_name: str, expected_fingerprint: str | None = None
) -> Plan:
    """Check the whole table, then write what it changes in one transaction with its audit.

    With `expected_fingerprint` (the preview the user confirmed), nothing is written if the
    import would now change anything else than what the preview showed. A table that changes
    nothing writes nothing, not even a log entry: importing the same table twice is a no-op.
    """
    require(by, "species.import_taxa")
    table = importing.read(content)
    if not table.ok:
        raise ImportRefused(table.problems)
    plan = importing.plan(table.rows)
    if expected_fingerprint is not None and plan.fingerprint != expected_fingerprint:
        raise PreviewOutdated(plan)
    if not plan.has_changes:
        return plan
    user = by if by is not None and by.is_authenticated else None
    record = SpeciesImport.objects.create(
        by=user,
        file_name=file_name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        summary=plan.counts(),
    )
    try:
        with transaction.atomic():
            _write(plan, by=user, reason=f"species import No. {record.pk}")
    except IntegrityError:
        # Another import saved the same taxa in the meantime: show what is left to change.
        raise PreviewOutdated(importing.plan(table.rows)) from None
    record_event(kind="species.imported", target=record, actor=user, **plan.counts())
    return plan


def _write(plan: Plan, *, by, reason: str) -> None:
    """Bulk statements only: their number does not grow with the number of rows."""
    new = [Taxon(**entry.row.values) for entry in plan.new]
    ids = {entry.row.scientific_name: entry.taxon.pk for entry in plan.entries if entry.taxon}
    if new:
        created = bulk_create_with_history(
            new, Taxon, default_user=by, default_change_reason=reason
        )
        new_ids = {taxon.scientific_name: taxon.pk for taxon in created if taxon.pk}
        if len(new_ids) < len(new):  # a database that does not return the new keys
            new_ids = dict(
                Taxon.objects.filter(
                    scientific_name__in=[taxon.scientific_name for taxon in new]
                ).values_list("scientific_name", "pk")
            )
        ids.update(new_ids)
    changed = [entry for entry in plan.changed if entry.changes]
    if changed:
        now = timezone.now()
        for entry in changed:
            assert entry.taxon is not None
            for change in entry.changes:
                setattr(entry.taxon, change.field, change.new)
            entry.taxon.modified = now
        fields = sorted({change.field for entry in changed for change in entry.changes})
        bulk_update_with_history(
            [entry.taxon for entry in changed],
            Taxon,
            fields=[*fields, "modified"],
            default_user=by,
            default_change_reason=reason,
        )
    _write_listings(plan, ids)
    _write_range_states(plan, ids)


def _write_listings(plan: Plan, ids: dict[str, int]) -> None:
    removed = [listing.pk for entry in plan.entries for listing in entry.listings_removed]
    if removed:
        Listing.objects.filter(pk__in=removed).delete()
    updated = []
    for entry in plan.entries:
        for listing, wanted in entry.listings_updated:
            listing.annotation, listing.source = wanted.annotation, entry.row.source
            updated.append(listing)
    if updated:
        Listing.objects.bulk_update(updated, ["annotation", "source"])
    Listing.objects.bulk_create(
        [
            Listing(
                taxon_id=ids[entry.row.scientific_name],
                appendix=listing.appendix,
                listed_on=listing.listed_on,
                annotation=listing.annotation,
                source=entry.row.source,
            )
            for entry in plan.entries
            for listing in entry.listings_added
        ]
    )


def _write_range_states(plan: Plan, ids: dict[str, int]) -> None:
    removed = [state.pk for entry in plan.entries for state in entry.range_states_removed]
    if removed:
        RangeState.objects.filter(pk__in=removed).delete()
    updated = []
    for entry in plan.entries:
        for state, party, source in entry.range_states_updated:
            state.party, state.source = party, source
            updated.append(state)
    if updated:
        RangeState.objects.bulk_update(updated, ["party", "source"])
    RangeState.objects.bulk_create(
        [
            RangeState(
                taxon_id=ids[entry.row.scientific_name],
                country_code=code,
                party=plan.parties.get(code),
                source=entry.row.source,
            )
            for entry in plan.entries
            for code in entry.range_states_added
        ]
    )
