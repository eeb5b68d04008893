"""Generate a synthetic CMS Family of realistic size into a database of its own.

The real reference data (Parties, instruments, organisations) is loaded first; synthetic Parties,
an instrument, people and appointments with their history are added on top, a synthetic work
programme with its activity tree, progress updates and resource lines, a contributions ledger
of a million entries (bench/ledger.py), and national reports (bench/reporting.py). Everything
synthetic is marked: Person.is_demo / Appointment.is_demo, family names "Synthetic-<n>", notes
"synthetic", titles and descriptions "Synthetic ...", sources starting with "synthetic". The
result is deterministic (seeded) and is reused by later runs when it is complete; a database made
before the work programme, the ledger or the reports existed gets the missing part added.

    python -m bench.generate [--fresh]

The database is bench/out/bench.sqlite3, or BENCH_DATABASE_URL when set (its name must contain
"bench": the generator empties it when it is incomplete or --fresh is given).
"""

import argparse
import os
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
DEFAULT_SQLITE = OUT_DIR / "bench.sqlite3"

SEED = 20_251_123
VERSION = 1
MARKER = f"synthetic (bench/generate.py v{VERSION}, seed {SEED})"
# Dates are laid out around a fixed day, not today, so that every run generates the same Family.
ANCHOR = date(2026, 1, 1)

SYNTHETIC_PARTIES = 2
PEOPLE = 5_000
APPOINTMENTS = 20_000
BATCH = 2_000

PROGRAMME_CODE = "synthetic-programme"
# A programme of its own seed, so that adding it to an older database gives the same programme.
PROGRAMME_SEED = SEED + 1
AREAS = 40
SUB_ACTIVITIES = 49  # per area: 40 areas + 40 × 49 sub-activities = 2,000 activities
ACTIVITIES = AREAS * (1 + SUB_ACTIVITIES)
PROGRESS_UPDATES = 20_000
RESOURCE_LINES = 1_500

GIVEN_NAMES = [
    "Amina", "Bongani", "Carlos", "Dilnoza", "Elena", "Farid", "Grace", "Hiroshi", "Ines",
    "Jamal", "Kalinda", "Lars", "Mariam", "Nikolai", "Olusegun", "Priya", "Quentin", "Rosa",
    "Samir", "Tatiana", "Umar", "Valeria", "Wanjiru", "Xavier", "Yasmin", "Zoltan", "Aroha",
    "Benedikt", "Chiamaka", "Diego", "Esra", "Fatou", "Gustavo", "Hana", "Ivan", "Juliette",
    "Kwame", "Leila", "Mateo", "Nadia",
]  # fmt: skip
HONORIFICS = ["", "", "", "Dr", "Ms", "Mr", "Prof."]
POSITIONS = [
    "Director, Wildlife Department",
    "Head of Biodiversity Unit",
    "Senior Officer, Ministry of Environment",
    "Scientific Adviser",
    "Programme Manager",
    "Policy Officer",
    "Researcher, National Museum of Natural History",
    "Deputy Director, Protected Areas Authority",
]
LANGUAGES = [
    "English",
    "French",
    "Spanish",
    "English, French",
    "English, Spanish",
    "French, Spanish",
]
ACTIVITY_VERBS = [
    "Strengthen", "Review", "Develop", "Coordinate", "Assess", "Promote", "Support", "Monitor",
]  # fmt: skip
ACTIVITY_SUBJECTS = [
    "flyway site networks",
    "national reporting on migratory species",
    "capacity building for focal points",
    "bycatch mitigation in coastal fisheries",
    "ecological connectivity across range States",
    "illegal killing of migratory birds",
    "marine debris affecting migratory species",
    "synergies with biodiversity-related conventions",
    "resource mobilisation for Agreements and MOUs",
    "outreach to non-Party range States",
]
UPDATE_SENTENCES = [
    "A regional workshop was held and its report circulated to the range States.",
    "Guidelines were drafted and sent to the Scientific Council for comment.",
    "Funding for a second phase is being sought from voluntary contributions.",
    "Two range States joined the initiative during the period.",
    "Work was delayed by staff changes in the Secretariat.",
    "A questionnaire was sent to focal points; 34 replies were received.",
    "The task force met online three times.",
    "Data were compiled into the online reporting system.",
]
CURRENCIES = ["EUR", "EUR", "EUR", "USD", "USD", "CHF"]


