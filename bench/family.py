"""The reporting side of a Family of realistic size, for the analysis benchmarks (issue 17):
the national report of several cycles for every Party of the CMS, the Agreements' and the
Partners' reports, their versions submitted, accepted and published in realistic proportions.

    generate_family(size="full")   # 6 cycles, about 2 million answers (minutes on PostgreSQL)
    generate_family(size="small")  # 2 cycles of about 30 questions: seconds, for tests

Everything is synthetic and marked (seeded, deterministic): the bank questions' codes start with
``synthetic-family-<size>.`` and their ``source`` is MARKER; templates and cycles are ``is_demo``
and their titles say "Synthetic"; the Agreement secretariats added to reach eight are
"Synthetic Agreement secretariat <n>" (is_demo). The reporters are the real Parties of the CMS
(the reference data; the reporting benchmark's own Parties, XC … XW, are left out), the real
organisations serving an Agreement and the real Partner organisations. The species loop runs over
a fixed list of real CMS-listed species (the species table). Which options mean implementation,
none or not applicable is stated per question (``Question.meanings``); one choice question in
five has no meaning stated, so that the gap matrix shows "meaning not set" too.

The templates are built through the services (so they are frozen and checked as any other);
the answers and the versions are written without the ORM: COPY on PostgreSQL, executemany on
SQLite. Each answer is written once as a row of the report's answers (its draft, which a
submitted report keeps) and once in the JSON of each version that holds it.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bench.generate import SEED

VERSION = 1
FAMILY_SEED = SEED + 17
MARKER = f"synthetic (bench/family.py v{VERSION}, seed {FAMILY_SEED})"
PREFIX = "synthetic-family"
AGREEMENTS = 8
BATCH = 5_000


@dataclass(frozen=True)
class Size:
    name: str
    years: tuple[int, ...]  # one cycle each, deadline June 30 of the year
    choice_targets: int  # targets with a single-choice question too (all 16 have a yes/no one)
    numbers: int
    dates: int
    texts: int
    multiple: int
    loop_questions: int
    species: int

    @property
    def prefix(self) -> str:
        return f"{PREFIX}-{self.name}"


SIZES = {
    # 16 + 16 + 2 + 10 + 2 + 6 = 52 questions, and 12 per species of 260: 3,172 fields a report.
    "full": Size(
        "full",
        years=(2008, 2011, 2014, 2017, 2020, 2023),
        choice_targets=16,
        numbers=10,
        dates=2,
        texts=6,
        multiple=2,
        loop_questions=12,
        species=260,
    ),
    # 16 + 6 + 1 + 4 + 1 + 2 = 30 questions, and 2 per species of 3: 36 fields a report.
    "small": Size(
        "small",
        years=(2020, 2023),
        choice_targets=6,
        numbers=4,
        dates=1,
        texts=2,
        multiple=1,
        loop_questions=2,
        species=3,
    ),
}

YES_NO_MEANINGS = {"yes": "implementation", "no": "none", "na": "not_applicable"}
PROGRESS = [  # a single choice on a target, with what each option means
    ("fully", "Fully implemented", "implementation"),
    ("partly", "Partly implemented", "implementation"),
    ("planned", "Planned, not started", "none"),
    ("not-started", "Not started", "none"),
    ("not-relevant", "Not relevant to the country", "not_applicable"),
]
MEASURES = [  # a multiple choice
    ("legislation", "Legislation adopted", "implementation"),
    ("action-plan", "National action plan", "implementation"),
    ("monitoring", "Monitoring programme", "implementation"),
    ("none", "No measure yet", "none"),
]
TRENDS = [("increasing", "Increasing"), ("stable", "Stable"), ("decreasing", "Decreasing")]
TRENDS += [("unknown", "Unknown")]
SUBJECTS = [
    "protected areas designated for migratory species",
    "national legislation protecting Appendix I species",
    "bycatch of migratory species in fisheries",
    "illegal killing, taking and trade of migratory birds",
    "ecological connectivity and barriers to migration",
    "capacity building for wildlife authorities",
    "monitoring of migratory species populations",
    "cooperation with other range States",
]
SENTENCES = [
    "Synthetic answer: a national working group met twice during the period.",
    "Synthetic answer: a survey covered the main wetlands and coastal sites.",
    "Synthetic answer: funding was secured from the national budget.",
    "Synthetic answer: guidelines were drafted with the Scientific Councillor.",
    "Synthetic answer: two new sites were designated.",
    "Synthetic answer: the work was delayed by a lack of staff.",
]
LOOP_KINDS = (
    "yes_no",  # a measure in place for the species (tagged, meanings stated)
    "single_choice",  # its population trend (no meaning: not about a target's implementation)
    "integer",
    "yes_no",
    "short_text",
    "decimal",
    "multiple_choice",
    "yes_no",
    "integer",
    "date",
    "long_text",
    "percentage",
)


@dataclass
class Spec:
    """A bank question to create: code, kind, text, options (value, label, meaning), targets."""

    code: str
    kind: str
    text: str
    targets: tuple[int, ...] = ()
    options: tuple = ()
    meanings: bool = True


def _specs(size: Size) -> tuple[list[Spec], list[Spec]]:
    """The national report's questions (top level) and the species loop's."""
    p = size.prefix
    top = [
        Spec(
            f"{p}.t{number:02d}-measures",
            "yes_no",
            f"Synthetic question: has your country taken measures towards Target {number} of the "
            "Strategic Plan for Migratory Species in the period?",
            (number,),
        )
        for number in range(1, 17)
    ]
    top += [
        Spec(
            f"{p}.t{number:02d}-progress",
            "single_choice",
            f"Synthetic question: how far has your country implemented Target {number}?",
            (number,),
            tuple(PROGRESS),
            meanings=number % 5 != 0,  # every fifth without meanings: "meaning not set"
        )
        for number in range(1, size.choice_targets + 1)
    ]
    top += [
        Spec(
            f"{p}.measures-{n}",
            "multiple_choice",
            f"Synthetic question {n}: which measures are in place for {SUBJECTS[n % 8]}?",
            (n + 1,),
            tuple(MEASURES),
        )
        for n in range(1, size.multiple + 1)
    ]
    top += [
        Spec(
            f"{p}.number-{n}",
            ("integer", "decimal", "percentage")[n % 3],
            f"Synthetic question {n}: how many {SUBJECTS[n % 8]} are there (number)?",
            (n % 16 + 1,) if n % 2 else (),
        )
        for n in range(1, size.numbers + 1)
    ]
    top += [
        Spec(
            f"{p}.date-{n}",
            "date",
            f"Synthetic question {n}: when was {SUBJECTS[n % 8]} last reviewed?",
        )
        for n in range(1, size.dates + 1)
    ]
    top += [
        Spec(
            f"{p}.text-{n}",
            "short_text" if n % 2 else "long_text",
            f"Synthetic question {n}: describe the work on {SUBJECTS[n % 8]}.",
        )
        for n in range(1, size.texts + 1)
    ]
    loop = []
    for n, kind in enumerate(LOOP_KINDS[: size.loop_questions], start=1):
        options: tuple = ()
        targets: tuple[int, ...] = ()
        meanings = True
        if kind == "single_choice":
            options, meanings = tuple((v, label, "") for v, label in TRENDS), False
        elif kind == "multiple_choice":
            options = tuple(MEASURES)
        if n == 1:
            targets = (8,)
        loop.append(
            Spec(
                f"{p}.species-q{n:02d}",
                kind,
                f"Synthetic species question {n} ({kind.replace('_', ' ')}) for this species.",
                targets,
                options,
                meanings,
            )
        )
    return top, loop


# --- the bank, the templates and the cycles (through the services) ----------------------------


def _question(spec: Spec, targets: dict):
    from cmsfamily.reporting import services

    values: dict = {"source": MARKER}
    if spec.kind == "integer":
        values.update(min_value=0, max_value=1_000_000)
    elif spec.kind in ("decimal",):
        values.update(min_value=0, unit_en="km²")
    question = services.create_question(
        code=spec.code,
        kind=spec.kind,
        by=None,
        options=[{"value": v, "label": {"en": label}} for v, label, _m in spec.options] or None,
        targets=[targets[number] for number in spec.targets if number in targets],
        text_en=spec.text,
        **values,
    )
    meanings = {}
    if spec.meanings and spec.kind == "yes_no":
        meanings = dict(YES_NO_MEANINGS)
    elif spec.meanings and spec.options:
        meanings = {v: m for v, _label, m in spec.options if m}
    if meanings:
        services.set_meanings(question=question, meanings=meanings, by=None)
    return question


def _template(slug, title, reporter_kind, sections, species_items):
    """A frozen template version: sections of (number, title, questions), then the loop."""
    from cmsfamily.directory.models import Instrument
    from cmsfamily.reporting import services
    from cmsfamily.reporting.choices import LoopKind

    template = services.create_template(
        slug=slug,
        instrument=Instrument.objects.get(code="cms"),
        reporter_kind=reporter_kind,
        by=None,
        title_en=title,
        description_en="Synthetic template of the analysis benchmark (bench/family.py).",
        source=MARKER,
    )
    template.is_demo = True
    template.save(update_fields=["is_demo"])
    version = template.versions.get()
    for number, section_title, questions, loop in sections:
        section = services.add_section(
            version=version,
            number=number,
            by=None,
            loop=LoopKind.FIXED if loop else "",
            loop_items=species_items if loop else None,
            title_en=section_title,
        )
        for order, question in enumerate(questions, start=1):
            services.add_item(
                section=section, question=question, number=f"{number}.{order}", by=None
            )
    return version


def _cycle(version, slug, title, year, parties=(), organisations=()):
    from cmsfamily.reporting import services
    from cmsfamily.reporting.choices import CycleStatus, ExpectedReporters
    from cmsfamily.reporting.models import Cycle

    cycle = services.create_cycle(
        slug=slug,
        version=version,
        period_start=date(year - 3, 1, 1),
        period_end=date(year - 1, 12, 31),
        opens_on=date(year - 1, 10, 1),
        deadline=date(year, 6, 30),
        expected=ExpectedReporters.CHOSEN,
        parties=parties,
        organisations=organisations,
        by=None,
        title_en=title,
    )
    Cycle.objects.filter(pk=cycle.pk).update(is_demo=True, status=CycleStatus.CLOSED)
    cycle.refresh_from_db()
    return cycle


def _agreement_secretariats() -> list:
    """The organisations serving an Agreement, and synthetic ones up to eight."""
    from cmsfamily.directory.choices import InstrumentKind, OrganisationKind
    from cmsfamily.directory.models import Organisation

    real = list(
        Organisation.objects.filter(instruments_served__kind=InstrumentKind.AGREEMENT)
        .distinct()
        .order_by("slug")
    )[:AGREEMENTS]
    synthetic = []
    for number in range(1, AGREEMENTS - len(real) + 1):
        name = f"Synthetic Agreement secretariat {number}"
        organisation, _created = Organisation.objects.get_or_create(
            slug=f"synthetic-agreement-secretariat-{number}",
            defaults={
                "short_name": name,
                "name_en": name,
                "kind": OrganisationKind.SECRETARIAT,
                "source": MARKER,
                "description": "synthetic",
                "is_demo": True,
            },
        )
        synthetic.append(organisation)
    return real + synthetic


def _parties() -> list:
    """The Parties of the CMS, without the reporting benchmark's own (XC … XW)."""
    from bench.reporting import PARTY_CODES
    from cmsfamily.directory.models import Party

    return list(
        Party.objects.filter(memberships__instrument__code="cms")
        .exclude(code__in=PARTY_CODES)
        .distinct()
        .order_by("code")
    )


