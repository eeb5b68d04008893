"""The reporting benchmark: national reports of 850 answers drafted by 20 Parties at once, and the
statements of saving, submitting and listing beside the figures the Ozone Secretariat published
for its own reporting system.

Data (seeded, added to the bench database once and reused; everything marked synthetic: sources
are MARKER, notes "synthetic", texts start with "Synthetic", people and accounts are is_demo):

- 20 synthetic reporting Parties, "Synthetic Reporting Party 1" … "20", codes XC … XW without XK
  (ISO 3166 leaves XA–XZ to user assignment, so no real country has them; XA and XB are the
  Family's synthetic Parties of bench/generate.py, XK is in common use for Kosovo), each a Party
  of the CMS and each with a National Focal Point: a synthetic person with a confirmed
  appointment and an account (synthetic-nfp-<code>@example.invalid, is_demo, no password);
- 50 synthetic taxa ("Synthetica species-1" … "-50", groups in turn), each with all 20 Parties as
  range States;
- the template "Synthetic national report (benchmark data)" for the CMS, Party reporters:
  7 sections of 50 questions (short text, long text, yes/no, single choice of 4, whole number,
  decimal, date, in turn; every 4th required) and section VIII repeated for each species the
  Party is a range State of, with 10 questions: 360 questions, 350 + 10 × 50 = 850 fields a report;
- the template "Synthetic short report (benchmark data)": the first 100 of those questions in
  2 sections of 50, no loop;
- the open cycle CYCLE on the national report and the open cycle SMALL_CYCLE on the short one,
  each expecting the 20 Parties, every report filled in (850 and 100 answers), and 5 closed cycles
  on the short report (2011 … 2023) whose 100 reports were submitted: the Secretariat's list.

The answers are written without their history rows. Each run starts by deleting the versions the
previous run submitted in the two open cycles and setting their reports back to drafts.

Measured, in this process (CaptureQueriesContext, median of REPETITIONS runs): save_answers of
10 and of 100 answers (updates), a first save of 100 answers (inserts), submit of a 100-answer and
of an 850-answer report, the API list of the 100 submitted reports as the Secretariat (two pages:
PAGE_SIZE is 50 and the API takes no page_size), an NFP's list, the cycle page as the
Secretariat and the form pages of the two templates; over HTTP, under the load test's concurrent
clients, each client one Party's NFP drafting its own report: the loop section's form page (500
fields), a 50-question section's form page, the autosave of that section (htmx POST of its 50
fields, one changed) and submit (then recall, not timed).
"""

import base64
import random
import re
import statistics
import threading
import time
import uuid
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bench import load
from bench.generate import ACTIVITY_SUBJECTS, ACTIVITY_VERBS, SEED, UPDATE_SENTENCES

VERSION = 1
REPORTING_SEED = SEED + 3
MARKER = f"synthetic (bench/reporting.py v{VERSION}, seed {REPORTING_SEED})"
PARTY_CODES = tuple(f"X{letter}" for letter in "CDEFGHIJLMNOPQRSTUVW")
NFP_EMAIL_PREFIX = "synthetic-nfp-"
TAXA = 50
SECTIONS = 7
SECTION_SIZE = 50
LOOP_QUESTIONS = 10
SMALL_SECTIONS = 2
QUESTIONS = SECTIONS * SECTION_SIZE + LOOP_QUESTIONS
SMALL_QUESTIONS = SMALL_SECTIONS * SECTION_SIZE
FIELDS = SECTIONS * SECTION_SIZE + LOOP_QUESTIONS * TAXA
KINDS = ("short_text", "long_text", "yes_no", "single_choice", "integer", "decimal", "date")
OPTIONS = 4
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
TEMPLATE = "synthetic-national-report"
SMALL_TEMPLATE = "synthetic-short-report"
CYCLE = "synthetic-national-report-2026"
SMALL_CYCLE = "synthetic-short-report-2026"
PAST_YEARS = (2011, 2014, 2017, 2020, 2023)
AUTOSAVE_VALUES = ("Synthetic autosaved answer A", "Synthetic autosaved answer B")
LOCMEM_EMAIL = "django.core.mail.backends.locmem.EmailBackend"
HTML = "text/html,application/xhtml+xml"
REPETITIONS = 5
SESSION_SECONDS = 3 * 3600

# The Ozone Secretariat's published figures for its reporting system, as the issue gives them.
PEER = {
    "save": {"statements": 1706, "ms": 860.0, "what": "saving 100 data rows"},
    "submit": {"statements": 878, "ms": 710.0, "what": "submitting a report"},
    "list": {"statements": 103, "ms": None, "what": "listing 100 submissions"},
    "static_ms": 1.4,
}
TARGET_SPEEDUP = 10


# -- completeness ------------------------------------------------------------------------------


def counts() -> dict[str, int]:
    from cmsfamily.directory.models import Party
    from cmsfamily.reporting.models import Answer, Cycle, Item, Submission, Template
    from cmsfamily.species.models import RangeState, Taxon

    ours = {"cycle__version__template__source": MARKER}
    return {
        "reporting_parties": Party.objects.filter(source=MARKER).count(),
        "reporting_taxa": Taxon.objects.filter(source=MARKER).count(),
        "reporting_range_states": RangeState.objects.filter(source=MARKER).count(),
        "reporting_templates": Template.objects.filter(source=MARKER).count(),
        "reporting_items": Item.objects.filter(section__version__template__source=MARKER).count(),
        "reporting_cycles": Cycle.objects.filter(version__template__source=MARKER).count(),
        "reporting_submissions": Submission.objects.filter(**ours).count(),
        "reporting_answers": Answer.objects.filter(
            **{f"submission__{key}": value for key, value in ours.items()}
        ).count(),
        "reporting_report_answers": Answer.objects.filter(submission__cycle__slug=CYCLE).count(),
    }