@dataclass
class Lifecycle:
    """When an appointment was nominated, confirmed and ended: the steps its history records."""

    nominated_at: datetime
    confirmed_at: datetime | None = None
    ended_at: datetime | None = None
    end_reason: str = "ended"


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}"


def display_url(url: str) -> str:
    """The URL without a password, and the default SQLite file relative to the project."""
    import dj_database_url

    config = dj_database_url.parse(url)
    if config["ENGINE"].endswith("sqlite3"):
        path = Path(config["NAME"])
        shown = path.relative_to(PROJECT_DIR) if path.is_relative_to(PROJECT_DIR) else path
        return f"sqlite {shown}"
    host = config["HOST"] or "localhost"
    port = f":{config['PORT']}" if config["PORT"] else ""
    return f"postgresql {host}{port}/{config['NAME']}"


def _check_is_bench_database(url: str) -> None:
    import dj_database_url

    name = Path(str(dj_database_url.parse(url)["NAME"])).name
    if "bench" not in name.lower():
        raise SystemExit(
            f"Refusing to use database {name!r}: the benchmark empties its database, "
            "so its name must contain 'bench' (e.g. cmsfamily_bench)."
        )


def _ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database when the server has none of that name yet."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    params = {
        key: value
        for key, value in {
            "host": config["HOST"],
            "port": config["PORT"],
            "user": config["USER"],
            "password": config["PASSWORD"],
        }.items()
        if value
    }
    try:
        psycopg.connect(dbname=config["NAME"], **params).close()
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            raise
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def setup_django(url: str) -> None:
    """Point Django at the bench database. Must run before anything reads the settings."""
    _check_is_bench_database(url)
    if url.startswith(("postgres://", "postgresql://")):
        _ensure_postgres_database(url)
    OUT_DIR.mkdir(exist_ok=True)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    # The generator and the query counts run in this process with the development settings;
    # the measured server runs with the production settings (see bench.server).
    os.environ["DJANGO_ENV"] = "development"
    os.environ.pop("DJANGO_DEBUG", None)
    if str(PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(PROJECT_DIR))
    import django

    django.setup()


def _reset_database() -> None:
    from django.db import connection

    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    else:
        raise SystemExit(f"The benchmark supports SQLite and PostgreSQL, not {connection.vendor}.")


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def counts() -> dict[str, int]:
    from django.db.models import Q

    from bench import ledger, reporting
    from cmsfamily.directory.choices import AppointmentStatus, Role
    from cmsfamily.directory.models import Appointment, Instrument, Party, Person
    from cmsfamily.directory.selectors import FOCAL_POINT_ROLES

    # The reporting benchmark's Parties and NFPs (bench/reporting.py) are counted there.
    reporters = {"email__startswith": reporting.NFP_EMAIL_PREFIX}
    return {
        "parties": Party.objects.count(),
        "synthetic_parties": Party.objects.filter(note="synthetic", source=MARKER).count(),
        "instruments": Instrument.objects.count(),
        "synthetic_instruments": Instrument.objects.filter(source=MARKER).count(),
        "people": Person.objects.exclude(**reporters).count(),
        "appointments": Appointment.objects.exclude(
            **{f"person__{key}": value for key, value in reporters.items()}
        ).count(),
        "appointment_history": Appointment.history.count(),
        "current_focal_points": Appointment.objects.current()
        .filter(role__in=FOCAL_POINT_ROLES)
        .count(),
        "confirmed_nfps": Appointment.objects.filter(
            Q(role=Role.NFP) & Q(status=AppointmentStatus.CONFIRMED)
        ).count(),
        **programme_counts(),
        **ledger.counts(),
        **reporting.counts(),
    }


