"""Demonstration templates and cycles for trying the reporting system locally.

Not CMS text: the questions are written for the demonstration, in English, French and Spanish,
and every template and cycle here is marked as demo (``is_demo``) and titled "Demonstration".
One question bank serves two templates: a Party's report and an Agreement secretariat's report,
to show that one answer can serve several instruments. The Partner cycle asks the real Partner
questionnaire (seed 003 Annex C, shipped in ``data/templates``): a Partner is never asked a
Party's questions ("Which authority prepared this report?").
"""

import datetime as dt

from django.db import transaction

from cmsfamily.core.languages import LANGUAGES
from cmsfamily.directory.models import Instrument, Organisation, Party
from cmsfamily.reporting import services, templates_data
from cmsfamily.reporting.choices import (
    CycleStatus,
    ExpectedReporters,
    LoopKind,
    QuestionKind,
    VersionStatus,
)
from cmsfamily.reporting.models import Cycle, Question, SubmissionVersion, Template

PARTNER_CYCLE = "demo-partner-reports"
ANNEX_C = "partner-questionnaire-annex-c"
ANNEX_C_FILE = "partner-questionnaire-annex-c.json"
PARTNER_TITLES = (
    "Demonstration: Partner reports",
    "Démonstration : rapports des partenaires",
    "Demostración: informes de los socios",
)

GROUPS = [
    {"key": "birds", "label": {"en": "Birds", "fr": "Oiseaux", "es": "Aves"}},
    {
        "key": "aquatic-mammals",
        "label": {
            "en": "Aquatic mammals",
            "fr": "Mammifères aquatiques",
            "es": "Mamíferos acuáticos",
        },
    },
    {
        "key": "marine-turtles",
        "label": {"en": "Marine turtles", "fr": "Tortues marines", "es": "Tortugas marinas"},
    },
]

YES_NO = QuestionKind.YES_NO
BANK: list[tuple[str, str, tuple[str, str, str], dict]] = [
    # code, kind, (en, fr, es), extra
    (
        "demo.authority",
        QuestionKind.SHORT_TEXT,
        (
            "Which authority prepared this report?",
            "Quelle autorité a préparé ce rapport ?",
            "¿Qué autoridad preparó este informe?",
        ),
        {},
    ),
    (
        "demo.committee",
        YES_NO,
        (
            "Is there a national committee or liaison system for migratory species?",
            "Existe-t-il un comité ou un système de liaison national pour les espèces migratrices ?",
            "¿Existe un comité o sistema de enlace nacional para las especies migratorias?",
        ),
        {},
    ),
    (
        "demo.committee-members",
        QuestionKind.LONG_TEXT,
        (
            "Who takes part in it?",
            "Qui y participe ?",
            "¿Quién participa en él?",
        ),
        {},
    ),
    (
        "demo.staff",
        QuestionKind.INTEGER,
        (
            "How many staff work on migratory species?",
            "Combien de personnes travaillent sur les espèces migratrices ?",
            "¿Cuántas personas trabajan en especies migratorias?",
        ),
        {"min_value": 0, "max_value": 100000},
    ),
    (
        "demo.budget-share",
        QuestionKind.PERCENTAGE,
        (
            "What share of the conservation budget goes to migratory species?",
            "Quelle part du budget de conservation va aux espèces migratrices ?",
            "¿Qué parte del presupuesto de conservación se destina a las especies migratorias?",
        ),
        {},
    ),
    (
        "demo.website",
        QuestionKind.LINK,
        (
            "Web page for more information",
            "Page web pour en savoir plus",
            "Página web con más información",
        ),
        {},
    ),
    (
        "demo.obstacles",
        YES_NO,
        (
            "Are there obstacles to migration for Appendix I species of this group?",
            "Existe-t-il des obstacles à la migration des espèces de l’Annexe I de ce groupe ?",
            "¿Existen obstáculos a la migración de las especies del Apéndice I de este grupo?",
        ),
        {},
    ),
    (
        "demo.actions",
        QuestionKind.LONG_TEXT,
        (
            "What actions are being taken to overcome them?",
            "Quelles mesures sont prises pour les surmonter ?",
            "¿Qué medidas se están tomando para superarlos?",
        ),
        {},
    ),
    (
        "demo.site-area",
        QuestionKind.DECIMAL,
        ("Area of the site", "Superficie du site", "Superficie del sitio"),
        {"unit_en": "ha", "unit_fr": "ha", "unit_es": "ha", "min_value": 0},
    ),
]


def _texts(prefix, texts) -> dict:
    return {f"{prefix}_{language}": text for language, text in zip(LANGUAGES, texts, strict=True)}


def _question(code):
    return Question.objects.get(code=code)


def ensure_bank() -> None:
    for code, kind, texts, extra in BANK:
        if not Question.objects.filter(code=code).exists():
            services.create_question(
                code=code, kind=kind, by=None, **_texts("text", texts), **extra
            )


