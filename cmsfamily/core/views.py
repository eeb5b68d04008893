"""Web-layer helpers every app's list pages share: filtered, sortable tables that export."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import TableExport

EXPORT_FORMATS = ("csv", "xlsx")


def require_perm(user, perm, obj=None):
    """Every write and every restricted page asks the rules; deny by default."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def show_errors_on_form(form, error: ValidationError):
    """Put a service's ValidationError on the form: at its field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def error_page(request, *, title, message, status, back=None):
    return render(
        request,
        "core/error.html",
        {"title": title, "message": message, "back": back},
        status=status,
    )


class FilteredTableView(SingleTableMixin, FilterView):
    """A list page with filters, sorting, pagination and CSV/XLSX export of the filtered rows.

    `?export=csv` or `?export=xlsx` downloads every filtered row (not only the shown page);
    any other value is refused with a clear message rather than silently ignored.
    """

    paginate_by = 50
    export_name = "export"
    exclude_columns: tuple[str, ...] = ()
    template_name = "core/list.html"
    page_title: str | Promise = ""
    filterset_class: Any = None

    def get(self, request, *args, **kwargs):
        export_format = request.GET.get("export")
        if export_format is None:
            return super().get(request, *args, **kwargs)
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
        exporter = TableExport(export_format, table, exclude_columns=self.exclude_columns)
        return exporter.response(filename=f"{self.export_name}.{export_format}")

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
