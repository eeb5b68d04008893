"""A synthetic contributions ledger (issue 7's benchmark), and what is measured on it.

1,000,000 contributions dated 2006-01-01 to 2025-12-31 (in entry order, so ids follow dates),
given by the real Partner organisations (45 %, a few of them giving most) and by every Party
(55 %), of every kind, about a third to a target of the Strategic Plan for Migratory Species (the
plan is loaded with cmsfamily.strategy.reference), a quarter to an instrument. 92 % of the entries
are validated; every 100th entry is a correction of an earlier validated one (about 10,000), so
that the totals have replaced entries to leave out. Each is valued as the ledger values it: money
and in-kind as stated (USD, or EUR at one synthetic rate of 1.10 USD), staff time, meeting
attendance and hosting as quantity × the valuation rule in force at its date: seed 003's rules
from 2019, synthetic rules before 2019 and for hosting. Everything synthetic is marked: texts
start with "Synthetic", sources are generate.MARKER, fingerprints "synthetic-<n>", and the
Secretariat user who validated the entries is bench-secretariat@example.invalid (a superuser,
is_demo). No history rows are written for the entries. Rows are inserted without the ORM
(executemany on SQLite, COPY on PostgreSQL): building a million model instances would take far
longer than the data takes to write.

Measured on it, in the benchmark's own process and the same run: `selectors.totals()` by kind ×
year × target beside a hand-written SQL statement of the same aggregate (and the SQL Django sends,
run through the cursor), and the query count of the Partner page for the Partners with the most and
the fewest entries.
"""

import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache

from bench import cpu
from bench.generate import MARKER, SEED

LEDGER_SEED = SEED + 2
CONTRIBUTIONS = 1_000_000
FIRST_DAY = date(2006, 1, 1)
LAST_DAY = date(2025, 12, 31)
CORRECTION_EVERY = 100
INSERT_BATCH = 10_000
CENT = Decimal("0.01")
# Synthetic: one euro is worth 1.10 US dollars for the whole period.
EUR_RATE = Decimal("1.10")
SECRETARIAT_EMAIL = "bench-secretariat@example.invalid"
SEED_RULES_FROM = date(2019, 1, 1)  # cmsfamily.contributions.reference.SEED_YEAR_START
# (kind, US dollars per day, valid from, valid to): before seed 003's rules, and for hosting.
SYNTHETIC_RULES = [
    ("staff_time", Decimal("250.00"), FIRST_DAY, SEED_RULES_FROM - timedelta(days=1)),
    ("meeting_attendance", Decimal("300.00"), FIRST_DAY, SEED_RULES_FROM - timedelta(days=1)),
    ("hosting", Decimal("1500.00"), FIRST_DAY, None),
]
KINDS = ["money", "in_kind", "staff_time", "meeting_attendance", "hosting"]
KIND_WEIGHTS = [20, 15, 30, 25, 10]
STATUSES = ["pledged", "received", "spent"]
STATUS_WEIGHTS = [20, 50, 30]
COLUMNS = (
    "id", "created", "modified", "contributor_organisation_id", "contributor_party_id",
    "instrument_id", "activity_id", "target_id", "kind", "description", "amount", "currency",
    "days", "people", "meetings", "start", "end", "status", "evidence_url", "evidence", "publish",
    "quantity", "rule_id", "value", "value_currency", "base_value", "base_rate_id",
    "corrects_id", "entered_by_id", "validated_by_id", "validated_at", "fingerprint",
)  # fmt: skip

# What is measured: issue 7's totals, in US dollars, on the last day of the ledger.
BY = ("kind", "year", "target")
ON = LAST_DAY
REPETITIONS = 5
TARGET_RATIO = 1.5
RAW_SQL = {
    "sqlite": """SELECT c.kind,
       CAST(strftime('%Y', c.start) AS INTEGER) AS year,
       p.code,
       t.number,
       SUM(c.base_value) AS total
FROM contributions_contribution AS c
LEFT JOIN strategy_target AS t ON t.id = c.target_id
LEFT JOIN strategy_strategicplan AS p ON p.id = t.plan_id
WHERE c.validated_at IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM contributions_contribution AS r
                  WHERE r.corrects_id = c.id AND r.validated_at IS NOT NULL)
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4""",
    "postgresql": """SELECT c.kind,
       EXTRACT(YEAR FROM c.start)::integer AS year,
       p.code,
       t.number,
       SUM(c.base_value) AS total
FROM contributions_contribution AS c
LEFT JOIN strategy_target AS t ON t.id = c.target_id
LEFT JOIN strategy_strategicplan AS p ON p.id = t.plan_id
WHERE c.validated_at IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM contributions_contribution AS r
                  WHERE r.corrects_id = c.id AND r.validated_at IS NOT NULL)
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4""",
}