def ensure_template(slug, instrument, reporter_kind, titles):
    template = services.create_template(
        slug=slug,
        instrument=instrument,
        reporter_kind=reporter_kind,
        by=None,
        source="Demonstration template made for the platform; not an official CMS format.",
        **_texts("title", titles),
    )
    Template.objects.filter(pk=template.pk).update(is_demo=True)
    version = template.versions.get()
    general = services.add_section(
        version=version,
        number="I",
        by=None,
        **_texts("title", ("General information", "Informations générales", "Información general")),
    )
    services.add_item(
        section=general, question=_question("demo.authority"), number="1", required=True, by=None
    )
    services.add_item(section=general, question=_question("demo.committee"), number="2", by=None)
    services.add_item(
        section=general,
        question=_question("demo.committee-members"),
        number="2a",
        by=None,
        show_if={"question": "demo.committee", "equals": "yes"},
        require_if={"question": "demo.committee", "equals": "yes"},
    )
    services.add_item(section=general, question=_question("demo.staff"), number="3", by=None)
    services.add_item(section=general, question=_question("demo.budget-share"), number="4", by=None)
    services.add_item(section=general, question=_question("demo.website"), number="5", by=None)
    groups = services.add_section(
        version=version,
        number="II",
        loop=LoopKind.FIXED,
        loop_items=GROUPS,
        by=None,
        **_texts(
            "title", ("Appendix I species", "Espèces de l’Annexe I", "Especies del Apéndice I")
        ),
    )
    services.add_item(
        section=groups, question=_question("demo.obstacles"), number="1", required=True, by=None
    )
    services.add_item(
        section=groups,
        question=_question("demo.actions"),
        number="1a",
        by=None,
        show_if={"question": "demo.obstacles", "equals": "yes"},
        require_if={"question": "demo.obstacles", "equals": "yes"},
    )
    sites = services.add_section(
        version=version,
        number="III",
        loop=LoopKind.REPORTER_ITEMS,
        by=None,
        **_texts("title", ("Important sites", "Sites importants", "Sitios importantes")),
    )
    services.add_item(section=sites, question=_question("demo.site-area"), number="1", by=None)
    return version


def ensure_cycle(slug, version, titles, *, parties=(), organisations=()):
    today = dt.date.today()
    cycle = services.create_cycle(
        slug=slug,
        version=version,
        period_start=dt.date(today.year - 3, 1, 1),
        period_end=dt.date(today.year - 1, 12, 31),
        opens_on=today - dt.timedelta(days=30),
        deadline=today + dt.timedelta(days=90),
        expected=ExpectedReporters.CHOSEN,
        parties=list(Party.objects.filter(code__in=parties)),
        organisations=list(Organisation.objects.filter(slug__in=organisations)),
        by=None,
        **_texts("title", titles),
    )
    cycle.is_demo = True
    cycle.save(update_fields=["is_demo"])
    return services.set_cycle_status(cycle=cycle, status="open", by=None)


def _annex_c_version():
    """The Partner questionnaire's version in use (or its latest, never a draft the Secretariat is
    editing when one is in use), imported from its file when not loaded yet."""
    template = Template.objects.filter(slug=ANNEX_C).first()
    if template is None:
        outcome = templates_data.load_file(ANNEX_C_FILE)
        if outcome.action == templates_data.REFUSED:
            raise ValueError(f"{ANNEX_C_FILE} was refused: {outcome.problems}")
        template = Template.objects.get(slug=ANNEX_C)
    in_use = template.versions.filter(status=VersionStatus.FROZEN).order_by("-number").first()
    return in_use or services.latest_version(template)


def _retire(cycle: Cycle) -> None:
    """The previous demonstration's Partner cycle asked the Party questions. Nothing in it was
    ever submitted: it goes, with its drafts and its template. Something was: it is closed and
    keeps its history under another code."""
    if SubmissionVersion.objects.filter(submission__cycle=cycle).exists():
        Cycle.objects.filter(pk=cycle.pk).update(
            slug=f"{PARTNER_CYCLE}-before-annex-c", status=CycleStatus.CLOSED
        )
        return
    version = cycle.version
    cycle.submissions.all().delete()  # answers, loop items, assignments and comments with them
    cycle.delete()
    template = version.template
    if template.is_demo and not Cycle.objects.filter(version__template=template).exists():
        template.delete()  # its versions, sections and items with it; the bank's questions stay


def _partner_cycle() -> bool:
    """BirdLife's demonstration report asks the Partner questionnaire (Annex C); a database from
    the previous demonstration gets it too. False when it is there already."""
    cycle = Cycle.objects.filter(slug=PARTNER_CYCLE).select_related("version__template").first()
    if cycle is not None:
        if cycle.version.template.slug == ANNEX_C:
            return False
        _retire(cycle)
    ensure_cycle(PARTNER_CYCLE, _annex_c_version(), PARTNER_TITLES, organisations=("birdlife",))
    return True


@transaction.atomic
def load_reporting_demo() -> bool:
    """Create the demonstration templates and open cycles; False when all exist already."""
    made = _party_and_agreement_cycles()
    return _partner_cycle() or made


def _party_and_agreement_cycles() -> bool:
    if Template.objects.filter(slug="demo-party-report").exists():
        return False
    ensure_bank()
    cms = Instrument.objects.get(code="cms")
    party = ensure_template(
        "demo-party-report",
        cms,
        "party",
        (
            "Demonstration: Party report to CMS",
            "Démonstration : rapport d’une Partie à la CMS",
            "Demostración: informe de una Parte a la CMS",
        ),
    )
    agreement = ensure_template(
        "demo-agreement-report",
        cms,
        "agreement",
        (
            "Demonstration: Agreement secretariat report to CMS",
            "Démonstration : rapport d’un secrétariat d’Accord à la CMS",
            "Demostración: informe de una secretaría de Acuerdo a la CMS",
        ),
    )
    ensure_cycle(
        "demo-party-reports",
        party,
        (
            "Demonstration: Party reports",
            "Démonstration : rapports des Parties",
            "Demostración: informes de las Partes",
        ),
        parties=("KE", "DE"),
    )
    ensure_cycle(
        "demo-agreement-reports",
        agreement,
        (
            "Demonstration: Agreement secretariat reports",
            "Démonstration : rapports des secrétariats d’Accords",
            "Demostración: informes de las secretarías de Acuerdos",
        ),
        organisations=("eurobats-secretariat",),
    )
    return True
