"""No spreadsheet the platform writes runs a formula that someone typed.

The URL configuration is walked for every export (a name or route saying export, CSV or XLSX, a
filtered list page, or a view reading an `export` parameter or writing a spreadsheet). Each must
be listed below with how to download it, so that a new export cannot escape this test: then
hostile texts are planted in every text field of every model, each export is downloaded as
someone allowed to (the anonymous visitor where the public may), and no CSV cell may start a
formula and no XLSX cell may be one.
"""

import csv
import inspect
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pytest
from django.apps import apps
from django.db import models
from django.db.models.functions import Cast, Concat
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from cmsfamily.core.views import FilteredTableView

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]

# Names that say "export" in this sense: a file of rows a spreadsheet opens.
EXPORT_WORDS = re.compile(r"export|csv|xlsx?\b|\.ods|tsv|spreadsheet|openpyxl|tablib", re.I)


@dataclass(frozen=True)
class Export:
    persona: str
    formats: tuple[str, ...]  # "csv" and/or "xlsx"
    how: str  # "query": ?export=<format>; "path": the format is the URL's `fmt`; "fixed"


def _list(persona="anonymous"):
    return Export(persona, ("csv", "xlsx"), "query")


# Every export of the URL configuration, by URL name: who may download it, in which formats.
EXPORTS = {
    "directory:party-list": _list(),
    "directory:instrument-list": _list(),
    "directory:organisation-list": _list(),
    "directory:person-list": _list(),
    "directory:circular": _list(),
    "directory:appointment-pending": _list("secretariat"),
    "exchange-rate-list": _list(),
    "species:taxon-list": _list(),
    "species:table-csv": Export("anonymous", ("csv",), "fixed"),
    "strategy:matrix": Export("anonymous", ("xlsx",), "query"),
    "workplans:programme-list": _list(),
    "workplans:programme-xlsx": Export("anonymous", ("xlsx",), "fixed"),
    "reporting:cycle-export": Export("secretariat", ("csv", "xlsx"), "path"),
    "reporting:template-workbook": Export("secretariat", ("xlsx",), "fixed"),
    "reporting:version-xlsform": Export("secretariat", ("xlsx",), "fixed"),
    "reporting:workbook": Export("nfp_germany", ("xlsx",), "fixed"),
    "reporting:version-xlsx": Export("secretariat", ("xlsx",), "fixed"),
    "contributions:list": _list(),
    "contributions:rule-list": _list(),
    "contributions:assessed": _list("secretariat"),
    "contributions:totals": _list(),
    "contributions:upload-template": Export("birdlife_fp", ("xlsx",), "fixed"),
    "analytics:analysis": Export("secretariat", ("csv", "xlsx"), "query"),
    "analytics:answers": Export("secretariat", ("csv", "xlsx"), "query"),
    "analytics:duties": _list("secretariat"),
    "analytics:gaps": Export("secretariat", ("csv", "xlsx"), "query"),
    "analytics:indicator": _list("secretariat"),
    "meetings:list": _list(),
    "meetings:invitations": _list("secretariat"),
    "decisions:decision-list": _list(),
    "consultations:compilation": Export("secretariat", ("xlsx",), "path"),
}
# Found by the walk but no spreadsheet: why each is left out.
NOT_SPREADSHEETS = {
    "reporting:version-export": "a template version as JSON",
    "reporting:version-json": "a submitted version as JSON",
    "reporting:cycle": "the cycle's page, which links to its exports",
    "reporting:workbook-upload": "reads a workbook, writes none",
    "reporting:template-import-xlsform": "reads an XLSForm workbook, writes none",
    "api:analysis-targets": "the targets' figures as JSON (the API renders no spreadsheet)",
}


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            yield from _walk(
                pattern.url_patterns, f"{namespace}:{inner}".strip(":") if inner else namespace
            )
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
            yield name, str(pattern.pattern), pattern.callback


def _writes_spreadsheets(name: str, route: str, callback) -> bool:
    view_class = getattr(callback, "view_class", None)
    if view_class is not None and issubclass(view_class, FilteredTableView):
        return True
    if EXPORT_WORDS.search(f"{name} {route}"):
        return True
    try:
        source = inspect.getsource(view_class or inspect.unwrap(callback))
    except (OSError, TypeError):
        return False
    return bool(EXPORT_WORDS.search(source))


