"""The pages of the duties of Parties: the Family-wide table (`/analysis/duties/`), one Party's
duties (`/analysis/duties/<code>/`), and the panel on each Party's page in the registry (which
the registry shows through `directory.panels`, registered in `apps.py`)."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cmsfamily.analytics import duties as judged
from cmsfamily.core.views import (
    EXPORT_FORMATS,
    bad_query_page,
    error_page,
    require_perm,
    spreadsheet_response,
)
from cmsfamily.directory import selectors as registry


def _refused(request, message, status=400):
    return error_page(
        request,
        title=_("The duties cannot be shown"),
        message=message,
        status=status,
        back=reverse("analytics:duties"),
    )


def duties(request):
    """The duties of every Party for the CMS Secretariat, of the user's own Party for its NFP or
    alternate (with the next step of each duty not met); `?export=csv|xlsx` downloads the table."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    require_perm(user, "analytics.view_duties")
    parties = judged.parties_for(user)
    form = judged.DutiesForm(request.GET, parties=parties)
    if not form.is_valid():
        return bad_query_page(
            request,
            form,
            title=_("The duties cannot be shown"),
            back=reverse("analytics:duties"),
        )
    export_format = request.GET.get("export")
    if export_format is not None and export_format not in EXPORT_FORMATS:
        return _refused(
            request,
            _("“%(format)s” is not an export format. Choose CSV or XLSX.")
            % {"format": export_format},
        )
    rows = form.rows(user, today=timezone.localdate())
    if export_format is not None:
        return spreadsheet_response(
            export_format,
            judged.export_header(),
            judged.export_rows(rows),
            name="duties-of-parties",
            title=_("Duties of Parties"),
        )
    query = request.GET.copy()
    query.pop("export", None)
    return render(
        request,
        "analytics/duties.html",
        {
            "form": form,
            "rows": rows,
            "duties": [(judged.SHORT[code], judged.DUTIES[code]) for code in judged.SHORT],
            "family": _sees_family(user),
            "query": query.urlencode(),
        },
    )


def _sees_family(user) -> bool:
    from cmsfamily.directory.rules import is_cms_secretariat

    return bool(is_cms_secretariat(user))


def party_duties(request, code):
    """One Party's duties, with the next steps for its NFP or alternate."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    party = registry.parties(user).filter(code=code.upper()).first() if len(code) == 2 else None
    if party is None:
        return _refused(request, _("No Party has the code “%(code)s”.") % {"code": code}, 404)
    require_perm(user, "analytics.view_party_duties", party)
    (row,) = judged.party_duties(user, [party], today=timezone.localdate())
    return render(request, "analytics/duties_party.html", {"row": row})


def party_panel(request, party):
    """The panel of a Party's duties on its page in the registry, for who may see them."""
    user = request.user
    if not user.is_authenticated or not user.has_perm("analytics.view_party_duties", party):
        return None
    (row,) = judged.party_duties(user, [party], today=timezone.localdate())
    return render_to_string(
        "analytics/duties_panel.html", {"row": row, "panel": True}, request=request
    )
