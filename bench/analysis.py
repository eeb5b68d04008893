"""The analysis benchmarks (issue 17), on the Family of bench/family.py (full size: 6 cycles of the
national report for every Party, the Agreements' and the Partners' reports, about 2 million
answers), on PostgreSQL:

1. the per-target rollup (`analytics.targets.rollups`, as the Secretariat: reports counted,
   expected and answering per target) and the gap matrix (`analytics.gaps.build` over the 18
   cycles of the Family, as the Secretariat), each beside the hand-written SQL of the same
   aggregate, in the same run: one run each that checks both give the same figures, then
   REPETITIONS interleaved runs, the medians and their ratio (the target: at most TARGET_RATIO);
2. the statements of the analyzer (one question across the cycles), a target's page and the gap
   matrix, in-process as an anonymous visitor, at the small size, at the full size and at the
   full size with two Parties' reports in three not counted (rolled back after): the counts
   must not grow with the cycles and reporters;
3. the analyzer page for one question across the 6 cycles under CLIENTS concurrent clients
   (anonymous, published versions only), p50 and p95 beside a static file from the same server.

    python -m bench.analysis [--repetitions N] [--requests N] [--clients N]
    python -m bench analysis        # the same, from the bench's entry point

The database is the bench's (BENCH_DATABASE_URL, or the SQLite file; the SQL beside the selectors
is PostgreSQL's, so on SQLite only the statements and the load are measured). Results are written
to bench/out/analysis.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from collections import Counter

from bench import family, generate, ledger, load, server

REPETITIONS = 5
TARGET_RATIO = 1.5
CLIENTS = 20
REQUESTS = 200
WARMUP = 20
TIME_LIMIT = 180.0
HTML = "text/html,application/xhtml+xml"
RANK = {"implementation": 1, "none": 2, "not_applicable": 3, "unset": 4, "missing": None}

# Per target of the plan: the reports expected and counted in the cycles asking one of its tagged
# questions, and those answering one (the Secretariat counts accepted and published reports: the
# latest version of each). The version's answers are read once (the keys of its content).
ROLLUP_SQL = """
WITH tags AS (
    SELECT t.number, q.code
    FROM reporting_question_targets qt
    JOIN reporting_question q ON q.id = qt.question_id
    JOIN strategy_target t ON t.id = qt.target_id
    JOIN strategy_strategicplan pl ON pl.id = t.plan_id
    WHERE pl.code = %(plan)s
), target_cycles AS (
    SELECT DISTINCT tags.number, c.id AS cycle_id
    FROM reporting_cycle c
    JOIN reporting_section s ON s.version_id = c.version_id
    JOIN reporting_item i ON i.section_id = s.id
    JOIN reporting_question q ON q.id = i.question_id
    JOIN tags ON tags.code = q.code
), counted AS MATERIALIZED (
    SELECT DISTINCT ON (v.submission_id)
        v.submission_id, ARRAY(SELECT jsonb_object_keys(v.snapshot -> 'answers')) AS codes
    FROM reporting_submissionversion v
    JOIN reporting_submission s ON s.id = v.submission_id
    WHERE s.status IN ('accepted', 'published')
      AND s.cycle_id IN (SELECT cycle_id FROM target_cycles)
    ORDER BY v.submission_id, v.number DESC
)
SELECT tc.number, count(*) AS expected, count(c.submission_id) AS counted,
    count(c.submission_id) FILTER (
        WHERE c.codes && ARRAY(SELECT code::text FROM tags WHERE tags.number = tc.number)
    ) AS answering
