"""The ledger's pages: the list, an entry with its working, the forms that log, edit, validate and
correct entries, the valuation rules, the totals, the assessed contributions and a Partner's page.

Every read goes through selectors (scoped to the user), every write through services."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_tables2 import RequestConfig

from cmsfamily.contributions import bulk, charts, iati, selectors, services, staging
from cmsfamily.contributions.choices import Kind
from cmsfamily.contributions.filtersets import (
    AssessedFilter,
    ContributionFilter,
    ValuationRuleFilter,
)
from cmsfamily.contributions.forms import (
    AssessedForm,
    ContributionForm,
    EndRuleForm,
    PaymentForm,
    TotalsForm,
    UploadForm,
    ValuationRuleForm,
    service_errors,
)
from cmsfamily.contributions.scenario import seed_003_estimate
from cmsfamily.contributions.tables import (
    AssessedTable,
    ContributionTable,
    ValuationRuleTable,
    amount,
    quantity_text,
    recipients,
)
from cmsfamily.core.selectors import events_for, history_rows
from cmsfamily.core.spreadsheets import XLSX_TYPE
from cmsfamily.core.tables import BoundedPaginator
from cmsfamily.core.views import (
    EXPORT_FORMATS,
    FilteredTableView,
    bad_query_page,
    error_page,
    form_page,
    require_perm,
    run_service,
    spreadsheet_response,
)
from cmsfamily.directory import services as registry
from cmsfamily.directory.choices import UploadKind
from cmsfamily.directory.models import Organisation
from cmsfamily.directory.scope import scope_of
from cmsfamily.workplans.forms import FundingForm

CENT = Decimal("0.01")

# -- the ledger --------------------------------------------------------------------------------


class ContributionListView(FilteredTableView):
    table_class = ContributionTable
    filterset_class = ContributionFilter
    export_name = "contributions"
    page_title = gettext_lazy("Contributions ledger")
    template_name = "contributions/list.html"

    def get_queryset(self):
        return selectors.ledger(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("contributions.add_contribution")
        return context


contribution_list = ContributionListView.as_view()


def _entry(request, pk):
    """An entry the user may see; any other is a 404, whether it exists or not."""
    return get_object_or_404(selectors.entry_page(request.user), pk=pk)


def contribution_detail(request, pk):
    entry = _entry(request, pk)
    user = request.user
    corrects, corrected_by = selectors.correction_chain(user, entry)
    context = {
        "entry": entry,
        "quantity": quantity_text(entry),
        "recipients": recipients(entry),
        "value": f"{amount(entry.value)} {entry.value_currency}",
        "base_value": f"{amount(entry.base_value)} {services.BASE_CURRENCY}",
        "corrects": corrects,
        "corrected_by": corrected_by,
        "can_edit": user.has_perm("contributions.change_contribution", entry),
        "can_validate": not entry.is_validated
        and user.has_perm("contributions.validate_contribution", entry),
        "can_correct": entry.is_validated
        and not entry.replaced
        and user.has_perm("contributions.correct_contribution", entry),
        "can_view_history": user.has_perm("contributions.view_history", entry),
        "can_view_evidence": user.has_perm("contributions.view_evidence", entry),
    }
    return render(request, "contributions/detail.html", context)


CONTRIBUTION_FORM_INTRO = gettext_lazy(
    "Staff time, meeting attendance and hosting are valued with the valuation rule in force on "
    "the start date; money and in-kind contributions keep their amount and currency. Every value "
    "is also converted to US dollars at the exchange rate of its date. The CMS Secretariat "
    "validates each entry before it counts in the totals."
)


def _contribution_form_page(request, form, *, title, back, intro=CONTRIBUTION_FORM_INTRO):
    return render(
        request,
        "contributions/contribution_form.html",
        {
            "form": form,
            "title": title,
            "intro": intro,
            "back": back,
            "quantity_help": [
                (Kind.MONEY.label, _("amount and currency")),
                (Kind.IN_KIND.label, _("amount and currency (the value of the goods or services)")),
                (Kind.STAFF_TIME.label, _("days (person-days)")),
                (Kind.HOSTING.label, _("days (person-days of the hosting)")),
                (Kind.MEETING_ATTENDANCE.label, _("people × meetings × days per meeting")),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def contribution_add(request):
    require_perm(request.user, "contributions.add_contribution")
    form = ContributionForm(request.POST or None, request.FILES or None, user=request.user)
    if done := run_service(
        request,
        form,
        lambda: services.log_contribution(by=request.user, **form.values()),
        success=lambda entry: (
            _("Logged: %(working)s. The CMS Secretariat will validate it.")
            % {"working": entry.working}
        ),
        then=lambda entry: entry,
        errors=service_errors,
    ):
        return done
    return _contribution_form_page(
        request, form, title=_("Log a contribution"), back=reverse("contributions:list")
    )


@login_required
@require_http_methods(["GET", "POST"])
def contribution_edit(request, pk):
    entry = _entry(request, pk)
    if entry.is_validated:
        return error_page(
            request,
            title=_("A validated contribution cannot be changed"),
            message=_(
                "This contribution was validated on %(date)s. To change it, log a correction: "
                "a new entry that replaces it in the totals while the original stays as it was."
            )
            % {"date": timezone.localdate(entry.validated_at).isoformat()},
            status=403,
            back=entry.get_absolute_url(),
        )
    require_perm(request.user, "contributions.change_contribution", entry)
    form = ContributionForm(
        request.POST or None, request.FILES or None, instance=entry, user=request.user
    )
    if done := run_service(
        request,
        form,
        lambda: services.update_contribution(contribution=entry, by=request.user, **form.values()),
        success=lambda saved: _("Saved: %(working)s.") % {"working": saved.working},
        then=lambda saved: saved,
        errors=service_errors,
    ):
        return done
    return _contribution_form_page(
        request,
        form,
        title=_("Edit contribution No. %(number)s") % {"number": entry.pk},
        back=entry.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def contribution_correct(request, pk):
    original = _entry(request, pk)
    require_perm(request.user, "contributions.correct_contribution", original)
    if not original.is_validated or original.replaced:
        message = (
            _("This entry is not validated yet: edit it instead of correcting it.")
            if not original.is_validated
            else _("This entry has been corrected already; correct the correction.")
        )
        return error_page(
            request,
            title=_("No correction possible"),
            message=message,
            status=409,
            back=original.get_absolute_url(),
        )
    form = ContributionForm(
        request.POST or None, request.FILES or None, instance=original, user=request.user
    )
    if done := run_service(
        request,
        form,
        lambda: services.correct_contribution(original=original, by=request.user, **form.values()),
        success=lambda correction: (
            _(
                "The correction was logged as No. %(number)s. Once validated it replaces "
                "No. %(original)s in the totals."
            )
            % {"number": correction.pk, "original": original.pk}
        ),
        then=lambda correction: correction,
        errors=service_errors,
    ):
        return done
    return _contribution_form_page(
        request,
        form,
        title=_("Log a correction of contribution No. %(number)s") % {"number": original.pk},
        back=original.get_absolute_url(),
        intro=_(
            "The validated entry stays as it was. The form starts from its figures: change what "
            "was wrong. The correction is a new entry that the CMS Secretariat validates; from "
            "then on the totals count it instead of the original."
        ),
    )


@login_required
@require_POST
def contribution_validate(request, pk):
    entry = _entry(request, pk)
    require_perm(request.user, "contributions.validate_contribution", entry)
    try:
        services.validate_contribution(contribution=entry, by=request.user)
    except ValidationError as error:
        return error_page(
            request,
            title=_("Not validated"),
            message=" ".join(error.messages),
            status=409,
            back=entry.get_absolute_url(),
        )
    messages.success(request, _("Contribution No. %(number)s is validated.") % {"number": pk})
    return redirect(entry)


@login_required
def contribution_history(request, pk):
    entry = _entry(request, pk)
    require_perm(request.user, "contributions.view_history", entry)
    return render(
        request,
        "directory/history.html",
        {
            "object": entry,
            "rows": history_rows(entry),
            "events": events_for(entry)[:100],
            "back": entry.get_absolute_url(),
        },
    )


@login_required
def contribution_evidence(request, pk):
    """The evidence document: for the contributor's focal points and the CMS Secretariat."""
    entry = _entry(request, pk)
    if not entry.evidence or not request.user.has_perm("contributions.view_evidence", entry):
        raise Http404
    return FileResponse(
        entry.evidence.open("rb"),
        content_type="application/pdf",
        filename=f"contribution-{entry.pk}-evidence.pdf",
    )


