"""Every read a page, the API and the duties share; each takes the user."""

from django.db.models import Case, Count, F, OuterRef, Prefetch, Q, Subquery, Value, When

from cmsfamily.meetings.choices import DelegateRole, Examination, Funding, InviteeKind, Reply
from cmsfamily.meetings.models import (
    AgendaItem,
    Credentials,
    Delegate,
    Document,
    DocumentFile,
    Invitation,
    Meeting,
)


def meetings(user):
    return Meeting.objects.visible_to(user).select_related("instrument")


def meeting(user, code: str) -> Meeting | None:
    return meetings(user).filter(code=code).first()


def documents(user, meeting: Meeting | None = None):
    found = (
        Document.objects.visible_to(user)
        .select_related("meeting", "agenda_item")
        .prefetch_related(
            Prefetch("files", queryset=DocumentFile.objects.order_by("-revision", "language"))
        )
    )
    return found.filter(meeting=meeting) if meeting is not None else found


def agenda(user, meeting: Meeting):
    return AgendaItem.objects.visible_to(user).filter(meeting=meeting)


def document_file(user, meeting: Meeting, pk: int) -> DocumentFile | None:
    return (
        DocumentFile.objects.visible_to(user)
        .select_related("document")
        .filter(document__meeting=meeting, pk=pk)
        .first()
    )


def invitations(user, meeting: Meeting | None = None):
    found = Invitation.objects.visible_to(user).select_related(
        "meeting", "party", "party__region", "organisation"
    )
    return found.filter(meeting=meeting) if meeting is not None else found


def invitation(user, meeting: Meeting, pk: int) -> Invitation | None:
    return invitations(user, meeting).filter(pk=pk).first()


def own_invitations(user, meeting: Meeting):
    """The invitations of the Parties and organisations the user acts for."""
    from cmsfamily.directory.scope import scope_of

    scope = scope_of(user)
    return invitations(user, meeting).filter(
        Q(party__in=scope.acting_parties) | Q(organisation__in=scope.organisations)
    )


def reply_rates(meeting: Meeting) -> list[dict]:
    """Invited, replied (late among them) and each answer, by region for the Parties and as one
    row for the Partners: one grouped query."""
    rows = (
        meeting.invitations.annotate(group=F("party__region__name"))
        .values("kind", "group")
        .annotate(
            invited=Count("pk"),
            replied=Count("pk", filter=~Q(reply="")),
            late=Count("pk", filter=Q(late=True)),
            attend=Count("pk", filter=Q(reply=Reply.ATTEND)),
            decline=Count("pk", filter=Q(reply=Reply.DECLINE)),
            forwarded=Count("pk", filter=Q(reply=Reply.FORWARDED)),
        )
        .order_by("kind", "group")
    )
    result: list[dict] = []
    for row in rows:
        each = dict(row)
        each["label"] = row["group"] if row["kind"] == InviteeKind.PARTY else None
        each["kind_label"] = InviteeKind(row["kind"]).label
        each["rate"] = round(100 * row["replied"] / row["invited"]) if row["invited"] else 0
        result.append(each)
    return result


# -- delegations and credentials ------------------------------------------------------------------


# The head first, then the alternates, then the advisers.
ROLE_ORDER = Case(
    When(role=DelegateRole.HEAD, then=Value(0)),
    When(role=DelegateRole.ALTERNATE, then=Value(1)),
    default=Value(2),
)


def delegates(user, invitation):
    return (
        Delegate.objects.visible_to(user)
        .filter(invitation=invitation)
        .select_related("person", "person__organisation")
        .order_by(ROLE_ORDER, "person__family_name")
    )


def registry_people(party):
    """The people of the registry an NFP may name for its Party: those appointed for it."""
    from cmsfamily.directory.models import Person

    return Person.objects.filter(appointments__party=party).distinct().order_by("family_name")


