from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import DetailView

from cmsfamily.accounts.models import Invitation
from cmsfamily.core.selectors import events_for, history_rows
from cmsfamily.core.views import (
    FilteredTableView,
    error_page,
    require_perm,
    run_service,
)
from cmsfamily.directory import choices, panels, selectors, services
from cmsfamily.directory.filtersets import (
    ExpertiseFilter,
    InstrumentFilter,
    NominationFilter,
    OrganisationFilter,
    PartyFilter,
    PersonFilter,
)
from cmsfamily.directory.forms import (
    AcceptInvitationForm,
    AreaOfExpertiseForm,
    ConfirmForm,
    EndForm,
    EndMembershipForm,
    ExpertiseForm,
    InviteForm,
    MembershipForm,
    NominationForm,
    OrganisationForm,
    PersonForm,
)
from cmsfamily.directory.models import (
    Expertise,
    Instrument,
    Organisation,
)
from cmsfamily.directory.tables import (
    AppointmentTable,
    ExpertiseTable,
    InstrumentTable,
    OrganisationTable,
    PartyTable,
    PersonTable,
)

# ---------------------------------------------------------------- lists


class PartyListView(FilteredTableView):
    table_class = PartyTable
    filterset_class = PartyFilter
    export_name = "cms-parties"
    page_title = gettext_lazy("Parties")

    def get_queryset(self):
        return selectors.parties(self.request.user)


class InstrumentListView(FilteredTableView):
    table_class = InstrumentTable
    filterset_class = InstrumentFilter
    export_name = "cms-family-instruments"
    page_title = gettext_lazy("Instruments of the CMS Family")

    def get_queryset(self):
        return selectors.instruments(self.request.user)


class OrganisationListView(FilteredTableView):
    table_class = OrganisationTable
    filterset_class = OrganisationFilter
    export_name = "organisations"
    page_title = gettext_lazy("Organisations")
    template_name = "directory/organisation_list.html"

    def get_queryset(self):
        return selectors.organisations(self.request.user)


class PersonListView(FilteredTableView):
    table_class = PersonTable
    filterset_class = PersonFilter
    export_name = "people"
    page_title = gettext_lazy("People")

    def get_queryset(self):
        return selectors.people(self.request.user)

    def export_rows(self, queryset):
        # Demo people never leave the platform in an export of real data.
        return queryset.filter(is_demo=False)


class CircularView(FilteredTableView):
    """The circular of Partner expertise and availability (seed 003, recommendation 7)."""

    table_class = ExpertiseTable
    filterset_class = ExpertiseFilter
    export_name = "partner-expertise-circular"
    page_title = gettext_lazy("Circular of Partner expertise and availability")
    template_name = "directory/circular.html"

    def get_queryset(self):
        return selectors.expertise(self.request.user)

    def export_rows(self, queryset):
        return queryset.filter(is_demo=False)


class PendingNominationsView(LoginRequiredMixin, FilteredTableView):
    table_class = AppointmentTable
    filterset_class = NominationFilter
    export_name = "nominations-to-confirm"
    exclude_columns = ("review",)
    page_title = gettext_lazy("Nominations to confirm")
    template_name = "directory/pending.html"

    def get_queryset(self):
        require_perm(self.request.user, "directory.review_appointments")
        return selectors.pending_nominations(self.request.user).order_by("start", "id")


# ---------------------------------------------------------------- Parties


def _party(request, code):
    if len(code) != 2:
        raise Http404
    return get_object_or_404(selectors.parties(request.user), code=code.upper())


