"""Reads of editions shared by the pages and the downloads; each takes the user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language

from cmsfamily.analytics.editions import generate
from cmsfamily.analytics.models import Chapter, Edition, EditionStatus
from cmsfamily.core.languages import DEFAULT, LANGUAGES


def editions(user):
    """The editions the user may read: the published ones, and every one for the Secretariat."""
    queryset = Edition.objects.order_by("-period_end", "-pk")
    if user.has_perm("analytics.manage_editions"):
        return queryset
    return queryset.filter(status=EditionStatus.PUBLISHED)


def edition(user, pk: int) -> Edition | None:
    return editions(user).filter(pk=pk).first()


def last_published(before: Edition | None = None) -> Edition | None:
    queryset = Edition.objects.published().order_by("-published_at", "-pk")
    if before is not None:
        queryset = queryset.exclude(pk=before.pk)
    return queryset.first()


def language() -> str:
    code = (get_language() or DEFAULT).split("-")[0]
    return code if code in LANGUAGES else DEFAULT


@dataclass
class ChapterView:
    key: str
    heading: str
    statement: str
    text: str
    status: str
    figures: list[dict[str, Any]]
    chapter: Chapter | None = None

    @property
    def anchor(self) -> str:
        return f"chapter-{self.key}"


@dataclass
class EditionView:
    """An edition as read in one language: from its frozen content once published, else from
    its last generated figures and its chapters' current texts."""

    edition: Edition
    content: dict
    content_hash: str
    chapters: list[ChapterView]
    annex: dict

    @property
    def generated(self) -> bool:
        return bool(self.content)

    @property
    def cited(self) -> int:
        return len(self.annex.get("versions", []))


def read(edition: Edition, *, lang: str | None = None) -> EditionView:
    lang = lang or language()
    chapters = list(edition.chapters.select_related("goal", "target").order_by("order"))
    if edition.is_published and edition.frozen:
        content = edition.frozen["content"]
        texts = edition.frozen["texts"]
        content_hash = edition.frozen["content_hash"]
    else:
        content = edition.content or {}
        texts = {c.key: {code: c.text(code) for code in LANGUAGES} for c in chapters}
        content_hash = edition.content_hash
    written = content.get("languages", {}).get(lang) or content.get("languages", {}).get(
        DEFAULT, {}
    )
    generated = written.get("chapters", {})
    views = []
    for chapter in chapters:
        figures = generated.get(chapter.key, {})
        text = texts.get(chapter.key, {})
        views.append(
            ChapterView(
                key=chapter.key,
                heading=figures.get("heading") or heading(chapter),
                statement=figures.get("statement") or statement(chapter),
                text=text.get(lang) or "",
                status=chapter.status,
                figures=figures.get("figures", []),
                chapter=chapter,
            )
        )
    return EditionView(edition, content, content_hash, views, written.get("annex", {}))


def heading(chapter: Chapter) -> str:
    return generate.heading_of_key(chapter.key)


def statement(chapter: Chapter) -> str:
    source = chapter.target or chapter.goal
    return source.text if source is not None else ""