def programme_counts() -> dict[str, int]:
    from cmsfamily.workplans.models import Activity, ProgressUpdate, ResourceLine, WorkProgramme

    programme = WorkProgramme.objects.filter(code=PROGRAMME_CODE, source=MARKER)
    return {
        "synthetic_programmes": WorkProgramme.objects.filter(source=MARKER).count(),
        "programme_activities": Activity.objects.filter(programme__in=programme).count(),
        "programme_updates": ProgressUpdate.objects.filter(
            activity__programme__in=programme
        ).count(),
        "programme_resource_lines": ResourceLine.objects.filter(
            activity__programme__in=programme
        ).count(),
    }


def family_is_complete(found: dict[str, int]) -> bool:
    return (
        found["synthetic_parties"] == SYNTHETIC_PARTIES
        and found["synthetic_instruments"] == 1
        and found["people"] == PEOPLE
        and found["appointments"] == APPOINTMENTS
    )


def programme_is_complete(found: dict[str, int]) -> bool:
    return (
        found["synthetic_programmes"] == 1
        and found["programme_activities"] == ACTIVITIES
        and found["programme_updates"] == PROGRESS_UPDATES
        and found["programme_resource_lines"] == RESOURCE_LINES
    )


def is_complete(found: dict[str, int]) -> bool:
    from bench import ledger

    return family_is_complete(found) and programme_is_complete(found) and ledger.is_complete(found)


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high))