FROM target_cycles tc
JOIN reporting_submission s ON s.cycle_id = tc.cycle_id
LEFT JOIN counted c ON c.submission_id = s.id
GROUP BY tc.number
ORDER BY tc.number
"""

# Per target × reporter (the matrix's column: the Party, the template's instrument, the Partner):
# the newest counted report of the chosen cycles, and in it the strongest meaning of the options
# answered to the target's tagged choice questions (1 implementation, 2 none, 3 not applicable,
# 4 meaning not set; NULL: nothing answered).
GAPS_SQL = """
WITH chosen AS (
    SELECT c.id, c.deadline, tpl.reporter_kind, ins.code AS instrument
    FROM reporting_cycle c
    JOIN reporting_templateversion tv ON tv.id = c.version_id
    JOIN reporting_template tpl ON tpl.id = tv.template_id
    JOIN directory_instrument ins ON ins.id = tpl.instrument_id
    WHERE c.slug = ANY(%(cycles)s)
), counted AS (
    SELECT DISTINCT ON (v.submission_id)
        v.submission_id, v.id AS version_id, s.cycle_id, ch.deadline,
        CASE ch.reporter_kind
            WHEN 'party' THEN 'party:' || p.code
            WHEN 'agreement' THEN 'instrument:' || ch.instrument
            ELSE 'partner:' || o.slug
        END AS column_key,
        coalesce(o.short_name, '') AS organisation
    FROM reporting_submissionversion v
    JOIN reporting_submission s ON s.id = v.submission_id
    JOIN chosen ch ON ch.id = s.cycle_id
    LEFT JOIN directory_party p ON p.id = s.party_id
    LEFT JOIN directory_organisation o ON o.id = s.organisation_id
    WHERE s.status IN ('accepted', 'published')
    ORDER BY v.submission_id, v.number DESC
), newest AS MATERIALIZED (
    SELECT DISTINCT ON (n.column_key) n.column_key, v.snapshot -> 'answers' AS answers
    FROM counted n
    JOIN reporting_submissionversion v ON v.id = n.version_id
    ORDER BY n.column_key, n.deadline DESC, n.cycle_id DESC, n.organisation DESC,
        n.submission_id DESC
), tagged AS (
    SELECT t.number, q.code, q.meanings
    FROM reporting_question_targets qt
    JOIN reporting_question q ON q.id = qt.question_id
    JOIN strategy_target t ON t.id = qt.target_id
    JOIN strategy_strategicplan pl ON pl.id = t.plan_id
    WHERE pl.code = %(plan)s AND q.kind IN ('yes_no', 'single_choice', 'multiple_choice')
)
SELECT t.number, n.column_key, (
    SELECT min(
        CASE tagged.meanings ->> (e.value #>> '{}')
            WHEN 'implementation' THEN 1 WHEN 'none' THEN 2 WHEN 'not_applicable' THEN 3
            ELSE 4
        END
    )
    FROM tagged
    CROSS JOIN LATERAL jsonb_each(n.answers -> tagged.code) AS a
    CROSS JOIN LATERAL jsonb_array_elements(
        CASE jsonb_typeof(a.value) WHEN 'array' THEN a.value ELSE jsonb_build_array(a.value) END
    ) AS e
    WHERE tagged.number = t.number
      AND a.value NOT IN ('null'::jsonb, '""'::jsonb, '[]'::jsonb)
) AS rank
FROM strategy_target t
JOIN strategy_strategicplan pl ON pl.id = t.plan_id
CROSS JOIN newest n
WHERE pl.code = %(plan)s
"""


def _fetch(sql: str, params: dict) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _explain(sql: str, params: dict) -> str:
    return "\n".join(row[0] for row in _fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params))


def _fresh(user):
    user.__dict__.pop("_cms_scope", None)  # worked out again on each call, as in a request
    return user


def _cycles(size: str) -> list[str]:
    return [
        family.cycle_slug(size, kind, year)
        for kind in ("party", "agreement", "partner")
        for year in family.SIZES[size].years
    ]


def _rollup(user) -> dict[int, tuple[int, int, int]]:
    from cmsfamily.analytics import targets

    _fresh(user)
    result = targets.rollups(user, targets.plan_targets(user))
    return {
        row.number: (row.expected, len(row.reports), len(row.answering))
        for row in result.rows
        if row.cycles
    }


def _gaps(user, cycles: list[str]) -> dict[tuple[int, str], int | None]:
    from django.http import QueryDict

    from cmsfamily.analytics import gaps

    _fresh(user)
    query = QueryDict(mutable=True)
    query.setlist("cycle", cycles)
    form = gaps.GapForm(query, user=user)
    if not form.is_valid():
        raise RuntimeError(f"the gap matrix's query is not valid: {form.errors.as_json()}")
    result = gaps.build(form)
    return {
        (target.number, column.key): RANK[cell.status]
        for matrix in result.matrices.values()
        for target, cells in matrix.rows
        for column, cell in zip(matrix.columns, cells, strict=True)
        if cell.report is not None
    }


def _compare(name: str, ours: dict, theirs: dict) -> None:
    if ours != theirs:
        differ = sorted(
            (key, ours.get(key), theirs.get(key))
            for key in set(ours) | set(theirs)
            if ours.get(key) != theirs.get(key)
        )
        raise RuntimeError(
            f"{name}: the selector and the SQL differ in {len(differ)} places: {differ[:5]}"
        )


def measure_aggregates(repetitions: int = REPETITIONS) -> dict:
    """The rollup and the gap matrix beside their SQL: checked equal once, then timed."""
    from django.db import connection

    from cmsfamily.strategy.reference import PLAN_CODE

    if connection.vendor != "postgresql":
        return {"skipped": "the hand-written SQL is PostgreSQL's; run with BENCH_DATABASE_URL"}
    user = ledger.secretariat_user()
    cycles = _cycles("full")
    rollup_params = {"plan": PLAN_CODE}
    gaps_params = {"plan": PLAN_CODE, "cycles": cycles}

    def rollup_sql():
        return {number: (e, c, a) for number, e, c, a in _fetch(ROLLUP_SQL, rollup_params)}

    def gaps_sql():
        return {(n, key): rank for n, key, rank in _fetch(GAPS_SQL, gaps_params)}

    rollup = _rollup(user)
    _compare("the rollup", rollup, rollup_sql())
    cells = _gaps(user, cycles)
    _compare("the gap matrix", cells, gaps_sql())
    runs = {
        "rollups()": lambda: _rollup(user),
        "rollup SQL": rollup_sql,
        "gaps.build()": lambda: _gaps(user, cycles),
        "gap matrix SQL": gaps_sql,
    }
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repetitions):
        for name, call in runs.items():
            started = time.perf_counter()
            call()
            seconds[name].append(time.perf_counter() - started)
    medians = {name: statistics.median(values) * 1000 for name, values in seconds.items()}
    return {
        "repetitions": repetitions,
        "targets": len(rollup),
        "rollup": {str(n): list(figures) for n, figures in sorted(rollup.items())},
        "gap_cells": len(cells),
        "gap_statuses": dict(Counter(str(rank) for rank in cells.values())),
        "ms": {name: [round(s * 1000, 1) for s in values] for name, values in seconds.items()},
        "median_ms": {name: round(value, 1) for name, value in medians.items()},
        "rollup_ratio": round(medians["rollups()"] / medians["rollup SQL"], 2),
        "gaps_ratio": round(medians["gaps.build()"] / medians["gap matrix SQL"], 2),
        "target_ratio": TARGET_RATIO,
        "plans": {
            "rollup SQL": _explain(ROLLUP_SQL, rollup_params),
            "gap matrix SQL": _explain(GAPS_SQL, gaps_params),
        },
    }


# --- statements per page ---------------------------------------------------------------------


def analyzer_path(size: str) -> str:
    from urllib.parse import urlencode

    pairs = [("cycle", family.cycle_slug(size, "party", y)) for y in family.SIZES[size].years]
    pairs.append(("question", f"{family.SIZES[size].prefix}.t03-measures"))
    return f"/analysis/?{urlencode(pairs)}"


def gaps_path(size: str) -> str:
    from urllib.parse import urlencode

    return f"/analysis/gaps/?{urlencode([('cycle', slug) for slug in _cycles(size)])}&target=3"


TARGET_PATH = "/analysis/targets/3/"


def _statements(client, path: str) -> tuple[int, int]:
    """The statements of one anonymous GET (after one that warms the caches), and its size."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, HTTP_ACCEPT=HTML)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_ACCEPT=HTML)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code} in-process")
    return len(captured.captured_queries), len(response.content)