def _project_urls():
    for name, route, callback in _walk(get_resolver().url_patterns):
        if callback.__module__.startswith("cmsfamily."):
            yield name, route, callback


def test_every_export_of_the_url_configuration_is_exercised_here():
    found = {
        name
        for name, route, callback in _project_urls()
        if _writes_spreadsheets(name, route, callback)
    }
    untested = found - set(EXPORTS) - set(NOT_SPREADSHEETS)
    assert not untested, (
        f"Exports this test does not download: {sorted(untested)}. Add each to EXPORTS (how to "
        "download it) or, if it writes no CSV or XLSX, to NOT_SPREADSHEETS with the reason."
    )
    stale = (set(EXPORTS) | set(NOT_SPREADSHEETS)) - found
    assert not stale, f"Listed here but not found in the URL configuration: {sorted(stale)}"


def test_the_api_renders_no_spreadsheet():
    """The API's renderers are JSON and the browsable page: were a CSV or XLSX renderer added,
    its rows would need the guard (and a place in EXPORTS)."""
    from rest_framework.settings import api_settings

    renderers = list(api_settings.DEFAULT_RENDERER_CLASSES)
    for _name, _route, callback in _project_urls():
        renderers += list(getattr(getattr(callback, "cls", None), "renderer_classes", []))
    kinds = {renderer.media_type for renderer in renderers}
    assert not [kind for kind in kinds if EXPORT_WORDS.search(kind) or "excel" in kind], kinds


# A module that makes spreadsheet files must do it through core.spreadsheets (or say why not).
WRITERS = re.compile(r"csv\.(Dict)?[Ww]riter\(|\bWorkbook\(|tablib|TableExport|xlsxwriter")
NOT_DOWNLOADS = {
    "cmsfamily/species/reference.py": "rewrites the shipped data/species table, never served",
}


def test_every_module_writing_spreadsheets_goes_through_the_guard():
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    unguarded = []
    for path in sorted((root / "cmsfamily").rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if "/tests/" in relative or "/migrations/" in relative:
            continue
        source = path.read_text(encoding="utf-8")
        if relative == "cmsfamily/core/spreadsheets.py" or not WRITERS.search(source):
            continue
        if "spreadsheets" not in source and relative not in NOT_DOWNLOADS:
            unguarded.append(relative)
    assert not unguarded, f"Spreadsheets written beside cmsfamily.core.spreadsheets: {unguarded}"


# -- a world whose texts are all hostile --------------------------------------------------------

SKIPPED_FIELDS = {
    # identifiers, codes and keys the pages look objects up by, or parse
    "code",
    "iso3",
    "country_code",
    "slug",
    "number",
    "sort_key",
    "key",
    "loop_key",
    "value",
    "kind",
    "pattern",
    "deadline_rule",
    "currency",
    "quote",
    "value_currency",
    "language",
    "password",
    "token",
    "fingerprint",
    "sha256",
    "content_hash",
    "target_type",
    "target_id",
    "file_name",
}


def _planted_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField | models.EmailField | models.URLField)
        and not field.choices
        and not field.primary_key
        and field.name not in SKIPPED_FIELDS
    ]


def _plant():
    """Every text field of every row of the platform's models begins with a hostile value (each
    row one of them, in turn), followed by the row's key so that unique fields stay unique."""
    for model in apps.get_models():
        if not model.__module__.startswith("cmsfamily.") or model.__name__.startswith("Historical"):
            continue
        fields = _planted_fields(model)
        if not fields:
            continue
        keys = list(models.QuerySet(model).values_list("pk", flat=True))
        for turn, hostile in enumerate(HOSTILE):
            chosen = keys[turn :: len(HOSTILE)]
            changes = {}
            for field in fields:
                if field.max_length is None or field.max_length >= len(hostile) + 12:
                    text = hostile
                else:
                    text = next((h for h in HOSTILE if len(h) + 12 <= field.max_length), "")
                if text:
                    suffix = Cast("pk", models.CharField())
                    changes[field.name] = Concat(
                        models.Value(f"{text} #"), suffix, output_field=models.TextField()
                    )
            for start in range(0, len(chosen), 500):
                # A plain queryset: modeltranslation's would write `name` into `name_en` only.
                rows = models.QuerySet(model).filter(pk__in=chosen[start : start + 500])
                rows.update(**changes)