def _add_synthetic_parties_and_instrument(rng: random.Random):
    from cmsfamily.directory.choices import InstrumentKind, MembershipKind
    from cmsfamily.directory.models import Instrument, Membership, Party, Region

    regions = list(Region.objects.order_by("order"))
    convention = Instrument.objects.get(code="cms")
    for number in range(1, SYNTHETIC_PARTIES + 1):
        name = f"Synthetic Party {number}"
        party = Party.objects.create(
            code=f"X{chr(ord('A') + number - 1)}",  # ISO 3166 user-assigned: never a real country
            name_en=name,
            name_fr=name,
            name_es=name,
            region=regions[number % len(regions)],
            entry_into_force=date(2020, 1, 1) + timedelta(days=91 * number),
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
    instrument = Instrument.objects.create(
        code="synthetic-mou-1",
        name_en="Synthetic Instrument 1",
        name_fr="Synthetic Instrument 1",
        name_es="Synthetic Instrument 1",
        kind=InstrumentKind.MOU,
        in_effect=date(2021, 6, 1),
        secretariat_name="synthetic",
        taxa="synthetic",
        confidence="synthetic",
        source=MARKER,
    )
    for party in rng.sample(list(Party.objects.order_by("code")), 25):
        Membership.objects.create(
            party=party,
            instrument=instrument,
            kind=MembershipKind.SIGNATORY,
            start=instrument.in_effect + _days(rng, 0, 900),
            source=MARKER,
            note="synthetic",
        )


def _add_people(rng: random.Random, parties, partners, secretariats):
    """People in three pools: Partner NGO staff, secretariat staff, and people of each Party."""
    from simple_history.utils import bulk_create_with_history

    from cmsfamily.directory.models import Person

    people = []
    # The pool each person joins: "partner", "secretariat" or the id of the person's Party.
    owners: list[object] = []
    for number in range(1, PEOPLE + 1):
        index = number - 1
        if index < 15 * len(partners):
            organisation, owner = partners[index % len(partners)], "partner"
        elif index < 15 * len(partners) + 8 * len(secretariats):
            organisation, owner = secretariats[index % len(secretariats)], "secretariat"
        else:
            organisation, owner = None, parties[index % len(parties)].pk
        people.append(
            Person(
                honorific=rng.choice(HONORIFICS),
                given_name=rng.choice(GIVEN_NAMES),
                family_name=f"Synthetic-{number}",
                position=rng.choice(POSITIONS),
                organisation=organisation,
                email=f"synthetic-{number}@example.invalid",
                phone=f"+000 {number:07d}",
                languages=rng.choice(LANGUAGES),
                is_demo=True,
            )
        )
        owners.append(owner)
    people = bulk_create_with_history(
        people,
        Person,
        batch_size=BATCH,
        default_change_reason="synthetic",
        default_date=_at(ANCHOR - timedelta(days=400), 8),
    )
    pools: dict[object, list] = {}
    for person, owner in zip(people, owners, strict=True):
        pools.setdefault(owner, []).append(person)
    return pools


def _nfp_terms(rng: random.Random, party, people, make) -> None:
    """A Party's National Focal Points one after another; the last one confirmed, sometimes a nominee."""
    from cmsfamily.directory.choices import AppointmentStatus, Role

    begin = max(party.entry_into_force or date(1990, 1, 1), date(1985, 1, 1))
    span = (ANCHOR - begin).days
    terms = max(1, min(rng.randint(3, 8), span // 90))
    starts = [begin] + [
        begin + timedelta(days=cut) for cut in sorted(rng.sample(range(1, span), terms - 1))
    ]
    for number, start in enumerate(starts):
        last = number == len(starts) - 1
        if not last:
            make(
                Role.NFP,
                AppointmentStatus.ENDED,
                rng.choice(people),
                start,
                end=starts[number + 1] - timedelta(days=1),
                party=party,
                end_reason="replaced",
            )
        elif rng.random() < 0.95:
            make(Role.NFP, AppointmentStatus.CONFIRMED, rng.choice(people), start, party=party)
        else:  # a Party without a current NFP: the gap shows in the product
            end = max(start, ANCHOR - _days(rng, 30, 400))
            make(Role.NFP, AppointmentStatus.ENDED, rng.choice(people), start, end=end, party=party)
    if rng.random() < 0.15:
        make(
            Role.NFP,
            AppointmentStatus.NOMINATED,
            rng.choice(people),
            ANCHOR + _days(rng, -60, 60),
            party=party,
        )


def _add_appointments(rng: random.Random, parties, pools, secretariats) -> int:
    from cmsfamily.directory.choices import AppointmentStatus, InstrumentKind, Role
    from cmsfamily.directory.models import Appointment, Instrument

    history_model = Appointment.history.model
    mous = list(Instrument.objects.filter(kind=InstrumentKind.MOU).order_by("code"))
    agreements = list(Instrument.objects.filter(kind=InstrumentKind.AGREEMENT).order_by("code"))
    served = {
        organisation.pk: list(organisation.instruments_served.order_by("code"))
        for organisation in secretariats
    }
    planned: list[tuple[Appointment, Lifecycle]] = []

    def make(role, status, person, start, *, end=None, end_reason="ended", **holder):
        nominated_at = min(_at(start - _days(rng, 7, 90), 9), _at(ANCHOR, 9))
        lifecycle = Lifecycle(nominated_at=nominated_at, end_reason=end_reason)
        if status != AppointmentStatus.NOMINATED:
            lifecycle.confirmed_at = nominated_at + _days(rng, 1, 60) + timedelta(hours=5)
        if status == AppointmentStatus.ENDED:
            lifecycle.ended_at = _at(max(end, lifecycle.confirmed_at.date()), 16)
        appointment = Appointment(
            person=person,
            role=role,
            start=start,
            end=end,
            status=status,
            confirmed_at=lifecycle.confirmed_at,
            note="synthetic",
            is_demo=True,
            **holder,
        )
        planned.append((appointment, lifecycle))

    for party in parties:
        _nfp_terms(rng, party, pools[party.pk], make)

    other_roles = [
        (Role.ALTERNATE_NFP, 15),
        (Role.SCIENTIFIC_COUNCILLOR, 25),
        (Role.MOU_FOCAL_POINT, 20),
        (Role.AGREEMENT_FOCAL_POINT, 20),
        (Role.PARTNER_FOCAL_POINT, 10),
        (Role.SECRETARIAT_OFFICER, 10),
    ]
    statuses = [
        (AppointmentStatus.ENDED, 60),
        (AppointmentStatus.CONFIRMED, 28),
        (AppointmentStatus.NOMINATED, 12),
    ]
    remaining = APPOINTMENTS - len(planned)
    roles = rng.choices([r for r, _ in other_roles], [w for _, w in other_roles], k=remaining)
    for role in roles:
        status = rng.choices([s for s, _ in statuses], [w for _, w in statuses])[0]
        if role == Role.PARTNER_FOCAL_POINT:
            person = rng.choice(pools["partner"])
            holder = {"organisation": person.organisation}
        elif role == Role.SECRETARIAT_OFFICER:
            person = rng.choice(pools["secretariat"])
            holder = {
                "organisation": person.organisation,
                "instrument": rng.choice(served[person.organisation.pk]),
            }
        else:
            party = rng.choice(parties)
            person = rng.choice(pools[party.pk])
            holder = {"party": party}
            if role == Role.MOU_FOCAL_POINT:
                holder["instrument"] = rng.choice(mous)
            elif role == Role.AGREEMENT_FOCAL_POINT:
                holder["instrument"] = rng.choice(agreements)
        end = None
        if status == AppointmentStatus.ENDED:
            start = ANCHOR - _days(rng, 365, 30 * 365)
            end = max(start, min(start + _days(rng, 30, 8 * 365), ANCHOR - timedelta(days=1)))
        elif status == AppointmentStatus.CONFIRMED:
            start = ANCHOR - _days(rng, 0, 10 * 365)
            if rng.random() < 0.1:  # a fixed term that runs into the future
                end = ANCHOR + _days(rng, 180, 3 * 365)
        else:
            start = ANCHOR + _days(rng, -365, 90)
        make(role, status, person, start, end=end, **holder)

    appointments = Appointment.objects.bulk_create([a for a, _ in planned], batch_size=BATCH)
    rows = []
    for appointment, lifecycle in zip(appointments, (lc for _, lc in planned), strict=True):
        values = {f.attname: getattr(appointment, f.attname) for f in history_model.tracked_fields}
        values["document"] = appointment.document.name or ""
        steps = [
            (
                lifecycle.nominated_at,
                "+",
                "nominated",
                {"status": AppointmentStatus.NOMINATED, "end": None, "confirmed_at": None},
            )
        ]
        if lifecycle.confirmed_at:
            term_end = None if lifecycle.ended_at else appointment.end
            steps.append(
                (
                    lifecycle.confirmed_at,
                    "~",
                    "confirmed",
                    {"status": AppointmentStatus.CONFIRMED, "end": term_end},
                )
            )
        if lifecycle.ended_at:
            steps.append((lifecycle.ended_at, "~", lifecycle.end_reason, {}))
        for when, kind, reason, overrides in steps:
            rows.append(
                {
                    **values,
                    **overrides,
                    "history_date": when,
                    "history_type": kind,
                    "history_change_reason": reason,
                }
            )
    _insert_rows(history_model, rows)
    return len(rows)


def _insert_rows(model, rows: list[dict]) -> None:
    """INSERT plain rows without building model instances.

    The history is the bulk of the data (about 50,000 rows); bulk_create spends most of the
    generation time in per-value ORM work, executemany on prepared tuples takes a fraction of it.
    """
    from django.db import connection, models

    ops = connection.ops
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]

    def adapter(field):
        if isinstance(field, models.DateTimeField):
            return ops.adapt_datetimefield_value
        if isinstance(field, models.DateField):
            return ops.adapt_datefield_value
        return lambda value: str(value) if isinstance(value, str) else value

    adapters = [(field.attname, adapter(field)) for field in fields]
    statement = "INSERT INTO {} ({}) VALUES ({})".format(
        ops.quote_name(model._meta.db_table),
        ", ".join(ops.quote_name(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    params = [
        tuple(None if row.get(name) is None else adapt(row[name]) for name, adapt in adapters)
        for row in rows
    ]
    with connection.cursor() as cursor:
        for offset in range(0, len(params), BATCH):
            cursor.executemany(statement, params[offset : offset + BATCH])


def _add_programme() -> None:
    """The synthetic work programme: a numbered tree, its progress updates and resource lines."""
    from django.db import transaction

    from cmsfamily.directory.choices import OrganisationKind
    from cmsfamily.directory.models import Organisation
    from cmsfamily.workplans.choices import (
        ProgrammeKind,
        ProgrammeStatus,
        ResourceType,
        UpdateKind,
        UpdateStatus,
        UsedOrNeeded,
    )
    from cmsfamily.workplans.models import (
        Activity,
        ProgressUpdate,
        ResourceLine,
        WorkProgramme,
        sort_key_for,
    )

    rng = random.Random(PROGRAMME_SEED)
    leads = list(
        Organisation.objects.filter(
            kind__in=[OrganisationKind.PARTNER_NGO, OrganisationKind.SECRETARIAT]
        ).order_by("slug")
    )
    with transaction.atomic():
        programme = WorkProgramme.objects.create(
            code=PROGRAMME_CODE,
            title="Synthetic work programme (benchmark data)",
            kind=ProgrammeKind.COP_RESOLUTION,
            owner=Organisation.objects.filter(slug="cms-secretariat").first(),
            start=date(2020, 1, 1),
            end=date(2026, 12, 31),
            status=ProgrammeStatus.PUBLISHED,
            source=MARKER,
        )

        def activity(number: str, parent=None) -> Activity:
            start = date(2020, 1, 1) + _days(rng, 0, 3 * 365)
            subject = f"{rng.choice(ACTIVITY_VERBS)} {rng.choice(ACTIVITY_SUBJECTS)}"
            return Activity(
                programme=programme,
                number=number,
                sort_key=sort_key_for(number),
                parent=parent,
                title=f"Synthetic activity {number}: {subject}",
                description=f"Synthetic description of activity {number}. {subject}.",
                timeframe_text=f"{start.year}–{start.year + 2}" if rng.random() < 0.6 else "",
                start=start if rng.random() < 0.5 else None,
                end=start + _days(rng, 180, 3 * 365) if rng.random() < 0.5 else None,
                lead=rng.choice(leads) if rng.random() < 0.6 else None,
                source=MARKER,
            )

        areas = Activity.objects.bulk_create(
            [activity(str(area)) for area in range(1, AREAS + 1)], batch_size=BATCH
        )
        subs = Activity.objects.bulk_create(
            [
                activity(f"{area.number}.{sub}", parent=area)
                for area in areas
                for sub in range(1, SUB_ACTIVITIES + 1)
            ],
            batch_size=BATCH,
        )
        everything = areas + subs
        kinds = [UpdateKind.PROGRESS, UpdateKind.SHORT_TERM_PROGRESS, UpdateKind.MEDIUM_TERM_PLAN]
        statuses = list(UpdateStatus.values)
        updates = []
        for number in range(1, PROGRESS_UPDATES + 1):
            target = rng.choice(everything)
            kind = rng.choices(kinds, [50, 30, 20])[0]
            text = " ".join(rng.sample(UPDATE_SENTENCES, rng.randint(1, 4)))
            updates.append(
                ProgressUpdate(
                    activity=target,
                    kind=kind,
                    date=ANCHOR - _days(rng, 0, 6 * 365) if rng.random() < 0.9 else None,
                    text=f"Synthetic update {number} on activity {target.number}. {text}",
                    status=rng.choice(statuses),
                    source=MARKER,
                )
            )
        ProgressUpdate.objects.bulk_create(updates, batch_size=BATCH)
        lines = []
        for number in range(1, RESOURCE_LINES + 1):
            stated = rng.random() < 0.7  # the others state no amount: a gap, not zero
            lines.append(
                ResourceLine(
                    activity=rng.choice(subs),
                    description=f"Synthetic resource line {number}",
                    type=rng.choice(ResourceType.values),
                    used_or_needed=rng.choice(UsedOrNeeded.values),
                    amount=rng.randint(1, 400) * 1_000 if stated else None,
                    currency=rng.choice(CURRENCIES) if stated else None,
                    secured=rng.choice([True, False, None]),
                    budget_line=f"Synthetic budget line {rng.randint(1, 30)}",
                    source=MARKER,
                )
            )
        ResourceLine.objects.bulk_create(lines, batch_size=BATCH)


def _generate() -> None:
    from django.db import transaction

    from cmsfamily.directory.choices import OrganisationKind
    from cmsfamily.directory.models import Organisation, Party
    from cmsfamily.directory.reference import load_reference_data

    load_reference_data()
    rng = random.Random(SEED)
    with transaction.atomic():
        _add_synthetic_parties_and_instrument(rng)
        parties = list(Party.objects.select_related("region").order_by("code"))
        partners = list(
            Organisation.objects.filter(kind=OrganisationKind.PARTNER_NGO).order_by("slug")
        )
        secretariats = list(
            Organisation.objects.filter(
                kind=OrganisationKind.SECRETARIAT, instruments_served__isnull=False
            )
            .distinct()
            .order_by("slug")
        )
        pools = _add_people(rng, parties, partners, secretariats)
        _add_appointments(rng, parties, pools, secretariats)
    _add_programme()


def prepare(*, fresh: bool = False) -> dict:
    """Make sure the bench database holds the complete generated Family. Call setup_django first."""
    from bench import ledger, reporting

    started = time.perf_counter()
    if fresh:
        _reset_database()
    _migrate()
    found = counts()
    how = "reused"
    ledger_seconds = None
    programme_usable = programme_is_complete(found) or not found["synthetic_programmes"]
    ledger_usable = ledger.is_complete(found) or not found["contributions"]
    if family_is_complete(found) and programme_usable and ledger_usable:
        # A database generated before the work programme or the ledger was part of the data:
        # add what is missing only.
        added = []
        if not found["synthetic_programmes"]:
            _add_programme()
            added.append("work programme")
        if not found["contributions"]:
            ledger_seconds = ledger.add()
            added.append("ledger")
        if added:
            how = f"reused, {' and '.join(added)} added"
    else:
        if (
            found["parties"]
            or found["people"]
            or found["synthetic_programmes"]
            or found["contributions"]
        ):
            _reset_database()
            _migrate()
        _generate()
        ledger_seconds = ledger.add()
        how = "generated"
    if how != "reused":
        found = counts()
        if not is_complete(found):
            raise SystemExit(f"Generation finished but the database is incomplete: {found}")
    reporting_seconds = reporting.prepare(found)
    if reporting_seconds is not None:
        how = "generated" if how == "generated" else f"{how}, reporting data added"
        found = counts()
        if not reporting.is_complete(found):
            raise SystemExit(f"The reporting data is incomplete after generation: {found}")
    return {
        "database": display_url(database_url()),
        "reused": how == "reused",
        "how": how,
        "seconds": round(time.perf_counter() - started, 2),
        "ledger_seconds": None if ledger_seconds is None else round(ledger_seconds, 1),
        "reporting_seconds": None if reporting_seconds is None else round(reporting_seconds, 1),
        "seed": SEED,
        "version": VERSION,
        "counts": found,
    }


def describe(result: dict) -> str:
    from bench import ledger, reporting

    found = result["counts"]
    return (
        f"{result['database']}: {result['how']} in {result['seconds']:.1f} s — "
        f"{found['parties']} Parties ({found['synthetic_parties']} synthetic), "
        f"{found['instruments']} instruments ({found['synthetic_instruments']} synthetic), "
        f"{found['people']:,} people, {found['appointments']:,} appointments "
        f"({found['appointment_history']:,} history rows, "
        f"{found['current_focal_points']:,} current focal points, "
        f"{found['confirmed_nfps']} confirmed NFPs); work programme {PROGRAMME_CODE}: "
        f"{found['programme_activities']:,} activities, "
        f"{found['programme_updates']:,} progress updates, "
        f"{found['programme_resource_lines']:,} resource lines; {ledger.describe(found)}"
        + (
            f" (the ledger generated in {result['ledger_seconds']:.0f} s)"
            if result.get("ledger_seconds")
            else ""
        )
        + f"; {reporting.describe(found)}"
        + (
            f" (generated in {result['reporting_seconds']:.0f} s)"
            if result.get("reporting_seconds")
            else ""
        )
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh", action="store_true", help="discard the database and generate")
    args = parser.parse_args(argv)
    setup_django(database_url())
    print(describe(prepare(fresh=args.fresh)))


if __name__ == "__main__":
    main()
