"""Consultations on drafts: opened with a draft read into numbered paragraphs, commented on
paragraph by paragraph, each comment resolved with a reason, new versions linked to the
comments they answer, and the adopted text entered in the register."""

import difflib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cmsfamily.core.services import record_event, require
from cmsfamily.decisions import drafts
from cmsfamily.decisions.choices import BlockKind, CommentKind, DecisionKind, Resolution
from cmsfamily.decisions.models import (
    Comment,
    Consultation,
    Decision,
    DraftParagraph,
    DraftVersion,
)
from cmsfamily.decisions.services.register import record_decision

# A changed paragraph is the same paragraph rewritten when this share of its words remains.
SAME_PARAGRAPH = 0.4


def _error(field: str | None, message: str, code: str) -> ValidationError:
    if field is None:
        return ValidationError(message, code=code)
    return ValidationError({field: ValidationError(message, code=code)})


def _unique_slug(title: str) -> str:
    base = slugify(title)[:60] or "consultation"
    taken = set(Consultation.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _write_version(consultation, blocks, *, file_name, by) -> DraftVersion:
    latest = consultation.versions.order_by("-number").first()
    version = DraftVersion.objects.create(
        consultation=consultation,
        number=(latest.number + 1) if latest else 1,
        file_name=file_name[:255],
        uploaded_by=by if by is not None and by.is_authenticated else None,
    )
    new = DraftParagraph.objects.bulk_create(
        [
            DraftParagraph(
                version=version,
                position=position,
                number=number,
                kind=BlockKind(block.kind),
                level=block.level,
                ordered=block.ordered,
                text=block.text,
            )
            for position, (number, block) in enumerate(drafts.number_blocks(blocks), start=1)
        ]
    )
    if latest is not None:
        _link_to_previous(list(latest.paragraphs.all()), new)
    return version


def _link_to_previous(old: list[DraftParagraph], new: list[DraftParagraph]) -> None:
    """Each new paragraph is linked to the one it continues; a rewritten one answers the
    comments on its predecessor that were accepted or partly accepted."""
    matcher = difflib.SequenceMatcher(
        a=[p.text for p in old], b=[p.text for p in new], autojunk=False
    )
    changed: list[DraftParagraph] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for a, b in zip(old[i1:i2], new[j1:j2], strict=True):
                b.previous = a
        elif op == "replace":
            for a, b in zip(old[i1:i2], new[j1:j2], strict=False):
                if drafts.similarity(a.text, b.text) >= SAME_PARAGRAPH:
                    b.previous = a
                    changed.append(b)
    linked = [p for p in new if p.previous is not None]
    DraftParagraph.objects.bulk_update(linked, ["previous"])
    answered = Comment.objects.filter(
        paragraph__in=[p.previous for p in changed],
        resolution__in=[Resolution.ACCEPTED, Resolution.PARTLY],
    ).values_list("pk", "paragraph_id")
    by_paragraph: dict[int, list[int]] = {}
    for pk, paragraph_id in answered:
        by_paragraph.setdefault(paragraph_id, []).append(pk)
    Through = DraftParagraph.answers.through
    Through.objects.bulk_create(
        [
            Through(draftparagraph_id=p.pk, comment_id=pk)
            for p in changed
            for pk in by_paragraph.get(p.previous_id or 0, [])
        ]
    )


@transaction.atomic
def open_consultation(
    *,
    title: str,
    content: bytes,
    file_name: str,
    deadline,
    languages=("en",),
    visibility: str,
    public: bool = False,
    all_nfps: bool = False,
    regions=(),
    all_partners: bool = False,
    organisations=(),
    people=(),
    by,
) -> Consultation:
    require(by, "decisions.run_consultation")
    if not title.strip():
        raise _error("title", _("Give the consultation a title."), "required")
    if deadline <= timezone.now():
        raise _error("deadline", _("The deadline must be in the future."), "past_deadline")
    if not (all_nfps or regions or all_partners or organisations or people):
        raise _error(None, _("Say who may comment."), "no_commenters")
    blocks = drafts.read_draft(content, file_name)
    consultation = Consultation.objects.create(
        slug=_unique_slug(title),
        title=title.strip(),
        deadline=deadline,
        languages=list(languages),
        visibility=visibility,
        public=public,
        all_nfps=all_nfps,
        all_partners=all_partners,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    consultation.regions.set(regions)
    consultation.organisations.set(organisations)
    consultation.people.set(people)
    _write_version(consultation, blocks, file_name=file_name, by=by)
    record_event(kind="consultation.opened", target=consultation, actor=by)
    return consultation


@transaction.atomic
def upload_version(*, consultation: Consultation, content: bytes, file_name: str, by):
    require(by, "decisions.run_consultation", consultation)
    if consultation.adopted_as_id:
        raise _error(None, _("The text is adopted; no new version can be added."), "adopted")
    blocks = drafts.read_draft(content, file_name)
    version = _write_version(consultation, blocks, file_name=file_name, by=by)
    record_event(
        kind="consultation.version_added", target=consultation, actor=by, version=version.number
    )
    return version


@transaction.atomic
def comment(
    *,
    paragraph: DraftParagraph,
    kind: str,
    by,
    text: str = "",
    proposed_text: str = "",
    on_behalf: str = "",
) -> Comment:
    # Read again, locked: the deadline and the versions are those of this moment.
    consultation = Consultation.objects.select_for_update().get(
        pk=paragraph.version.consultation_id
    )
    require(by, "decisions.comment", consultation)
    if timezone.now() >= consultation.deadline:
        raise _error(None, _("The deadline for comments has passed."), "after_deadline")
    latest = consultation.versions.order_by("-number").values_list("pk", flat=True).first()
    if paragraph.version_id != latest:
        raise _error(
            None,
            _(
                "This paragraph belongs to an earlier version of the draft; comment on the current one."
            ),
            "other_version",
        )
    text, proposed_text = text.strip(), proposed_text.strip()
    if kind == CommentKind.PROPOSAL:
        if not proposed_text or proposed_text == paragraph.text.strip():
            raise _error("proposed_text", _("Write the text you propose."), "required")
    elif kind == CommentKind.GENERAL:
        if not text:
            raise _error("text", _("Write your comment."), "required")
        proposed_text = ""
    else:
        raise _error("kind", _("Choose a kind of comment."), "invalid")
    made = Comment.objects.create(
        paragraph=paragraph,
        author=by,
        kind=kind,
        text=text,
        proposed_text=proposed_text,
        on_behalf=on_behalf.strip()[:300],
    )
    record_event(kind="consultation.commented", target=consultation, actor=by, comment=made.pk)
    return made


@transaction.atomic
def resolve_comment(*, comment: Comment, resolution: str, reason: str, by) -> Comment:
    consultation = comment.paragraph.version.consultation
    require(by, "decisions.run_consultation", consultation)
    if resolution not in Resolution.values:
        raise _error(
            "resolution", _("Choose accepted, partly accepted or not accepted."), "invalid"
        )
    if not reason.strip():
        raise _error("reason", _("Give the reason for this resolution."), "reason_required")
    comment.resolution = resolution
    comment.reason = reason.strip()
    comment.resolved_by = by if by is not None and by.is_authenticated else None
    comment.resolved_at = timezone.now()
    comment.save()
    record_event(
        kind="consultation.comment_resolved", target=consultation, actor=by, resolution=resolution
    )
    return comment


def _addressees_by_number(lines: str) -> dict[str, list[str]]:
    """'3: parties, secretariat' per line -> {'3': ['parties', 'secretariat']}."""
    result: dict[str, list[str]] = {}
    for line in lines.splitlines():
        if not line.strip():
            continue
        number, sep, bodies = line.partition(":")
        if not sep or not number.strip():
            raise _error(
                "addressees",
                _("Write one line per paragraph, e.g. “3: parties, secretariat”."),
                "invalid",
            )
        result[number.strip()] = [b.strip() for b in bodies.split(",") if b.strip()]
    return result


@transaction.atomic
def adopt(
    *,
    consultation: Consultation,
    number: str,
    meeting: str,
    adopted_on,
    addressees: str = "",
    by,
) -> Decision:
    """The latest version enters the register as a Resolution; its numbered paragraphs become
    the operative paragraphs, with the addressees given per paragraph number."""
    require(by, "decisions.run_consultation", consultation)
    if consultation.adopted_as_id:
        raise _error(None, _("This text is already adopted."), "adopted")
    version = consultation.versions.order_by("-number").first()
    if version is None:
        raise _error(None, _("The consultation has no draft."), "no_draft")
    paragraphs = [p for p in version.paragraphs.all() if p.number]
    wanted = _addressees_by_number(addressees)
    unknown = set(wanted) - {p.number for p in paragraphs}
    if unknown:
        raise _error(
            "addressees",
            _("The adopted text has no paragraph %(numbers)s.")
            % {"numbers": ", ".join(sorted(unknown))},
            "unknown_paragraph",
        )
    decision = record_decision(
        by=by,
        slug=f"adopted-{consultation.slug}"[:80],
        kind=DecisionKind.RESOLUTION,
        number=number.strip(),
        title=consultation.title,
        body="cop",
        meeting=meeting.strip(),
        adopted_on=adopted_on,
        source=_("Adopted from the consultation “%(title)s”, version %(version)s.")
        % {"title": consultation.title, "version": version.number},
        paragraphs=[
            {"number": p.number, "text": p.text, "addressees": wanted.get(p.number, [])}
            for p in paragraphs
        ],
    )
    consultation.adopted_as = decision
    consultation.save(update_fields=["adopted_as", "modified"])
    record_event(kind="consultation.adopted", target=consultation, actor=by, decision=decision.slug)
    return decision
