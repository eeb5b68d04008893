"""Submitted versions of a report: a version's page, the diff between two versions and between the
draft and the last accepted report, the version as a document to print, as PDF and as JSON."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cmsfamily.core.jobs.views import start_and_show
from cmsfamily.core.text import plain_text
from cmsfamily.core.views import error_page, require_perm
from cmsfamily.reporting import display, exports, jobs, selectors, services
from cmsfamily.reporting.answers import Pickers
from cmsfamily.reporting.forms import CommentForm, DiffForm
from cmsfamily.reporting.views.common import (
    require_versions_readable,
    submission_for,
    version_for,
    version_sections,
)


def version_detail(request, pk, number):
    submission = submission_for(request, pk)
    require_versions_readable(request, submission)
    version = version_for(request, submission, number)
    structure = selectors.structure(submission.cycle.version)
    can_comment = request.user.has_perm("reporting.comment_submission", submission)
    comments = selectors.comments_by_answer(submission) if can_comment else {}
    return render(
        request,
        "reporting/version_detail.html",
        {
            "submission": submission,
            "version": version,
            "sections": version_sections(submission, version, structure, comments=comments),
            "can_comment": can_comment,
            "comment_form": CommentForm(),
            "versions": selectors.version_numbers(submission, request.user),
        },
    )


def _changes(structure, older: dict, newer: dict) -> list[dict]:
    """The answers two snapshots differ in, as text, for the diff tables; a question the
    structure no longer asks is left out."""
    names = Pickers()
    language = get_language() or "en"
    labels = {
        **selectors.snapshot_loop_labels(structure, older, language),
        **selectors.snapshot_loop_labels(structure, newer, language),
    }
    changes = []
    for change in selectors.diff(older, newer):
        item = structure.items_by_code.get(change.code)
        if item is None:
            continue
        changes.append(
            {
                "item": item,
                "loop_label": labels.get(change.key, change.key),
                "kind": change.kind,
                "before": display.text(item.question, change.before, names=names),
                "after": display.text(item.question, change.after, names=names),
            }
        )
    return changes


def version_diff(request, pk):
    submission = submission_for(request, pk)
    require_versions_readable(request, submission)
    form = DiffForm(request.GET)
    if not form.is_valid():
        return error_page(
            request,
            title=_("Choose two versions"),
            message=_("Give the two version numbers to compare."),
            status=400,
            back=submission.get_absolute_url(),
        )
    older = version_for(request, submission, form.cleaned_data["older"])
    newer = version_for(request, submission, form.cleaned_data["newer"])
    structure = selectors.structure(submission.cycle.version)
    changes = _changes(structure, older.snapshot, newer.snapshot)
    return render(
        request,
        "reporting/diff.html",
        {"submission": submission, "older": older, "newer": newer, "changes": changes},
    )


def since_previous(request, pk):
    """What the draft changes in the answers of the reporter's last accepted report."""
    submission = submission_for(request, pk)
    require_perm(request.user, "reporting.view_draft", submission)
    previous = services.previous_versions([submission]).get(submission.pk)
    structure = selectors.structure(submission.cycle.version)
    changes = []
    if previous is not None:
        current = selectors.snapshot(structure, submission, selectors.answer_values(submission))
        changes = _changes(structure, previous.snapshot, current)
    return render(
        request,
        "reporting/since_previous.html",
        {"submission": submission, "previous": previous, "changes": changes},
    )


def print_context(request, pk, number, *, for_pdf=False) -> dict:
    """The version as a document. The answers, the questions they answer and the report's titles
    are read in the language the version was submitted in; the page around them (headings,
    facts, links) stays in the reader's language."""
    submission = submission_for(request, pk)
    require_versions_readable(request, submission)
    version = version_for(request, submission, number)
    structure = selectors.structure(submission.cycle.version)
    with translation.override(version.language):
        names = Pickers()
        loops = selectors.loop_items(structure, submission)
        sections = []
        for section in selectors.printed(structure, version.snapshot, loops):
            node = section.node
            sections.append(
                {
                    "pk": node.section.pk,
                    "heading": plain_text(f"{node.section.number} {node.section.title}"),
                    "loop": node.loop_section is not None,
                    "rows": [
                        (
                            item.number,
                            plain_text(str(item.question.text)),
                            display.text(item.question, value, names=names),
                        )
                        for item, value in section.rows
                    ],
                    "columns": [
                        plain_text(f"{item.number} {item.question.text}") for item in node.items
                    ],
                    "table": [
                        (
                            label,
                            [
                                display.text(item.question, value, names=names)
                                for item, value in zip(node.items, values, strict=True)
                            ],
                        )
                        for label, values in section.loop_items
                    ],
                }
            )
        document = {
            "kind": str(submission.cycle.version.template.title),
            "reporter": str(submission.reporter),
            "cycle": str(submission.cycle.title),
        }
    return {
        "submission": submission,
        "version": version,
        "document": document,
        "language_name": dict(settings.LANGUAGES).get(version.language, version.language),
        "sections": sections,
        "for_pdf": for_pdf,
        "generated": timezone.now(),
    }


def version_print(request, pk, number):
    """The submitted version as a document: the reader's language around the answers, which are
    shown as submitted."""
    context = print_context(request, pk, number)
    return render(request, "reporting/version_print.html", context)


def version_pdf(request, pk, number):
    """The PDF is made by a background job (2-3 s for a long report): this starts it, or finds
    the one already made of this version in the reader's language, and leads to its page."""
    submission = submission_for(request, pk)
    require_versions_readable(request, submission)
    version = version_for(request, submission, number)
    return start_and_show(
        request,
        kind=jobs.VERSION_PDF,
        key=jobs.version_pdf_key(version, get_language() or "en"),
        params={"submission": submission.pk, "number": version.number},
        title=_("PDF of %(reporter)s — %(cycle)s, version %(number)s")
        % {"reporter": submission.reporter, "cycle": submission.cycle.title, "number": number},
    )


def version_filename(submission, version, extension: str) -> str:
    code = exports.reporter_code(submission)
    return f"{submission.cycle.slug}-{code}-v{version.number}.{extension}"


def version_json(request, pk, number):
    """The submitted version as data, for whoever may read it (everyone once published)."""
    submission = submission_for(request, pk)
    require_versions_readable(request, submission)
    version = version_for(request, submission, number)
    version.submission = submission
    response = JsonResponse(
        exports.version_document(version), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = content_disposition_header(
        True, version_filename(submission, version, "json")
    )
    return response
