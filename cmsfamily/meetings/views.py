"""The meetings' pages: the list, a meeting's public page with its agenda and documents, its
iCalendar file, the Secretariat's forms, the invitations and their replies."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cmsfamily.core.views import FilteredTableView, form_page, require_perm, run_service
from cmsfamily.meetings import selectors, services
from cmsfamily.meetings.filtersets import InvitationFilter, MeetingFilter
from cmsfamily.meetings.forms import (
    AgendaItemForm,
    DocumentFileForm,
    DocumentForm,
    InviteForm,
    MeetingForm,
    ReplyForm,
)
from cmsfamily.meetings.tables import InvitationTable, MeetingTable


def posted(request):
    """The form's data and files on a POST (an empty POST is still a bound, invalid form)."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def meeting_or_404(request, code):
    found = selectors.meeting(request.user, code)
    if found is None:
        raise Http404
    return found


class MeetingListView(FilteredTableView):
    table_class = MeetingTable
    filterset_class = MeetingFilter
    export_name = "meetings"
    page_title = gettext_lazy("Meetings")
    template_name = "meetings/list.html"

    def get_queryset(self):
        return selectors.meetings(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("meetings.add_meeting")
        return context


meeting_list = MeetingListView.as_view()


@require_GET
def meeting_detail(request, code):
    meeting = meeting_or_404(request, code)
    user = request.user
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "agenda": selectors.agenda(user, meeting),
            "documents": selectors.documents(user, meeting),
            "can_change": user.has_perm("meetings.change_meeting", meeting),
            "can_invite": user.has_perm("meetings.invite", meeting),
            "sees_link": meeting.connection_link
            and user.has_perm("meetings.view_connection_link", meeting),
            "own_invitations": list(selectors.own_invitations(user, meeting))
            if user.is_authenticated
            else [],
        },
    )