EXPECTED = {
    "reporting_parties": len(PARTY_CODES),
    "reporting_taxa": TAXA,
    "reporting_range_states": TAXA * len(PARTY_CODES),
    "reporting_templates": 2,
    "reporting_items": QUESTIONS + SMALL_QUESTIONS,
    "reporting_cycles": 2 + len(PAST_YEARS),
    "reporting_submissions": (2 + len(PAST_YEARS)) * len(PARTY_CODES),
    "reporting_report_answers": FIELDS * len(PARTY_CODES),
}


def is_complete(found: dict[str, int]) -> bool:
    return all(found.get(key) == value for key, value in EXPECTED.items())


def describe(found: dict[str, int]) -> str:
    return (
        f"reporting: {found['reporting_templates']} synthetic templates "
        f"({QUESTIONS} and {SMALL_QUESTIONS} questions), {found['reporting_cycles']} cycles, "
        f"{found['reporting_submissions']} reports of {found['reporting_parties']} synthetic "
        f"Parties, {found['reporting_answers']:,} answers, {found['reporting_taxa']} synthetic "
        f"taxa ({found['reporting_range_states']:,} range States)"
    )


def prepare(found: dict[str, int]) -> float | None:
    """Add the reporting data when the database has none (returns the seconds it took), or
    reset what the previous run changed in it."""
    if is_complete(found):
        _reset()
        return None
    from cmsfamily.directory.models import Party
    from cmsfamily.reporting.models import Template

    if (
        any(found.get(key) for key in EXPECTED)
        or Party.objects.filter(code__in=PARTY_CODES).exists()
        or Template.objects.filter(slug__in=[TEMPLATE, SMALL_TEMPLATE]).exists()
    ):
        raise SystemExit(
            "The bench database holds reporting data of another version of bench/reporting.py "
            f"({ {k: v for k, v in found.items() if k.startswith('reporting_')} }): "
            "run `python -m bench --fresh`."
        )
    started = time.perf_counter()
    _generate()
    from django.db import connection

    if connection.vendor == "postgresql":  # as autovacuum would, soon after the inserts
        with connection.cursor() as cursor:
            for table in ("reporting_answer", "reporting_item", "reporting_submission"):
                cursor.execute(f"ANALYZE {table}")
    return time.perf_counter() - started


def _reset() -> None:
    """The open cycles' reports as drafts again, without the versions the last run submitted."""
    from django.db import transaction

    from cmsfamily.reporting.choices import SubmissionStatus
    from cmsfamily.reporting.models import Submission, SubmissionVersion

    with transaction.atomic():
        reports = Submission.objects.filter(cycle__slug__in=[CYCLE, SMALL_CYCLE])
        SubmissionVersion.objects.filter(submission__in=reports).delete()
        reports.update(status=SubmissionStatus.DRAFT, submitted_at=None, first_submitted_at=None)


# -- generation --------------------------------------------------------------------------------


def _generate() -> None:
    from django.db import transaction
    from django.test.utils import override_settings

    from bench.ledger import secretariat_user
    from cmsfamily.reporting import services
    from cmsfamily.reporting.choices import CycleStatus

    rng = random.Random(REPORTING_SEED)
    # Opening a cycle emails the NFPs (after the commit): kept in memory, never sent.
    with override_settings(EMAIL_BACKEND=LOCMEM_EMAIL), transaction.atomic():
        secretariat = secretariat_user()
        parties = _add_parties()
        reporters = _add_reporters(parties)
        _add_taxa(parties)
        questions = _add_questions(rng)
        plain, looped = questions[: SECTIONS * SECTION_SIZE], questions[SECTIONS * SECTION_SIZE :]
        national = _add_template(
            TEMPLATE,
            "Synthetic national report (benchmark data)",
            [plain[n : n + SECTION_SIZE] for n in range(0, len(plain), SECTION_SIZE)],
            looped,
            secretariat,
        )
        short = _add_template(
            SMALL_TEMPLATE,
            "Synthetic short report (benchmark data)",
            [plain[n : n + SECTION_SIZE] for n in range(0, SMALL_QUESTIONS, SECTION_SIZE)],
            [],
            secretariat,
        )
        for version, slug, title, year in [
            (national, CYCLE, "Synthetic national reports 2026 (benchmark data)", 2026),
            (short, SMALL_CYCLE, "Synthetic short reports 2026 (benchmark data)", 2026),
        ]:
            _fill(open_cycle(version, slug, title, year, parties, secretariat), reporters)
        for year in PAST_YEARS:
            cycle = open_cycle(
                short,
                f"{SMALL_TEMPLATE}-{year}",
                f"Synthetic short reports {year} (benchmark data)",
                year,
                parties,
                secretariat,
            )
            _fill(cycle, reporters)
            _submit_all(cycle, reporters, rng)
            services.set_cycle_status(cycle=cycle, status=CycleStatus.CLOSED, by=secretariat)


def _add_parties() -> list:
    from cmsfamily.directory.choices import MembershipKind
    from cmsfamily.directory.models import Instrument, Membership, Party, Region

    regions = list(Region.objects.order_by("order"))
    convention = Instrument.objects.get(code="cms")
    parties = []
    for number, code in enumerate(PARTY_CODES, start=1):
        name = f"Synthetic Reporting Party {number}"
        party = Party.objects.create(
            code=code,  # ISO 3166 user-assigned: never a real country
            name_en=name,
            name_fr=name,
            name_es=name,
            region=regions[number % len(regions)],
            entry_into_force=date(2015, 1, 1) + timedelta(days=61 * number),
            is_state=True,
            note="synthetic",
            source=MARKER,
        )
        Membership.objects.create(
            party=party,
            instrument=convention,
            kind=MembershipKind.PARTY,
            start=party.entry_into_force,
            source=MARKER,
            note="synthetic",
        )
        parties.append(party)
    return parties