def party_detail(request, code):
    party = _party(request, code)
    user = request.user
    timeline = list(selectors.party_timeline(user, party))
    today = timezone.localdate()
    current = [
        a
        for a in timeline
        if a.status == choices.AppointmentStatus.CONFIRMED
        and a.start <= today
        and (a.end is None or a.end >= today)
    ]
    context = {
        "party": party,
        "memberships": party.memberships.select_related("instrument").order_by(
            "instrument__in_effect"
        ),
        "current": current,
        "timeline": timeline,
        "can_nominate": user.has_perm("directory.nominate_for_party", party),
        "can_view_history": user.has_perm("directory.view_history", party),
        "panels": panels.party_panels(request, party),
    }
    return render(request, "directory/party_detail.html", context)


@login_required
def party_history(request, code):
    party = _party(request, code)
    require_perm(request.user, "directory.view_history", party)
    return _history(request, party, back=party.get_absolute_url())


def _nominate(request, *, holder, holder_kwargs, roles, instruments, back):
    form = NominationForm(
        request.POST or None, request.FILES or None, roles=roles, instruments=instruments
    )

    def nominate():
        data = form.cleaned_data
        return services.nominate_contact(
            email=data["email"],
            details={
                field: data[field]
                for field in ("honorific", "given_name", "family_name", "position", "phone")
            },
            role=data["role"],
            by=request.user,
            instrument=data.get("instrument"),
            start=data["start"],
            end=data["end"],
            document=data["document"],
            note=data["note"],
            area_of_expertise=data["area_of_expertise"],
            **holder_kwargs,
        )

    if done := run_service(
        request,
        form,
        nominate,
        success=lambda appointment: (
            _("%(person)s was nominated as %(role)s. The Secretariat will confirm the appointment.")
            % {"person": appointment.person, "role": appointment.get_role_display()}
        ),
        then=back,
    ):
        return done
    return render(
        request, "directory/nominate.html", {"form": form, "holder": holder, "back": back}
    )


@login_required
@require_http_methods(["GET", "POST"])
def party_nominate(request, code):
    party = _party(request, code)
    require_perm(request.user, "directory.nominate_for_party", party)
    roles = [choices.Role(role) for role in choices.Role if role in choices.PARTY_ROLES]
    instruments = Instrument.objects.exclude(code="cms")
    return _nominate(
        request,
        holder=party,
        holder_kwargs={"party": party},
        roles=roles,
        instruments=instruments,
        back=party.get_absolute_url(),
    )


# ---------------------------------------------------------------- instruments


def _instrument(request, code):
    return get_object_or_404(
        Instrument.objects.visible_to(request.user).select_related("secretariat"), code=code
    )


def instrument_detail(request, code):
    instrument = _instrument(request, code)
    user = request.user
    context = {
        "instrument": instrument,
        "memberships": selectors.memberships(user)
        .filter(instrument=instrument, end__isnull=True)
        .order_by("party__name"),
        "focal_points": selectors.current_focal_points(user)
        .filter(instrument=instrument)
        .order_by("party__name"),
        "officers": selectors.appointments(user)
        .current()
        .filter(instrument=instrument, role=choices.Role.SECRETARIAT_OFFICER),
        "can_manage": user.has_perm("directory.manage_memberships", instrument),
        "can_view_history": user.has_perm("directory.view_history", instrument),
    }
    return render(request, "directory/instrument_detail.html", context)