# -- completeness ------------------------------------------------------------------------------


def counts() -> dict[str, int]:
    from cmsfamily.contributions.models import Contribution, ValuationRule
    from cmsfamily.strategy.models import Target

    return {
        "contributions": Contribution.objects.count(),
        "validated_contributions": Contribution.objects.filter(validated_at__isnull=False).count(),
        "corrections": Contribution.objects.filter(corrects__isnull=False).count(),
        "synthetic_valuation_rules": ValuationRule.objects.filter(source=MARKER).count(),
        "strategy_targets": Target.objects.count(),
    }


def is_complete(found: dict[str, int]) -> bool:
    return (
        found["contributions"] == CONTRIBUTIONS
        and found["synthetic_valuation_rules"] == len(SYNTHETIC_RULES)
        and found["strategy_targets"] > 0
    )


def describe(found: dict[str, int]) -> str:
    return (
        f"ledger: {found['contributions']:,} contributions "
        f"({found['validated_contributions']:,} validated, {found['corrections']:,} corrections), "
        f"{found['strategy_targets']} Strategic Plan targets"
    )


# -- generation --------------------------------------------------------------------------------


def secretariat_user():
    """A superuser: the directory's scope treats it as the CMS Secretariat, which sees all."""
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        email=SECRETARIAT_EMAIL,
        defaults={
            "full_name": "Synthetic benchmark Secretariat",
            "is_superuser": True,
            "is_staff": True,
            "is_demo": True,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _rules() -> dict[str, list]:
    """Seed 003's rules (from 2019) and the synthetic ones before them: {kind: [rule, ...]}."""
    from cmsfamily.contributions.models import ValuationRule
    from cmsfamily.contributions.reference import SEED_YEAR_START, load_seed_rules

    assert SEED_YEAR_START == SEED_RULES_FROM
    load_seed_rules()
    for kind, value, valid_from, valid_to in SYNTHETIC_RULES:
        ValuationRule.objects.get_or_create(
            kind=kind,
            valid_from=valid_from,
            source=MARKER,
            defaults={"value": value, "currency": "USD", "unit": "day", "valid_to": valid_to},
        )
    rules: dict[str, list] = {}
    for rule in ValuationRule.objects.order_by("kind", "valid_from"):
        rules.setdefault(rule.kind, []).append(rule)
    return rules


def _rule_in_force(rules: list, on: date):
    for rule in rules:
        if rule.valid_from <= on and (rule.valid_to is None or on <= rule.valid_to):
            return rule
    raise RuntimeError(f"no valuation rule of {rules[0].kind} on {on}")


def _eur_rate(user):
    from cmsfamily.core.models import ExchangeRate

    rate, _ = ExchangeRate.objects.get_or_create(
        currency="EUR",
        quote="USD",
        valid_from=FIRST_DAY,
        defaults={"rate": EUR_RATE, "source": MARKER, "entered_by": user},
    )
    if rate.rate != EUR_RATE:
        raise RuntimeError(f"the bench database holds another EUR rate on {FIRST_DAY}: {rate}")
    return rate


def _check_columns() -> None:
    """A column added to the model fails here, by name, rather than as an SQL error."""
    from cmsfamily.contributions.models import Contribution

    columns = {field.column for field in Contribution._meta.concrete_fields}
    if columns != set(COLUMNS):
        raise RuntimeError(
            "bench/ledger.py writes the columns of contributions_contribution itself; "
            f"missing: {sorted(columns - set(COLUMNS))}, unknown: {sorted(set(COLUMNS) - columns)}"
        )


def _rows(rng: random.Random, *, organisations, parties, instruments, targets, rules, eur, user):
    """The ledger's rows, in COLUMNS order, as the database takes them."""
    from django.db import connection

    ops = connection.ops

    @cache
    def day(value: date):
        return ops.adapt_datefield_value(value)

    @cache
    def moment(value: date, hour: int):
        return ops.adapt_datetimefield_value(
            datetime(value.year, value.month, value.day, hour, tzinfo=UTC)
        )

    @cache
    def rule_for(kind: str, on: date):
        return _rule_in_force(rules[kind], on)

    # A few Partners give most (Zipf-like weights), as in any real ledger.
    organisation_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(organisations))]
    span = (LAST_DAY - FIRST_DAY).days + 1
    candidates: list[tuple] = []  # recent validated entries that no correction replaces yet

    def valued(kind: str, start: date) -> tuple:
        """(amount, currency, days, people, meetings, quantity, rule, value, value currency,
        base value, base rate), as services.value_contribution computes them."""
        if kind in ("money", "in_kind"):
            cents = rng.randint(50_000, 25_000_000 if kind == "money" else 5_000_000)
            amount = Decimal(cents).scaleb(-2)
            if rng.random() < 0.3:
                base = (amount * EUR_RATE).quantize(CENT, rounding=ROUND_HALF_EVEN)
                return amount, "EUR", None, None, None, None, None, amount, "EUR", base, eur.pk
            return amount, "USD", None, None, None, None, None, amount, "USD", amount, None
        people = meetings = None
        if kind == "meeting_attendance":
            people, meetings, days = (
                rng.randint(1, 4),
                rng.randint(1, 3),
                Decimal(rng.randint(1, 5)),
            )
            quantity = people * meetings * days
        elif kind == "staff_time":
            days = quantity = Decimal(rng.randint(1, 120)) / 2
        else:
            days = quantity = Decimal(rng.randint(1, 5))
        rule = rule_for(kind, start)
        value = (quantity * rule.value).quantize(CENT)
        return None, "", days, people, meetings, quantity, rule.pk, value, "USD", value, None

    for number in range(1, CONTRIBUTIONS + 1):
        corrects = None
        if number % CORRECTION_EVERY == 0 and candidates:
            original = candidates.pop(rng.randrange(len(candidates)))
            corrects, organisation, party, instrument, target, kind, start, status, publish = (
                original
            )
            description = f"Synthetic correction of contribution {corrects}"
        else:
            start = FIRST_DAY + timedelta(days=(number - 1) * span // CONTRIBUTIONS)
            if rng.random() < 0.45:
                organisation = rng.choices(organisations, organisation_weights)[0]
                party = None
            else:
                organisation, party = None, rng.choice(parties)
            instrument = rng.choice(instruments) if rng.random() < 0.25 else None
            target = rng.choice(targets) if rng.random() < 1 / 3 else None
            kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
            status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
            publish = rng.random() < 0.75
            description = f"Synthetic contribution {number}"
        entered = start + timedelta(days=rng.randint(1, 30))
        validated = rng.random() < 0.92
        validated_at = (
            moment(entered + timedelta(days=rng.randint(1, 90)), 10) if validated else None
        )
        end = start + timedelta(days=rng.randint(0, 90)) if rng.random() < 0.5 else None
        created = moment(entered, 9)
        (
            amount,
            currency,
            days,
            people,
            meetings,
            quantity,
            rule,
            value,
            value_currency,
            base,
            rate,
        ) = valued(kind, start)
        yield (
            number,
            created,
            validated_at or created,
            organisation,
            party,
            instrument,
            None,  # activity: left empty, so the work programme's funding gap stays as it was
            target,
            kind,
            description,
            amount,
            currency,
            days,
            people,
            meetings,
            day(start),
            None if end is None else day(end),
            status,
            "",  # evidence_url
            "",  # evidence
            publish,
            quantity,
            rule,
            value,
            value_currency,
            base,
            rate,
            corrects,
            None,  # entered_by
            user.pk if validated else None,
            validated_at,
            f"synthetic-{number:07d}",
        )
        if validated and corrects is None:
            candidates.append(
                (number, organisation, party, instrument, target, kind, start, status, publish)
            )
            if len(candidates) > 2_000:
                del candidates[:1_000]


def _chunks(rows, size: int):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert(rows) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    from cmsfamily.contributions.models import Contribution

    quote = connection.ops.quote_name
    table = quote(Contribution._meta.db_table)
    columns = ", ".join(quote(column) for column in COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            # The ids were given: move the identity sequence past them.
            for statement in connection.ops.sequence_reset_sql(no_style(), [Contribution]):
                cursor.execute(statement)
            # Statistics for the planner, as autovacuum would gather them after a while. Not on
            # SQLite: Django never runs ANALYZE there, and with statistics SQLite 3.40 scans the
            # whole ledger by its (kind, start) index for a Partner's totals (3× slower).
            cursor.execute(f"ANALYZE {table}")
        else:  # SQLite's AUTOINCREMENT follows the largest id inserted by itself
            statement = (
                f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
            )
            for chunk in _chunks(rows, INSERT_BATCH):
                cursor.executemany(statement, chunk)


def add() -> float:
    """Write the ledger into a database holding the synthetic Family; returns the seconds taken."""
    from django.db import transaction

    from cmsfamily.directory.choices import OrganisationKind
    from cmsfamily.directory.models import Instrument, Organisation, Party
    from cmsfamily.strategy.models import Target
    from cmsfamily.strategy.reference import load_strategy_data

    started = time.perf_counter()
    print(f"  generating the ledger: {CONTRIBUTIONS:,} contributions ...", flush=True)
    _check_columns()
    load_strategy_data()
    rng = random.Random(LEDGER_SEED)
    with transaction.atomic():
        user = secretariat_user()
        _insert(
            _rows(
                rng,
                organisations=list(
                    Organisation.objects.filter(kind=OrganisationKind.PARTNER_NGO)
                    .order_by("slug")
                    .values_list("pk", flat=True)
                ),
                parties=list(Party.objects.order_by("code").values_list("pk", flat=True)),
                instruments=list(Instrument.objects.order_by("code").values_list("pk", flat=True)),
                targets=list(
                    Target.objects.order_by("plan", "number").values_list("pk", flat=True)
                ),
                rules=_rules(),
                eur=_eur_rate(user),
                user=user,
            )
        )
    return time.perf_counter() - started


# -- measurement -------------------------------------------------------------------------------


def _captured(call):
    """call()'s result and the statements it sent: [(sql, params), ...]."""
    from django.db import connection

    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        result = call()
    return result, statements


def _fetch(sql: str, params=None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        if params is None:
            cursor.execute(sql)
        else:
            cursor.execute(sql, params)
        return cursor.fetchall()


def _cents(value) -> Decimal | None:
    # SQLite sums the decimal column as a float; PostgreSQL as an exact numeric.
    return None if value is None else Decimal(str(value)).quantize(CENT)


def _plan(sql: str, params=None) -> str:
    """EXPLAIN QUERY PLAN on SQLite; EXPLAIN ANALYZE (one more run) on PostgreSQL."""
    from django.db import connection

    if connection.vendor == "sqlite":
        rows = _fetch(f"EXPLAIN QUERY PLAN {sql}", params)
        depth = {0: -1}
        lines = []
        for node, parent, _unused, detail in rows:
            depth[node] = depth.get(parent, -1) + 1
            lines.append(f"{'  ' * depth[node]}{detail}")
        return "\n".join(lines)
    return "\n".join(row[0] for row in _fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params))


def measure_totals(repetitions: int = REPETITIONS) -> dict:
    """`selectors.totals()` by kind × year × target beside the hand-written SQL of the same
    aggregate, and the SQL the ORM sends run through the cursor: the medians of `repetitions`
    interleaved runs each (after one run each that warms the caches and checks the rows)."""
    from django.db import connection

    from cmsfamily.contributions import selectors

    user = secretariat_user()
    raw_sql = RAW_SQL[connection.vendor]

    def orm():
        user.__dict__.pop("_cms_scope", None)  # worked out again on each call, as in a request
        return selectors.totals(user, by=BY, currency="USD", on=ON)

    result, statements = _captured(orm)
    if result.error:
        raise RuntimeError(f"totals() failed: {result.error}")
    aggregates = [(sql, params) for sql, params in statements if "SUM(" in sql.upper()]
    if len(aggregates) != 1:
        raise RuntimeError(f"expected one aggregate statement from totals(), got {statements}")
    django_sql, django_params = aggregates[0]

    ours = [
        (
            row["kind"],
            row["year"],
            row["target__plan__code"],
            row["target__number"],
            # On SQLite the sum is a float: totals() hands on its float error (…463.149997).
            _cents(row["total_usd"]),
        )
        for row in result.rows
    ]
    checks = {}
    for name, rows in (
        ("raw SQL", _fetch(raw_sql)),
        ("Django's SQL", _fetch(django_sql, django_params)),
    ):
        theirs = [
            (kind, int(year), code, number, _cents(total))
            for kind, year, code, number, total in rows
        ]
        if len(theirs) != len(ours):
            raise RuntimeError(f"totals() gave {len(ours)} rows, the {name} {len(theirs)}")
        differ = [
            (a, b) for a, b in zip(ours, theirs, strict=True) if a[:4] != b[:4] or a[4] != b[4]
        ]
        if differ:
            raise RuntimeError(
                f"totals() and the {name} differ in {len(differ)} rows: {differ[:3]}"
            )
        checks[name] = sum(row[4] for row in theirs)

    runs = {
        "totals()": orm,
        "raw SQL": lambda: _fetch(raw_sql),
        "Django's SQL (cursor)": lambda: _fetch(django_sql, django_params),
    }
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    watch = cpu.CpuWatch(-1, postgresql=connection.vendor == "postgresql")  # no server here
    for _ in range(repetitions):
        for name, call in runs.items():
            started = time.perf_counter()
            call()
            seconds[name].append(time.perf_counter() - started)
    use = watch.use()
    medians = {name: statistics.median(values) * 1000 for name, values in seconds.items()}
    largest = sorted(ours, key=lambda row: row[4], reverse=True)[:3]
    return {
        "by": list(BY),
        "currency": "USD",
        "on": ON.isoformat(),
        "repetitions": repetitions,
        "rows": len(ours),
        "grand_total_usd": str(sum(row[4] for row in ours)),
        "checked_against": {name: str(total) for name, total in checks.items()},
        "largest_rows": [[str(value) for value in row] for row in largest],
        "ms": {name: [round(s * 1000, 1) for s in values] for name, values in seconds.items()},
        "median_ms": {name: round(value, 1) for name, value in medians.items()},
        "ratio": round(medians["totals()"] / medians["raw SQL"], 2),
        "target_ratio": TARGET_RATIO,
        # CPUs used during the timing by this process, PostgreSQL (if used) and everything else.
        "cpu_use": None
        if use is None
        else {
            "this_process": round(use.load_generator, 2),
            "postgresql": round(use.database, 2),
            "other": round(use.other, 2),
            "cpus": use.cpus,
        },
        "raw_sql": raw_sql,
        "django_sql": result_query_text(django_sql, django_params),
        "plans": {"raw SQL": _plan(raw_sql), "Django's SQL": _plan(django_sql, django_params)},
    }


def result_query_text(sql: str, params) -> str:
    """The statement with its parameters in place, for reading (as str(queryset.query) does)."""
    return sql % tuple(repr(param) for param in params or ())


# -- the Partner page --------------------------------------------------------------------------


def partner_path(slug: str) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("contributions:organisation", args=[slug])
    except NoReverseMatch:
        return f"/contributions/organisations/{slug}/"


def partners() -> list[tuple[str, int]]:
    """(slug, entries) of the Partners with the most and with the fewest entries in the ledger."""
    from django.db.models import Count

    from cmsfamily.contributions.models import Contribution
    from cmsfamily.directory.choices import OrganisationKind

    rows = list(
        Contribution.objects.filter(contributor_organisation__kind=OrganisationKind.PARTNER_NGO)
        .values_list("contributor_organisation__slug")
        .annotate(entries=Count("pk"))
        .order_by("-entries", "contributor_organisation__slug")
    )
    return [rows[0], rows[-1]] if rows else []


def measure_partner_pages(found: list[tuple[str, int]]) -> dict:
    """Queries of one request to the Partner page, anonymous and as the Secretariat, for the
    Partners with the most and the fewest entries: the same count for both if it is constant."""
    from django.db import connection
    from django.test import Client

    from bench.queries import Statements

    pages = []
    for who in ("anonymous", "CMS Secretariat"):
        client = Client()
        if who != "anonymous":
            client.force_login(secretariat_user())
        for slug, entries in found:
            path = partner_path(slug)
            client.get(path)
            statements = Statements()
            with connection.execute_wrapper(statements):
                response = client.get(path)
            if response.status_code == 404:
                return {"skipped": f"GET {path} answered 404: the Partner page is not there yet"}
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} ({who}) answered {response.status_code}")
            pages.append({"who": who, "path": path, "entries": entries, **statements.as_dict()})
        client.logout()  # no session left behind in the bench database
    queries: dict[str, set[int]] = {}
    for page in pages:
        queries.setdefault(page["who"], set()).add(page["queries"])
    return {"pages": pages, "constant": all(len(seen) == 1 for seen in queries.values())}


def partner_target(slug: str):
    """The Partner page as a load target (anonymous GET), or None with a note if it 404s."""
    from django.test import Client

    from bench.load import Target

    path = partner_path(slug)
    status = Client().get(path).status_code
    if status == 404:
        print(f"  skipping GET {path}: it answers 404 (the Partner page is not there yet)")
        return None
    html = "text/html,application/xhtml+xml"
    return Target(f"GET {path} (HTML, Partner page)", path, html, "text/html")