def _species_items(count: int) -> list[dict]:
    from cmsfamily.species.models import Taxon

    names = list(
        Taxon.objects.filter(rank="species")
        .order_by("scientific_name")
        .values_list("scientific_name", flat=True)[:count]
    )
    if len(names) < count:  # no species table: numbered items, marked synthetic
        names += [f"Synthetica species {n}" for n in range(len(names) + 1, count + 1)]
    return [
        {"key": f"sp-{index:03d}", "label": {"en": name}}
        for index, name in enumerate(names, start=1)
    ]


# --- the answers -------------------------------------------------------------------------------


def _value(question, values: list[str], rng: random.Random, lean: float):
    """A stored answer (as `answers.clean` stores it), or None when left unanswered; `lean`
    (0–1) is how far the reporter has come, so implementation grows with it; `values` are the
    question's options."""
    kind = question.kind
    if kind == "yes_no":
        roll = rng.random()
        return "yes" if roll < lean else ("na" if roll > 0.95 else "no")
    if kind == "single_choice":
        if len(values) == 5:  # the progress options, the best first
            roll = rng.random()
            if roll > 0.96:
                return values[4]
            index = min(3, int((1 - lean) * 4 * rng.random() * 1.6))
            return values[index]
        return rng.choice(values)
    if kind == "multiple_choice":
        chosen = [v for v in values[:-1] if rng.random() < lean]
        return chosen or [values[-1]]
    if kind == "integer":
        return rng.randint(0, 5_000)
    if kind == "decimal":
        return format(rng.randint(0, 10_000_000) / 100, ".2f")
    if kind == "percentage":
        return format(rng.randint(0, 1000) / 10, ".1f")
    if kind == "date":
        return (date(2000, 1, 1) + timedelta(days=rng.randint(0, 8_000))).isoformat()
    if kind == "short_text":
        return rng.choice(SENTENCES)
    return "<p>" + " ".join(rng.sample(SENTENCES, rng.randint(1, 3))) + "</p>"


