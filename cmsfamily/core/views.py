"""Web-layer helpers every app's pages share: filtered, sortable tables that export, the write
through a service from a form, error and form pages."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.defaults import page_not_found
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from cmsfamily.core import services, spreadsheets
from cmsfamily.core.documents import PdfUnavailable, html_to_pdf
from cmsfamily.core.filtersets import ExchangeRateFilter
from cmsfamily.core.forms import ExchangeRateForm
from cmsfamily.core.health import run_checks
from cmsfamily.core.models import ExchangeRate
from cmsfamily.core.tables import BoundedPaginator, ExchangeRateTable

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

EXPORT_FORMATS = ("csv", "xlsx")

T = TypeVar("T")


def spreadsheet_response(export_format: str, header, rows, *, name: str, title: str = ""):
    """A table as a CSV or XLSX download, through the formula guard (core.spreadsheets)."""
    if export_format == "csv":
        content: bytes = spreadsheets.csv_text(header, rows).encode()
        content_type = spreadsheets.CSV_TYPE
    else:
        content = spreadsheets.table_xlsx(header, rows, title=title or name, fit_widths=True)
        content_type = spreadsheets.XLSX_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{export_format}")
    return response


def pdf_response(
    request: HttpRequest, html: str, filename: str, *, unavailable: "StrOrPromise", back: str
) -> HttpResponse:
    """A rendered page as a PDF download (core.documents), or, where this server cannot make
    PDFs, a 503 page saying so (`unavailable`) with a link `back` to the page itself."""
    try:
        pdf = html_to_pdf(html, base_url=request.build_absolute_uri("/"))
    except PdfUnavailable:
        return error_page(
            request, title=_("PDF not available"), message=unavailable, status=503, back=back
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def require_perm(user, perm, obj=None):
    """Every write and every restricted page asks the rules; deny by default."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def next_url(request, default: str) -> str:
    """The page to go back to named by `?next=`, if it is on this site; else `default`."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def show_errors_on_form(form, error: ValidationError):
    """Put a service's ValidationError on the form: at its field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def run_service(
    request: HttpRequest,
    form: BaseForm,
    call: Callable[[], T],
    *,
    success: "StrOrPromise | Callable[[T], StrOrPromise] | None",
    then: Any,
    errors: Callable[[ValidationError], ValidationError] | None = None,
) -> HttpResponseRedirect | None:
    """A page's write through a service: form → service → errors on the form, or message → redirect.

    On a POST whose form is valid, `call()` runs the service (read the form's `cleaned_data`
    inside it). A ValidationError it raises goes onto the form, at its fields where it names
    them (`errors`, if given, renames them first), and None is returned: the view shows the form
    again. Otherwise `success` (a text, or a function of the service's result, read after the
    service ran) is said and the redirect to `then` (anything `redirect` takes, or a function of
    the result) is returned. On a GET, or with an invalid form, None is returned.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = call()
    except ValidationError as error:
        show_errors_on_form(form, errors(error) if errors else error)
        return None
    message = success(result) if callable(success) else success
    if message is not None:
        messages.success(request, message)
    return redirect(then(result) if callable(then) else then)


def error_page(request, *, title, message, status, back=None):
    return render(
        request,
        "core/error.html",
        {"title": title, "message": message, "back": back},
        status=status,
    )


def not_found(request, exception):
    """The 404 of a URL that matches no route: JSON under /api/, as the API's own 404s are."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)


def form_page(request, form, *, title, back, intro=""):
    """The shared form page; a POST that comes back to it was refused (400)."""
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": title, "back": back, "intro": intro},
        status=400 if request.method == "POST" else 200,
    )


def bad_query_page(request, form, *, title, back=None):
    """A 400 page naming each field of a GET form (filters, currency, date) that is wrong."""
    problems = "; ".join(
        f"{form.fields[name].label}: {' '.join(str(e) for e in errors)}"
        for name, errors in form.errors.items()
    )
    return error_page(request, title=title, message=problems, status=400, back=back)


class FilteredTableView(SingleTableMixin, FilterView):
    """A list page with filters, sorting, pagination and CSV/XLSX export of the filtered rows.

    `?export=csv` or `?export=xlsx` downloads every filtered row (not only the shown page);
    any other value is refused with a clear message rather than silently ignored.
    """

    paginate_by = 50
    paginator_class = BoundedPaginator
    export_name = "export"
    exclude_columns: tuple[str, ...] = ()
    template_name = "core/list.html"
    page_title: str | Promise = ""
    filterset_class: Any = None

    def get(self, request, *args, **kwargs):
        export_format = request.GET.get("export")
        if export_format is None:
            response = super().get(request, *args, **kwargs)
            # The page shows the filter form with its errors. htmx's live filtering swaps no 4xx
            # answer, so it keeps its 200 and shows "nothing matches" as before.
            invalid = self.filterset.is_bound and not self.filterset.is_valid()
            if invalid and "HX-Request" not in request.headers:
                response.status_code = 400
            return response
        if export_format not in EXPORT_FORMATS:
            return error_page(
                request,
                title=_("Export not available"),
                message=_("“%(format)s” is not an export format. Choose CSV or XLSX.")
                % {"format": export_format},
                status=400,
                back=request.path,
            )
        filterset = self.get_filterset(self.get_filterset_class())
        if filterset.is_bound and not filterset.is_valid():
            return error_page(
                request,
                title=_("Export not available"),
                message=_("The filters are not valid: %(errors)s")
                % {
                    "errors": "; ".join(
                        str(e) for errors in filterset.errors.values() for e in errors
                    )
                },
                status=400,
                back=request.path,
            )
        table = self.get_table_class()(self.export_rows(filterset.qs))
        header, *rows = table.as_values(exclude_columns=self.exclude_columns)
        return spreadsheet_response(
            export_format, header, rows, name=self.export_name, title=str(self.page_title)
        )

    def export_rows(self, queryset):
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_title"] = self.page_title
        context["export_formats"] = EXPORT_FORMATS
        query = self.request.GET.copy()
        query.pop("page", None)
        context["export_query"] = query.urlencode()
        return context


class ExchangeRateListView(FilteredTableView):
    """The dated exchange-rate table every converted amount is computed with (public to read)."""

    table_class = ExchangeRateTable
    filterset_class = ExchangeRateFilter
    export_name = "exchange-rates"
    page_title = gettext_lazy("Exchange rates")
    template_name = "core/exchange_rates.html"

    def get_queryset(self):
        return ExchangeRate.objects.order_by("currency", "quote", "-valid_from")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("core.add_exchangerate")
        return context


exchange_rate_list = ExchangeRateListView.as_view()


@login_required
@require_http_methods(["GET", "POST"])
def exchange_rate_add(request):
    require_perm(request.user, "core.add_exchangerate")
    form = ExchangeRateForm(request.POST or None)
    if done := run_service(
        request,
        form,
        lambda: services.set_exchange_rate(by=request.user, **form.cleaned_data),
        success=lambda rate: _("Saved: %(rate)s.") % {"rate": rate},
        then="exchange-rate-list",
    ):
        return done
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Add an exchange rate"),
            "intro": _(
                "A rate is in force from its date until a later one replaces it. Entering a rate "
                "for a day that already has one corrects it; the history keeps the old value."
            ),
            "back": reverse("exchange-rate-list"),
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@require_http_methods(["GET", "HEAD"])
def health(request: HttpRequest) -> JsonResponse:
    """The database, the cache and the task queue, as JSON: 200 when the site can serve, else 503.
    Public, for load balancers and monitors: it says which part fails, never why in detail."""
    report = run_checks()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
