"""The relevance benchmark's data: two twin templates (with and without conditions), the
conditions generated for them, and one report of each (see the package's docstring)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta

from bench import generate, reporting

VERSION = 1
RELEVANCE_SEED = generate.SEED + 16
MARKER = f"synthetic (bench/relevance v{VERSION}, seed {RELEVANCE_SEED})"
PARTY = reporting.PARTY_CODES[-1]
KINDS = (
    "yes_no",
    "short_text",
    "multiple_choice",
    "integer",
    "long_text",
    "single_choice",
    "decimal",
    "date",
)
SECTIONS, SECTION_SIZE, TAXA = reporting.SECTIONS, reporting.SECTION_SIZE, reporting.TAXA
LOOP_KINDS = (
    "yes_no",
    "multiple_choice",
    "integer",
    "short_text",
    "date",
    "long_text",
    "single_choice",
    "decimal",
    "long_text",
    "yes_no",
)
QUESTIONS = SECTIONS * SECTION_SIZE + len(LOOP_KINDS)
FIELDS = SECTIONS * SECTION_SIZE + len(LOOP_KINDS) * TAXA
OPTIONS = 4
PLAIN, CONDITIONAL = "synthetic-relevance-plain", "synthetic-relevance-conditions"
TITLES = {
    PLAIN: "Synthetic relevance report, no conditions (benchmark data)",
    CONDITIONAL: "Synthetic relevance report, with conditions (benchmark data)",
}


# -- the conditions (pure) ---------------------------------------------------------------------


def code_of(number: int) -> str:
    """The code of the nth question of sections I-VII (1-based)."""
    return f"synthetic.rel-q{number:03d}"


def loop_code(number: int) -> str:
    return f"synthetic.rel-species-q{number:02d}"


def kind_of(number: int) -> str:
    return KINDS[(number - 1) % len(KINDS)]


def condition(kind: str, code: str, variant: int) -> str:
    """A condition on the answer to question `code` of this kind (two variants of each)."""
    ref = f"${{{code}}}"
    first = variant % 2 == 0
    if kind == "yes_no":  # a not-answered gate, or "not No"
        return f"{ref} = 'yes' or {ref} = ''" if first else f"{ref} != 'no'"
    if kind == "multiple_choice":
        return f"selected({ref}, 'option-2')" if first else f"count-selected({ref}) >= 2"
    if kind == "single_choice":
        return f"{ref} = 'option-1' or {ref} = 'option-3'" if first else f"not({ref} = 'option-4')"
    if kind == "integer":
        return f"{ref} >= 1000" if first else f"{ref} != '' and {ref} < 4000"
    if kind == "decimal":
        return f"{ref} > 10000" if first else f"{ref} <= 90000"
    if kind == "date":
        return f"{ref} >= '2021-01-01'" if first else f"{ref} < '2024-06-30'"
    return f"{ref} != ''" if first else f"string-length({ref}) > 40"


@dataclass(frozen=True)
class Planned:
    shown_when: str | None = None
    required_when: str | None = None


def plan(position: int, first: int) -> Planned:
    """The conditions of the item at `position` (1-based) of a 50-question section whose first
    question is number `first`: every third item is shown when, in chains of three (the first
    reads the unconditional item before it, the next two the conditional item three before),
    every tenth item (5, 15, ...) is required when the item before it says so."""
    number = first + position - 1
    if position % 3 == 0:
        link = position // 3 - 1  # 0, 1, 2, 0, 1, 2 ...: the place in its chain
        read = number - 1 if link % 3 == 0 else number - 3
        variant = position // 3 + first // SECTION_SIZE  # both variants of each kind in turn
        return Planned(shown_when=condition(kind_of(read), code_of(read), variant))
    if position % 10 == 5:
        return Planned(
            required_when=condition(kind_of(number - 1), code_of(number - 1), position // 10)
        )
    return Planned()


def loop_plan(number: int) -> Planned:
    """The conditions of the loop section's nth question (1-based): a chain of three from the
    species' yes/no gate (3, 4, 5), a "required when" on the single choice (8) and a question that
    reads the species' multiple choice and a question outside the loop (10)."""
    gate, chosen = loop_code(1), loop_code(2)
    shown = {
        3: condition("yes_no", gate, 0),
        4: condition("integer", loop_code(3), 0),
        5: condition("short_text", loop_code(4), 0),
        10: f"selected(${{{chosen}}}, 'option-2') and ${{{code_of(1)}}} != 'no'",
    }
    required = {8: f"${{{loop_code(7)}}} = 'option-1'"}
    return Planned(shown_when=shown.get(number), required_when=required.get(number))