def _add_reporters(parties) -> dict[int, object]:
    """Each Party's NFP: a synthetic person with an account and a confirmed appointment."""
    from django.contrib.auth import get_user_model

    from cmsfamily.directory.choices import AppointmentStatus, Role
    from cmsfamily.directory.models import Appointment, Person

    reporters = {}
    for party in parties:
        email = f"{NFP_EMAIL_PREFIX}{party.code.lower()}@example.invalid"
        user = get_user_model().objects.create_user(
            email, full_name=f"Synthetic NFP of {party.code}", is_demo=True
        )  # no password: the benchmark signs in with sessions it makes
        person = Person.objects.create(
            given_name="Synthetic",
            family_name=f"Synthetic-NFP-{party.code}",
            position="Synthetic National Focal Point",
            email=email,
            user=user,
            is_demo=True,
        )
        Appointment.objects.create(
            person=person,
            role=Role.NFP,
            party=party,
            start=party.entry_into_force,
            status=AppointmentStatus.CONFIRMED,
            confirmed_at=datetime(2020, 1, 6, 9, tzinfo=UTC),
            note="synthetic",
            is_demo=True,
        )
        reporters[party.pk] = user
    return reporters


def _add_taxa(parties) -> None:
    from cmsfamily.species.choices import Group, Rank, TaxonRank
    from cmsfamily.species.models import RangeState, Taxon

    groups = list(Group.values)
    taxa = Taxon.objects.bulk_create(
        Taxon(
            scientific_name=f"Synthetica species-{number}",
            rank=Rank.SPECIES,
            taxon_rank=TaxonRank.SPECIES,
            group=groups[number % len(groups)],
            common_name_en=f"Synthetic species {number}",
            class_name="Synthetica",
            family="Synthetidae",
            source=MARKER,
            as_of="synthetic",
            notes="synthetic (benchmark data)",
        )
        for number in range(1, TAXA + 1)
    )
    RangeState.objects.bulk_create(
        RangeState(taxon=taxon, country_code=party.code, party=party, source=MARKER)
        for taxon in taxa
        for party in parties
    )


def _add_questions(rng: random.Random) -> list:
    from cmsfamily.reporting import services

    options = [
        {"value": f"option-{n}", "label": {"en": f"Synthetic option {n}"}}
        for n in range(1, OPTIONS + 1)
    ]
    questions = []
    for number in range(1, QUESTIONS + 1):
        kind = KINDS[(number - 1) % len(KINDS)]
        looped = number > SECTIONS * SECTION_SIZE
        code = (
            f"synthetic.species-q{number - SECTIONS * SECTION_SIZE:02d}"
            if looped
            else f"synthetic.q{number:03d}"
        )
        subject = f"{rng.choice(ACTIVITY_VERBS)} {rng.choice(ACTIVITY_SUBJECTS)}"
        about = "for this species" if looped else "in the reporting period"
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
                options=options if kind == "single_choice" else None,
                text_en=f"Synthetic question {number}: what did your country do to "
                f"{subject.lower()} {about}?",
                **values,
            )
        )
    return questions


def _add_template(slug, title, sections, looped, by):
    """A template version with the sections given (lists of questions) and, when `looped` has
    questions, a last section repeated for each species the Party is a range State of."""
    from cmsfamily.directory.models import Instrument
    from cmsfamily.reporting import services
    from cmsfamily.reporting.choices import LoopKind, ReporterKind

    template = services.create_template(
        slug=slug,
        instrument=Instrument.objects.get(code="cms"),
        reporter_kind=ReporterKind.PARTY,
        by=by,
        title_en=title,
        description_en="Synthetic template of the benchmark (bench/reporting.py).",
        source=MARKER,
    )
    version = template.versions.get()
    parts = [(questions, "") for questions in sections]
    if looped:
        parts.append((looped, LoopKind.RANGE_SPECIES))
    for index, (questions, loop) in enumerate(parts):
        section = services.add_section(
            version=version,
            number=ROMAN[index],
            by=by,
            loop=loop,
            title_en=f"Synthetic section {ROMAN[index]}"
            + (": each species the Party is a range State of" if loop else ""),
        )
        for number, question in enumerate(questions, start=1):
            services.add_item(
                section=section,
                question=question,
                number=f"{ROMAN[index]}.{number}",
                by=by,
                required=number % 4 == 1,
            )
    return version


def open_cycle(version, slug, title, year, parties, by):
    """An open cycle on this version expecting these Parties."""
    from cmsfamily.reporting import services
    from cmsfamily.reporting.choices import CycleStatus, ExpectedReporters

    cycle = services.create_cycle(
        slug=slug,
        version=version,
        period_start=date(year - 3, 1, 1),
        period_end=date(year - 1, 12, 31),
        opens_on=date(year, 1, 1),
        deadline=date(year, 6, 30),
        expected=ExpectedReporters.CHOSEN,
        parties=parties,
        by=by,
        title_en=title,
    )
    return services.set_cycle_status(cycle=cycle, status=CycleStatus.OPEN, by=by)


def _raw(question, rng: random.Random) -> str:
    """An answer as the form sends it."""
    kind = question.kind
    if kind == "short_text":
        return f"Synthetic answer: {rng.choice(ACTIVITY_SUBJECTS)}"
    if kind == "long_text":
        paragraphs = [
            " ".join(rng.sample(UPDATE_SENTENCES, rng.randint(1, 3)))
            for _ in range(rng.randint(1, 3))
        ]
        return "Synthetic narrative. " + "\n\n".join(paragraphs)
    if kind == "yes_no":
        return rng.choice(["yes", "no", "na"])
    if kind == "single_choice":
        return f"option-{rng.randint(1, OPTIONS)}"
    if kind == "integer":
        return str(rng.randint(0, 5_000))
    if kind == "decimal":
        return f"{rng.randint(0, 10_000_000) / 100:.2f}"
    return (date(2020, 1, 1) + timedelta(days=rng.randint(0, 2_000))).isoformat()


