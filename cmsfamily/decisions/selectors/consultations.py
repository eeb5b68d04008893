"""The reads of consultations that pages, downloads and the API share; each takes the user."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch

from cmsfamily.decisions import drafts
from cmsfamily.decisions.models import Comment, Consultation, DraftParagraph, DraftVersion


def consultations(user):
    return (
        Consultation.objects.visible_to(user)
        .annotate(version_count=Count("versions", distinct=True))
        .select_related("adopted_as")
        .order_by("-deadline", "slug")
    )


def consultation(user, slug: str) -> Consultation | None:
    return Consultation.objects.visible_to(user).filter(slug=slug).first()


def comments_for(user, consultation: Consultation):
    """All comments for those who may read them all, else the user's own."""
    comments = Comment.objects.filter(paragraph__version__consultation=consultation)
    if user.has_perm("decisions.view_all_comments", consultation):
        return comments
    if not user.is_authenticated:
        return comments.none()
    return comments.filter(author=user)


def version(consultation: Consultation, number: int | None) -> DraftVersion | None:
    versions = consultation.versions.all()
    if number is None:
        return versions.order_by("-number").first()
    return versions.filter(number=number).first()


def paragraphs(user, consultation: Consultation, version: DraftVersion):
    """The version's paragraphs, each with the comments the user may read (authors loaded)
    and the comments it answers: a constant number of queries, whatever their number."""
    readable = comments_for(user, consultation).select_related("author", "resolved_by")
    result = list(
        version.paragraphs.select_related("previous").prefetch_related(
            Prefetch("comments", queryset=readable),
            Prefetch("answers", queryset=readable.select_related("paragraph")),
        )
    )
    for paragraph in result:
        for comment in paragraph.comments.all():
            comment.diff = (  # type: ignore[attr-defined]
                drafts.word_diff(paragraph.text, comment.proposed_text)
                if comment.proposed_text
                else []
            )
    return result


@dataclass
class Change:
    paragraph: DraftParagraph | None
    previous: DraftParagraph | None
    diff: list

    @property
    def changed(self):
        return (
            self.previous is None
            or self.paragraph is None
            or (self.previous.text != self.paragraph.text)
        )


def changes(user, consultation: Consultation, version: DraftVersion) -> list[Change]:
    """Each paragraph of `version` beside the one it continues, as a word-level diff, with the
    comments it answers; paragraphs of the previous version that were dropped are listed too."""
    current = paragraphs(user, consultation, version)
    before = DraftVersion.objects.filter(
        consultation=consultation, number=version.number - 1
    ).first()
    result = [
        Change(
            paragraph=p,
            previous=p.previous,
            diff=drafts.word_diff(p.previous.text if p.previous else "", p.text),
        )
        for p in current
    ]
    if before is not None:
        kept = {p.previous_id for p in current}
        for old in before.paragraphs.exclude(pk__in=[k for k in kept if k]):
            result.append(Change(paragraph=None, previous=old, diff=[("delete", old.text)]))
    return result


def compilation_rows(user, consultation: Consultation):
    """Every comment the user may read, in the order of the draft: the compilation that
    secretariats circulate."""
    from django.utils.translation import gettext as _

    header = [
        _("Version"),
        _("Paragraph"),
        _("Paragraph text"),
        _("Commenter"),
        _("On behalf of"),
        _("Kind"),
        _("Comment"),
        _("Proposed text"),
        _("Outcome"),
        _("Reason"),
        _("Answered in version"),
    ]
    comments = (
        comments_for(user, consultation)
        .select_related("author", "paragraph__version")
        .annotate(answered_in=Count("answered_by"))
        .prefetch_related("answered_by__version")
        .order_by("paragraph__version__number", "paragraph__position", "created", "pk")
    )
    rows = [
        [
            c.paragraph.version.number,
            c.paragraph.number or "—",
            c.paragraph.text,
            c.author.full_name or c.author.email,
            c.on_behalf,
            c.get_kind_display(),
            c.text,
            c.proposed_text,
            c.get_resolution_display(),
            c.reason,
            ", ".join(sorted({str(p.version.number) for p in c.answered_by.all()})),
        ]
        for c in comments
    ]
    return header, rows


def counts(consultation_ids):
    return dict(
        Comment.objects.filter(paragraph__version__consultation__in=consultation_ids)
        .values_list("paragraph__version__consultation")
        .annotate(n=Count("pk"))
        .order_by()
    )
