"""The delegation of an invited Party (named by its NFP), funding requests and decisions, the
credentials letter and its examination, the credentials report and the funded delegates."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmsfamily.core.views import form_page, require_perm, run_service
from cmsfamily.meetings import selectors, services
from cmsfamily.meetings.forms import CredentialsForm, DelegateForm, ExamineForm, FundingDecisionForm
from cmsfamily.meetings.views import meeting_or_404, posted


def _invitation(request, code, pk):
    meeting = meeting_or_404(request, code)
    found = selectors.invitation(request.user, meeting, pk)
    if found is None:
        raise Http404
    return meeting, found


def _delegate(request, invitation, pk):
    found = selectors.delegates(request.user, invitation).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_http_methods(["GET", "POST"])
def delegate_add(request, code, pk):
    meeting, invitation = _invitation(request, code, pk)
    require_perm(request.user, "meetings.change_delegation", invitation)
    form = DelegateForm(posted(request)[0], people=selectors.registry_people(invitation.party))
    if done := run_service(
        request,
        form,
        lambda: services.name_delegate(
            meeting=meeting, party=invitation.party, by=request.user, **form.cleaned_data
        ),
        success=lambda delegate: _("Named in the delegation: %(person)s.") % {"person": delegate},
        then=invitation.get_absolute_url(),
    ):
        return done
    return form_page(
        request,
        form,
        title=_("Name a delegate of %(party)s") % {"party": invitation.party},
        intro=_("Choose a person of the registry, or give a new person's name."),
        back=invitation.get_absolute_url(),
    )


def _post_and_back(request, invitation, call, success):
    from django.contrib import messages
    from django.core.exceptions import ValidationError

    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(invitation.get_absolute_url())
    messages.success(request, success)
    return redirect(invitation.get_absolute_url())


@login_required
@require_POST
def funding_request(request, code, pk, delegate_pk):
    _meeting, invitation = _invitation(request, code, pk)
    require_perm(request.user, "meetings.change_delegation", invitation)
    delegate = _delegate(request, invitation, delegate_pk)
    return _post_and_back(
        request,
        invitation,
        lambda: services.request_funding(delegate=delegate, by=request.user),
        _("Funding requested."),
    )


@login_required
@require_POST
def funding_eligibility(request, code, pk):
    _meeting, invitation = _invitation(request, code, pk)
    require_perm(request.user, "meetings.set_funding_eligibility", invitation)
    eligible = request.POST.get("eligible") == "yes"
    return _post_and_back(
        request,
        invitation,
        lambda: services.set_funding_eligibility(
            invitation=invitation, eligible=eligible, by=request.user
        ),
        _("Eligibility for funding saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def funding_decide(request, code, pk, delegate_pk):
    _meeting, invitation = _invitation(request, code, pk)
    require_perm(request.user, "meetings.decide_funding", invitation)
    delegate = _delegate(request, invitation, delegate_pk)
    form = FundingDecisionForm(posted(request)[0])
    if done := run_service(
        request,
        form,
        lambda: services.decide_funding(delegate=delegate, by=request.user, **form.cleaned_data),
        success=_("Funding decided."),
        then=invitation.get_absolute_url(),
    ):
        return done
    return form_page(
        request,
        form,
        title=_("Funding of %(person)s") % {"person": delegate.person},
        back=invitation.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def credentials_add(request, code, pk):
    _meeting, invitation = _invitation(request, code, pk)
    require_perm(request.user, "meetings.submit_credentials", invitation)
    form = CredentialsForm(*posted(request))
    if done := run_service(
        request,
        form,
        lambda: services.submit_credentials(
            invitation=invitation,
            by=request.user,
            letter=form.cleaned_data["letter"],
            authority=form.cleaned_data["authority"],
            authority_detail=form.cleaned_data["authority_detail"],
            names=form.cleaned_data["names"],
        ),
        success=_("Credentials submitted; the Secretariat will examine them."),
        then=invitation.get_absolute_url(),
    ):
        return done
    return render(
        request,
        "meetings/upload_form.html",
        {
            "form": form,
            "title": _("Credentials of %(party)s") % {"party": invitation.party},
            "intro": _(
                "Credentials are issued by the Head of State or Government or the Minister for "
                "Foreign Affairs; bring the original to the meeting."
            ),
            "back": invitation.get_absolute_url(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def credentials_letter(request, code, pk):
    meeting = meeting_or_404(request, code)
    found = selectors.credentials_one(request.user, meeting, pk)
    if found is None or not request.user.has_perm("meetings.view_credentials", found.invitation):
        raise Http404
    return FileResponse(
        found.letter.open("rb"),
        content_type="application/pdf",
        filename=f"{meeting.code}-credentials-{found.invitation.party.code}.pdf",
    )


@login_required
@require_http_methods(["GET", "POST"])
def credentials_examine(request, code, pk):
    meeting = meeting_or_404(request, code)
    found = selectors.credentials_one(request.user, meeting, pk)
    if found is None:
        raise Http404
    require_perm(request.user, "meetings.examine_credentials", found.invitation)
    form = ExamineForm(posted(request)[0], initial={"examination": found.examination})
    if done := run_service(
        request,
        form,
        lambda: services.examine_credentials(
            credentials=found, by=request.user, **form.cleaned_data
        ),
        success=_("Examination recorded."),
        then=found.invitation.get_absolute_url(),
    ):
        return done
    return form_page(
        request,
        form,
        title=_("Examine the credentials of %(party)s") % {"party": found.invitation.party},
        back=found.invitation.get_absolute_url(),
    )


@login_required
@require_GET
def credentials_report(request, code):
    meeting = meeting_or_404(request, code)
    require_perm(request.user, "meetings.view_credentials_report", meeting)
    return render(
        request,
        "meetings/credentials_report.html",
        {
            "meeting": meeting,
            "report": selectors.credentials_report(meeting),
            "funded": selectors.funded_delegates(request.user, meeting),
        },
    )