def _answers(submission, user, structure) -> list:
    """Every field of a report answered, as the form would have stored it (seeded by the cycle
    and the Party, so that a report filled again gets the same answers)."""
    from cmsfamily.reporting import answers, selectors
    from cmsfamily.reporting.models import Answer

    rng = random.Random(f"{REPORTING_SEED}/{submission.cycle.slug}/{submission.party.code}")
    loops = selectors.loop_items(structure, submission)
    return [
        Answer(
            submission=submission,
            question=item.question,
            loop_key=loop.key,
            value=answers.clean(
                item.question, _raw(item.question, rng), options=list(item.question.options.all())
            ),
            updated_by=user,
        )
        for node in structure.nodes
        for loop in selectors.keys_of(node, loops)
        for item in node.items
    ]


def _fill(cycle, reporters) -> None:
    from cmsfamily.reporting import selectors
    from cmsfamily.reporting.choices import SubmissionStatus
    from cmsfamily.reporting.models import Answer

    structure = selectors.structure(cycle.version)
    rows = []
    for submission in cycle.submissions.select_related("party", "cycle").order_by("party__code"):
        rows += _answers(submission, reporters[submission.party_id], structure)
    Answer.objects.bulk_create(rows, batch_size=2_000)
    cycle.submissions.update(status=SubmissionStatus.DRAFT)


def _submit_all(cycle, reporters, rng: random.Random) -> None:
    """Each report of a past cycle submitted by its NFP, on a day before the deadline."""
    from cmsfamily.reporting import services
    from cmsfamily.reporting.models import Submission, SubmissionVersion

    for submission in cycle.submissions.select_related("party", "cycle__version__template"):
        services.submit(submission=submission, by=reporters[submission.party_id])
        day = cycle.deadline - timedelta(days=rng.randint(0, 120))
        at = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
        Submission.objects.filter(pk=submission.pk).update(submitted_at=at, first_submitted_at=at)
        SubmissionVersion.objects.filter(submission=submission).update(submitted_at=at)


# -- what is measured on it --------------------------------------------------------------------


@dataclass
class Report:
    """One Party's reports: the national one (open cycle) and the short one."""

    party: str
    user_id: int
    submission: int
    small: int
    section: int  # the national report's section I (50 questions)
    loop_section: int
    small_section: int

    @property
    def section_path(self) -> str:
        return f"/reports/submissions/{self.submission}/sections/{self.section}/"

    @property
    def loop_path(self) -> str:
        return f"/reports/submissions/{self.submission}/sections/{self.loop_section}/"

    @property
    def small_section_path(self) -> str:
        return f"/reports/submissions/{self.small}/sections/{self.small_section}/"

    def action_path(self, action: str) -> str:
        return f"/reports/submissions/{self.submission}/{action}/"


def reports() -> list[Report]:
    from cmsfamily.reporting.models import Section, Submission

    def section(slug, number):
        return Section.objects.get(version__template__slug=slug, number=number).pk

    first, loop = section(TEMPLATE, "I"), section(TEMPLATE, ROMAN[SECTIONS])
    small_first = section(SMALL_TEMPLATE, "I")
    small = dict(
        Submission.objects.filter(cycle__slug=SMALL_CYCLE).values_list("party__code", "pk")
    )
    found = []
    for code, pk, user_id in (
        Submission.objects.filter(
            cycle__slug=CYCLE,
            party__code__in=PARTY_CODES,
            party__appointments__person__email__startswith=NFP_EMAIL_PREFIX,
        )
        .order_by("party__code")
        .values_list("party__code", "pk", "party__appointments__person__user")
    ):
        found.append(Report(code, user_id, pk, small[code], first, loop, small_first))
    return found


def fresh_user(report: Report):
    """A fresh user object, so that no request inherits the scope another one computed."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=report.user_id)


def submission_as_read(pk: int):
    """The report as the pages read it (with its cycle, template and reporter)."""
    from cmsfamily.reporting.models import Submission

    return Submission.objects.select_related(
        "cycle__version__template__instrument", "party", "organisation"
    ).get(pk=pk)


@dataclass
class Draft:
    """A section's form as a drafter's browser holds it: what each field posts, the revision and
    the fingerprint of the saved answer beside it. One field's answer alternates at each save."""

    values: dict[str, str]
    revisions: dict[str, int]
    seen: dict[str, str]
    changed: str

    def next_value(self) -> str:
        first, second = AUTOSAVE_VALUES
        return second if self.values[self.changed] == first else first

    def form(self, token: str | None, new: str) -> list[tuple[str, str]]:
        fields = [("csrfmiddlewaretoken", token)] if token else []
        for name, value in self.values.items():
            fields += [
                (f"{name}#present", "1"),
                (f"{name}#rev", str(self.revisions[name])),
                (f"{name}#seen", self.seen[name]),
                (name, new if name == self.changed else value),
            ]
        return fields

    def saved(self, answer: str, new: str) -> None:
        """Take the new revision and fingerprint from the autosave's answer (htmx swaps them in)."""
        name = re.escape(self.changed)
        revision = re.search(rf'name="{name}#rev" value="(\d+)"', answer)
        seen = re.search(rf'name="{name}#seen" value="([0-9a-f]+)"', answer)
        if "Saved at" not in answer or not revision or not seen:
            raise load.Refused("autosave: no “Saved at” with the new #rev and #seen in the answer")
        if answer.count("#rev") != 1:
            raise load.Refused(f"autosave: {answer.count('#rev')} answers written, not 1")
        self.values[self.changed] = new
        self.revisions[self.changed] = int(revision.group(1))
        self.seen[self.changed] = seen.group(1)


