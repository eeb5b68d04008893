"""The start page: what each person has to do first, assembled from the lower apps' reads.

Nothing here writes. Every read takes the user and goes through the lower apps' selectors or their
querysets' ``visible_to``, so a block never shows what the user could not open elsewhere; a
Party's drafts stay with that Party. Each list is cut at ``SHOWN`` rows, with its total and a link
to the page where the rest is, so the number of queries does not grow with the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from cmsfamily.contributions import selectors as ledger
from cmsfamily.directory import selectors as registry
from cmsfamily.directory.choices import AppointmentStatus, Role
from cmsfamily.directory.models import FailedUpload, Party
from cmsfamily.directory.scope import scope_of
from cmsfamily.reporting import selectors as reporting
from cmsfamily.reporting.choices import (
    EDITABLE_STATUSES,
    SENT_STATUSES,
    CycleStatus,
    SubmissionStatus,
)
from cmsfamily.reporting.models import Cycle, SectionAssignment, Submission
from cmsfamily.strategy import selectors as strategy
from cmsfamily.workplans import selectors as workplans
from cmsfamily.workplans.choices import ProgrammeKind

SHOWN = 10  # rows of a list on the start page; its link leads to the rest
LATEST_PUBLISHED = 5
FAILED_UPLOAD_DAYS = 30  # how far back the review queue lists refused uploads
OWN_FAILED_SHOWN = 5  # the uploader's own, on their start page


# --- reports a person writes ------------------------------------------------------------------


@dataclass
class ReportRow:
    """A report the user drafts, with the days to its deadline and, while it can still be edited,
    how many of the questions shown are answered."""

    submission: Submission
    today: date
    answered: int | None = None
    expected: int | None = None

    @property
    def cycle(self) -> Cycle:
        return self.submission.cycle

    @property
    def editable(self) -> bool:
        return self.submission.status in EDITABLE_STATUSES

    @property
    def days_left(self) -> int:
        return (self.cycle.deadline - self.today).days

    @property
    def overdue(self) -> int:
        return -self.days_left

    @property
    def percent(self) -> int | None:
        if not self.expected:
            return None
        return round(100 * (self.answered or 0) / self.expected)


def _completion(row: ReportRow) -> None:
    submission = row.submission
    structure = reporting.structure(submission.cycle.version)
    loops = reporting.loop_items(structure, submission)
    values = reporting.answer_values(submission)
    per_section = reporting.completion(structure, values, loops).values()
    row.answered = sum(answered for answered, _expected in per_section)
    row.expected = sum(expected for _answered, expected in per_section)


def own_reports(user, *, today: date) -> list[ReportRow]:
    """The reports the user writes (for their Party, their organisation, their secretariat) in
    cycles that are not closed, nearest deadline first; completion for those still editable."""
    if not user.is_authenticated:
        return []
    submissions = (
        reporting.submissions(user)
        .filter(pk__in=Submission.objects.reported_by(user).values("pk"))
        .exclude(cycle__status=CycleStatus.CLOSED)
        .select_related("cycle__version__template")
        .order_by("cycle__deadline", "pk")[:SHOWN]
    )
    rows = [ReportRow(submission, today) for submission in submissions]
    for row in rows:
        if row.editable:
            _completion(row)
    return rows


# --- a Party's National Focal Point or alternate ----------------------------------------------


@dataclass
class Duty:
    """One obligation of a Party and what the platform's data says of it. ``met`` is None when
    the platform holds nothing to tell (the analysis of duties will add more of these)."""

    label: str
    state: str
    met: bool | None
    url: str = ""


@dataclass
class PartyDesk:
    party: Party
    reports: list[ReportRow]
    duties: list[Duty]
    nominations: list
    nominations_total: int

    @property
    def returned(self) -> list[ReportRow]:
        return [row for row in self.reports if row.submission.status == SubmissionStatus.RETURNED]


def _report_duties(reports: list[ReportRow]) -> list[Duty]:
    from django.urls import reverse

    if not reports:
        return [
            Duty(
                _("National report"),
                _("No reporting cycle is open for this Party."),
                None,
                reverse("reporting:index"),
            )
        ]
    return [
        Duty(
            _("National report: %(cycle)s") % {"cycle": row.cycle.title},
            row.submission.get_status_display(),
            row.submission.status in SENT_STATUSES,
            row.submission.get_absolute_url(),
        )
        for row in reports
    ]


def _councillor_duty(party: Party, councillors: dict[int, list[str]]) -> Duty:
    names = councillors.get(party.pk, [])
    return Duty(
        _("Scientific Councillor"),
        _("Appointed: %(names)s") % {"names": ", ".join(names)} if names else _("Not appointed"),
        bool(names),
        party.get_absolute_url(),
    )


def _assessed_duty(party: Party, assessed: list, today: date) -> Duty:
    from django.urls import reverse

    url = reverse("contributions:assessed") + f"?party={party.pk}"
    rows = [row for row in assessed if row.party_id == party.pk]
    if not rows:
        return Duty(
            _("Assessed contribution"),
            _("The ledger holds no assessed contribution for this Party."),
            None,
            url,
        )
    late = sorted({row.year for row in rows if row.year < today.year and row.paid < row.amount})
    if late:
        return Duty(
            _("Assessed contribution"),
            _("In arrears for %(years)s") % {"years": ", ".join(str(year) for year in late)},
            False,
            url,
        )
    return Duty(_("Assessed contribution"), _("Paid for past years"), True, url)


def party_desks(user, reports: list[ReportRow], *, today: date) -> list[PartyDesk]:
    """A desk per Party the user acts for: its reports, its duties so far, its nominations
    waiting for a secretariat's confirmation. A constant number of queries per page."""
    acting = scope_of(user).acting_parties
    if not acting:
        return []
    parties = [
        party
        for party in registry.parties(user).filter(pk__in=acting).order_by("name")
        if user.has_perm("analytics.view_party_desk", party)
    ]
    if not parties:
        return []
    ids = [party.pk for party in parties]
    councillors: dict[int, list[str]] = {}
    for appointment in (
        registry.appointments(user)
        .current()
        .filter(party__in=ids, role=Role.SCIENTIFIC_COUNCILLOR)
        .order_by("start")
    ):
        councillors.setdefault(appointment.party_id, []).append(str(appointment.person))
    assessed = list(ledger.assessed(user).filter(party__in=ids))
    pending = (
        registry.appointments(user)
        .filter(party__in=ids, status=AppointmentStatus.NOMINATED)
        .order_by("created", "pk")
    )
    totals = dict(
        pending.order_by().values("party").annotate(n=Count("pk")).values_list("party", "n")
    )
    nominations: dict[int, list] = {}
    for appointment in pending[: SHOWN * len(ids)]:
        nominations.setdefault(appointment.party_id, []).append(appointment)
    desks = []
    for party in parties:
        own = [row for row in reports if row.submission.party_id == party.pk]
        duties = [
            *_report_duties(own),
            _councillor_duty(party, councillors),
            _assessed_duty(party, assessed, today),
        ]
        desks.append(
            PartyDesk(
                party=party,
                reports=own,
                duties=duties,
                nominations=nominations.get(party.pk, [])[:SHOWN],
                nominations_total=totals.get(party.pk, 0),
            )
        )
    return desks