@login_required
def instrument_history(request, code):
    instrument = _instrument(request, code)
    require_perm(request.user, "directory.view_history", instrument)
    return _history(request, instrument, back=instrument.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def membership_add(request, code):
    instrument = _instrument(request, code)
    require_perm(request.user, "directory.manage_memberships", instrument)
    form = MembershipForm(request.POST or None, initial={"kind": instrument.member_kind})
    if done := run_service(
        request,
        form,
        lambda: services.add_membership(
            instrument=instrument, by=request.user, **form.cleaned_data
        ),
        success=lambda _membership: (
            _("%(party)s was added to %(instrument)s.")
            % {"party": form.cleaned_data["party"], "instrument": instrument.code}
        ),
        then=instrument,
    ):
        return done
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Add a member to %(instrument)s") % {"instrument": instrument.code},
            "back": instrument.get_absolute_url(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_end(request, code, pk):
    instrument = _instrument(request, code)
    require_perm(request.user, "directory.manage_memberships", instrument)
    membership = get_object_or_404(
        selectors.memberships(request.user), pk=pk, instrument=instrument, end__isnull=True
    )
    form = EndMembershipForm(request.POST or None)
    if done := run_service(
        request,
        form,
        lambda: services.end_membership(
            membership=membership, by=request.user, on=form.cleaned_data["end"]
        ),
        success=lambda _ended: (
            _("The membership of %(party)s in %(instrument)s was ended.")
            % {"party": membership.party, "instrument": instrument.code}
        ),
        then=instrument,
    ):
        return done
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("End the membership of %(party)s in %(instrument)s")
            % {"party": membership.party, "instrument": instrument.code},
            "back": instrument.get_absolute_url(),
        },
    )


# ---------------------------------------------------------------- organisations


def _organisation(request, slug):
    return get_object_or_404(selectors.organisations(request.user), slug=slug)


def organisation_detail(request, slug):
    organisation = _organisation(request, slug)
    user = request.user
    context = {
        "organisation": organisation,
        "focal_points": selectors.current_focal_points(user).filter(organisation=organisation),
        "instruments_served": organisation.instruments_served.all(),
        "expertise": selectors.expertise(user).filter(organisation=organisation),
        "can_edit": user.has_perm("directory.change_organisation", organisation),
        "can_nominate": user.has_perm("directory.nominate_for_organisation", organisation)
        and organisation.kind == choices.OrganisationKind.PARTNER_NGO,
        "can_view_history": user.has_perm("directory.view_history", organisation),
    }
    return render(request, "directory/organisation_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, slug=None):
    user = request.user
    if slug is None:
        require_perm(user, "directory.add_organisation")
        organisation = Organisation()
    else:
        organisation = _organisation(request, slug)
        require_perm(user, "directory.change_organisation", organisation)
    form = OrganisationForm(
        request.POST or None,
        instance=organisation,
        may_change_kind=user.has_perm("directory.add_organisation"),
    )
    if request.method == "POST" and form.is_valid():
        services.save_organisation(organisation=form.instance, by=user)
        messages.success(
            request, _("%(organisation)s was saved.") % {"organisation": form.instance}
        )
        return redirect(form.instance)
    title = (
        _("Edit %(organisation)s") % {"organisation": organisation}
        if slug
        else _("Add an organisation")
    )
    back = organisation.get_absolute_url() if slug else reverse("directory:organisation-list")
    return render(request, "core/form_page.html", {"form": form, "title": title, "back": back})


@login_required
def organisation_history(request, slug):
    organisation = _organisation(request, slug)
    require_perm(request.user, "directory.view_history", organisation)
    return _history(request, organisation, back=organisation.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def organisation_nominate(request, slug):
    organisation = _organisation(request, slug)
    require_perm(request.user, "directory.nominate_for_organisation", organisation)
    return _nominate(
        request,
        holder=organisation,
        holder_kwargs={"organisation": organisation},
        roles=[choices.Role.PARTNER_FOCAL_POINT],
        instruments=None,
        back=organisation.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def expertise_edit(request, slug, pk=None):
    organisation = _organisation(request, slug)
    if pk is None:
        require_perm(request.user, "directory.add_expertise", organisation)
        expertise = Expertise(organisation=organisation)
    else:
        expertise = get_object_or_404(
            Expertise.objects.visible_to(request.user), pk=pk, organisation=organisation
        )
        require_perm(request.user, "directory.change_expertise", expertise)
    form = ExpertiseForm(request.POST or None, instance=expertise)
    if request.method == "POST" and form.is_valid():
        services.save_expertise(expertise=form.instance, by=request.user)
        messages.success(request, _("The expertise entry was saved."))
        return redirect(organisation)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Expertise of %(organisation)s") % {"organisation": organisation},
            "back": organisation.get_absolute_url(),
        },
    )


# ---------------------------------------------------------------- people


class PersonDetailView(DetailView):
    template_name = "directory/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return selectors.people(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, person = self.request.user, self.object
        context.update(
            appointments=selectors.appointments(user).filter(person=person).order_by("-start"),
            show_private=user.has_perm("directory.view_person_private", person),
            can_edit=user.has_perm("directory.change_person", person),
            can_invite=user.has_perm("directory.invite_person", person) and person.user_id is None,
            can_confirm_email=bool(person.email)
            and not person.email_confirmed
            and user.has_perm("directory.confirm_person_email", person),
            can_view_history=user.has_perm("directory.view_history", person),
        )
        return context


def _person(request, pk):
    return get_object_or_404(selectors.people(request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = _person(request, pk)
    require_perm(request.user, "directory.change_person", person)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        services.save_person(person=form.instance, by=request.user)
        messages.success(request, _("The contact details were saved."))
        return redirect(person)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Contact details of %(person)s") % {"person": person},
            "back": person.get_absolute_url(),
        },
    )


@login_required
def person_history(request, pk):
    person = _person(request, pk)
    require_perm(request.user, "directory.view_history", person)
    return _history(request, person, back=person.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def person_invite(request, pk):
    person = _person(request, pk)
    require_perm(request.user, "directory.invite_person", person)
    form = InviteForm(request.POST or None)
    if done := run_service(
        request,
        form,
        lambda: services.invite(
            person=person,
            by=request.user,
            purpose=form.cleaned_data["purpose"],
            base_url=request.build_absolute_uri("/")[:-1],
        ),
        success=lambda _invitation: (
            _("An invitation was sent to %(email)s.") % {"email": person.email}
        ),
        then=person,
    ):
        return done
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Invite %(person)s to the platform") % {"person": person},
            "back": person.get_absolute_url(),
        },
    )