def share_conditional() -> tuple[int, int]:
    """How many of the questions, and of a report's fields, have a "shown when"."""
    plain = sum(
        1
        for section in range(SECTIONS)
        for position in range(1, SECTION_SIZE + 1)
        if plan(position, section * SECTION_SIZE + 1).shown_when
    )
    looped = sum(1 for n in range(1, len(LOOP_KINDS) + 1) if loop_plan(n).shown_when)
    return plain + looped, plain + looped * TAXA


# -- the data ----------------------------------------------------------------------------------


def _templates():
    from cmsfamily.reporting.models import Template

    return Template.objects.filter(source=MARKER)


def is_complete() -> bool:
    from cmsfamily.reporting.models import Answer

    answers = Answer.objects.filter(
        submission__cycle__version__template__source=MARKER, submission__party__code=PARTY
    ).count()
    return _templates().count() == 2 and answers == 2 * FIELDS


def prepare() -> float | None:
    """Add the two templates and their reports when the database has none (returns the seconds it
    took)."""
    if is_complete():
        return None
    from cmsfamily.reporting.models import Question

    if _templates().exists() or Question.objects.filter(source=MARKER).exists():
        raise SystemExit(
            "The bench database holds relevance data of another version of bench/relevance: "
            "run `python -m bench --fresh`."
        )
    started = time.perf_counter()
    _generate()
    return time.perf_counter() - started


def _generate() -> None:
    from django.db import transaction
    from django.test.utils import override_settings

    from bench.ledger import secretariat_user
    from cmsfamily.directory.models import Party
    from cmsfamily.reporting.models import Answer

    with override_settings(EMAIL_BACKEND=reporting.LOCMEM_EMAIL), transaction.atomic():
        secretariat = secretariat_user()
        party = Party.objects.get(code=PARTY)
        questions = _questions()
        nfp = reporting.fresh_user(next(r for r in reporting.reports() if r.party == PARTY))
        for slug in (PLAIN, CONDITIONAL):
            version = _template(slug, questions, secretariat, conditional=slug == CONDITIONAL)
            cycle = reporting.open_cycle(
                version, f"{slug}-2026", f"{TITLES[slug]} 2026", 2026, [party], secretariat
            )
            submission = cycle.submissions.get()
            Answer.objects.bulk_create(_answers(submission, nfp), batch_size=2_000)
            cycle.submissions.update(status="draft")


def _questions() -> list:
    from cmsfamily.reporting import services

    options = [
        {"value": f"option-{n}", "label": {"en": f"Synthetic option {n}"}}
        for n in range(1, OPTIONS + 1)
    ]
    kinds = [(code_of(n), kind_of(n)) for n in range(1, SECTIONS * SECTION_SIZE + 1)]
    kinds += [(loop_code(n), kind) for n, kind in enumerate(LOOP_KINDS, start=1)]
    questions = []
    for number, (code, kind) in enumerate(kinds, start=1):
        values: dict = {"source": MARKER}
        if kind == "integer":
            values.update(min_value=0, max_value=100_000)
        elif kind == "decimal":
            values.update(min_value=0, unit_en="ha")
        questions.append(
            services.create_question(
                code=code,
                kind=kind,
                by=None,
                options=options if kind in ("single_choice", "multiple_choice") else None,
                text_en=f"Synthetic question {number} of the relevance benchmark",
                **values,
            )
        )
    return questions