class _Rollback(Exception):
    pass


def measure_statements() -> dict:
    """Each page's statements at the small size, at the full size, and at the full size with two
    Parties' reports in three set back to drafts (in a transaction rolled back after)."""
    from django.db import transaction
    from django.test import Client

    from cmsfamily.reporting.choices import CycleStatus, SubmissionStatus
    from cmsfamily.reporting.models import Cycle, Submission

    client = Client()
    found: dict[str, dict] = {}

    def count(state: str, pages: dict[str, str]) -> None:
        counted = Submission.objects.filter(
            cycle__slug__in=_cycles("full") + _cycles("small"),
            status=SubmissionStatus.PUBLISHED,
        ).count()
        for page, path in pages.items():
            statements, size = _statements(client, path)
            found.setdefault(page, {})[state] = {
                "path": path,
                "statements": statements,
                "bytes": size,
                "published_reports": counted,
            }

    try:
        with transaction.atomic():
            # The full size's cycles planned: the public sees the small size's only.
            Cycle.objects.filter(slug__in=_cycles("full")).update(status=CycleStatus.PLANNED)
            count(
                "small",
                {
                    "analyzer": analyzer_path("small"),
                    "target page": TARGET_PATH,
                    "gap matrix": gaps_path("small"),
                },
            )
            raise _Rollback
    except _Rollback:
        pass
    pages = {
        "analyzer": analyzer_path("full"),
        "target page": TARGET_PATH,
        "gap matrix": gaps_path("full"),
    }
    count("full", pages)
    try:
        with transaction.atomic():
            parties = Submission.objects.filter(
                cycle__slug__in=_cycles("full"), party__isnull=False
            ).order_by("pk")
            ids = [pk for index, pk in enumerate(parties.values_list("pk", flat=True)) if index % 3]
            Submission.objects.filter(pk__in=ids).update(status=SubmissionStatus.DRAFT)
            count("full, a third of the Parties", pages)
            raise _Rollback
    except _Rollback:
        pass
    return found