@pytest.fixture
def world(db, secretariat, nfp_kenya, nfp_germany, birdlife_fp):
    from django.db import transaction

    from cmsfamily.contributions import services as ledger
    from cmsfamily.contributions.tests.ledger_data import entry, euro_rate, seed_rules
    from cmsfamily.directory import services as directory
    from cmsfamily.directory.choices import Role
    from cmsfamily.directory.models import Expertise, Instrument, Organisation, Party, Person
    from cmsfamily.reporting import services as reporting
    from cmsfamily.reporting.models import Submission
    from cmsfamily.reporting.services import Edit
    from cmsfamily.reporting.testing import build_template, open_cycle
    from cmsfamily.strategy.models import StrategicPlan, Target
    from cmsfamily.workplans.models import Activity, WorkProgramme

    _template, version = build_template()
    cycle = open_cycle(version, parties=("KE", "DE"))

    def answer(party, by):
        submission = Submission.objects.get(cycle=cycle, party__code=party)
        edits = [
            Edit("t.departments", "", HOSTILE[0], 0),
            Edit("t.narrative", "", f"<p>{HOSTILE[1]}</p>", 0),
            Edit("t.projects", "", [{"name": HOSTILE[2], "budget": "-5"}], 0),
            Edit("t.obstacles", "birds", "yes", 0),
            Edit("t.actions", "birds", f"<p>{HOSTILE[3]}</p>", 0),
            Edit("t.obstacles", "aquatic-mammals", "no", 0),
        ]
        result = reporting.save_answers(
            submission=submission,
            edits=edits,
            by=by,
        )
        assert result.ok, result.errors
        return submission

    kenya = answer("KE", nfp_kenya)
    reporting.submit(submission=kenya, by=nfp_kenya)
    reporting.accept(submission=kenya, by=secretariat)  # so that the analyzer counts it
    germany = answer("DE", nfp_germany)

    birdlife = Organisation.objects.get(slug="birdlife")
    Expertise.objects.create(organisation=birdlife, topic="Seabird bycatch", languages="English")
    directory.nominate(
        person=Person.objects.create(given_name="Amina", family_name="Nominee"),
        role=Role.NFP,
        by=None,
        party=Party.objects.get(code="KE"),
    )
    seed_rules(secretariat)
    euro_rate(secretariat)
    activity = Activity.objects.order_by("pk").first()
    target = Target.objects.order_by("pk").first()
    entry(secretariat, validated_by=secretariat, activity=activity, target=target)
    entry(secretariat, validated_by=secretariat, party="KE", description=HOSTILE[4])
    with transaction.atomic():
        ledger.set_assessed_contribution(
            party=Party.objects.get(code="KE"),
            instrument=Instrument.objects.get(code="cms"),
            year=2024,
            by=secretariat,
            amount=Decimal("1000.00"),
            currency="EUR",
        )
    indicator = _indicator_with_a_value()  # before the planting: its note turns hostile
    meeting, consultation = _meeting_and_consultation(secretariat, nfp_kenya)
    _plant()
    return {
        "cycle": cycle,
        "version": version,
        "kenya": kenya,
        "germany": germany,
        "plan": StrategicPlan.objects.order_by("pk").first(),
        "indicator": indicator,
        "programme": WorkProgramme.objects.filter(activities__isnull=False).first(),
        "meeting": meeting,
        "consultation": consultation,
    }


def _meeting_and_consultation(secretariat, nfp_kenya):
    """COP14 with its invitations, a Resolution in the register and a consultation on a draft
    with Kenya's comment: the rows the meetings' and decisions' exports write."""
    import datetime

    from django.utils import timezone

    from cmsfamily.decisions import services as decisions
    from cmsfamily.decisions.models import DraftParagraph
    from cmsfamily.decisions.tests.drafts_data import note_markdown
    from cmsfamily.directory.models import Instrument
    from cmsfamily.meetings import services as meetings
    from cmsfamily.meetings.tests.fixtures import cop14

    meeting = cop14()
    meetings.invite(
        meeting=meeting,
        deadline=datetime.date(2099, 1, 15),
        by=secretariat,
        partners=True,
        instrument=Instrument.objects.get(code="cms"),
    )
    decisions.record_decision(
        by=None,
        slug="cms-res-guard",
        kind="resolution",
        number="14.98",
        title="Guarded resolution",
        body="cop",
        meeting="COP14",
        paragraphs=[{"number": "1", "text": "Urges Parties.", "addressees": ["parties"]}],
    )
    consultation = decisions.open_consultation(
        title="Concept note",
        content=note_markdown(),
        file_name="concept-note.md",
        deadline=timezone.now() + datetime.timedelta(days=30),
        visibility="commenters",
        all_nfps=True,
        by=secretariat,
    )
    paragraph = DraftParagraph.objects.filter(version__consultation=consultation).first()
    decisions.comment(paragraph=paragraph, kind="general", by=nfp_kenya, text="A remark")
    return meeting, consultation