def _template(slug, questions, by, *, conditional: bool):
    from cmsfamily.directory.models import Instrument
    from cmsfamily.reporting import services
    from cmsfamily.reporting.choices import LoopKind, ReporterKind

    template = services.create_template(
        slug=slug,
        instrument=Instrument.objects.get(code="cms"),
        reporter_kind=ReporterKind.PARTY,
        by=by,
        title_en=TITLES[slug],
        description_en="Synthetic template of the relevance benchmark (bench/relevance).",
        source=MARKER,
    )
    version = template.versions.get()
    for index in range(SECTIONS + 1):
        loop = LoopKind.RANGE_SPECIES if index == SECTIONS else ""
        section = services.add_section(
            version=version,
            number=reporting.ROMAN[index],
            by=by,
            loop=loop,
            title_en=f"Synthetic section {reporting.ROMAN[index]}"
            + (": each species the Party is a range State of" if loop else ""),
        )
        first = index * SECTION_SIZE
        size = len(LOOP_KINDS) if loop else SECTION_SIZE
        for position in range(1, size + 1):
            planned = loop_plan(position) if loop else plan(position, first + 1)
            services.add_item(
                section=section,
                question=questions[first + position - 1],
                number=f"{reporting.ROMAN[index]}.{position}",
                by=by,
                required=position % 4 == 1,
                show_if=planned.shown_when if conditional else None,
                require_if=planned.required_when if conditional else None,
            )
    return version


def raw_answer(kind: str, rng) -> str | list[str]:
    """An answer as the form sends it (a multiple choice: the options ticked)."""
    if kind == "multiple_choice":
        return sorted(rng.sample([f"option-{n}" for n in range(1, OPTIONS + 1)], rng.randint(0, 3)))
    if kind == "short_text":
        return f"Synthetic answer {rng.randint(1, 10_000)}"
    if kind == "long_text":
        return "Synthetic narrative. " + "Synthetic sentence. " * rng.randint(1, 6)
    if kind == "yes_no":
        return rng.choice(["yes", "no", "na", "yes"])
    if kind == "single_choice":
        return f"option-{rng.randint(1, OPTIONS)}"
    if kind == "integer":
        return str(rng.randint(0, 5_000))
    if kind == "decimal":
        return f"{rng.randint(0, 10_000_000) / 100:.2f}"
    return (date(2020, 1, 1) + timedelta(days=rng.randint(0, 2_000))).isoformat()


def _answers(submission, user) -> list:
    """Every field answered, the same answers in both reports (seeded by the Party only)."""
    import random

    from cmsfamily.reporting import answers, selectors
    from cmsfamily.reporting.models import Answer

    rng = random.Random(f"{RELEVANCE_SEED}/{PARTY}")
    tree = selectors.structure(submission.cycle.version)
    loops = selectors.loop_items(tree, submission)
    rows = []
    for node in tree.nodes:
        for loop in selectors.keys_of(node, loops):
            for item in node.items:
                question = item.question
                value = answers.clean(
                    question,
                    raw_answer(question.kind, rng),
                    options=list(question.options.all()),
                )
                rows.append(
                    Answer(
                        submission=submission,
                        question=question,
                        loop_key=loop.key,
                        value=value,
                        updated_by=user,
                    )
                )
    return rows


# -- the subjects of the measurements ----------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """One of the two reports: its submission, its section II and its loop section."""

    slug: str
    submission: int
    section: int
    loop_section: int

    @property
    def section_path(self) -> str:
        return f"/reports/submissions/{self.submission}/sections/{self.section}/"

    @property
    def loop_path(self) -> str:
        return f"/reports/submissions/{self.submission}/sections/{self.loop_section}/"


def subjects() -> dict[str, Subject]:
    from cmsfamily.reporting.models import Section, Submission

    found = {}
    for slug in (PLAIN, CONDITIONAL):
        sections = dict(
            Section.objects.filter(version__template__slug=slug).values_list("number", "pk")
        )
        submission = Submission.objects.get(cycle__slug=f"{slug}-2026", party__code=PARTY)
        found[slug] = Subject(
            slug, submission.pk, sections[reporting.ROMAN[1]], sections[reporting.ROMAN[SECTIONS]]
        )
    return found


def nfp():
    """The NFP of PARTY (a fresh object: no scope inherited from an earlier request)."""
    return reporting.fresh_user(next(r for r in reporting.reports() if r.party == PARTY))