# --- the analyzer under load -------------------------------------------------------------------


def measure_load(
    clients: int = CLIENTS, requests: int = REQUESTS, warmup: int = WARMUP
) -> list[load.Measurement]:
    url = generate.database_url()
    env = server.production_env(url)
    floor_path = server.collectstatic(env)
    targets = [
        load.Target(f"floor: GET {floor_path}", floor_path, "text/css,*/*;q=0.1", "text/css"),
        load.Target(
            "GET the analyzer, one question across 6 cycles (HTML)",
            analyzer_path("full"),
            HTML,
            "text/html",
        ),
    ]
    config = server.ServerConfig("gthread", 3, 2, clients)
    stop = threading.Event()
    measurements = []
    with server.serve(env, config, ready_path=floor_path) as (port, _pgid):
        pool = [load.Client(port, load.TIMEOUT) for _ in range(clients)]
        try:
            for target in targets:
                print(f"  {target.name}: warm-up {warmup}, measuring {requests}", flush=True)
                warm = load.run(pool, target, warmup, time_limit=TIME_LIMIT, stop=stop)
                measurement = load.run(pool, target, requests, time_limit=TIME_LIMIT, stop=stop)
                measurement.errors[:0] = [f"warm-up: {error}" for error in warm.errors]
                measurements.append(measurement)
        finally:
            for client in pool:
                client.close()
    return measurements


def _load_json(measurements: list[load.Measurement]) -> list[dict]:
    floor = measurements[0]
    return [
        {
            "target": m.target.name,
            "path": m.target.path,
            "requests": m.requests,
            "p50_ms": round(m.percentile(50), 1) if m.requests else None,
            "p95_ms": round(m.percentile(95), 1) if m.requests else None,
            "per_second": round(m.throughput, 1),
            "p50_ratio": round(m.percentile(50) / floor.percentile(50), 1)
            if m.requests and floor.requests
            else None,
            "p95_ratio": round(m.percentile(95) / floor.percentile(95), 1)
            if m.requests and floor.requests
            else None,
            "errors": m.errors[:5],
            "timed_out": m.timed_out,
        }
        for m in measurements
    ]


