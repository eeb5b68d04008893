"""A small template that uses every question type, a loop, conditions and a rule: for tests."""

import datetime as dt

from cmsfamily.directory.models import Instrument, Party
from cmsfamily.reporting import services
from cmsfamily.reporting.choices import ExpectedReporters, LoopKind, QuestionKind, RuleKind

GROUPS = [
    {"key": "birds", "label": {"en": "Birds", "fr": "Oiseaux", "es": "Aves"}},
    {"key": "aquatic-mammals", "label": {"en": "Aquatic mammals", "fr": "Mammifères aquatiques"}},
]


def question(code, kind, text, **values):
    options = values.pop("options", None)
    return services.create_question(
        code=code, kind=kind, text_en=text, by=None, options=options, **values
    )


def build_template(*, slug="test-party-report", instrument_code="cms", reporter_kind="party"):
    """A draft version 1 with three sections: general (every type), a loop, reporter items."""
    template = services.create_template(
        slug=slug,
        instrument=Instrument.objects.get(code=instrument_code),
        reporter_kind=reporter_kind,
        by=None,
        title_en="Test report",
        title_fr="Rapport d’essai",
    )
    version = template.versions.get()
    general = services.add_section(version=version, number="I", title_en="General", by=None)
    bank = [
        ("t.departments", QuestionKind.SHORT_TEXT, "Which departments are involved?", {}),
        ("t.narrative", QuestionKind.LONG_TEXT, "Describe the cooperation.", {}),
        ("t.committee", QuestionKind.YES_NO, "Is there a national committee?", {}),
        ("t.area-total", QuestionKind.DECIMAL, "Total area", {"unit_en": "km²", "min_value": 0}),
        (
            "t.area-protected",
            QuestionKind.DECIMAL,
            "Protected area",
            {"unit_en": "km²", "min_value": 0},
        ),
        ("t.staff", QuestionKind.INTEGER, "Staff", {"min_value": 0, "max_value": 1000}),
        ("t.share", QuestionKind.PERCENTAGE, "Share of budget", {}),
        ("t.adopted", QuestionKind.DATE, "Date adopted", {}),
        ("t.year", QuestionKind.YEAR, "Year of the last survey", {}),
        (
            "t.priority",
            QuestionKind.SINGLE_CHOICE,
            "Priority",
            {
                "options": [
                    {"value": "high", "label": {"en": "High", "fr": "Haute"}},
                    {"value": "low", "label": {"en": "Low"}},
                ]
            },
        ),
        (
            "t.threats",
            QuestionKind.MULTIPLE_CHOICE,
            "Threats",
            {
                "options": [
                    {"value": "bycatch", "label": {"en": "By-catch"}},
                    {"value": "habitat", "label": {"en": "Habitat destruction"}},
                    {"value": "turbines", "label": {"en": "Wind turbines"}},
                ]
            },
        ),
        ("t.website", QuestionKind.LINK, "Web page", {}),
        (
            "t.projects",
            QuestionKind.TABLE,
            "Projects",
            {
                "columns": [
                    {
                        "key": "name",
                        "kind": "short_text",
                        "label": {"en": "Project", "fr": "Projet"},
                    },
                    {"key": "budget", "kind": "decimal", "label": {"en": "Budget"}},
                    {"key": "start", "kind": "date", "label": {"en": "Start"}},
                ]
            },
        ),
        ("t.partner-party", QuestionKind.PARTY, "Main partner Party", {}),
        ("t.targets", QuestionKind.TARGET, "Targets addressed", {"allow_many": True}),
        ("t.evidence", QuestionKind.FILE, "Supporting document", {}),
    ]
    for number, (code, kind, text, values) in enumerate(bank, start=1):
        q = question(code, kind, text, **values)
        services.add_item(
            section=general,
            question=q,
            number=str(number),
            by=None,
            required=code == "t.departments",
        )
    services.add_rule(
        version=version,
        kind=RuleKind.PARTS_AT_MOST_TOTAL,
        operands={"parts": ["t.area-protected"], "total": "t.area-total"},
        message_en="The protected area cannot exceed the total area.",
        by=None,
    )
    species = services.add_section(
        version=version,
        number="II",
        title_en="Appendix I species",
        loop=LoopKind.FIXED,
        loop_items=GROUPS,
        by=None,
    )
    obstacles = question("t.obstacles", QuestionKind.YES_NO, "Are there obstacles to migration?")
    actions = question("t.actions", QuestionKind.LONG_TEXT, "What actions are being taken?")
    services.add_item(section=species, question=obstacles, number="1", by=None, required=True)
    services.add_item(
        section=species,
        question=actions,
        number="1a",
        by=None,
        show_if={"question": "t.obstacles", "equals": "yes"},
        require_if={"question": "t.obstacles", "equals": "yes"},
    )
    sites = services.add_section(
        version=version, number="III", title_en="Sites", loop=LoopKind.REPORTER_ITEMS, by=None
    )
    services.add_item(
        section=sites,
        question=question("t.site-area", QuestionKind.DECIMAL, "Area of the site", unit_en="ha"),
        number="1",
        by=None,
    )
    return template, version


def add_chain_section(version):
    """Section IV of the test template: root → one → two → three, a chain of three conditions; a
    required-when on a question of the chain (c.because, when c.two is No); a question shown when
    a box of a multiple choice of section I is ticked (c.fishing, in section I) and one shown when
    two of its three are (c.both, in section I)."""
    general = version.sections.get(number="I")
    section = services.add_section(version=version, number="IV", title_en="Chain", by=None)
    yes_no = QuestionKind.YES_NO
    for number, (code, kind, text, condition) in enumerate(
        [
            ("c.root", yes_no, "Root question", None),
            ("c.one", yes_no, "First link", "${c.root} = 'yes'"),
            ("c.two", yes_no, "Second link", "${c.one} = 'yes'"),
            ("c.three", QuestionKind.SHORT_TEXT, "Third link", "${c.two} = 'yes'"),
            ("c.because", QuestionKind.SHORT_TEXT, "Why not", None),
            (
                "c.fishing",
                QuestionKind.SHORT_TEXT,
                "Fishing gear",
                "selected(${t.threats}, 'bycatch')",
            ),
            (
                "c.both",
                QuestionKind.SHORT_TEXT,
                "Habitat and turbines",
                "selected(${t.threats}, 'habitat') and selected(${t.threats}, 'turbines')",
            ),
        ],
        start=1,
    ):
        services.add_item(
            section=general if code in ("c.fishing", "c.both") else section,
            question=question(code, kind, text),
            number=str(number),
            by=None,
            show_if=condition,
            require_if="${c.two} = 'no'" if code == "c.because" else None,
        )
    return section


def open_cycle(version, *, slug="test-cycle", parties=("KE", "DE"), organisations=()):
    from cmsfamily.directory.models import Organisation

    cycle = services.create_cycle(
        slug=slug,
        version=version,
        period_start=dt.date(2021, 1, 1),
        period_end=dt.date(2023, 12, 31),
        opens_on=dt.date(2024, 1, 1),
        deadline=dt.date(2024, 4, 30),
        expected=ExpectedReporters.CHOSEN,
        parties=list(Party.objects.filter(code__in=parties)),
        organisations=list(Organisation.objects.filter(slug__in=organisations)),
        title_en="Test cycle",
        by=None,
    )
    return services.set_cycle_status(cycle=cycle, status="open", by=None)
