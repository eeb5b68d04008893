"""Every read a page, the API and the duties share; each takes the user."""

from django.db.models import Count, F, Prefetch, Q

from cmsfamily.meetings.choices import InviteeKind, Reply
from cmsfamily.meetings.models import AgendaItem, Document, DocumentFile, Invitation, Meeting


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
    result = []
    for row in rows:
        row["label"] = row["group"] if row["kind"] == InviteeKind.PARTY else None
        row["kind_label"] = InviteeKind(row["kind"]).label
        row["rate"] = round(100 * row["replied"] / row["invited"]) if row["invited"] else 0
        result.append(row)
    return result
