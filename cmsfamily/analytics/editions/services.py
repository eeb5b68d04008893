"""Every write to an edition: one transaction each, the rule asked inside, a domain event.

Generation is a plain function here (`generate_edition`), deterministic and with a progress
callback, so that a background job can call it as it is."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from cmsfamily.analytics.editions import generate as generator
from cmsfamily.analytics.models import Chapter, ChapterStatus, Edition, EditionStatus
from cmsfamily.core.languages import LANGUAGES
from cmsfamily.core.services import record_event, require
from cmsfamily.core.text import clean_editorial
from cmsfamily.strategy import selectors as strategy
from cmsfamily.strategy.reference import PLAN_CODE

MANAGE = "analytics.manage_editions"
MOVES: dict[
    str, set[str]
] = {  # status -> the statuses it may move to by `move_edition` (publishing is `publish`)
    EditionStatus.DRAFT: {EditionStatus.REVIEW},
    EditionStatus.REVIEW: {EditionStatus.DRAFT},
    EditionStatus.PUBLISHED: set(),
}


def plan_targets(by) -> list:
    return list(
        strategy.targets(by).filter(plan__code=PLAN_CODE).select_related("goal").order_by("number")
    )


def _not_published(edition: Edition) -> None:
    if edition.is_published:
        raise ValidationError(
            _("This edition is published: it no longer changes."), code="edition_published"
        )


@transaction.atomic
def create_edition(*, title: str, symbol: str, period_start: date, period_end: date, by) -> Edition:
    """A draft edition with its chapters: the overview, each goal and each target of the
    Strategic Plan for Migratory Species."""
    require(by, MANAGE)
    edition = Edition(
        title=(title or "").strip(),
        symbol=(symbol or "").strip(),
        period_start=period_start,
        period_end=period_end,
    )
    edition.full_clean(exclude=["content_hash"], validate_constraints=False)
    if period_end < period_start:
        raise ValidationError(
            {"period_end": _("The end of the period comes before its start.")},
            code="period_order",
        )
    edition.save()
    chapters = generator.chapter_plan(plan_targets(by))
    bulk_create_with_history(
        [
            Chapter(
                edition=edition,
                key=chapter.key,
                order=order,
                goal=chapter.goal,
                target=chapter.target,
            )
            for order, chapter in enumerate(chapters)
        ],
        Chapter,
        default_user=by if by is not None and by.is_authenticated else None,
    )
    record_event(kind="edition.created", target=edition, actor=by, symbol=edition.symbol)
    return edition


def generate_edition(*, edition: Edition, by, progress=generator.no_progress) -> Edition:
    """Generate the draft's figures again from the reports as they are now. The reading is
    done outside the transaction (it only reads); the write is one transaction."""
    require(by, MANAGE)
    _not_published(edition)
    generated = generator.generate(
        user=by,
        start=edition.period_start,
        end=edition.period_end,
        plan_targets=plan_targets(by),
        progress=progress,
    )
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        _not_published(edition)
        changed = edition.content_hash != generated.content_hash
        edition.content = generated.content
        edition.content_hash = generated.content_hash
        edition.generated_at = timezone.now()
        edition.save(update_fields=["content", "content_hash", "generated_at", "modified"])
        record_event(
            kind="edition.generated",
            target=edition,
            actor=by,
            content_hash=edition.content_hash,
            changed=changed,
        )
    return edition


@transaction.atomic
def edit_chapter(*, chapter: Chapter, by, status: str | None = None, **texts: str) -> Chapter:
    """The chapter's texts (`text_en`, `text_fr`, `text_es`; sanitised rich text) and status."""
    require(by, MANAGE)
    chapter = Chapter.objects.select_for_update().select_related("edition").get(pk=chapter.pk)
    _not_published(chapter.edition)
    allowed = {f"text_{language}" for language in LANGUAGES}
    unknown = set(texts) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for name, text in texts.items():
        setattr(chapter, name, clean_editorial(text or ""))
    if status is not None:
        if status not in ChapterStatus.values:
            raise ValidationError({"status": _("Choose draft or ready.")}, code="chapter_status")
        chapter.status = status
    chapter.save()
    record_event(
        kind="edition.chapter_edited",
        target=chapter.edition,
        actor=by,
        chapter=chapter.key,
        status=chapter.status,
    )
    return chapter


@transaction.atomic
def move_edition(*, edition: Edition, status: str, by) -> Edition:
    """Draft to review and back (publishing is `publish_edition`)."""
    require(by, MANAGE)
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if status not in MOVES[edition.status]:
        raise ValidationError(
            _("An edition that is %(status)s cannot be moved to that status.")
            % {"status": edition.get_status_display().lower()},
            code="edition_move",
        )
    edition.status = status
    edition.save(update_fields=["status", "modified"])
    record_event(kind="edition.moved", target=edition, actor=by, status=status)
    return edition


def drafted_chapters(edition: Edition) -> list[str]:
    return list(
        edition.chapters.filter(status=ChapterStatus.DRAFT)
        .order_by("order")
        .values_list("key", flat=True)
    )


@transaction.atomic
def publish_edition(*, edition: Edition, by) -> Edition:
    """Freeze the edition: its generated figures, its hash and its chapters' texts are kept as
    they are now, and no report accepted later changes them. Refused while a chapter is in
    draft (the refusal names them) or before the figures are generated."""
    require(by, MANAGE)
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    _not_published(edition)
    if edition.status != EditionStatus.REVIEW:
        raise ValidationError(
            _("Send the edition for review before publishing it."), code="edition_not_in_review"
        )
    if not edition.content_hash:
        raise ValidationError(
            _("Generate the edition's figures before publishing it."), code="edition_not_generated"
        )
    drafted = drafted_chapters(edition)
    if drafted:
        headings = {key: generator.heading_of_key(key) for key in drafted}
        raise ValidationError(
            _("These chapters are still in draft: %(chapters)s.")
            % {"chapters": ", ".join(headings[key] for key in drafted)},
            code="chapters_in_draft",
            params={"chapters": drafted},
        )
    edition.frozen = {
        "content": edition.content,
        "content_hash": edition.content_hash,
        "texts": {
            chapter.key: {language: chapter.text(language) for language in LANGUAGES}
            for chapter in edition.chapters.order_by("order")
        },
    }
    edition.status = EditionStatus.PUBLISHED
    edition.published_at = timezone.now()
    edition.published_by = by if by is not None and by.is_authenticated else None
    edition.save()
    record_event(
        kind="edition.published", target=edition, actor=by, content_hash=edition.content_hash
    )
    return edition
