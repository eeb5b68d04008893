"""Lists and dashboards: the reports and cycles a user sees, timeliness per region and cycle, and
the reporters of a cycle for the publication pages.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname
from modeltranslation.utils import get_language as translated_language

from cmsfamily.reporting.choices import (
    SubmissionStatus,
)
from cmsfamily.reporting.models import (
    Cycle,
    Submission,
)
from cmsfamily.reporting.selectors.tree import sort_key


def submissions(user, **filters):
    return (
        Submission.objects.visible_to(user)
        .filter(**filters)
        .select_related("cycle", "party", "organisation", "party__region")
        .order_by("cycle", "party__name", "organisation__short_name")
    )


def cycles(user):
    return (
        Cycle.objects.visible_to(user)
        .select_related("version__template__instrument")
        .annotate(
            expected_count=Count("submissions", distinct=True),
            submitted_count=Count(
                "submissions",
                filter=Q(submissions__first_submitted_at__isnull=False),
                distinct=True,
            ),
        )
    )


@dataclass(frozen=True)
class Timeliness:
    label: str
    expected: int
    on_time: int
    late: int
    missing: int

    @property
    def submitted(self) -> int:
        return self.on_time + self.late

    @property
    def reporting_rate(self) -> float | None:
        return self.submitted / self.expected if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.expected if self.expected else None


def _cutoff(day):
    import datetime as dt

    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def timeliness(cycle: Cycle) -> list[Timeliness]:
    """Submitted on time, late and missing, per region (organisations as one group) and in all:
    one aggregate query. A report counts from its first submission, even if recalled since."""
    cutoff = _cutoff(cycle.deadline)
    # `values()` on a model without translated fields reads the English column; ask for the
    # reader's language by name, with English where a translation is missing.
    localized = f"party__region__{build_localized_fieldname('name', translated_language())}"
    rows = (
        Submission.objects.filter(cycle=cycle)
        .values(
            localized,
            "party__region__name_en",
            "party__region__order",
            "organisation__kind",
        )
        .annotate(
            expected=Count("pk"),
            on_time=Count("pk", filter=Q(first_submitted_at__lt=cutoff)),
            late=Count("pk", filter=Q(first_submitted_at__gte=cutoff)),
        )
        .order_by("party__region__order", "organisation__kind")
    )
    result = []
    for row in rows:
        label = row[localized] or row["party__region__name_en"] or _("Organisations")
        result.append(
            Timeliness(
                label,
                row["expected"],
                row["on_time"],
                row["late"],
                row["expected"] - row["on_time"] - row["late"],
            )
        )
    merged: dict[str, Timeliness] = {}
    for entry in result:
        if entry.label in merged:
            old = merged[entry.label]
            entry = Timeliness(
                entry.label,
                old.expected + entry.expected,
                old.on_time + entry.on_time,
                old.late + entry.late,
                old.missing + entry.missing,
            )
        merged[entry.label] = entry
    regions = list(merged.values())
    total = Timeliness(
        _("All reporters"),
        sum(r.expected for r in regions),
        sum(r.on_time for r in regions),
        sum(r.late for r in regions),
        sum(r.missing for r in regions),
    )
    return [*regions, total]


@dataclass(frozen=True)
class CycleTimeliness:
    cycle: Cycle
    rates: Timeliness


def timeliness_by_cycle(cycles) -> list[CycleTimeliness]:
    """One row per cycle (so per instrument and period), in two queries: the reports expected,
    and the first-submission times of those sent (each cycle has its own deadline)."""
    cycles = list(cycles)
    if not cycles:
        return []
    expected = dict(
        Submission.objects.filter(cycle__in=cycles)
        .values("cycle")
        .annotate(expected=Count("pk"))
        .values_list("cycle", "expected")
    )
    firsts: dict[int, list] = defaultdict(list)
    for cycle_id, first in Submission.objects.filter(
        cycle__in=cycles, first_submitted_at__isnull=False
    ).values_list("cycle", "first_submitted_at"):
        firsts[cycle_id].append(first)
    result = []
    for cycle in cycles:
        cutoff = _cutoff(cycle.deadline)
        on_time = sum(1 for first in firsts[cycle.pk] if first < cutoff)
        late = len(firsts[cycle.pk]) - on_time
        total = expected.get(cycle.pk, 0)
        result.append(
            CycleTimeliness(
                cycle, Timeliness(str(cycle), total, on_time, late, total - on_time - late)
            )
        )
    return result


def cycle_reporters(cycle: Cycle, *, descending: bool = False) -> list[Submission]:
    """Every reporter expected in the cycle, by name (a Party's name, an organisation's short
    name), each with the number of its last submitted version: the version that is published
    once the report is (publishing makes no new version). Not scoped: the caller decides what of
    each row the user may see.

    Sorted here rather than by the database, whose collation differs between SQLite and
    PostgreSQL installations: accents are ignored, so Côte d'Ivoire stands among the C's. A cycle
    has a few hundred reporters at most; one query reads them all."""
    from django.db.models import OuterRef, Subquery

    from cmsfamily.reporting.models import SubmissionVersion

    latest = (
        SubmissionVersion.objects.filter(submission=OuterRef("pk"))
        .order_by("-number")
        .values("number")[:1]
    )
    rows = (
        Submission.objects.filter(cycle=cycle)
        .select_related("party", "organisation")
        .annotate(latest_version=Subquery(latest))
    )
    return sorted(rows, key=lambda row: (sort_key(str(row.reporter)), row.pk), reverse=descending)


def published_cycles(user):
    """The cycles the user sees that have at least one published report, with their number."""

    return (
        Cycle.objects.visible_to(user)
        .annotate(
            published_count=Count(
                "submissions", filter=Q(submissions__status=SubmissionStatus.PUBLISHED)
            )
        )
        .filter(published_count__gt=0)
        .order_by("-deadline", "slug")
    )


def own_submissions(user) -> list[Submission]:
    """The reports the user drafts: those they report for and those with a section assigned to
    them (none for a visitor)."""
    if not user.is_authenticated:
        return []
    from cmsfamily.reporting.models import SectionAssignment

    return list(
        submissions(user).filter(
            Q(pk__in=Submission.objects.reported_by(user).values("pk"))
            | Q(pk__in=SectionAssignment.objects.filter(user=user).values("submission"))
        )
    )


def latest_published(user, count: int) -> list[Submission]:
    """The last ``count`` reports published, newest first."""
    return list(
        submissions(user)
        .filter(status=SubmissionStatus.PUBLISHED)
        .order_by("-published_at", "pk")[:count]
    )


def cycle(user, slug: str) -> Cycle | None:
    """A cycle the user sees, with its template's instrument."""
    return (
        Cycle.objects.visible_to(user)
        .select_related("version__template__instrument")
        .filter(slug=slug)
        .first()
    )