def _indicator_with_a_value():
    """An indicator (its texts planted) with a value entered for the Family (its note planted)."""
    from decimal import Decimal

    from cmsfamily.strategy.models import Indicator, IndicatorValue, Target

    target = Target.objects.order_by("pk").first()
    assert target is not None, "the world needs the Strategic Plan"
    indicator = Indicator.objects.create(target=target, code="x.1", name="x")
    IndicatorValue.objects.create(
        indicator=indicator, year=2020, scope="family", value=Decimal(3), note="x"
    )
    return indicator


def _urls(name: str, export: Export, fmt: str, world) -> list[str]:
    """The URLs (with their queries) that download the export in this format."""
    if name == "contributions:totals":
        base = reverse(name)
        return [
            f"{base}?by={by}&then_by={then_by}&export={fmt}"
            for by, then_by in (
                ("contributor_organisation", "contributor_party"),
                ("activity", "target"),
                ("instrument", "kind"),
            )
        ]
    args = {
        "strategy:matrix": [world["plan"].code],
        "workplans:programme-xlsx": [world["programme"].code],
        "reporting:cycle-export": [world["cycle"].slug, fmt],
        "reporting:template-workbook": [
            world["version"].template.slug,
            world["version"].number,
        ],
        "reporting:version-xlsform": [
            world["version"].template.slug,
            world["version"].number,
        ],
        "reporting:workbook": [world["germany"].pk],
        "reporting:version-xlsx": [world["kenya"].pk, 1],
        "analytics:indicator": [world["indicator"].pk] if name == "analytics:indicator" else [],
        "meetings:invitations": [world["meeting"].code],
        "consultations:compilation": [world["consultation"].slug, fmt],
    }.get(name, [])
    url = reverse(name, args=args)
    if name == "analytics:gaps":
        return [f"{url}?cycle={world['cycle'].slug}&table=parties&export={fmt}"]
    if name in ("analytics:analysis", "analytics:answers"):
        # The analyzer's tables and answers of a text question that Kenya's answer reaches.
        url += f"?cycle={world['cycle'].slug}&question=t.departments&table=q-t-departments-"
        return [f"{url}&export={fmt}"]
    if export.how == "query":
        url += f"?export={fmt}"
    if name == "contributions:upload-template":
        url += "?organisation=birdlife"
    return [url]


def _content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _is_number(text: str) -> bool:
    try:
        Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        return False
    return True


def _runs(text: str) -> bool:
    """Would a spreadsheet run this CSV text as a formula?"""
    if text[:1] in ("\t", "\r"):
        return True
    return text.lstrip()[:1] in ("=", "+", "-", "@") and not _is_number(text)


def _csv_cells(content: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    return [cell for row in rows for cell in row]


def _xlsx_cells(content: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(content))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{sheet.title}!{cell.coordinate}"
                assert cell.data_type != "f", f"{where} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    if _runs(cell.value):
                        # Text, and quoted: Excel keeps it text even when the cell is edited.
                        assert cell.data_type == "s" and cell.quotePrefix, where
                    texts.append(cell.value)
    return texts


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_no_export_runs_a_planted_formula(name, world, client_as, request):
    export = EXPORTS[name]
    user = request.getfixturevalue(export.persona)
    client = client_as(user)
    for fmt in export.formats:
        planted = []
        for url in _urls(name, export, fmt, world):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            content = _content(response)
            if fmt == "csv":
                cells = _csv_cells(content)
                running = [cell for cell in cells if _runs(cell)]
                assert not running, (url, running[:5])
            else:
                cells = _xlsx_cells(content)
            planted += [cell for cell in cells if any(h.strip() in cell for h in HOSTILE)]
        assert planted, f"{name} ({fmt}): no planted text reached it, so this proves nothing"
