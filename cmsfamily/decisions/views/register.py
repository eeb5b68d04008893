"""The register's pages (public) and the implementation pages (signed in, scoped)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cmsfamily.core.views import FilteredTableView, require_perm, run_service, show_errors_on_form
from cmsfamily.decisions import selectors, services
from cmsfamily.decisions.choices import AddresseeKind
from cmsfamily.decisions.filtersets import DecisionFilter
from cmsfamily.decisions.forms import EvidenceForm, ImplementationForm, StatusForm
from cmsfamily.decisions.tables import DecisionTable


class DecisionListView(FilteredTableView):
    table_class = DecisionTable
    filterset_class = DecisionFilter
    export_name = "decisions"
    page_title = gettext_lazy("Register of decisions")
    template_name = "decisions/decision_list.html"

    def get_queryset(self):
        return selectors.decisions(self.request.user)


decision_list = DecisionListView.as_view()


def _decision(request, slug):
    decision = selectors.decision_detail(request.user, slug)
    if decision is None:
        raise Http404
    return decision


def decision_detail(request, slug):
    decision = _decision(request, slug)
    overview = selectors.overview(request.user, decision)
    paragraphs = list(decision.paragraphs.all())
    for paragraph in paragraphs:
        paragraph.addressee_rows = [
            (addressee, overview.per_paragraph.get(addressee.pk))
            for addressee in paragraph.addressees.all()
        ]
    return render(
        request,
        "decisions/decision_detail.html",
        {
            "decision": decision,
            "paragraphs": paragraphs,
            "overview": overview,
            "per_region": [
                (overview.regions.get(region_id), tally)
                for region_id, tally in overview.per_region.items()
            ],
            "per_addressee": [
                (AddresseeKind(kind).label, tally) for kind, tally in overview.per_addressee.items()
            ],
            "can_change": request.user.has_perm("decisions.change_decision", decision),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_status(request, slug):
    decision = _decision(request, slug)
    require_perm(request.user, "decisions.change_decision", decision)
    form = StatusForm(
        request.POST or None,
        decision=decision,
        initial={"status": decision.status, "superseded_by": decision.superseded_by},
    )
    if done := run_service(
        request,
        form,
        lambda: services.set_status(decision=decision, by=request.user, **form.cleaned_data),
        success=_("The status is saved."),
        then=decision.get_absolute_url(),
    ):
        return done
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Status of %(decision)s") % {"decision": decision},
            "back": decision.get_absolute_url(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def my_implementation(request):
    return render(
        request,
        "decisions/my_implementation.html",
        {"duties": selectors.duties(request.user)},
    )


def _row(request, pk, implementer):
    paragraph = selectors.paragraph(request.user, pk)
    who = selectors.implementer_from_code(implementer)
    if paragraph is None or who is None:
        raise Http404
    party, organisation = who
    kind = (
        AddresseeKind.PARTIES
        if party
        else AddresseeKind.PARTNERS
        if organisation
        else request.GET.get("addressee") or request.POST.get("addressee", "")
    )
    addressees = [a for a in paragraph.addressees.all() if a.kind == kind or str(a.pk) == kind]
    if not addressees:
        raise Http404
    addressee = addressees[0]
    try:
        row = services.implementation_row(
            addressee=addressee, party=party, organisation=organisation
        )
    except ValidationError:
        raise Http404 from None
    return paragraph, addressee, row


@login_required
@require_http_methods(["GET", "POST"])
def implementation_edit(request, pk, implementer):
    paragraph, addressee, row = _row(request, pk, implementer)
    require_perm(request.user, "decisions.change_implementation", row)
    back = reverse("decisions:my-implementation")
    action = request.POST.get("action", "status")
    form = ImplementationForm(
        request.POST if action == "status" else None,
        initial={"status": row.status, "note": row.note, "noted_on": row.noted_on},
    )
    evidence_form = EvidenceForm(request.POST if action == "evidence" else None)
    if done := run_service(
        request,
        form,
        lambda: services.update_implementation(
            addressee=addressee,
            party=row.party,
            organisation=row.organisation,
            by=request.user,
            **form.cleaned_data,
        ),
        success=_("Implementation saved."),
        then=request.path + (f"?addressee={addressee.pk}" if implementer == "body" else ""),
    ):
        return done
    posted_evidence = action == "evidence" and request.method == "POST"
    if (
        posted_evidence
        and evidence_form.is_valid()
        and (done := _add_evidence(request, evidence_form, row))
    ):
        return done
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "decisions/implementation_edit.html",
        {
            "paragraph": paragraph,
            "addressee": addressee,
            "row": row,
            "form": form,
            "evidence_form": evidence_form,
            "evidence": selectors.evidence_of(row) if row.pk else [],
            "back": back,
        },
        status=status,
    )


def _add_evidence(request, form, row):
    if row.pk is None:
        form.add_error(None, _("Save a status first; then link the evidence."))
        return None
    data = form.cleaned_data
    found = selectors.evidence_target(request.user, data["kind"], data["target"])
    if found is None:
        form.add_error(
            "reference", _("Nothing of this kind with this address or number is open to you.")
        )
        return None
    try:
        services.add_evidence(
            implementation=row,
            kind=data["kind"],
            question_key=data.get("question_key", ""),
            by=request.user,
            **found,
        )
    except ValidationError as error:
        show_errors_on_form(form, error)
        return None
    messages.success(request, _("Evidence linked."))
    return redirect(request.get_full_path())
