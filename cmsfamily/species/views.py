"""The species pages: the list (filtered, sortable, exportable) with the data's as-of dates and
gaps, a taxon's page, the whole table as CSV, and the Secretariat's import with its preview."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cmsfamily.core.views import FilteredTableView, error_page, require_perm
from cmsfamily.directory import services as registry
from cmsfamily.directory.choices import UploadKind
from cmsfamily.species import importing, selectors, services
from cmsfamily.species.countries import country_name
from cmsfamily.species.filtersets import TaxonFilter
from cmsfamily.species.forms import ImportForm
from cmsfamily.species.tables import TaxonTable

IMPORT_PERM = "species.import_taxa"


class TaxonListView(FilteredTableView):
    table_class = TaxonTable
    filterset_class = TaxonFilter
    export_name = "cms-appendix-species"
    page_title = gettext_lazy("Species of the CMS Appendices")
    template_name = "species/taxon_list.html"

    def get_queryset(self):
        return selectors.taxa(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = selectors.data_summary(self.request.user)
        context["can_import"] = self.request.user.has_perm(IMPORT_PERM)
        return context


def taxon_detail(request, pk):
    taxon = get_object_or_404(selectors.taxa_in_full(request.user), pk=pk)
    range_states = [
        {"state": state, "name": country_name(state.country_code)}
        for state in taxon.range_states.all()
    ]
    context = {
        "taxon": taxon,
        "listings": list(taxon.listings.all()),
        "range_states": range_states,
        "parties_among_them": sum(1 for row in range_states if row["state"].party_id),
    }
    return render(request, "species/taxon_detail.html", context)


def table_csv(request):
    """The whole species table in the columns the import reads: download, edit, import again."""
    response = HttpResponse(
        importing.write(selectors.taxa_in_full(request.user)), content_type="text/csv"
    )
    response["Content-Disposition"] = content_disposition_header(True, "cms-appendix-species.csv")
    return response


# -- import ------------------------------------------------------------------------------------

SESSION_KEY = "species_import"
STAGING_DIR = "species-imports"
ABANDONED_AFTER = timedelta(days=1)


@dataclass
class Staged:
    token: str
    path: str
    file_name: str

    def content(self) -> bytes:
        with default_storage.open(self.path, "rb") as handle:
            return handle.read()


def _staged(request) -> Staged | None:
    data = request.session.get(SESSION_KEY)
    if not data:
        return None
    staged = Staged(**data)
    if not default_storage.exists(staged.path):
        del request.session[SESSION_KEY]
        return None
    return staged


def _stage(request, content: bytes, file_name: str) -> None:
    """Keep the checked file on the server until it is confirmed, keyed by a token in the session."""
    _unstage(request)
    _forget_abandoned()
    token = secrets.token_urlsafe(24)
    path = default_storage.save(f"{STAGING_DIR}/{token}.csv", ContentFile(content))
    request.session[SESSION_KEY] = {"token": token, "path": path, "file_name": file_name}


def _unstage(request) -> None:
    data = request.session.pop(SESSION_KEY, None)
    if data and default_storage.exists(data["path"]):
        default_storage.delete(data["path"])


def _forget_abandoned() -> None:
    """Staged files whose preview was never confirmed nor cancelled go after a day."""
    try:
        _dirs, files = default_storage.listdir(STAGING_DIR)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - ABANDONED_AFTER
    for name in files:
        path = f"{STAGING_DIR}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)


def _import_page(request, form, *, problems=None, status=200):
    context = {
        "form": form,
        "problems": problems,
        "columns": importing.COLUMNS,
        "imports": selectors.imports(request.user)[:10],
        "staged": _staged(request),
    }
    return render(request, "species/import.html", context, status=status)


def _problems(problems) -> list[str]:
    """The problems as the import page lists them: line, column, message."""
    reasons = []
    for problem in problems:
        where = []
        if problem.line:
            where.append(_("line %(line)s") % {"line": problem.line})
        if problem.column:
            where.append(problem.column)
        reasons.append(f"{', '.join(where)}: {problem.message}" if where else problem.message)
    return reasons


def _record_refusal(request, upload, reasons) -> None:
    """Note the refused table for the Secretariat's review queue (never the file itself)."""
    registry.record_failed_upload(
        by=request.user,
        kind=UploadKind.SPECIES,
        file=upload,
        reasons=reasons,
        subject=_("Species table"),
        link=reverse("species:import"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    """Choose a table: every row is checked; a valid one is kept for the preview."""
    require_perm(request.user, IMPORT_PERM)
    if request.method == "GET":
        return _import_page(request, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        if request.FILES.get("table") is not None:
            _record_refusal(
                request,
                request.FILES["table"],
                [str(message) for messages in form.errors.values() for message in messages],
            )
        return _import_page(request, form, status=400)
    upload = form.cleaned_data["table"]
    table, content = importing.read_upload(upload)
    if not table.ok:
        _record_refusal(request, upload, _problems(table.problems))
        return _import_page(request, form, problems=table.problems, status=400)
    if not importing.plan(table.rows).has_changes:
        messages.info(
            request,
            _(
                "“%(file)s” is valid and matches the species table: importing it would change nothing."
            )
            % {"file": upload.name},
        )
        return redirect("species:import")
    _stage(request, content, upload.name)
    return redirect("species:import-preview")


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request):
    """What the staged table would change; confirming writes all of it in one transaction."""
    require_perm(request.user, IMPORT_PERM)
    staged = _staged(request)
    if staged is None:
        messages.info(request, _("No species table is waiting to be imported; choose a file."))
        return redirect("species:import")
    content = staged.content()
    if request.method == "POST":
        if request.POST.get("token") != staged.token:
            return error_page(
                request,
                title=_("This preview has been replaced"),
                message=_(
                    "Another file was checked since this preview was shown. Look at its "
                    "preview before importing it."
                ),
                status=409,
                back=request.path,
            )
        if request.POST.get("action") == "cancel":
            _unstage(request)
            messages.info(request, _("The import was cancelled; nothing was changed."))
            return redirect("species:import")
        try:
            plan = services.import_species(
                content=content,
                by=request.user,
                file_name=staged.file_name,
                # The plan the page showed: nothing else may be written.
                expected_fingerprint=request.POST.get("fingerprint", ""),
            )
        except services.ImportRefused as refused:  # e.g. a listing date now in the future
            _unstage(request)
            return _import_page(request, ImportForm(), problems=refused.problems, status=400)
        except services.PreviewOutdated as outdated:
            messages.warning(
                request,
                _(
                    "The species table changed since the preview was shown: nothing was "
                    "imported. Here is what the file would change now."
                ),
            )
            return _preview_page(request, staged, outdated.plan, status=409)
        _unstage(request)
        counts = plan.counts()
        messages.success(
            request,
            _(
                "Imported “%(file)s”: %(new)s new taxa, %(changed)s changed, %(unchanged)s "
                "unchanged."
            )
            % {
                "file": staged.file_name,
                "new": counts["new_taxa"],
                "changed": counts["changed_taxa"],
                "unchanged": counts["unchanged_taxa"],
            },
        )
        return redirect("species:taxon-list")
    table = importing.read(content)
    if not table.ok:
        _unstage(request)
        return _import_page(request, ImportForm(), problems=table.problems, status=400)
    return _preview_page(request, staged, importing.plan(table.rows))


def _preview_page(request, staged: Staged, plan: importing.Plan, *, status=200):
    """The confirmation form carries the fingerprint of the plan shown: what the user saw is
    what a confirmation may write."""
    context = {
        "staged": staged,
        "plan": plan,
        "counts": plan.counts(),
        "new": plan.new,
        "changed": plan.changed,
    }
    return render(request, "species/import_preview.html", context, status=status)