def draft(submission_pk: int, section_pk: int) -> Draft:
    """The form of a section as the page would show it now (read from the database)."""
    from cmsfamily.reporting import selectors
    from cmsfamily.reporting.models import Answer, Item
    from cmsfamily.reporting.templatetags.reporting import editable_text

    items = list(
        Item.objects.filter(section=section_pk).select_related("question").order_by("order", "pk")
    )
    stored = {
        answer.question_id: answer
        for answer in Answer.objects.filter(
            submission=submission_pk, loop_key="", question__in=[i.question_id for i in items]
        )
    }
    values, revisions, seen = {}, {}, {}
    for item in items:
        name = f"{item.question.code}@"
        answer = stored.get(item.question_id)
        value = answer.value if answer else None
        if item.question.kind == "long_text":
            values[name] = editable_text(value)
        else:
            values[name] = "" if value is None else str(value)
        revisions[name] = answer.revision if answer else 0
        seen[name] = selectors.value_hash(value)
    changed = next(f"{i.question.code}@" for i in items if i.question.kind == "short_text")
    return Draft(values, revisions, seen, changed)


def _edits(submission_pk: int, section_pks: list[int], limit: int | None = None, *, fresh=False):
    """Edits that change the answers to the questions of these sections (the first `limit`),
    each with the revision it was read at (0 for a report nobody has answered yet)."""
    from cmsfamily.reporting import answers
    from cmsfamily.reporting.models import Answer, Item
    from cmsfamily.reporting.services import Edit

    items = list(
        Item.objects.filter(section__in=section_pks)
        .select_related("question")
        .prefetch_related("question__options")
        .order_by("section__order", "order")
    )[:limit]
    current = {
        code: (value, revision)
        for code, value, revision in Answer.objects.filter(
            submission=submission_pk, loop_key=""
        ).values_list("question__code", "value", "revision")
    }
    rng = random.Random()
    edits = []
    for item in items:
        question = item.question
        old, revision = current.get(question.code, (None, 0))
        options = list(question.options.all())
        raw = _raw(question, rng)
        while answers.clean(question, raw, options=options) == old:  # every edit must write
            raw = _raw(question, rng)
        edits.append(Edit(question.code, "", raw, 0 if fresh else revision))
    return edits


def _statements(captured: list[dict]):
    from bench.queries import Statements

    timed = [(float(query["time"]), query["sql"]) for query in captured]
    return Statements(
        count=len(captured),
        seconds=sum(seconds for seconds, _sql in timed),
        slowest=sorted(timed, reverse=True)[:3],
    )


def _shape(sql: str) -> str:
    """What a statement does to which table: "SELECT reporting_answer", "UPDATE …", "SAVEPOINT"."""
    verb = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else "?"
    table = re.search(r'\b(?:FROM|INTO|UPDATE)\s+"?([\w.]+)"?', sql, flags=re.IGNORECASE)
    return (
        f"{verb} {table.group(1)}"
        if table and verb in ("SELECT", "INSERT", "UPDATE", "DELETE")
        else verb
    )


def _extra(smaller: dict, larger: dict) -> str:
    """The statements one measurement sends that the other does not, by shape."""
    more = Counter(larger["shapes"]) - Counter(smaller["shapes"])
    fewer = Counter(smaller["shapes"]) - Counter(larger["shapes"])
    parts = [f"+{n} {shape}" for shape, n in sorted(more.items())]
    parts += [f"−{n} {shape}" for shape, n in sorted(fewer.items())]
    return ", ".join(parts)