@require_GET
def meeting_ics(request, code):
    """The meeting as an iCalendar event (whole days: the last day is included)."""
    from icalendar import Calendar, Event

    meeting = meeting_or_404(request, code)
    calendar = Calendar()
    calendar.add("prodid", "-//CMS Family Platform//meetings//EN")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@cmsfamily")
    event.add("summary", meeting.title)
    event.add("dtstart", meeting.start)
    event.add("dtend", meeting.end + timedelta(days=1))
    event.add("dtstamp", meeting.modified)
    if meeting.venue:
        event.add("location", meeting.venue)
    event.add("url", request.build_absolute_uri(meeting.get_absolute_url()))
    if meeting.description:
        event.add("description", meeting.description)
    calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{meeting.code}.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def meeting_add(request):
    require_perm(request.user, "meetings.add_meeting")
    form = MeetingForm(posted(request)[0], user=request.user)
    if done := run_service(
        request,
        form,
        lambda: services.create_meeting(by=request.user, **form.cleaned_data),
        success=lambda meeting: _("Meeting created: %(title)s.") % {"title": meeting.title},
        then=lambda meeting: meeting.get_absolute_url(),
    ):
        return done
    return form_page(request, form, title=_("New meeting"), back=reverse("meetings:list"))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, code):
    meeting = meeting_or_404(request, code)
    require_perm(request.user, "meetings.change_meeting", meeting)
    form = MeetingForm(posted(request)[0], instance=meeting, user=request.user)
    if done := run_service(
        request,
        form,
        lambda: services.update_meeting(
            meeting=meeting,
            by=request.user,
            **{k: v for k, v in form.cleaned_data.items() if k != "code"},
        ),
        success=_("Meeting saved."),
        then=meeting.get_absolute_url,
    ):
        return done
    return form_page(
        request,
        form,
        title=_("Edit %(meeting)s") % {"meeting": meeting.title},
        back=meeting.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_add(request, code):
    meeting = meeting_or_404(request, code)
    require_perm(request.user, "meetings.change_meeting", meeting)
    form = AgendaItemForm(posted(request)[0])
    if done := run_service(
        request,
        form,
        lambda: services.add_agenda_item(meeting=meeting, by=request.user, **form.cleaned_data),
        success=_("Agenda item added."),
        then=meeting.get_absolute_url(),
    ):
        return done
    return form_page(request, form, title=_("Add an agenda item"), back=meeting.get_absolute_url())


def _document_then_file(request, meeting, form):
    """The document and, when a file was chosen, its first file: one transaction through the
    services, so a refused file leaves no document behind."""
    from django.db import transaction

    data = form.cleaned_data
    with transaction.atomic():
        document = services.add_document(
            meeting=meeting,
            symbol=data["symbol"],
            title=data["title"],
            agenda_item=data["agenda_item"],
            by=request.user,
        )
        if data["upload"]:
            services.upload_document_file(
                document=document, language=data["language"], upload=data["upload"], by=request.user
            )
    return document


@login_required
@require_http_methods(["GET", "POST"])
def document_add(request, code):
    meeting = meeting_or_404(request, code)
    require_perm(request.user, "meetings.change_meeting", meeting)
    form = DocumentForm(*posted(request), meeting=meeting)
    if done := run_service(
        request,
        form,
        lambda: _document_then_file(request, meeting, form),
        success=lambda document: _("Document added: %(symbol)s.") % {"symbol": document.symbol},
        then=meeting.get_absolute_url(),
    ):
        return done
    return render(
        request,
        "meetings/upload_form.html",
        {"form": form, "title": _("Add a document"), "back": meeting.get_absolute_url()},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_file_add(request, code, pk):
    meeting = meeting_or_404(request, code)
    require_perm(request.user, "meetings.change_meeting", meeting)
    document = selectors.documents(request.user, meeting).filter(pk=pk).first()
    if document is None:
        raise Http404
    form = DocumentFileForm(*posted(request))
    if done := run_service(
        request,
        form,
        lambda: services.upload_document_file(
            document=document, by=request.user, **form.cleaned_data
        ),
        success=lambda stored: _("File uploaded: %(file)s.") % {"file": stored},
        then=meeting.get_absolute_url(),
    ):
        return done
    return render(
        request,
        "meetings/upload_form.html",
        {
            "form": form,
            "title": _("Upload a language or a revision of %(symbol)s")
            % {"symbol": document.symbol},
            "intro": _(
                "A second file in a language already here becomes its next revision (Rev.1, "
                "Rev.2…); the earlier ones stay available."
            ),
            "back": meeting.get_absolute_url(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def document_file(request, code, pk):
    meeting = meeting_or_404(request, code)
    stored = selectors.document_file(request.user, meeting, pk)
    if stored is None:
        raise Http404
    name = stored.document.symbol.replace("/", "-")
    suffix = f"-rev{stored.revision}" if stored.revision else ""
    return FileResponse(
        stored.file.open("rb"),
        content_type="application/pdf",
        filename=f"{name}{suffix}-{stored.language}.pdf",
    )


# -- invitations --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, code):
    meeting = meeting_or_404(request, code)
    require_perm(request.user, "meetings.invite", meeting)
    form = InviteForm(
        posted(request)[0], initial={"instrument": meeting.instrument, "partners": True}
    )
    if done := run_service(
        request,
        form,
        lambda: services.invite(meeting=meeting, by=request.user, **form.cleaned_data),
        success=lambda created: _("Invitations sent: %(count)s.") % {"count": len(created)},
        then=reverse("meetings:invitations", args=[meeting.code]),
    ):
        return done
    return form_page(
        request,
        form,
        title=_("Invite to %(meeting)s") % {"meeting": meeting.title},
        intro=_(
            "Each invitee's current focal points receive the invitation by email, in their "
            "language. Whoever is already invited is not invited twice."
        ),
        back=meeting.get_absolute_url(),
    )


class InvitationListView(FilteredTableView):
    table_class = InvitationTable
    filterset_class = InvitationFilter
    template_name = "meetings/invitations.html"

    def dispatch(self, request, *args, **kwargs):
        self.meeting = meeting_or_404(request, kwargs["code"])
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        require_perm(request.user, "meetings.view_reply_rates", self.meeting)
        self.export_name = f"{self.meeting.code}-invitations"
        self.page_title = _("Invitations to %(meeting)s") % {"meeting": self.meeting.title}
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.invitations(self.request.user, self.meeting)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meeting"] = self.meeting
        context["rates"] = selectors.reply_rates(self.meeting)
        return context


invitation_list = InvitationListView.as_view()


def _delegation_context(user, invitation):
    if not user.has_perm("meetings.view_delegation", invitation):
        return {}
    return {
        "delegates": selectors.delegates(user, invitation),
        "credentials": selectors.credentials_of(user, invitation),
        "can_change_delegation": user.has_perm("meetings.change_delegation", invitation),
        "can_request_funding": user.has_perm("meetings.request_funding", invitation),
        "can_decide": user.has_perm("meetings.decide_funding", invitation),
        "can_submit_credentials": user.has_perm("meetings.submit_credentials", invitation),
        "can_examine": user.has_perm("meetings.examine_credentials", invitation),
    }


@login_required
@require_http_methods(["GET", "POST"])
def invitation_detail(request, code, pk):
    meeting = meeting_or_404(request, code)
    found = selectors.invitation(request.user, meeting, pk)
    if found is None:
        raise Http404
    can_reply = request.user.has_perm("meetings.reply_to_invitation", found)
    if request.method == "POST" and not can_reply:
        require_perm(request.user, "meetings.reply_to_invitation", found)
    form = ReplyForm(
        posted(request)[0],
        initial={
            "answer": found.reply,
            "forwarded_to": found.forwarded_to,
            "note": found.reply_note,
        },
    )
    if done := run_service(
        request,
        form,
        lambda: services.reply(invitation=found, by=request.user, **form.cleaned_data),
        success=lambda answered: (
            _("Reply recorded. It came after the deadline and is marked late.")
            if answered.late
            else _("Reply recorded.")
        ),
        then=found.get_absolute_url(),
    ):
        return done
    return render(
        request,
        "meetings/invitation.html",
        {
            "meeting": meeting,
            "invitation": found,
            "form": form,
            "can_reply": can_reply,
            **_delegation_context(request.user, found),
        },
        status=400 if request.method == "POST" else 200,
    )
