"""What several view modules share: the report, version or template version a user may open,
the refusal to change a report of a closed cycle, a version's answers section by section with
their review comments, and the confirmation asked before a removal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from cmsfamily.core.views import error_page, require_perm
from cmsfamily.reporting import display, selectors, services
from cmsfamily.reporting.answers import Pickers
from cmsfamily.reporting.choices import CycleStatus
from cmsfamily.reporting.models import (
    Submission,
    SubmissionVersion,
    Template,
    TemplateVersion,
)


def submission_for(request, pk) -> Submission:
    """The report, if the user may see it (404 otherwise), with the cycle, template and reporter
    its pages name."""
    submission = selectors.submission(request.user, pk)
    if submission is None:
        raise Http404
    return submission


def _closed(submission) -> bool:
    return submission.cycle.status == CycleStatus.CLOSED


def refuse_if_closed(request, submission):
    """The page that says why nothing changes in a report of a closed cycle (or None when open)."""
    if not _closed(submission):
        return None
    if request.headers.get("HX-Request"):
        # The autosave of a page opened before the closing: say it beside the save button
        # (htmx swaps only 2xx answers).
        return HttpResponse(
            format_html('<strong class="error-text">{}</strong>', services.CYCLE_CLOSED)
        )
    return error_page(
        request,
        title=_("Not saved"),
        message=str(services.CYCLE_CLOSED),
        status=403,
        back=submission.get_absolute_url(),
    )


def version_for(request, submission, number) -> SubmissionVersion:
    """A version the user may read: a version returned or recalled and never published does not
    exist for the public, nor for another Party (the rule the API and the exports follow)."""
    version = selectors.readable_version(submission, request.user, number)
    if version is None:
        raise Http404
    return version


def require_versions_readable(request, submission) -> None:
    """The submitted versions are for the reporter, the reviewers and, once published, everyone
    (the rule the API's `versions/` asks too)."""
    if not request.user.has_perm("reporting.view_versions", submission):
        raise PermissionDenied


def version_sections(submission, version, structure, *, nodes=None, comments=None) -> list[tuple]:
    """The answers of a submitted version, section by section in the order of the form (only
    `nodes` when given), each with the review comments on it: what the version page, the public
    page, the review on the report's page and the read-only section pages show."""
    comments = comments or {}
    wanted = None if nodes is None else {node.section.pk for node in nodes}
    names = Pickers()
    loops = selectors.loop_items(structure, submission)
    sections = []
    for node, answers in selectors.version_answers(structure, version.snapshot, loops):
        if wanted is not None and node.section.pk not in wanted:
            continue
        rows = []
        for answer in answers:
            link = ""
            if answer.answered and answer.item.question.kind == "file":
                link = (
                    reverse(
                        "reporting:answer-file", args=[submission.pk, answer.item.question.code]
                    )
                    + f"?version={version.number}&key={answer.key}"
                )
            rows.append(
                {
                    "item": answer.item,
                    "file_link": link,
                    "key": answer.key,
                    "loop_label": answer.loop_label,
                    "text": display.text(answer.item.question, answer.value, names=names),
                    "answered": answer.answered,
                    "anchor": answer.anchor,
                    "comments": comments.get((answer.item.question.code, answer.key), []),
                }
            )
        sections.append((node, rows))
    return sections


def template_version_to_change(request, slug, number) -> TemplateVersion:
    """A version of a template whose keeper the user is (403 otherwise): the builder's pages and
    the creation of a cycle on it. Whether a frozen version may still change is the services'
    rule."""
    template = template_for(request, slug)
    require_perm(request.user, "reporting.change_template", template)
    return template_version_for(template, number)


def template_for(request, slug) -> Template:
    """A template the user sees (404 otherwise)."""
    template = selectors.template(request.user, slug)
    if template is None:
        raise Http404
    return template


def template_version_for(template, number) -> TemplateVersion:
    """A version of the template by number (404 otherwise)."""
    version = selectors.template_version(template, number)
    if version is None:
        raise Http404
    return version


def confirm_removal(request, *, remove, done, back, title, message, button):
    """A removal asked once more (the same POST again, with ``confirmed``), then done through
    its service, with what happened said on the page it returns to."""
    if not request.POST.get("confirmed"):
        return render(
            request,
            "reporting/confirm.html",
            {"title": title, "message": message, "button": button, "back": back},
        )
    try:
        remove()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(request, done)
    return redirect(back)