def _measure(prepare, call, check, repetitions: int) -> dict:
    """`call` after one warm-up, `repetitions` times (`prepare` before each, not counted): the
    statements of each run and the median wall time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts, runs, last = [], [], []
    for run in range(repetitions + 1):
        arguments = prepare()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = call(*arguments)
            elapsed = time.perf_counter() - started
        check(result)
        if run:  # the first run warms caches: templates, translations, the user's scope
            counts.append(len(captured.captured_queries))
            runs.append(elapsed * 1000)
            last = list(captured.captured_queries)
    statements = _statements(last)
    return {
        "statements": counts[-1],
        "statements_seen": sorted(set(counts)),
        "ms": round(statistics.median(runs), 2),
        "runs_ms": [round(ms, 2) for ms in runs],
        "sql_ms": round(statements.seconds * 1000, 2),
        "sql": [query["sql"][:300] for query in last],
        "shapes": [_shape(query["sql"]) for query in last],
        "_statements": statements,
    }


def _status(expected: int, what: str):
    def check(response):
        if response.status_code != expected:
            raise RuntimeError(f"{what} answered {response.status_code} in-process")

    return check


def _saved(count: int, what: str):
    def check(result):
        if not result.ok or len(result.saved) != count:
            raise RuntimeError(
                f"{what}: {len(result.saved)} answers saved, not {count} "
                f"(errors {dict(result.errors)}, {len(result.conflicts)} conflicts)"
            )

    return check


def _submitted(version) -> None:
    if not version.pk:
        raise RuntimeError("submit stored no version")


def _section_after(section_pk: int) -> int:
    from cmsfamily.reporting.models import Section

    section = Section.objects.get(pk=section_pk)
    return (
        Section.objects.filter(version=section.version_id, order__gt=section.order)
        .order_by("order")
        .values_list("pk", flat=True)
        .first()
    )


def measure(repetitions: int = REPETITIONS) -> dict:
    """Statements and time of the reporting system's writes, lists and pages, in this process.

    `sql` holds the statements of one request of each HTTP target, by the target's path."""
    from django.test import Client

    from bench.ledger import secretariat_user
    from cmsfamily.reporting import services
    from cmsfamily.reporting.models import Answer, Submission

    found = reports()
    if len(found) != len(PARTY_CODES):
        raise RuntimeError(f"{len(found)} synthetic reports in {CYCLE}, not {len(PARTY_CODES)}")
    first, last = found[0], found[-1]
    results: dict = {"repetitions": repetitions}

    def save(report, submission_pk, sections, limit=None, *, fresh=False):
        def prepare():
            if fresh:  # a report nobody has answered yet: the save inserts every answer
                Answer.objects.filter(submission=submission_pk).delete()
                Answer.history.filter(submission_id=submission_pk).delete()
            edits = _edits(submission_pk, sections, limit, fresh=fresh)
            return submission_as_read(submission_pk), edits, fresh_user(report)

        def call(submission, edits, user):
            return services.save_answers(submission=submission, edits=edits, by=user)

        return prepare, call

    two = [first.section, _section_after(first.section)]
    small_two = [first.small_section, _section_after(first.small_section)]
    results["save_10"] = _measure(
        *save(first, first.submission, two, 10), _saved(10, "save of 10"), repetitions
    )
    results["save_100"] = _measure(
        *save(first, first.submission, two), _saved(100, "save of 100"), repetitions
    )
    results["insert_100"] = _measure(
        *save(last, last.small, small_two, fresh=True), _saved(100, "first save"), repetitions
    )

    def submit(submission_pk):
        def prepare():
            if Submission.objects.get(pk=submission_pk).status == "submitted":
                services.recall(submission=submission_as_read(submission_pk), by=fresh_user(first))
            return submission_as_read(submission_pk), fresh_user(first)

        def call(submission, user):
            return services.submit(submission=submission, by=user)

        return prepare, call

    results["submit_100"] = _measure(*submit(first.small), _submitted, repetitions)
    results["submit_850"] = _measure(*submit(first.submission), _submitted, repetitions)
    for pk in (first.small, first.submission):
        services.recall(submission=submission_as_read(pk), by=fresh_user(first))

    secretariat, nfp = Client(), Client()
    secretariat.force_login(secretariat_user())
    nfp.force_login(fresh_user(first))

    def get(client, path):
        return (lambda: ()), (lambda: client.get(path)), _status(200, f"GET {path}")

    listing = "/api/submissions/?status=submitted"
    results["list_page_1"] = _measure(*get(secretariat, listing), repetitions)
    results["list_page_2"] = _measure(*get(secretariat, f"{listing}&page=2"), repetitions)
    results["list_rows"] = [
        len(secretariat.get(path).json()["results"]) for path in (listing, f"{listing}&page=2")
    ]
    results["list_nfp"] = _measure(*get(nfp, "/api/submissions/"), repetitions)
    results["list_nfp_rows"] = nfp.get("/api/submissions/").json()["count"]
    results["cycle_page"] = _measure(*get(secretariat, f"/reports/cycles/{CYCLE}/"), repetitions)
    pages = {
        "form_50_of_100": first.small_section_path,
        "form_50_of_360": first.section_path,
        "form_loop_500": first.loop_path,
        "overview_100": f"/reports/submissions/{first.small}/",
        "overview_360": f"/reports/submissions/{first.submission}/",
    }
    for key, path in pages.items():
        results[key] = {**_measure(*get(nfp, path), repetitions), "path": path}

    # The HTTP targets' writes, one request each, as the NFP's browser sends them.
    form = draft(first.submission, first.section)

    def autosave():
        new = form.next_value()
        return new, dict(form.form(None, new))

    def post(new, data):
        return new, nfp.post(first.section_path, data, HTTP_HX_REQUEST="true")

    def autosaved(result):
        new, response = result
        form.saved(response.content.decode(), new)

    results["autosave"] = _measure(autosave, post, autosaved, repetitions)

    def recalled():
        if Submission.objects.get(pk=first.submission).status == "submitted":
            nfp.post(first.action_path("recall"))
        return ()

    results["submit_page"] = _measure(
        recalled, lambda: nfp.post(first.action_path("submit")), _status(302, "submit"), repetitions
    )
    recalled()
    if Submission.objects.get(pk=first.submission).status != "draft":
        raise RuntimeError("the national report was not submitted and recalled in-process")
    secretariat.logout()  # no session left behind in the bench database
    nfp.logout()
    results["sql"] = {
        first.loop_path: results["form_loop_500"]["_statements"],
        first.section_path: results["form_50_of_360"]["_statements"],
        f"POST {first.section_path}": results["autosave"]["_statements"],
        f"POST {first.action_path('submit')}": results["submit_page"]["_statements"],
    }
    for value in results.values():
        if isinstance(value, dict):
            value.pop("_statements", None)
    return results


# -- the HTTP targets --------------------------------------------------------------------------


def _messages(client: load.Client) -> str:
    """The text of the messages the server left in its cookie (taken out of the client's jar,
    as a browser's next page would show and drop them)."""
    # "<base64 of the JSON, '.' first when compressed>:<timestamp>:<signature>"
    data = client.cookies.pop("messages", "").strip('"').split(":", 1)[0]
    if not data:
        return ""
    encoded = data.removeprefix(".")
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        return (zlib.decompress(raw) if data.startswith(".") else raw).decode("utf-8", "replace")
    except (ValueError, zlib.error) as error:
        raise load.Refused(f"unreadable messages cookie {data[:40]!r}: {error}") from None


def _multipart(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    """The form as htmx posts it (hx-encoding multipart/form-data)."""
    boundary = f"----bench{uuid.uuid4().hex}"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields
    ]
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