# --- a secretariat officer ---------------------------------------------------------------------


@dataclass
class CycleCount:
    cycle: Cycle
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def expected(self) -> int:
        return sum(self.by_status.values())

    def count(self, *statuses) -> int:
        return sum(self.by_status.get(status, 0) for status in statuses)

    @property
    def drafting(self) -> int:
        return self.count(*EDITABLE_STATUSES) - self.returned

    @property
    def returned(self) -> int:
        return self.count(SubmissionStatus.RETURNED)

    @property
    def submitted(self) -> int:
        return self.count(SubmissionStatus.SUBMITTED)

    @property
    def accepted(self) -> int:
        return self.count(SubmissionStatus.ACCEPTED)

    @property
    def published(self) -> int:
        return self.count(SubmissionStatus.PUBLISHED)


@dataclass
class ReviewQueue:
    waiting: list[Submission]
    waiting_total: int
    recalled: list[Submission]
    recalled_total: int
    nominations: list
    nominations_total: int
    cycles: list[CycleCount]
    # None when the officer does not validate contributions (only the CMS Secretariat does).
    contributions: list | None = None
    contributions_total: int = 0
    failed_uploads: list = field(default_factory=list)
    failed_uploads_total: int = 0


def _kept(queryset, user, path: str):
    """Only what the officer's secretariats keep: the CMS Secretariat keeps the whole Family."""
    scope = scope_of(user)
    if scope.cms_secretariat:
        return queryset
    return queryset.filter(**{f"{path}__in": scope.secretariat_instruments})