# --- the whole ---------------------------------------------------------------------------------


def measure(
    repetitions: int = REPETITIONS,
    clients: int = CLIENTS,
    requests: int = REQUESTS,
    warmup: int = WARMUP,
) -> dict:
    """Everything above, on the bench database (django set up); generates what is missing."""
    started = time.perf_counter()
    print("Preparing the analysis Family (small and full) ...", flush=True)
    made = {size: family.prepare(size) for size in ("small", "full")}
    for result in made.values():
        print(f"  {family.describe(result)}", flush=True)
    print(
        f"Timing the rollup and the gap matrix beside their SQL ({repetitions} runs each) ...",
        flush=True,
    )
    aggregates = measure_aggregates(repetitions)
    print("Counting each analysis page's statements at two sizes ...", flush=True)
    statements = measure_statements()
    print(f"Loading the analyzer with {clients} clients ...", flush=True)
    loaded = _load_json(measure_load(clients, requests, warmup))
    return {
        "family": made,
        "aggregates": aggregates,
        "statements": statements,
        "load": loaded,
        "clients": clients,
        "seconds": round(time.perf_counter() - started, 1),
    }


def note(result: dict) -> str:
    lines = ["### Analysis (issue 17): the rollup, the gap matrix, the analyzer", ""]
    for made in result["family"].values():
        lines.append(f"- Data: {family.describe(made)}")
    aggregates = result["aggregates"]
    if "skipped" in aggregates:
        lines.append(f"- Beside the SQL: skipped ({aggregates['skipped']})")
    else:
        medians = aggregates["median_ms"]
        lines += [
            "",
            f"| aggregate (median of {aggregates['repetitions']}, interleaved) | selector | "
            "hand-written SQL | ratio |",
            "|---|---:|---:|---:|",
            f"| per-target rollup ({aggregates['targets']} targets) | {medians['rollups()']} ms | "
            f"{medians['rollup SQL']} ms | {aggregates['rollup_ratio']}× |",
            f"| gap matrix ({aggregates['gap_cells']:,} reported cells) | "
            f"{medians['gaps.build()']} ms | {medians['gap matrix SQL']} ms | "
            f"{aggregates['gaps_ratio']}× |",
            "",
            f"Target: at most {aggregates['target_ratio']}×; both checked equal before timing.",
        ]
    lines += ["", "| page (anonymous) | " + " | ".join(_states(result)) + " |"]
    lines.append("|---|" + "---:|" * len(_states(result)))
    for page, states in result["statements"].items():
        cells = [str(states[state]["statements"]) for state in _states(result)]
        lines.append(f"| {page}: statements | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"| under {result['clients']} clients | requests | p50 | p95 | req/s | p50/floor | "
        "p95/floor |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in result["load"]:
        lines.append(
            f"| {row['target']} | {row['requests']} | {row['p50_ms']} ms | {row['p95_ms']} ms | "
            f"{row['per_second']} | {row['p50_ratio']} | {row['p95_ratio']} |"
        )
        lines += [f"  - error: {error}" for error in row["errors"]]
    return "\n".join(lines)


def _states(result: dict) -> list[str]:
    first = next(iter(result["statements"].values()))
    return list(first)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.analysis", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--repetitions", type=int, default=REPETITIONS)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--warmup", type=int, default=WARMUP)
    args = parser.parse_args(argv)
    generate.setup_django(generate.database_url())
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from bench import report

    try:
        result = measure(args.repetitions, args.clients, args.requests, args.warmup)
    except RuntimeError as error:
        print(f"\nbench.analysis failed: {error}", file=sys.stderr)
        return 1
    print()
    print(note(result))
    path = generate.OUT_DIR / "analysis.json"
    report.write_json(path, result)
    print(f"\n(results: {path.relative_to(generate.PROJECT_DIR)})")
    errors = [error for row in result["load"] for error in row["errors"]]
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