@login_required
@require_POST
def person_confirm_email(request, pk):
    person = _person(request, pk)
    require_perm(request.user, "directory.confirm_person_email", person)
    try:
        services.confirm_person_email(person=person, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The address %(email)s is confirmed: the person may be invited.")
            % {"email": person.email},
        )
    return redirect(person)


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = get_object_or_404(Invitation, token=token)
    if not invitation.is_usable:
        return render(
            request,
            "core/error.html",
            {
                "title": _("Invitation no longer valid"),
                "message": _(
                    "This invitation has expired or was already used. Ask the Secretariat for a new one."
                ),
            },
            status=410,
        )
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.accept_invitation(invitation=invitation, password=form.cleaned_data["password1"])
        messages.success(
            request,
            _("Your account is ready. Sign in with %(email)s.") % {"email": invitation.email},
        )
        return redirect("account_login")
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Choose your password"),
            "intro": _("Account for %(email)s") % {"email": invitation.email},
        },
    )


# ---------------------------------------------------------------- appointments


def _appointment(request, pk):
    return get_object_or_404(selectors.appointments(request.user), pk=pk)


def appointment_detail(request, pk):
    appointment = _appointment(request, pk)
    user = request.user
    can_review = user.has_perm("directory.confirm_appointment", appointment)
    context = {
        "appointment": appointment,
        "events": events_for(appointment),
        "can_review": can_review,
        "confirm_form": ConfirmForm() if can_review and appointment.status == "nominated" else None,
        "end_form": EndForm(appointment=appointment)
        if can_review and appointment.status != "ended"
        else None,
        "can_view_history": user.has_perm("directory.view_history", appointment),
        "show_document": _may_see_document(user, appointment),
        "same_email": selectors.same_email(appointment.person) if can_review else [],
        "area_form": _area_form(user, appointment),
    }
    return render(request, "directory/appointment_detail.html", context)


