"""Every read of the register and of implementation that pages, the API and exports share.
Each takes the user; what a user may not read is never returned."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from cmsfamily.decisions.choices import AddresseeKind, ImplementationStatus
from cmsfamily.decisions.models import (
    Addressee,
    Decision,
    Evidence,
    Implementation,
    OperativeParagraph,
)
from cmsfamily.directory.models import Organisation, Party, Region
from cmsfamily.directory.scope import scope_of


def decisions(user):
    return (
        Decision.objects.visible_to(user)
        .select_related("instrument", "superseded_by")
        .annotate(paragraph_count=Count("paragraphs", distinct=True))
        .order_by("body", "kind", "sort_key", "slug")
    )


def decision_detail(user, slug: str) -> Decision | None:
    return (
        Decision.objects.visible_to(user)
        .select_related("instrument", "superseded_by", "programme")
        .prefetch_related(
            Prefetch(
                "paragraphs",
                queryset=OperativeParagraph.objects.select_related(
                    "activity__programme"
                ).prefetch_related(
                    Prefetch("addressees", queryset=Addressee.objects.select_related("instrument"))
                ),
            ),
            "supersedes",
        )
        .filter(slug=slug)
        .first()
    )


def paragraph(user, pk: int) -> OperativeParagraph | None:
    return (
        OperativeParagraph.objects.visible_to(user)
        .select_related("decision")
        .prefetch_related("addressees__instrument")
        .filter(pk=pk)
        .first()
    )


def implementations(user):
    return Implementation.objects.visible_to(user).select_related(
        "addressee__paragraph__decision",
        "addressee__instrument",
        "party__region",
        "organisation",
        "updated_by",
    )


STATUSES = list(ImplementationStatus)


@dataclass
class Tally:
    counts: dict = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    @property
    def rows(self):
        return [(status, self.counts[status]) for status in STATUSES]

    @property
    def total(self):
        return sum(self.counts.values())


@dataclass
class Overview:
    """Implementation of one decision as the user may read it: per paragraph and addressee,
    per region (paragraphs addressed to the Parties), and per addressee."""

    per_paragraph: dict = field(default_factory=lambda: defaultdict(Tally))
    per_region: dict = field(default_factory=lambda: defaultdict(Tally))
    per_addressee: dict = field(default_factory=lambda: defaultdict(Tally))
    regions: dict = field(default_factory=dict)
    visible: bool = False


def overview(user, decision: Decision) -> Overview:
    """Counted by the database. A Party that has not reported on a paragraph addressed to the
    Parties counts as not started (only for readers who see every Party's rows)."""
    result = Overview()
    scope = scope_of(user)
    if not scope.authenticated:
        return result
    result.visible = True
    rows = (
        Implementation.objects.visible_to(user)
        .filter(addressee__paragraph__decision=decision)
        .values("addressee_id", "addressee__kind", "party__region_id", "status")
        .annotate(n=Count("pk"))
    )
    reported_parties: dict[int, int] = defaultdict(int)
    reported_party_region: dict[tuple[int, int], int] = defaultdict(int)
    for row in rows:
        kind, status, n = row["addressee__kind"], row["status"], row["n"]
        result.per_paragraph[row["addressee_id"]].counts[status] += n
        result.per_addressee[kind].counts[status] += n
        if kind == AddresseeKind.PARTIES:
            result.per_region[row["party__region_id"]].counts[status] += n
            reported_parties[row["addressee_id"]] += n
            reported_party_region[(row["addressee_id"], row["party__region_id"])] += n
    if scope.cms_secretariat:
        party_addressees = list(
            Addressee.objects.filter(
                paragraph__decision=decision, kind=AddresseeKind.PARTIES
            ).values_list("pk", flat=True)
        )
        if party_addressees:
            per_region = dict(
                Party.objects.values_list("region_id").annotate(n=Count("pk")).order_by()
            )
            all_parties = sum(per_region.values())
            for addressee_id in party_addressees:
                missing = all_parties - reported_parties[addressee_id]
                result.per_paragraph[addressee_id].counts[ImplementationStatus.NOT_STARTED] += (
                    missing
                )
                result.per_addressee[AddresseeKind.PARTIES].counts[
                    ImplementationStatus.NOT_STARTED
                ] += missing
                for region_id, n in per_region.items():
                    result.per_region[region_id].counts[ImplementationStatus.NOT_STARTED] += (
                        n - (reported_party_region[(addressee_id, region_id)])
                    )
    if result.per_region:
        result.regions = {
            region.pk: region for region in Region.objects.filter(pk__in=list(result.per_region))
        }
    return result


@dataclass
class Duty:
    """One paragraph the user's Party, organisation or instrument is asked to implement, and
    the row so far (unsaved when nothing has been reported)."""

    addressee: Addressee
    row: Implementation

    @property
    def implementer_code(self) -> str:
        return implementer_code(self.row)


def implementer_code(row: Implementation) -> str:
    if row.party is not None:
        return f"party-{row.party.code.lower()}"
    if row.organisation is not None:
        return f"org-{row.organisation.slug}"
    return "body"


def implementer_from_code(code: str) -> tuple[Party | None, Organisation | None] | None:
    """'party-ke' -> (Kenya, None); 'org-birdlife' -> (None, BirdLife); 'body' -> (None, None);
    None for anything else."""
    kind, _sep, key = code.partition("-")
    if code == "body":
        return None, None
    if kind == "party" and key:
        party = Party.objects.filter(code=key.upper()).first()
        return (party, None) if party else None
    if kind == "org" and key:
        organisation = Organisation.objects.filter(slug=key).first()
        return (None, organisation) if organisation else None
    return None


def duties(user) -> list[Duty]:
    """The paragraphs the user reports implementation of, for each Party, organisation or
    instrument they act for (the CMS Secretariat: the Convention's own bodies)."""
    scope = scope_of(user)
    if not scope.authenticated:
        return []
    wanted = Q(pk__in=[])
    if scope.acting_parties:
        wanted |= Q(kind=AddresseeKind.PARTIES)
    if scope.organisations:
        wanted |= Q(kind=AddresseeKind.PARTNERS)
    if scope.secretariat_instruments:
        wanted |= Q(kind=AddresseeKind.INSTRUMENT, instrument__in=scope.secretariat_instruments)
    if scope.cms_secretariat:
        wanted |= Q(
            kind__in=[
                AddresseeKind.SECRETARIAT,
                AddresseeKind.SCIENTIFIC_COUNCIL,
                AddresseeKind.STANDING_COMMITTEE,
            ]
        )
    addressees = list(
        Addressee.objects.filter(wanted)
        .select_related("paragraph__decision", "instrument")
        .order_by("paragraph__decision__sort_key", "paragraph__sort_key", "kind")
    )
    parties = list(Party.objects.filter(pk__in=scope.acting_parties).order_by("name"))
    organisations = list(Organisation.objects.filter(pk__in=scope.organisations).order_by("name"))
    existing = {
        (row.addressee_id, row.party_id, row.organisation_id): row
        for row in Implementation.objects.filter(addressee__in=addressees).filter(
            Q(party__in=parties)
            | Q(organisation__in=organisations)
            | Q(party__isnull=True, organisation__isnull=True)
        )
    }
    result = []
    for addressee in addressees:
        implementers: list[tuple[Party | None, Organisation | None]]
        if addressee.kind == AddresseeKind.PARTIES:
            implementers = [(party, None) for party in parties]
        elif addressee.kind == AddresseeKind.PARTNERS:
            implementers = [(None, organisation) for organisation in organisations]
        else:
            implementers = [(None, None)]
        for party, organisation in implementers:
            key = (
                addressee.pk,
                party.pk if party else None,
                organisation.pk if organisation else None,
            )
            row = existing.get(key) or Implementation(
                addressee=addressee, party=party, organisation=organisation
            )
            row.addressee = addressee
            result.append(Duty(addressee=addressee, row=row))
    return result


def evidence_of(implementation: Implementation):
    return Evidence.objects.filter(implementation=implementation).select_related(
        "activity__programme", "contribution", "submission_version__submission"
    )


def evidence_target(user, kind: str, target: dict) -> dict | None:
    """What an evidence link names, if it exists and the user may read it; None otherwise."""
    from cmsfamily.contributions.models import Contribution
    from cmsfamily.decisions.choices import EvidenceKind
    from cmsfamily.reporting.models import Submission, SubmissionVersion
    from cmsfamily.workplans.models import Activity

    if kind == EvidenceKind.ANSWER:
        version = SubmissionVersion.objects.filter(
            submission__in=Submission.objects.visible_to(user),
            submission_id=target.get("submission", 0),
            number=target.get("version", 0),
        ).first()
        return {"submission_version": version} if version else None
    if kind == EvidenceKind.ACTIVITY:
        activities = Activity.objects.visible_to(user)
        if "pk" in target:
            activity = activities.filter(pk=target["pk"]).first()
        else:
            activity = activities.filter(
                programme__code=target.get("code"), number=target.get("number")
            ).first()
        return {"activity": activity} if activity else None
    if kind == EvidenceKind.CONTRIBUTION:
        contribution = Contribution.objects.visible_to(user).filter(pk=target.get("pk")).first()
        return {"contribution": contribution} if contribution else None
    return None