def signed_in_session(user, secret_key: str) -> str:
    """A signed-in session of the user, encoded and hashed with the server's secret key (the
    caller deletes it at the end)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test.utils import override_settings

    with override_settings(SECRET_KEY=secret_key):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.set_expiry(SESSION_SECONDS)
        store.create()
        return store.session_key


class Load:
    """The HTTP targets: each load client signs in as one Party's NFP (a session made for the
    server's secret key) and works on that Party's report only."""

    def __init__(self, secret_key: str, clients: int):
        self.skipped = ""
        self.targets: list[load.Target] = []
        self._sessions: list[str] = []
        self._lock = threading.Lock()
        self._assigned: dict[int, tuple[Report, Draft]] = {}
        self._reports = reports()
        if clients > len(self._reports):
            self.skipped = (
                f"{clients} clients but {len(self._reports)} synthetic reporters: the reporting "
                "targets need one reporter per client (run with --clients "
                f"{len(self._reports)} or fewer)"
            )
            return
        self._reports = self._reports[:clients]
        self._sessions = [self._session(report, secret_key) for report in self._reports]
        self._drafts = [draft(report.submission, report.section) for report in self._reports]
        one = self._reports[0]
        self.targets = [
            load.Target(
                f"GET loop section as {clients} NFPs ({LOOP_QUESTIONS}×{TAXA} fields, HTML)",
                one.loop_path,
                HTML,
                "text/html",
                exchange=lambda client: self._page(client, "loop_path", LOOP_QUESTIONS * TAXA),
            ),
            load.Target(
                f"GET {SECTION_SIZE}-question section as {clients} NFPs (HTML)",
                one.section_path,
                HTML,
                "text/html",
                exchange=lambda client: self._page(client, "section_path", SECTION_SIZE),
            ),
            load.Target(
                f"autosave: POST {SECTION_SIZE}-question section (htmx), 1 field changed",
                f"POST {one.section_path}",
                "*/*",
                "text/html",
                exchange=self._autosave,
            ),
            load.Target(
                "submit: POST …/submit/ (then recall, not timed)",
                f"POST {one.action_path('submit')}",
                HTML,
                "text/html",
                exchange=self._submit,
            ),
        ]

    @staticmethod
    def _session(report: Report, secret_key: str) -> str:
        return signed_in_session(fresh_user(report), secret_key)

    def close(self) -> None:
        """Delete the sessions made for the run."""
        from django.contrib.sessions.models import Session

        Session.objects.filter(session_key__in=self._sessions).delete()
        self._sessions = []

    def _reporter(self, client: load.Client) -> tuple[Report, Draft]:
        with self._lock:
            found = self._assigned.get(id(client))
            if found is None:
                index = len(self._assigned)
                found = self._reports[index], self._drafts[index]
                self._assigned[id(client)] = found
                client.cookies["sessionid"] = self._sessions[index]
        return found

    def _page(self, client: load.Client, which: str, fields: int) -> tuple[float, int]:
        report, _draft = self._reporter(client)
        started = time.perf_counter()
        status, headers, body = client.send("GET", getattr(report, which), {"Accept": HTML})
        elapsed = time.perf_counter() - started
        content_type = headers.get("Content-Type", "")
        if status != 200 or not content_type.startswith("text/html"):
            raise load.Refused(f"HTTP {status} ({content_type or 'no Content-Type'})")
        shown = body.count(b"#present")
        if shown != fields:
            raise load.Refused(f"{shown} fields on the page, not {fields}")
        return elapsed, len(body)

    def _token(self, client: load.Client, report: Report) -> str:
        if "csrftoken" not in client.cookies:  # the form page sets it, as for a browser
            client.send("GET", report.section_path, {"Accept": HTML})
        token = client.cookies.get("csrftoken")
        if not token:
            raise load.Refused("the form page set no CSRF cookie")
        return token

    def _autosave(self, client: load.Client) -> tuple[float, int]:
        report, form = self._reporter(client)
        token = self._token(client, report)
        new = form.next_value()
        body, content_type = _multipart(form.form(token, new))
        headers = {"Accept": "*/*", "Content-Type": content_type, "HX-Request": "true"}
        started = time.perf_counter()
        status, _headers, answer = client.send("POST", report.section_path, headers, body)
        elapsed = time.perf_counter() - started
        if status != 200:
            raise load.Refused(f"autosave: HTTP {status}")
        form.saved(answer.decode("utf-8", "replace"), new)
        return elapsed, len(answer)

    def _post(self, client: load.Client, report: Report, action: str) -> tuple[float, str]:
        headers = {
            "Accept": HTML,
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": self._token(client, report),
        }
        started = time.perf_counter()
        status, answer_headers, _body = client.send(
            "POST", report.action_path(action), headers, b""
        )
        elapsed = time.perf_counter() - started
        location = answer_headers.get("Location", "")
        if status != 302 or not location.endswith(f"/reports/submissions/{report.submission}/"):
            raise load.Refused(f"{action}: HTTP {status} (Location {location or 'none'})")
        return elapsed, _messages(client)

    def _submit(self, client: load.Client) -> tuple[float, int]:
        report, _draft = self._reporter(client)
        elapsed, said = self._post(client, report, "submit")
        if "was submitted" not in said:
            raise load.Refused(f"submit: the report was not submitted ({said[:200]})")
        _seconds, said = self._post(client, report, "recall")
        if "was recalled" not in said:
            raise load.Refused(f"recall: the report was not recalled ({said[:200]})")
        return elapsed, 0


# -- the note ----------------------------------------------------------------------------------


def _times(peer: float | None, ours: float | None) -> str:
    if not peer or not ours:
        return "–"
    return f"{peer / ours:,.0f}×" if peer / ours >= 10 else f"{peer / ours:.1f}×"


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _p50(measurements, name_start: str):
    for m in measurements:
        if m.target.name.startswith(name_start) and m.requests:
            return m
    return None


def note(results: dict, measurements: list, floor, skipped: str = "") -> str:
    """The comparison with the peer's figures and the growth check, as Markdown."""
    r = results
    floor_p50 = floor.percentile(50) if floor and floor.requests else None
    submit_http = _p50(measurements, "submit:")
    autosave_http = _p50(measurements, "autosave:")
    list_statements = r["list_page_1"]["statements"] + r["list_page_2"]["statements"]
    list_ms = r["list_page_1"]["ms"] + r["list_page_2"]["ms"]
    rows = [
        (
            "save: `save_answers` of 100 answers, one call (100 updates, sections I–II)",
            r["save_100"],
            PEER["save"],
        ),
        (
            "save: `save_answers` of 100 answers into an empty report (100 inserts)",
            r["insert_100"],
            PEER["save"],
        ),
        (f"submit: `submit` of a full report ({FIELDS} answers)", r["submit_850"], PEER["submit"]),
        (
            f"list: `GET /api/submissions/?status=submitted` as the Secretariat, "
            f"{sum(r['list_rows'])} reports in 2 pages of 50",
            {"statements": list_statements, "ms": round(list_ms, 2)},
            PEER["list"],
        ),
    ]
    lines = [
        "### Reporting: statements and time beside the Ozone Secretariat's published figures",
        "",
        f"- In this process (CaptureQueriesContext), after one warm-up, median of "
        f"{r['repetitions']} runs: every statement Django sends, BEGIN and COMMIT included",
        "- The peer's figures are those the issue quotes; it does not say how they were measured",
        "",
        "| operation | our statements | peer's statements | fewer statements | our ms | "
        "peer's ms | faster |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for label, ours, peer in rows:
        lines.append(
            f"| {label} | {ours['statements']} | {peer['statements']:,} "
            f"| {_times(peer['statements'], ours['statements'])} | {ours['ms']:.1f} "
            f"| {_ms(peer['ms'])} "
            f"| {_times(peer['ms'], ours['ms'])} |"
        )
    lines.append(
        f"| a static file (the floor: p50 under the load test's clients) | – | – | – "
        f"| {'–' if floor_p50 is None else f'{floor_p50:.1f}'} | {PEER['static_ms']} | – |"
    )
    save_speed = PEER["save"]["ms"] / max(r["save_100"]["ms"], r["insert_100"]["ms"])
    submit_speed = PEER["submit"]["ms"] / r["submit_850"]["ms"]
    lines += [
        "",
        f"**Target (issue): at least {TARGET_SPEEDUP}× faster than the peer on save and submit. "
        f"Save {save_speed:.0f}× (the slower of update and insert), submit {submit_speed:.0f}×: "
        f"{'met' if min(save_speed, submit_speed) >= TARGET_SPEEDUP else 'NOT met'}.**",
        "",
        "Over HTTP, under the load test's concurrent clients (gunicorn, production settings; "
        "each client one NFP on its own report), p50 beside the peer's time:",
        "",
        "| request | p50 ms | p95 ms | peer's ms | faster (p50) | p50 in static files "
        "(ours / peer's) |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for label, measured, peer in [
        (f"submit a {FIELDS}-answer report (POST …/submit/)", submit_http, PEER["submit"]),
        (
            f"autosave a {SECTION_SIZE}-question section, 1 answer changed (not 100 rows)",
            autosave_http,
            PEER["save"],
        ),
    ]:
        if measured is None:
            lines.append(f"| {label} | – | – | {peer['ms']:.0f} | – | – |")
            continue
        p50, p95 = measured.percentile(50), measured.percentile(95)
        in_floors = (
            f"{p50 / floor_p50:,.0f} / {peer['ms'] / PEER['static_ms']:,.0f}" if floor_p50 else "–"
        )
        lines.append(
            f"| {label} | {p50:.0f} | {p95:.0f} | {peer['ms']:.0f} "
            f"| {_times(peer['ms'], p50)} | {in_floors} |"
        )
    if skipped:
        lines += ["", f"- HTTP targets skipped: {skipped}"]

    def count(key):
        return r[key]["statements"]

    growth = [
        (
            "form page of a 50-question section (GET, as the NFP)",
            ("form_50_of_100", "100-question template, no loop"),
            ("form_50_of_360", f"{QUESTIONS}-question template with its loop"),
        ),
        (
            "overview of the report (GET, as the NFP)",
            ("overview_100", "100 answers, no loop"),
            ("overview_360", f"{FIELDS} answers with the loop"),
        ),
        (
            "form page (GET, as the NFP)",
            ("form_50_of_360", "section I, 50 fields"),
            ("form_loop_500", f"the loop section, {LOOP_QUESTIONS * TAXA} fields"),
        ),
        (
            "`save_answers` (updates)",
            ("save_10", "10 answers"),
            ("save_100", "100 answers"),
        ),
        (
            "`submit`",
            ("submit_100", "100-answer report, no loop"),
            ("submit_850", f"{FIELDS}-answer report with the loop"),
        ),
        (
            "API list of submissions",
            ("list_nfp", f"the NFP's, {r['list_nfp_rows']} rows"),
            ("list_page_1", f"the Secretariat's, {r['list_rows'][0]} rows"),
        ),
    ]
    lines += [
        "",
        "Statements as the report grows (they must not grow with questions, answers or rows; a "
        "difference is listed by what the extra statements read or write):",
        "",
        "| what | smaller | larger | difference |",
        "|---|--:|--:|---|",
        *(
            f"| {what} | {count(small)} ({small_label}) | {count(large)} ({large_label}) "
            f"| {_extra(r[small], r[large]) or 'none'} |"
            for what, (small, small_label), (large, large_label) in growth
        ),
        "",
        f"- Cycle page as the Secretariat (`/reports/cycles/{CYCLE}/`, {len(PARTY_CODES)} "
        f"reports): {count('cycle_page')} statements, {r['cycle_page']['ms']:.0f} ms",
        f"- In-process, one request each: autosave {count('autosave')} statements "
        f"({r['autosave']['ms']:.0f} ms), submit page {count('submit_page')} statements "
        f"({r['submit_page']['ms']:.0f} ms), loop section page {count('form_loop_500')} "
        f"statements ({r['form_loop_500']['ms']:.0f} ms)",
    ]
    varied = [
        key
        for key, value in r.items()
        if isinstance(value, dict) and len(value.get("statements_seen", [])) > 1
    ]
    if varied:
        lines.append(
            "- Statement counts that varied between runs: "
            + ", ".join(f"{key} {r[key]['statements_seen']}" for key in varied)
        )
    lines += [
        "",
        "<details><summary>The statements of one save of 100 answers and of one submit</summary>",
        "",
        "```sql",
        *(f"-- save_answers, 100 answers: {sql}" for sql in r["save_100"]["sql"]),
        *(f"-- submit, {FIELDS} answers: {sql}" for sql in r["submit_850"]["sql"]),
        "```",
        "",
        "</details>",
    ]
    return "\n".join(lines)