# -- valuation rules ---------------------------------------------------------------------------


class ValuationRuleListView(FilteredTableView):
    table_class = ValuationRuleTable
    filterset_class = ValuationRuleFilter
    export_name = "valuation-rules"
    page_title = gettext_lazy("Valuation rules")
    template_name = "contributions/rules.html"

    def get_queryset(self):
        return selectors.valuation_rules()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("contributions.add_valuationrule")
        return context


rule_list = ValuationRuleListView.as_view()


@login_required
@require_http_methods(["GET", "POST"])
def rule_add(request):
    require_perm(request.user, "contributions.add_valuationrule")
    form = ValuationRuleForm(request.POST or None)
    if done := run_service(
        request,
        form,
        lambda: services.add_valuation_rule(by=request.user, **form.cleaned_data),
        success=lambda rule: _("Saved: %(rule)s.") % {"rule": rule},
        then="contributions:rule-list",
    ):
        return done
    return form_page(
        request,
        form,
        title=_("Add a valuation rule"),
        intro=_(
            "A rule gives the value of one unit (a day) of a kind of contribution from a date. "
            "Entries keep the rule they were valued with, so a new rule never changes old "
            "figures. To change a rate, end the rule in force and add one that starts the "
            "day after: rules of one kind cannot overlap."
        ),
        back=reverse("contributions:rule-list"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_end(request, pk):
    require_perm(request.user, "contributions.add_valuationrule")
    rule = get_object_or_404(selectors.valuation_rules(), pk=pk)
    form = EndRuleForm(request.POST or None)
    if done := run_service(
        request,
        form,
        lambda: services.end_valuation_rule(rule=rule, by=request.user, **form.cleaned_data),
        success=lambda _ended: _("Saved: %(rule)s.") % {"rule": rule},
        then="contributions:rule-list",
    ):
        return done
    return form_page(
        request,
        form,
        title=_("End the rule “%(rule)s”") % {"rule": rule},
        intro=_(
            "Entries already valued with this rule keep it. After its last day, entries of "
            "this kind are valued with the next rule, which you add next."
        ),
        back=reverse("contributions:rule-list"),
    )


# -- totals ------------------------------------------------------------------------------------


def _label(name: str, row: dict, labels: dict[str, dict[str, str]]) -> str:
    """What a totals row is, along one breakdown, in words."""
    none = _("none named")
    if name == "kind":
        return str(Kind(row["kind"]).label)
    if name == "year":
        return str(row["year"])
    if name == "contributor_organisation":
        return row["contributor_organisation__name"] or _("(a Party)")
    if name == "contributor_party":
        return row["contributor_party__name"] or _("(an organisation)")
    if name == "instrument":
        code = row["instrument__code"]
        return labels["instrument"].get(code, code) if code else none
    if name == "activity":
        if row["activity__number"] is None:
            return none
        return _("Activity %(number)s (%(programme)s)") % {
            "number": row["activity__number"],
            "programme": labels["activity"].get(
                row["activity__programme__code"], row["activity__programme__code"]
            ),
        }
    if row["target__number"] is None:
        return none
    return _("Target %(number)s (%(plan)s)") % {
        "number": row["target__number"],
        "plan": labels["target"].get(row["target__plan__code"], row["target__plan__code"]),
    }


def _totals_rows(result) -> list[dict]:
    labels = selectors.code_labels(result.by, result.rows)
    return [
        {
            "labels": [_label(name, row, labels) for name in result.by],
            # SQLite's SUM drops the scale of decimals: 6000.00 would be exported as 6000.
            "total_usd": row["total_usd"].quantize(CENT),
            "total": row["total"],
        }
        for row in result.rows
    ]


def _totals_export(result, rows, export_format):
    names = dict(TotalsForm.BREAKDOWNS)
    headers = [str(names[name]) for name in result.by]
    headers.append(_("Total (USD)"))
    converted = result.currency != services.BASE_CURRENCY
    if converted:
        headers.append(_("Total (%(currency)s)") % {"currency": result.currency})
    values = [
        [*row["labels"], row["total_usd"], *([row["total"]] if converted else [])] for row in rows
    ]
    return spreadsheet_response(
        export_format,
        headers,
        [[value if value is not None else "" for value in row] for row in values],
        name=f"contribution-totals-{'-'.join(result.by)}",
        title=_("Contribution totals"),
    )


def _totals_chart_export(request, chart, result, export_format):
    """The chart as an SVG or PNG file (drawn by vl-convert), named like the CSV export."""
    if chart is None:
        return error_page(
            request,
            title=_("No chart to download"),
            message=_("These totals count no validated contribution, or too many rows to draw."),
            status=404,
            back=request.path,
        )
    if export_format == "svg":
        content = charts.svg_document(chart).encode()
    else:
        content = charts.to_png(chart)
    response = HttpResponse(content, content_type=charts.CHART_FORMATS[export_format])
    filename = f"contribution-totals-{'-'.join(result.by)}.{export_format}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def totals(request):
    form = TotalsForm(request.GET)
    export_format = request.GET.get("export")
    if export_format is not None and export_format not in (*EXPORT_FORMATS, *charts.CHART_FORMATS):
        return error_page(
            request,
            title=_("Export not available"),
            message=_("“%(format)s” is not an export format. Choose CSV, XLSX, SVG or PNG.")
            % {"format": export_format},
            status=400,
            back=request.path,
        )
    if not form.is_valid():
        return render(
            request, "contributions/totals.html", {"form": form, "result": None}, status=400
        )
    data = form.cleaned_data
    result = selectors.totals(
        request.user, by=form.breakdown(), currency=data["currency"], on=data["on"]
    )
    rows = _totals_rows(result)
    names = dict(TotalsForm.BREAKDOWNS)
    headers = [str(names[name]) for name in result.by]
    # Without a rate the converted column would only repeat the error on every row.
    show_converted = result.currency != services.BASE_CURRENCY and not result.error
    chart = charts.totals_chart(
        rows,
        headers=headers,
        currency=result.currency if show_converted else services.BASE_CURRENCY,
        converted=show_converted,
    )
    if export_format in charts.CHART_FORMATS:
        return _totals_chart_export(request, chart, result, export_format)
    if export_format:
        return _totals_export(result, rows, export_format)
    query = request.GET.copy()
    query.pop("export", None)
    context = {
        "form": form,
        "result": result,
        "rows": rows,
        "headers": headers,
        "grand_total_usd": sum((row["total_usd"] for row in rows), Decimal(0)),
        "grand_total": None if result.error else sum((row["total"] for row in rows), Decimal(0)),
        "show_converted": show_converted,
        "export_formats": EXPORT_FORMATS,
        "chart": chart,
        "chart_formats": charts.CHART_FORMATS,
        "export_query": query.urlencode(),
        # The IATI file is linked only where this server can make it: never a link to a 503.
        "iati_available": not iati.configuration_problem(),
    }
    return render(request, "contributions/totals.html", context)


# -- assessed contributions --------------------------------------------------------------------


class AssessedListView(LoginRequiredMixin, FilteredTableView):
    table_class = AssessedTable
    filterset_class = AssessedFilter
    export_name = "assessed-contributions"
    page_title = gettext_lazy("Assessed contributions")
    template_name = "contributions/assessed.html"

    def get_queryset(self):
        return selectors.assessed(self.request.user)

    def get_table_kwargs(self):
        return {
            "this_year": timezone.localdate().year,
            "can_manage": self.request.user.has_perm("contributions.manage_assessed"),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_manage"] = user.has_perm("contributions.manage_assessed")
        context["acts_for_a_party"] = bool(scope_of(user).acting_parties)
        context["arrears"] = list(selectors.arrears(user, today=timezone.localdate()))
        return context


assessed_list = AssessedListView.as_view()


@login_required
@require_http_methods(["GET", "POST"])
def assessed_set(request):
    require_perm(request.user, "contributions.manage_assessed")
    form = AssessedForm(request.POST or None)

    def assess():
        values = form.values()
        return services.set_assessed_contribution(
            party=values.pop("party"),
            instrument=values.pop("instrument"),
            year=values.pop("year"),
            by=request.user,
            **values,
        )

    if done := run_service(
        request,
        form,
        assess,
        success=lambda assessed: _("Saved: %(assessed)s.") % {"assessed": assessed},
        then="contributions:assessed",
    ):
        return done
    return form_page(
        request,
        form,
        title=_("Set an assessed contribution"),
        back=reverse("contributions:assessed"),
        intro=_(
            "What a Party owes to an instrument's budget for a year. Setting a year again "
            "replaces the figures; the history keeps the old ones."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def payment_add(request, pk):
    require_perm(request.user, "contributions.manage_assessed")
    assessed = get_object_or_404(selectors.assessed(request.user), pk=pk)
    form = PaymentForm(request.POST or None)
    if done := run_service(
        request,
        form,
        lambda: services.record_payment(assessed=assessed, by=request.user, **form.cleaned_data),
        success=_("The payment was recorded."),
        then="contributions:assessed",
    ):
        return done
    outstanding = max(assessed.amount - assessed.paid, Decimal(0))
    return form_page(
        request,
        form,
        title=_("Record a payment: %(assessed)s") % {"assessed": assessed},
        back=reverse("contributions:assessed"),
        intro=_("Assessed %(amount)s %(currency)s; paid so far %(paid)s; outstanding %(due)s.")
        % {
            "amount": amount(assessed.amount),
            "currency": assessed.currency,
            "paid": amount(assessed.paid),
            "due": amount(outstanding),
        },
    )


# -- a contributor's own page ------------------------------------------------------------------


def _by_year_and_kind(rows: list[dict]) -> dict:
    """The organisation's totals as a table: a row per year, a column per kind given."""
    kinds = [kind for kind in Kind if any(row["kind"] == kind for row in rows)]
    years: dict[int, dict] = {}
    for row in rows:
        years.setdefault(row["year"], {})[row["kind"]] = row["total"]
    return {
        "kinds": [kind.label for kind in kinds],
        "years": [
            {
                "year": year,
                "cells": [cells.get(kind) for kind in kinds],
                "total": sum(cells.values(), Decimal(0)),
            }
            for year, cells in years.items()
        ],
        "kind_totals": [
            sum((row["total"] for row in rows if row["kind"] == kind), Decimal(0)) for kind in kinds
        ],
        "total": sum((row["total"] for row in rows), Decimal(0)),
    }


def organisation_page(request, slug):
    organisation = get_object_or_404(Organisation.objects.all(), slug=slug)
    user = request.user
    table = ContributionTable(
        selectors.ledger(user).filter(contributor_organisation=organisation),
        exclude=("contributor",),
    )
    RequestConfig(
        request, paginate={"per_page": 50, "paginator_class": BoundedPaginator}
    ).configure(table)
    by_year = _by_year_and_kind(selectors.organisation_totals(user, organisation))
    context = {
        "organisation": organisation,
        "table": table,
        "totals": by_year,
        "chart": charts.by_year_and_kind_chart(
            by_year, name=organisation.name, currency=services.BASE_CURRENCY
        ),
        "awaiting": selectors.awaiting_validation(user, organisation),
        "is_own": user.has_perm("directory.change_organisation", organisation),
        "can_add": user.has_perm("contributions.add_contribution"),
    }
    return render(request, "contributions/organisation.html", context)


# -- the donor view ----------------------------------------------------------------------------


def donors(request):
    """The donor-oriented document of seed 003: published activities still needing funds."""
    form = FundingForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        title = _("The funding cannot be shown with these settings")
        return bad_query_page(request, form, title=title)
    needs, errors = selectors.donor_view(request.user, **form.cleaned_data)
    return render(
        request,
        "contributions/donors.html",
        {
            "needs": needs,
            "errors": errors,
            "funding_form": form,
            "iati_available": not iati.configuration_problem(),
            **form.cleaned_data,
        },
    )


# -- the IATI activity file --------------------------------------------------------------------


@require_safe
def iati_activities(request):
    """The public money flows as an IATI activity file (iati.py says what goes in)."""
    problem = iati.configuration_problem()
    if problem:
        return error_page(
            request,
            title=_("IATI activity file not available"),
            message=problem,
            status=503,
            back=reverse("contributions:totals"),
        )
    response = HttpResponse(iati.activities_file(), content_type="application/xml")
    response["Content-Disposition"] = content_disposition_header(
        True, f"cms-family-iati-activities-{timezone.localdate().isoformat()}.xml"
    )
    return response


# -- bulk upload -------------------------------------------------------------------------------


def _upload_organisations(user):
    if user.has_perm("contributions.validate_contribution"):
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(pk__in=scope_of(user).organisations).order_by("name")


@login_required
def upload_template(request):
    require_perm(request.user, "contributions.add_contribution")
    organisation = get_object_or_404(
        _upload_organisations(request.user), slug=request.GET.get("organisation", "")
    )
    response = HttpResponse(bulk.template(organisation), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"contributions-{organisation.slug}.xlsx"
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    """Upload a workbook: every cell is checked first and the rows are shown; the workbook waits
    on the server (staging.py) until the user confirms with its token alone; then it is read and
    checked again and all rows are logged in one transaction, or none."""
    require_perm(request.user, "contributions.add_contribution")
    organisations = _upload_organisations(request.user)
    if request.method == "POST" and "token" in request.POST:
        return _confirm_upload(request, organisations)
    form = UploadForm(request.POST or None, request.FILES or None, organisations=organisations)
    context = {"form": form, "organisations": organisations}
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        workbook = form.cleaned_data["workbook"]
        result = bulk.read(workbook, organisation=organisation, language=get_language() or "en")
        context.update(result=result, organisation=organisation)
        if not result.ok:
            _record_refusal(request, workbook, organisation, _problems(result))
        if result.ok and request.POST.get("confirm") == "yes" and result.rows:
            return _log_upload(request, result, organisation)
        if result.ok and result.rows:
            context["staged"] = staging.stage(request, workbook, organisation=organisation)
        status = 200 if result.ok else 400
        return render(request, "contributions/upload.html", context, status=status)
    if request.method == "POST" and request.FILES.get("workbook") is not None:
        _record_refusal(
            request,
            request.FILES["workbook"],
            form.cleaned_data.get("organisation"),
            [str(message) for messages in form.errors.values() for message in messages],
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "contributions/upload.html", context, status=status)


def _problems(result) -> list[str]:
    """The problems as the upload page shows them: row, column, message."""
    reasons = []
    for problem in result.problems:
        where = []
        if problem.row:
            where.append(_("row %(row)s") % {"row": problem.row})
        if problem.column:
            where.append(problem.column)
        reasons.append(f"{', '.join(where)}: {problem.message}" if where else problem.message)
    return reasons


def _record_refusal(request, workbook, organisation, reasons, *, file_name=None) -> None:
    """Note the refused workbook for the Secretariat's review queue (never the file itself)."""
    registry.record_failed_upload(
        by=request.user,
        kind=UploadKind.CONTRIBUTIONS,
        file=workbook,
        file_name=file_name,
        reasons=reasons,
        organisation=organisation,
        subject=str(organisation or ""),
        link=reverse("contributions:upload"),
    )


def _log_upload(request, result, organisation):
    saved = bulk.save(result, by=request.user)
    messages.success(
        request,
        _("%(count)s contributions were logged; the CMS Secretariat will validate them.")
        % {"count": len(saved)},
    )
    return redirect(f"{reverse('contributions:list')}?organisation={organisation.pk}")


def _confirm_upload(request, organisations):
    """Log a checked workbook kept on the server: refused with a clear message, and nothing
    written, when the token is unknown, another user's, expired or being confirmed already."""
    context = {"form": UploadForm(organisations=organisations), "organisations": organisations}

    def refuse(message, status):
        context["refused"] = message
        return render(request, "contributions/upload.html", context, status=status)

    try:
        staged = staging.claim(request, request.POST["token"])
    except staging.Unknown:
        return refuse(
            _(
                "No checked workbook of yours is waiting for this confirmation: it was logged "
                "already, or it was checked in another session or by another user. Nothing was "
                "logged; upload the workbook again."
            ),
            400,
        )
    except staging.Expired:
        return refuse(
            _(
                "The checked workbook waited more than %(minutes)s minutes for a confirmation and "
                "was discarded. Nothing was logged; upload the workbook again."
            )
            % {"minutes": int(staging.LIFETIME.total_seconds() // 60)},
            400,
        )
    except staging.Claimed:
        return refuse(
            _("This workbook is being logged already; it is not logged a second time."), 409
        )
    try:
        organisation = organisations.filter(pk=staged.organisation_id).first()
        if organisation is None:
            return refuse(
                _("You may no longer log contributions of this organisation; nothing was logged."),
                403,
            )
        with staged.open() as workbook:
            result = bulk.read(workbook, organisation=organisation, language=get_language() or "en")
    finally:
        staging.discard(staged)
    if result.ok and result.rows:
        return _log_upload(request, result, organisation)
    context.update(result=result, organisation=organisation)
    if not result.ok:
        _record_refusal(request, None, organisation, _problems(result), file_name=staged.filename)
    return refuse(
        _(
            "Since it was checked, the ledger has changed and every row of the workbook is "
            "already in it: nothing was logged again."
        )
        if result.ok
        else _(
            "Since it was checked, the workbook no longer passes the checks (see the problems "
            "below): nothing was logged. Correct it and upload it again."
        ),
        409,
    )


# -- the 2019 estimate of the value of Partner work (seed 003) ---------------------------------


def scenario(request):
    """The 2019 estimate (seed 003) of the value of Partner work, recomputed with the ledger's rules beside
    the figures the document prints, with the working and the reasons where they differ."""
    return render(request, "contributions/scenario.html", {"scenario": seed_003_estimate()})
