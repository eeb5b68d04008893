"""The workflow of a report: submit, recall, accept and publish (the last two asked on a page of
their own first), returning it for changes, and the review comments beside its answers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cmsfamily.core.views import require_perm, run_service
from cmsfamily.reporting import rules as who_rules
from cmsfamily.reporting import selectors, services
from cmsfamily.reporting.choices import WORKFLOW, SubmissionStatus
from cmsfamily.reporting.forms import CommentForm, ReturnForm
from cmsfamily.reporting.views.common import refuse_if_closed, submission_for

# Actions confirmed on a page of their own first (a GET of the action's URL; its button POSTs):
# the status the report has once done, the question asked, and the button that does it.
CONFIRMED_ACTIONS = {
    "accept": (
        SubmissionStatus.ACCEPTED,
        gettext_lazy("Accept the report of %(reporter)s for %(cycle)s?"),
        gettext_lazy(
            "Accepting ends the review: the report can no longer be returned or recalled. "
            "It is then ready to be published."
        ),
        gettext_lazy("Accept the report of %(reporter)s"),
    ),
    "publish": (
        SubmissionStatus.PUBLISHED,
        gettext_lazy("Publish the report of %(reporter)s for %(cycle)s?"),
        gettext_lazy(
            "Anyone will be able to read the answers of its last submitted version, and its "
            "reporter is told by email."
        ),
        gettext_lazy("Publish the report of %(reporter)s"),
    ),
}


@login_required
def submission_action(request, pk, action):
    """Submit, recall, accept or publish (POST). Accepting and publishing are asked first: a GET
    of their URL is the page that asks, whose button POSTs here."""
    submission = submission_for(request, pk)
    user = request.user
    services_of = {
        "submit": services.submit,
        "recall": services.recall,
        "accept": services.accept,
        "publish": services.publish,
    }
    if action not in services_of:
        raise Http404
    if request.method not in ("GET", "POST") or (
        request.method == "GET" and action not in CONFIRMED_ACTIONS
    ):
        return HttpResponseNotAllowed(["POST"])
    step, service = WORKFLOW[action], services_of[action]
    if step.needs_open_cycle and (refused := refuse_if_closed(request, submission)):
        return refused
    back = submission.get_absolute_url()
    if not user.has_perm(step.permission, submission):
        # A second click, or another tab, of someone who may do it: say it is done, do nothing.
        if submission.status == step.target and who_rules.ACTORS[step.actor](user, submission):
            messages.info(request, step.already)
            return redirect(back)
        raise PermissionDenied
    names = {"reporter": submission.reporter, "cycle": submission.cycle.title}
    if request.method == "GET":
        _status, question, explanation, button = CONFIRMED_ACTIONS[action]
        return render(
            request,
            "reporting/confirm_action.html",
            {
                "submission": submission,
                "title": question % names,
                "message": explanation,
                "button": button % names,
                "back": back,
            },
        )
    try:
        service(submission=submission, by=user)
    except ValidationError as error:
        if action == "submit":
            messages.error(
                request,
                _("The report was not submitted: %(count)s problems remain, listed below.")
                % {"count": len(error.messages)},
            )
        else:
            messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(request, step.done)
    return redirect(back)


@login_required
def submission_return(request, pk):
    """The form that returns a report for changes: it names the report, its button says what it
    does; a second click finds the report already returned and does nothing."""
    submission = submission_for(request, pk)
    user = request.user
    back = submission.get_absolute_url()
    step = WORKFLOW["return"]
    if not user.has_perm(step.permission, submission):
        if submission.status == step.target and who_rules.ACTORS[step.actor](user, submission):
            messages.info(request, step.already)
            return redirect(back)
        raise PermissionDenied
    form = ReturnForm(request.POST or None)
    if done := run_service(
        request,
        form,
        lambda: services.return_submission(
            submission=submission, by=user, note=form.cleaned_data["note"]
        ),
        success=lambda _returned: step.done % {"reporter": submission.reporter},
        then=back,
    ):
        return done
    names = {"reporter": submission.reporter, "cycle": submission.cycle.title}
    return render(
        request,
        "reporting/return.html",
        {
            "submission": submission,
            "form": form,
            "title": _("Return the report of %(reporter)s for %(cycle)s") % names,
            "button": _("Return the report to %(reporter)s") % names,
            "back": back,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def comment_add(request, pk, number):
    submission = submission_for(request, pk)
    require_perm(request.user, "reporting.comment_submission", submission)
    form = CommentForm(request.POST)
    anchor = ""
    if form.is_valid():
        data = form.cleaned_data
        parent = None
        if data.get("parent"):
            parent = selectors.review_comment(submission, data["parent"])
            if parent is None:
                raise Http404
        try:
            services.comment(
                submission=submission,
                code=data["code"],
                key=data.get("key") or "",
                text=data["text"],
                parent=parent,
                by=request.user,
            )
            anchor = "#" + selectors.answer_anchor(data["code"], data.get("key") or "")
            messages.success(request, _("Your comment was added."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Write the comment."))
    if request.POST.get("back") == "report":  # made beside the answer on the report's page
        return redirect(f"{submission.get_absolute_url()}{anchor}")
    return redirect(f"{submission.get_absolute_url()}versions/{number}/{anchor}")