def review_queue(user) -> ReviewQueue | None:
    """What waits for the officer: reports submitted (oldest first, those sent again marked),
    reports recalled by their reporter, nominations to confirm, contributions to validate, and
    the reports of each cycle that is not closed, by status."""
    if not user.has_perm("analytics.view_review_queue"):
        return None
    instrument = "cycle__version__template__instrument"
    reports = (
        _kept(Submission.objects.visible_to(user), user, instrument)
        .select_related("cycle", "party", "organisation")
        .annotate(version_count=Count("versions"))
    )
    waiting = reports.filter(status=SubmissionStatus.SUBMITTED)
    recalled = reports.filter(
        status__in=EDITABLE_STATUSES - {SubmissionStatus.RETURNED}, version_count__gt=0
    )
    nominations = registry.pending_nominations(user).order_by("created", "pk")
    cycles = list(
        _kept(Cycle.objects.visible_to(user), user, "version__template__instrument")
        .exclude(status=CycleStatus.CLOSED)
        .select_related("version__template__instrument")
        .order_by("deadline", "slug")
    )
    counts = {cycle.pk: CycleCount(cycle) for cycle in cycles}
    for cycle_id, status, number in (
        Submission.objects.filter(cycle__in=list(counts))
        .values("cycle", "status")
        .annotate(n=Count("pk"))
        .values_list("cycle", "status", "n")
        .order_by()
    ):
        counts[cycle_id].by_status[status] = number
    queue = ReviewQueue(
        waiting=list(waiting.order_by("submitted_at", "pk")[:SHOWN]),
        waiting_total=waiting.count(),
        recalled=list(recalled.order_by("-modified", "pk")[:SHOWN]),
        recalled_total=recalled.count(),
        nominations=list(nominations[:SHOWN]),
        nominations_total=nominations.count(),
        cycles=list(counts.values()),
    )
    failed = failed_uploads(user)
    queue.failed_uploads = list(failed[:SHOWN])
    queue.failed_uploads_total = failed.count()
    if user.has_perm("contributions.validate_contribution"):
        unvalidated = ledger.contributions(user).filter(validated_at__isnull=True)
        queue.contributions = list(unvalidated.order_by("created", "pk")[:SHOWN])
        queue.contributions_total = unvalidated.count()
    return queue


def failed_uploads(user):
    """Uploads refused in the last FAILED_UPLOAD_DAYS days that the user may see, newest first."""
    since = timezone.now() - timedelta(days=FAILED_UPLOAD_DAYS)
    return (
        FailedUpload.objects.visible_to(user)
        .filter(at__gte=since)
        .select_related("user", "party", "organisation", "instrument")
        .order_by("-at", "-pk")
    )


# --- a Partner organisation's focal point ------------------------------------------------------


@dataclass
class PartnerDesk:
    organisation: object
    reports: list[ReportRow]
    contributions: list
    contributions_total: int
    programmes: list


