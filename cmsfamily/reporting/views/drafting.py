"""A report's overview page (or, for who follows a draft without reading it, how far it has got),
the contributors assigned to its sections, and the files given as answers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cmsfamily.core.views import bad_query_page, form_page, require_perm
from cmsfamily.reporting import selectors, services
from cmsfamily.reporting.choices import EDITABLE_STATUSES, SubmissionStatus
from cmsfamily.reporting.forms import AnswerFileForm, AssignForm
from cmsfamily.reporting.views.common import (
    confirm_removal,
    refuse_if_closed,
    require_versions_readable,
    submission_for,
    version_for,
    version_sections,
)


def _progress(report: selectors.ReportState) -> tuple[int, int, list]:
    """How many questions of the draft are answered, in all and per section (counts only)."""
    structure = report.structure
    done = selectors.completion(structure, report.values, report.loops)
    answered = sum(counts[0] for counts in done.values())
    expected = sum(counts[1] for counts in done.values())
    return answered, expected, [(node, done.get(node.section.pk)) for node in structure.nodes]


def submission_progress(request, pk):
    """A report the user may not read (a draft never submitted) whose progress they follow: the
    Secretariat keeping the cycle sees its status and how many questions are answered, never the
    answers, which become visible to it when the report is submitted."""
    submission = selectors.followed_submission(request.user, pk)
    if submission is None:
        raise Http404
    answered, expected, sections = _progress(selectors.report_state(submission, request.user))
    return render(
        request,
        "reporting/submission_progress.html",
        {
            "submission": submission,
            "answered": answered,
            "expected": expected,
            "sections": sections,
        },
    )


def submission_detail(request, pk):
    submission = selectors.submission(request.user, pk)
    if submission is None:
        return submission_progress(request, pk)
    user = request.user
    report = selectors.report_state(submission, user)
    structure = report.structure
    reports = user.has_perm("reporting.submit_submission", submission) or user.has_perm(
        "reporting.recall_submission", submission
    )
    editable = report.editable
    closed = report.closed
    drafter = bool(editable) or reports or closed
    shown_nodes = structure.nodes
    mine: set[int] = set()
    if not report.reports:
        mine = report.assigned
        if mine:
            shown_nodes = [node for node in structure.nodes if node.section.pk in mine]
    loops = report.loops
    values = report.values if drafter else {}
    versions = selectors.version_list(submission, user)
    # Publishing is the last step: the published version is the latest one.
    published = (
        versions[0] if versions and submission.status == SubmissionStatus.PUBLISHED else None
    )
    found = selectors.problems(structure, submission, values, loops) if drafter else []
    done = selectors.completion(structure, values, loops) if drafter else {}
    if mine:
        found = [problem for problem in found if problem.section and problem.section.pk in mine]
    assignments = selectors.assignments(submission)
    # Who does not draft the report but may read all its versions (the reviewer, the reporter once
    # it is submitted) reads the answers of its last submitted version here, with the comments;
    # everyone else reads the published version only (`published`, below).
    latest = versions[0] if versions else None
    review = None
    can_comment = False
    if (
        not drafter
        and not mine
        and latest is not None
        and user.has_perm("reporting.view_all_versions", submission)
    ):
        can_comment = user.has_perm("reporting.comment_submission", submission)
        comments = selectors.comments_by_answer(submission) if can_comment else {}
        review = version_sections(submission, latest, structure, comments=comments)
    # A returned report: its reporter is pointed to the Secretariat's comments beside the answers
    # (they are on the returned version's page, which the drafting page does not show).
    returned_comments = 0
    if drafter and submission.status == SubmissionStatus.RETURNED and latest is not None:
        returned_comments = selectors.returned_comment_count(submission, latest)
    # A report drafted again after a recall: the Secretariat sees how far, not the new answers.
    progress = None
    if (
        not drafter
        and submission.status in EDITABLE_STATUSES
        and not user.has_perm("reporting.view_draft", submission)
        and user.has_perm("reporting.view_progress", submission)
    ):
        progress = _progress(report)[:2]
    return render(
        request,
        "reporting/submission_detail.html",
        {
            "submission": submission,
            "structure": structure,
            "nodes": [
                (node, done.get(node.section.pk), node.section.pk in editable)
                for node in shown_nodes
            ],
            "drafter": drafter,
            "closed": closed,
            "problems": found,
            "versions": versions,
            "published": published,
            "published_sections": (
                version_sections(submission, published, structure) if published else []
            ),
            "latest": latest,
            "review": review,
            "progress": progress,
            "returned_comments": returned_comments,
            "can_comment": can_comment,
            "assignments": assignments,
            "can_edit": user.has_perm("reporting.edit_submission", submission),
            "can_submit": user.has_perm("reporting.submit_submission", submission),
            "can_recall": user.has_perm("reporting.recall_submission", submission),
            "can_review": user.has_perm("reporting.review_submission", submission),
            "can_publish": user.has_perm("reporting.publish_submission", submission),
            "can_assign": user.has_perm("reporting.assign_sections", submission),
        },
    )


@login_required
def assign(request, pk):
    submission = submission_for(request, pk)
    if refused := refuse_if_closed(request, submission):
        return refused
    require_perm(request.user, "reporting.assign_sections", submission)
    form = AssignForm(
        request.POST or None, sections=selectors.template_sections(submission.cycle.version)
    )
    if request.method == "POST" and form.is_valid():
        services.assign_section(
            submission=submission,
            section=form.cleaned_data["section"],
            user=form.cleaned_data["email"],
            by=request.user,
        )
        messages.success(request, _("The section was assigned."))
        return redirect(submission.get_absolute_url())
    return form_page(
        request,
        form,
        title=_("Assign a section to a contributor"),
        back=submission.get_absolute_url(),
        intro=_("The contributor sees this report and edits only the sections assigned to them."),
    )


@require_POST
@login_required
def unassign(request, pk, assignment_id):
    submission = submission_for(request, pk)
    if refused := refuse_if_closed(request, submission):
        return refused
    require_perm(request.user, "reporting.assign_sections", submission)
    back = submission.get_absolute_url()
    assignment = selectors.assignment(submission, assignment_id)
    if assignment is None:  # a second click, or another tab, got there first
        messages.info(request, _("This contributor was already removed from the section."))
        return redirect(back)
    names = {
        "name": assignment.user.full_name or assignment.user.email,
        "section": f"{assignment.section.number} {assignment.section.title}",
    }
    return confirm_removal(
        request,
        remove=lambda: services.unassign_section(assignment=assignment, by=request.user),
        done=_("%(name)s was removed from section %(section)s.") % names,
        back=back,
        title=_("Remove a contributor"),
        message=_(
            "Remove %(name)s from section %(section)s? They will no longer see or edit this "
            "report's section; the answers they gave stay in the report."
        )
        % names,
        button=_("Remove the contributor"),
    )


def answer_file(request, pk, code):
    """A file given as an answer: from a submitted version (``?version=N``) for whoever reads the
    versions, or from the draft for its drafters."""
    from django.core.files.storage import default_storage
    from django.http import FileResponse

    submission = submission_for(request, pk)
    query = AnswerFileForm(request.GET)
    if not query.is_valid():
        return bad_query_page(
            request,
            query,
            title=_("This link to a file is not valid"),
            back=submission.get_absolute_url(),
        )
    key, number = query.cleaned_data["key"], query.cleaned_data["version"]
    if number is not None:
        require_versions_readable(request, submission)
        value = (
            version_for(request, submission, number)
            .snapshot.get("answers", {})
            .get(code, {})
            .get(key)
        )
    else:
        if code not in selectors.report_state(submission, request.user).readable_codes:
            raise PermissionDenied  # a contributor reads the files of their own sections only
        value = selectors.draft_value(submission, code, key)
    if not isinstance(value, dict) or not default_storage.exists(value.get("path", "")):
        raise Http404
    return FileResponse(
        default_storage.open(value["path"], "rb"), as_attachment=True, filename=value["name"]
    )