def _area_form(user, appointment, data=None):
    """The form of a Scientific Councillor's area of expertise, for who may record it."""
    if (
        appointment.role != choices.Role.SCIENTIFIC_COUNCILLOR
        or appointment.status == choices.AppointmentStatus.ENDED
        or not user.has_perm("directory.change_area_of_expertise", appointment)
    ):
        return None
    return AreaOfExpertiseForm(data, initial={"area_of_expertise": appointment.area_of_expertise})


@login_required
@require_http_methods(["POST"])
def appointment_area(request, pk):
    appointment = _appointment(request, pk)
    require_perm(request.user, "directory.change_area_of_expertise", appointment)
    form = _area_form(request.user, appointment, request.POST)
    if form is None:
        return error_page(
            request,
            title=_("The area of expertise cannot be recorded"),
            message=_(
                "Only a current Scientific Councillor's appointment has an area of expertise."
            ),
            status=400,
            back=appointment.get_absolute_url(),
        )
    if done := run_service(
        request,
        form,
        lambda: services.set_area_of_expertise(
            appointment=appointment, area=form.cleaned_data["area_of_expertise"], by=request.user
        ),
        success=lambda _appointment: _("The area of expertise was saved."),
        then=appointment.get_absolute_url(),
    ):
        return done
    return render(
        request,
        "directory/appointment_detail.html",
        {
            "appointment": appointment,
            "events": events_for(appointment),
            "area_form": form,
            "show_document": _may_see_document(request.user, appointment),
        },
        status=400,
    )


@login_required
@require_http_methods(["POST"])
def appointment_confirm(request, pk):
    appointment = _appointment(request, pk)
    require_perm(request.user, "directory.confirm_appointment", appointment)
    form = ConfirmForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.confirm(
                appointment=appointment, by=request.user, document=form.cleaned_data["document"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The appointment of %(person)s was confirmed.") % {"person": appointment.person},
            )
        return redirect(appointment)
    return render(
        request,
        "directory/appointment_detail.html",
        {
            "appointment": appointment,
            "events": events_for(appointment),
            "can_review": True,
            "confirm_form": form,
            "end_form": EndForm(appointment=appointment),
        },
        status=400,
    )


@login_required
@require_http_methods(["POST"])
def appointment_end(request, pk):
    appointment = _appointment(request, pk)
    require_perm(request.user, "directory.confirm_appointment", appointment)
    form = EndForm(request.POST, appointment=appointment)
    if form.is_valid():
        try:
            services.end(appointment=appointment, by=request.user, on=form.cleaned_data["end"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The appointment was ended."))
        return redirect(appointment)
    return render(
        request,
        "directory/appointment_detail.html",
        {
            "appointment": appointment,
            "events": events_for(appointment),
            "can_review": True,
            "confirm_form": ConfirmForm() if appointment.status == "nominated" else None,
            "end_form": form,
        },
        status=400,
    )


def _may_see_document(user, appointment) -> bool:
    return user.has_perm("directory.confirm_appointment", appointment) or (
        appointment.party_id is not None
        and user.has_perm("directory.nominate_for_party", appointment.party)
    )


@login_required
def appointment_document(request, pk):
    """Confirming letters are not public: served only to the secretariat and the Party's focal point."""
    appointment = _appointment(request, pk)
    if not appointment.document or not _may_see_document(request.user, appointment):
        raise Http404
    return FileResponse(
        appointment.document.open("rb"),
        content_type="application/pdf",
        filename=f"appointment-{appointment.pk}.pdf",
    )


@login_required
def appointment_history(request, pk):
    appointment = _appointment(request, pk)
    require_perm(request.user, "directory.view_history", appointment)
    return _history(request, appointment, back=appointment.get_absolute_url())


def _history(request, instance, *, back):
    return render(
        request,
        "directory/history.html",
        {
            "object": instance,
            "rows": history_rows(instance),
            "events": events_for(instance)[:100],
            "back": back,
        },
    )