def credentials_of(user, invitation):
    return (
        Credentials.objects.visible_to(user)
        .filter(invitation=invitation)
        .prefetch_related("covers__person")
        .order_by("-created", "-id")
    )


def credentials_one(user, meeting, pk: int) -> Credentials | None:
    return (
        Credentials.objects.visible_to(user)
        .select_related("invitation", "invitation__party")
        .filter(invitation__meeting=meeting, pk=pk)
        .first()
    )


def funded_delegates(user, meeting):
    return (
        Delegate.objects.visible_to(user)
        .filter(invitation__meeting=meeting, funding=Funding.GRANTED)
        .select_related("person", "invitation__party")
        .order_by("invitation__party__name", ROLE_ORDER)
    )


def _latest_credentials(meeting):
    latest = Credentials.objects.filter(invitation=OuterRef("pk")).order_by("-created", "-id")
    return meeting.invitations.filter(kind=InviteeKind.PARTY).annotate(
        examination=Subquery(latest.values("examination")[:1]),
        reason=Subquery(latest.values("reason")[:1]),
    )


def credentials_report(meeting) -> dict:
    """What the Credentials Committee reports: the Parties whose credentials are in order
    (accepted), accepted provisionally, not accepted (and why), not examined yet, and the
    attending Parties that submitted none. Two queries."""
    rows = list(
        _latest_credentials(meeting)
        .filter(Q(examination__isnull=False) | Q(reply=Reply.ATTEND))
        .select_related("party")
        .order_by("party__name")
    )
    groups: dict[str, list] = {key: [] for key in (*Examination.values, "none")}
    for row in rows:
        groups[row.examination or "none"].append(row)
    return {
        "in_order": groups[Examination.ACCEPTED],
        "provisional": groups[Examination.PROVISIONAL],
        "not_accepted": groups[Examination.NOT_ACCEPTED],
        "pending": groups[Examination.PENDING],
        "none": groups["none"],
    }


# -- the duties of a Party (read by analytics) ----------------------------------------------------


def last_cop(instrument_code: str = "cms") -> Meeting | None:
    """The latest Conference of the Parties that has begun."""
    from django.utils import timezone

    return (
        Meeting.objects.filter(
            kind="cop", instrument__code=instrument_code, start__lte=timezone.localdate()
        )
        .order_by("-start")
        .first()
    )


def duties_credentials(user, party_ids, *, meeting: Meeting | None) -> dict:
    """For each Party, its invitation to `meeting` (the last COP) and its latest credentials, as
    far as the user may see them: {party_id: (invitation, credentials or None)}. Two queries,
    whatever the number of Parties."""
    if meeting is None:
        return {}
    found = {
        invitation.party_id: (invitation, None)
        for invitation in invitations(user, meeting).filter(party__in=party_ids)
    }
    latest: dict[int, Credentials] = {}
    for each in (
        Credentials.objects.visible_to(user)
        .filter(invitation__meeting=meeting, invitation__party__in=party_ids)
        .select_related("invitation")
        .order_by("created", "id")
    ):
        latest[each.invitation.party_id] = each
    return {party: (inv, latest.get(party)) for party, (inv, _none) in found.items()}


def duties_replies(user, party_ids, *, today) -> dict:
    """For each Party, its invitations that were due (deadline passed) or answered: how many,
    how many answered, how many late, and the unanswered ones. One query."""
    result: dict[int, dict] = {
        pk: {"due": 0, "answered": 0, "late": 0, "unanswered": []} for pk in party_ids
    }
    for invitation in (
        invitations(user)
        .filter(party__in=party_ids)
        .filter(Q(deadline__lt=today) | ~Q(reply=""))
        .order_by("-deadline")
    ):
        row = result[invitation.party_id]
        row["due"] += 1
        if invitation.reply:
            row["answered"] += 1
            row["late"] += invitation.late
        else:
            row["unanswered"].append(invitation)
    return result