def _hash(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class Plan:
    """What happens to one submission: its status, its dates, its versions' contents."""

    submission: object
    status: str
    submitted_at: datetime | None = None
    first_submitted_at: datetime | None = None
    accepted_at: datetime | None = None
    published_at: datetime | None = None
    versions: tuple = ()  # contents, oldest first
    answers: dict | None = None  # (code, key) -> value: the report's answers (its draft)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _plan(rng, submission, cycle, form, loops, options, lean, newest) -> Plan:
    """The fate of one report: missing (about 8 %, more in older cycles), a draft never
    submitted (3 %), or submitted (a fifth late, one in ten returned once and submitted again)
    and then published (about three in four), accepted or left submitted (more of those in the
    newest cycle)."""
    from cmsfamily.reporting.choices import SubmissionStatus as S

    roll = rng.random()
    missing = 0.06 + 0.02 * (2023 - cycle.deadline.year) / 3
    if roll < missing:
        return Plan(submission, S.NOT_STARTED)
    answers = {}
    for node in form.nodes:
        for key, _label in loops.get(node.section.pk, [("", "")]):
            if key and rng.random() > 0.6 + 0.4 * lean:
                continue  # a species the reporter does not report on
            for item in node.items:
                if rng.random() < 0.04:
                    continue  # left unanswered
                question = item.question
                answers[(question.code, key)] = _value(question, options[question.pk], rng, lean)
    if roll < missing + 0.03:
        return Plan(submission, S.DRAFT, answers=answers)
    late = rng.random() < 0.2
    day = cycle.deadline + timedelta(days=rng.randint(1, 200) if late else -rng.randint(0, 150))
    first = _at(day)
    content = _content(submission, cycle, form, loops, answers)
    versions = [content]
    last = first
    if rng.random() < 0.1:  # returned once, then submitted again with answers changed
        earlier = dict(answers)
        for code_key in rng.sample(sorted(earlier), min(5, len(earlier))):
            earlier.pop(code_key)
        versions = [_content(submission, cycle, form, loops, earlier), content]
        last = first + timedelta(days=rng.randint(5, 40))
    fate = rng.random()
    published_share, accepted_share = (0.55, 0.25) if newest else (0.78, 0.15)
    plan = Plan(submission, S.SUBMITTED, last, first, versions=tuple(versions), answers=answers)
    if fate < published_share + accepted_share:
        plan.status, plan.accepted_at = S.ACCEPTED, last + timedelta(days=rng.randint(10, 90))
    if fate < published_share:
        plan.status = S.PUBLISHED
        plan.published_at = plan.accepted_at + timedelta(days=rng.randint(1, 60))
    return plan


def _content(submission, cycle, form, loops, answers) -> dict:
    """A version's content, as `selectors.snapshot` writes it (no condition hides anything)."""
    by_code: dict[str, dict] = {}
    labels = {}
    for node in form.nodes:
        for key, label in loops.get(node.section.pk, [("", "")]):
            if key:
                labels[key] = label
            for item in node.items:
                value = answers.get((item.question.code, key))
                if value is not None:
                    by_code.setdefault(item.question.code, {})[key] = value
    reporter = submission.reporter
    return {
        "cycle": cycle.slug,
        "template": form.version.template.slug,
        "template_version": form.version.number,
        "reporter": {
            "kind": "party" if submission.party_id else "organisation",
            "code": getattr(reporter, "code", None) or getattr(reporter, "slug", ""),
            "name": str(reporter),
        },
        "language": submission.language,
        "loop_items": labels,
        "answers": by_code,
    }


# --- writing without the ORM -------------------------------------------------------------------


def _write(table: str, columns: list[str], rows) -> int:
    """Rows into a table: COPY on PostgreSQL, executemany on SQLite; the number written."""
    from django.db import connection

    written = 0
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            return written
        statement = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(statement, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(statement, batch)
            written += len(batch)
    return written


def _stamp(value: datetime):
    from django.db import connection

    return (
        value
        if connection.vendor == "postgresql"
        else connection.ops.adapt_datetimefield_value(value)
    )


def _answer_rows(plans: list[Plan], questions: dict, now: datetime):
    stamp = _stamp(now)
    for plan in plans:
        if not plan.answers:
            continue
        for (code, key), value in plan.answers.items():
            # submission, question, loop_key, value, revision, updated_at, write_key
            yield (plan.submission.pk, questions[code], key, json.dumps(value), 1, stamp, "")


def _version_rows(plans: list[Plan]):
    for plan in plans:
        count = len(plan.versions)
        for number, content in enumerate(plan.versions, start=1):
            at = plan.first_submitted_at if number < count else plan.submitted_at
            yield (
                plan.submission.pk,
                number,
                json.dumps(content, ensure_ascii=False),
                _hash(content),
                _stamp(at),
                plan.submission.language,
            )


# --- the whole ---------------------------------------------------------------------------------


def template_slugs(size: str) -> dict[str, str]:
    prefix = SIZES[size].prefix
    return {
        "party": f"{prefix}-national-report",
        "agreement": f"{prefix}-agreement-report",
        "partner": f"{prefix}-partner-report",
    }


def cycle_slug(size: str, kind: str, year: int) -> str:
    return f"{template_slugs(size)[kind]}-{year}"


def exists(size: str) -> bool:
    from cmsfamily.reporting.models import Template

    return Template.objects.filter(slug=template_slugs(size)["party"], source=MARKER).exists()


def counts(size: str) -> dict[str, int]:
    from cmsfamily.reporting.models import Answer, Cycle, Submission, SubmissionVersion

    slugs = list(template_slugs(size).values())
    cycles = Cycle.objects.filter(version__template__slug__in=slugs)
    submissions = Submission.objects.filter(cycle__in=cycles)
    return {
        "cycles": cycles.count(),
        "submissions": submissions.count(),
        "versions": SubmissionVersion.objects.filter(submission__in=submissions).count(),
        "answers": Answer.objects.filter(submission__in=submissions).count(),
    }


def generate_family(size: str = "small") -> dict:
    """Add the Family's reports of this size (once: a second call finds them and adds nothing).
    Needs the reference data, the Strategic Plan's targets and, for the species names, the
    species table (the test database has them; `prepare` loads them in the bench database)."""
    from django.db import connection, transaction

    from cmsfamily.directory.choices import OrganisationKind
    from cmsfamily.directory.models import Organisation
    from cmsfamily.reporting import selectors
    from cmsfamily.reporting.choices import ReporterKind
    from cmsfamily.reporting.models import Answer, Submission, SubmissionVersion
    from cmsfamily.strategy.models import Target
    from cmsfamily.strategy.reference import PLAN_CODE

    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, not {size!r}")
    if exists(size):
        return {"size": size, "how": "reused", "seconds": 0.0, **counts(size)}
    started = time.perf_counter()
    spec = SIZES[size]
    rng = random.Random(f"{FAMILY_SEED}/{size}")
    slugs = template_slugs(size)
    with transaction.atomic():
        targets = {t.number: t for t in Target.objects.filter(plan__code=PLAN_CODE)}
        top_specs, loop_specs = _specs(spec)
        top = [_question(s, targets) for s in top_specs]
        looped = [_question(s, targets) for s in loop_specs]
        items = _species_items(spec.species)
        per_target = [q for q in top if q.kind in ("yes_no", "single_choice")]
        others = [q for q in top if q not in per_target]
        national = _template(
            slugs["party"],
            f"Synthetic national report, {size} (analysis benchmark)",
            ReporterKind.PARTY,
            [
                ("I", "Implementation of the Strategic Plan's targets", per_target, False),
                ("II", "Figures, dates and narrative", others, False),
                ("III", "Each species listed", looped, True),
            ],
            items,
        )
        shared = per_target[:16] + [q for q in others if q.kind != "long_text"][:6]
        agreement = _template(
            slugs["agreement"],
            f"Synthetic Agreement report, {size} (analysis benchmark)",
            ReporterKind.AGREEMENT,
            [("I", "Implementation of the Strategic Plan's targets", shared, False)],
            items,
        )
        partner = _template(
            slugs["partner"],
            f"Synthetic Partner report, {size} (analysis benchmark)",
            ReporterKind.PARTNER,
            [("I", "Implementation of the Strategic Plan's targets", shared, False)],
            items,
        )
        parties = _parties()
        secretariats = _agreement_secretariats()
        partners = list(
            Organisation.objects.filter(kind=OrganisationKind.PARTNER_NGO, is_demo=False).order_by(
                "slug"
            )
        )
        questions = {q.code: q.pk for q in [*top, *looped]}
        options = {
            q.pk: list(q.options.order_by("order", "pk").values_list("value", flat=True))
            for q in [*top, *looped]
        }
        # How far each reporter has come (implementation grows over the cycles).
        leans = {}
        plans: list[Plan] = []
        for kind, version, reporters in (
            ("party", national, {"parties": parties}),
            ("agreement", agreement, {"organisations": secretariats}),
            ("partner", partner, {"organisations": partners}),
        ):
            for index, year in enumerate(spec.years):
                title = {
                    "party": "Synthetic national reports",
                    "agreement": "Synthetic Agreement reports",
                    "partner": "Synthetic Partner reports",
                }[kind]
                cycle = _cycle(
                    version,
                    cycle_slug(size, kind, year),
                    f"{title} {year} ({size})",
                    year,
                    **reporters,
                )
                form = selectors.structure(version)
                loops = {
                    node.section.pk: [
                        (e["key"], e["label"]["en"]) for e in node.loop_section.loop_items
                    ]
                    for node in form.nodes
                    if node.loop_section is not None
                }
                submissions = list(
                    Submission.objects.filter(cycle=cycle)
                    .select_related("party", "organisation")
                    .order_by("party__code", "organisation__slug")
                )
                for submission in submissions:
                    reporter = (
                        ("p", submission.party_id)
                        if submission.party_id
                        else ("o", submission.organisation_id)
                    )
                    base = leans.setdefault(reporter, rng.uniform(0.15, 0.75))
                    lean = min(0.97, base + 0.05 * index)
                    plans.append(
                        _plan(
                            rng,
                            submission,
                            cycle,
                            form,
                            loops,
                            options,
                            lean,
                            index == len(spec.years) - 1,
                        )
                    )
        Submission.objects.bulk_update(
            [_apply(plan) for plan in plans],
            ["status", "submitted_at", "first_submitted_at", "accepted_at", "published_at"],
            batch_size=1_000,
        )
        answers = _write(
            Answer._meta.db_table,
            [
                "submission_id",
                "question_id",
                "loop_key",
                "value",
                "revision",
                "updated_at",
                "write_key",
            ],
            _answer_rows(plans, questions, datetime(2026, 1, 1, tzinfo=UTC)),
        )
        versions = _write(
            SubmissionVersion._meta.db_table,
            ["submission_id", "number", "snapshot", "content_hash", "submitted_at", "language"],
            _version_rows(plans),
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Answer._meta.db_table}")
            cursor.execute(f"ANALYZE {SubmissionVersion._meta.db_table}")
    statuses: dict[str, int] = {}
    for plan in plans:
        statuses[plan.status] = statuses.get(plan.status, 0) + 1
    late = sum(
        1
        for plan in plans
        if plan.first_submitted_at
        and plan.first_submitted_at.date() > plan.submission.cycle.deadline
    )
    return {
        "size": size,
        "how": "generated",
        "seconds": round(time.perf_counter() - started, 1),
        "cycles": len(spec.years) * 3,
        "submissions": len(plans),
        "versions": versions,
        "answers": answers,
        "statuses": statuses,
        "late": late,
        "questions": len(top) + len(looped),
        "species": len(items),
        "parties": len(parties),
        "agreements": len(secretariats),
        "partners": len(partners),
    }


def _apply(plan: Plan):
    submission = plan.submission
    submission.status = plan.status
    submission.submitted_at = plan.submitted_at
    submission.first_submitted_at = plan.first_submitted_at
    submission.accepted_at = plan.accepted_at
    submission.published_at = plan.published_at
    return submission


def describe(result: dict) -> str:
    return (
        f"the analysis Family ({result['size']}): {result['how']} in {result['seconds']:.1f} s — "
        f"{result['cycles']} cycles, {result['submissions']:,} reports expected, "
        f"{result['versions']:,} versions, {result['answers']:,} answers"
    )


def prepare(size: str = "full") -> dict:
    """In the bench database (bench.generate.setup_django first): the registry's species and
    Strategic Plan if missing, then the Family's reports of this size."""
    from cmsfamily.directory.models import Party
    from cmsfamily.directory.reference import load_reference_data
    from cmsfamily.species.models import Taxon
    from cmsfamily.species.reference import load_species_data
    from cmsfamily.strategy.models import Target
    from cmsfamily.strategy.reference import load_strategy_data

    if not Party.objects.exists():
        load_reference_data()
    if not Target.objects.exists():
        load_strategy_data()
    if not Taxon.objects.exists():
        load_species_data()
    return generate_family(size)


def main(argv=None) -> None:
    import argparse

    from bench import generate

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    args = parser.parse_args(argv)
    url = generate.database_url()
    generate.setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    print(describe(prepare(args.size)))


if __name__ == "__main__":
    main()