def kept_cycles(user):
    """The cycles of the instruments whose secretariat the user is in (every cycle for the CMS
    Secretariat), with their counts; none for anyone else."""
    from cmsfamily.directory.scope import scope_of

    scope = scope_of(user)
    if not scope.is_secretariat:
        return Cycle.objects.none()
    kept = cycles(user)
    if not scope.cms_secretariat:
        kept = kept.filter(version__template__instrument__in=scope.secretariat_instruments)
    return kept


def visible_submission_ids(user, pks) -> set[int]:
    """Which of these reports the user sees."""
    return set(
        Submission.objects.visible_to(user).filter(pk__in=list(pks)).values_list("pk", flat=True)
    )


def reporter_count(cycle: Cycle) -> int:
    """The number of reporters expected in a cycle."""
    return cycle.submissions.count()


def published_count(cycle: Cycle) -> int:
    """How many of the cycle's reports are published."""
    return Submission.objects.filter(cycle=cycle, status=SubmissionStatus.PUBLISHED).count()


@dataclass(frozen=True)
class ReportTimeliness:
    """One Party's national report in one cycle: on time, late or missing, by the cycle's own
    deadline (a report counts from its first submission, even if recalled since: the rule of
    ``timeliness``)."""

    cycle: Cycle
    party_id: int
    submission_id: int
    first_submitted_at: object  # datetime | None
    state: str  # "on_time", "late" or "missing"


def party_report_history(user, *, instrument_code: str, count: int, parties=None):
    """The last ``count`` closed cycles of the instrument's Party reports that the user sees,
    newest first, and each expected Party's report in them: ``(cycles, {(party_id, cycle_id):
    ReportTimeliness})``. A Party with no report in a cycle was not expected in it. Two queries,
    whatever the number of Parties."""
    from cmsfamily.reporting.choices import CycleStatus, ReporterKind

    closed = list(
        Cycle.objects.visible_to(user)
        .filter(
            status=CycleStatus.CLOSED,
            version__template__instrument__code=instrument_code,
            version__template__reporter_kind=ReporterKind.PARTY,
        )
        .order_by("-deadline", "-pk")[:count]
    )
    if not closed:
        return [], {}
    rows = Submission.objects.filter(cycle__in=closed, party__isnull=False)
    if parties is not None:
        rows = rows.filter(party__in=parties)
    by_pk = {cycle.pk: cycle for cycle in closed}
    result = {}
    for pk, cycle_id, party_id, first in rows.values_list(
        "pk", "cycle_id", "party_id", "first_submitted_at"
    ):
        cycle = by_pk[cycle_id]
        if first is None:
            state = "missing"
        elif first < _cutoff(cycle.deadline):
            state = "on_time"
        else:
            state = "late"
        result[(party_id, cycle_id)] = ReportTimeliness(cycle, party_id, pk, first, state)
    return closed, result