def partner_desks(user, reports: list[ReportRow]) -> list[PartnerDesk]:
    """A desk per organisation the user is focal point of: its report, its entries in the ledger
    not yet validated (which it may still correct), its shared work programme."""
    organisations = scope_of(user).organisations
    if not organisations:
        return []
    chosen = [
        organisation
        for organisation in registry.organisations(user).filter(pk__in=organisations)
        if user.has_perm("analytics.view_partner_desk", organisation)
    ]
    if not chosen:
        return []
    ids = [organisation.pk for organisation in chosen]
    unvalidated = ledger.contributions(user).filter(
        contributor_organisation__in=ids, validated_at__isnull=True
    )
    totals = dict(
        unvalidated.order_by()
        .values("contributor_organisation")
        .annotate(n=Count("pk"))
        .values_list("contributor_organisation", "n")
    )
    entries: dict[int, list] = {}
    for entry in unvalidated.order_by("start", "pk")[: SHOWN * len(ids)]:
        entries.setdefault(entry.contributor_organisation_id, []).append(entry)
    programmes: dict[int, list] = {}
    for programme in workplans.programmes(user).filter(
        kind=ProgrammeKind.PARTNER_SHARED, partner__in=ids
    ):
        programmes.setdefault(programme.partner_id, []).append(programme)
    return [
        PartnerDesk(
            organisation=organisation,
            reports=[row for row in reports if row.submission.organisation_id == organisation.pk],
            contributions=entries.get(organisation.pk, [])[:SHOWN],
            contributions_total=totals.get(organisation.pk, 0),
            programmes=programmes.get(organisation.pk, []),
        )
        for organisation in sorted(chosen, key=lambda organisation: organisation.name)
    ]


# --- someone assigned sections of another's report ---------------------------------------------


def assigned_sections(user) -> list[SectionAssignment]:
    """The sections assigned to the user in reports still being drafted, of cycles not closed
    (once a report is submitted its contributors have nothing left to do in it)."""
    if not user.is_authenticated:
        return []
    return list(
        SectionAssignment.objects.filter(
            user=user,
            submission__status__in=EDITABLE_STATUSES,
            submission__in=Submission.objects.visible_to(user),
        )
        .exclude(submission__cycle__status=CycleStatus.CLOSED)
        .select_related(
            "section", "submission__cycle", "submission__party", "submission__organisation"
        )
        .order_by("submission__cycle__deadline", "submission", "section__order", "pk")[:SHOWN]
    )


# --- everyone ----------------------------------------------------------------------------------


@dataclass
class Overview:
    parties: int
    instruments: int
    partners: int
    targets: int
    activities: int
    published: int
    latest: list[Submission]


def overview(user) -> Overview:
    """What the platform holds, as the user may see it, and the latest published reports."""
    published = reporting.submissions(user).filter(status=SubmissionStatus.PUBLISHED)
    return Overview(
        parties=registry.parties(user).count(),
        instruments=registry.instruments(user).order_by().values("pk").count(),
        partners=registry.partner_organisations(user).count(),
        targets=strategy.targets(user).count(),
        activities=workplans.activities(user).count(),
        published=published.count(),
        latest=list(published.order_by("-published_at", "pk")[:LATEST_PUBLISHED]),
    )


# --- the page ----------------------------------------------------------------------------------


@dataclass
class StartPage:
    party_desks: list[PartyDesk]
    partner_desks: list[PartnerDesk]
    other_reports: list[ReportRow]
    review: ReviewQueue | None
    assignments: list[SectionAssignment]
    overview: Overview
    # The user's own refused uploads, when no review queue lists them already.
    own_failed_uploads: list = field(default_factory=list)

    @property
    def has_work(self) -> bool:
        return bool(
            self.party_desks
            or self.partner_desks
            or self.other_reports
            or self.review
            or self.assignments
            or self.own_failed_uploads
        )


def start_page(user, *, today: date) -> StartPage:
    reports = own_reports(user, today=today)
    parties = party_desks(user, reports, today=today)
    partners = partner_desks(user, reports)
    on_desks = {row.submission.pk for desk in parties for row in desk.reports} | {
        row.submission.pk for desk in partners for row in desk.reports
    }
    review = review_queue(user)
    own_failed = []
    if review is None and user.is_authenticated:
        own_failed = list(failed_uploads(user).filter(user=user)[:OWN_FAILED_SHOWN])
    return StartPage(
        party_desks=parties,
        partner_desks=partners,
        other_reports=[row for row in reports if row.submission.pk not in on_desks],
        review=review,
        assignments=assigned_sections(user),
        overview=overview(user),
        own_failed_uploads=own_failed,
    )
