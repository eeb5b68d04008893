"""`make bench`: response times of the registry's, a work programme's and the contributions
ledger's pages and API, and of drafting and submitting national reports, against a static-file
floor; the ledger's totals beside raw SQL; the reporting system's statements beside a peer's; the
offline workbook and a report's PDF beside openpyxl and WeasyPrint (bench/workbook.py); the peak
memory of each upload endpoint against hostile files (bench/uploads.py); what conditions cost a
save and a change in the browser (bench/relevance); the analysis of the Family's reports beside
hand-written SQL, and the analyzer under load (bench/analysis.py; `python -m bench analysis` runs
only these).

Generates (or reuses) the synthetic Family, times the ledger's totals in-process beside the raw SQL
of the same aggregate and counts the statements of the reporting system's writes and lists, serves
the Family with gunicorn on 127.0.0.1 with the production settings, and measures each target with
concurrent keep-alive clients (the reporting targets as one Party's NFP each). Prints a Markdown
note and writes bench/out/results.json. Exits non-zero on errors, never on slowness.
"""

import argparse
import dataclasses
import os
import platform
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime

from bench import (
    analysis,
    cpu,
    generate,
    ledger,
    load,
    meetings,
    queries,
    relevance,
    report,
    reporting,
    server,
    uploads,
    workbook,
)

# CPUs used by other processes during the measurement above which the note warns.
BUSY = 0.25


def _positive(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh", action="store_true", help="regenerate the synthetic Family")
    parser.add_argument("--clients", type=_positive, default=20, help="concurrent clients (20)")
    parser.add_argument(
        "--requests", type=_positive, default=600, help="measured requests per target"
    )
    parser.add_argument("--warmup", type=int, default=50, help="warm-up requests per target")
    parser.add_argument(
        "--time-limit", type=float, default=60, help="seconds per target before it is cut short"
    )
    parser.add_argument(
        "--request-timeout",
        type=float,
        default=load.TIMEOUT,
        help=f"seconds a client waits for one answer before it counts an error ({load.TIMEOUT})",
    )
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--workers", type=_positive, default=3)
    parser.add_argument("--threads", type=_positive, default=2, help="threads per gthread worker")
    parser.add_argument(
        "--totals-repetitions",
        type=_positive,
        default=ledger.REPETITIONS,
        help=f"runs of the ledger's totals and of their raw SQL, median taken ({ledger.REPETITIONS})",
    )
    return parser.parse_args(argv)


def _git_revision() -> str:
    try:
        run = {"capture_output": True, "text": True, "check": True, "cwd": generate.PROJECT_DIR}
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], **run).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], **run).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit}{' + uncommitted changes' if dirty else ''}"


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def _targets(floor_path: str) -> list[load.Target]:
    html, json_ = "text/html,application/xhtml+xml", "application/json"
    tree = f"/workplans/{generate.PROGRAMME_CODE}/"
    activities = f"/api/activities/?programme={generate.PROGRAMME_CODE}"
    return [
        load.Target(f"floor: GET {floor_path}", floor_path, "text/css,*/*;q=0.1", "text/css"),
        load.Target("GET /parties/ (HTML)", "/parties/", html, "text/html"),
        load.Target("GET /api/parties/", "/api/parties/", json_, "application/json"),
        load.Target("GET /api/focal-points/", "/api/focal-points/", json_, "application/json"),
        load.Target(f"GET {tree} (HTML)", tree, html, "text/html"),
        load.Target(f"GET {activities}", activities, json_, "application/json"),
    ]


def _measure(args, env, targets, stop) -> tuple[list[load.Measurement], cpu.CpuUse | None]:
    config = server.ServerConfig(args.worker_class, args.workers, args.threads, args.clients)
    postgresql = env["DATABASE_URL"].startswith(("postgres://", "postgresql://"))
    measurements = []
    with server.serve(env, config, ready_path=targets[0].path) as (port, server_pgid):
        clients = [load.Client(port, args.request_timeout) for _ in range(args.clients)]
        watch = cpu.CpuWatch(server_pgid, postgresql=postgresql)
        try:
            for target in targets:
                print(
                    f"  {target.name}: warm-up {args.warmup}, measuring {args.requests}", flush=True
                )
                warmup = load.run(
                    clients, target, args.warmup, time_limit=args.time_limit, stop=stop
                )
                before = watch.sample()
                measurement = load.run(
                    clients, target, args.requests, time_limit=args.time_limit, stop=stop
                )
                spent = watch.server_ms(before, watch.sample())
                if spent is not None and measurement.requests:
                    measurement.server_cpu_ms = spent / measurement.requests
                measurement.errors[:0] = [f"warm-up: {error}" for error in warmup.errors]
                measurements.append(measurement)
            cpu_use = watch.use()
        finally:
            for client in clients:
                client.close()
    return measurements, cpu_use


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["analysis"]:  # only the analysis benchmarks (bench/analysis.py)
        return analysis.main(argv[1:])
    args = _arguments(argv)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    stop = threading.Event()
    started = time.perf_counter()
    reporters = None
    try:
        url = generate.database_url()
        generate.setup_django(url)
        print("Preparing the synthetic Family ...", flush=True)
        data = generate.prepare(fresh=args.fresh)
        print(f"  {generate.describe(data)}", flush=True)
        env = server.production_env(url)
        print("Collecting static files (production storage) ...", flush=True)
        targets = _targets(server.collectstatic(env))
        partners = ledger.partners()
        partner = ledger.partner_target(partners[0][0]) if partners else None
        if partner:
            targets.append(partner)
        print(
            f"Timing the ledger's totals by {' × '.join(ledger.BY)} beside their raw SQL "
            f"({args.totals_repetitions} runs each) ...",
            flush=True,
        )
        totals = ledger.measure_totals(args.totals_repetitions)
        totals["partner_pages"] = ledger.measure_partner_pages(partners)
        sql = queries.measure(targets[1:])
        print("Counting the reporting system's statements in-process ...", flush=True)
        reported = reporting.measure()
        sql.update(reported.pop("sql"))
        print(
            "Timing the offline workbook and the PDF in-process, their memory in fresh "
            "processes ...",
            flush=True,
        )
        offline = workbook.measure()
        print(
            "Posting hostile files to each upload endpoint, each in a fresh process ...", flush=True
        )
        posted = uploads.measure()
        print(
            "Timing relevance: a save with and without conditions in-process, a change on the "
            "loop section in Chromium ...",
            flush=True,
        )
        relevant = relevance.measure()
        print(
            "Analysis (issue 17): the rollup and the gap matrix beside their SQL, the pages' "
            "statements at two sizes, the analyzer under load ...",
            flush=True,
        )
        analysed = analysis.measure(clients=args.clients)
        print("Inviting every CMS Party and Partner in one action, in-process ...", flush=True)
        invited = meetings.measure()
        reporters = reporting.Load(env["DJANGO_SECRET_KEY"], args.clients)
        targets += reporters.targets
        print(f"Measuring with {args.clients} clients ...", flush=True)
        measurements, cpu_use = _measure(args, env, targets, stop)
    except KeyboardInterrupt:
        stop.set()
        print("\nInterrupted; the server has been stopped.", file=sys.stderr)
        return 130
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"\nbench failed: {error}", file=sys.stderr)
        return 1
    finally:
        if reporters is not None:
            reporters.close()

    import django

    floor = measurements[0]
    config = server.ServerConfig(args.worker_class, args.workers, args.threads, args.clients)
    now = datetime.now(UTC)
    header = [
        f"### `make bench`: pages and API under {args.clients} concurrent clients "
        "(anonymous; the reporting targets each as one synthetic Party's NFP)",
        "",
        f"- {now:%Y-%m-%d %H:%M} UTC, commit {_git_revision()}, Python "
        f"{platform.python_version()}, Django {django.get_version()}",
        f"- Data: {generate.describe(data)}",
        f"- Server: {config.describe()} on 127.0.0.1, DJANGO_ENV=production (DEBUG off), "
        f"static files by WhiteNoise; server and clients share {os.cpu_count()} CPUs",
        f"- Each target: {args.warmup} warm-up, then {args.requests} measured requests over "
        f"keep-alive connections; floor = a static file from the same server in the same run",
    ]
    if cpu_use:
        header.append(f"- {cpu_use.describe()}")
        if cpu_use.other > BUSY:
            header.append(
                "- **Other processes were busy during the run: absolute times are inflated; "
                "compare the ratios, or run again on a quiet machine.**"
            )
    footer = [
        "server CPU ms/req: CPU time of the gunicorn processes (and PostgreSQL, when used) "
        "during the measured requests, per request; it depends little on other load. "
        "SQL queries / SQL ms: one anonymous request to the same URL in-process "
        "(Django test client), and the time spent executing its statements; for the "
        "reporting targets, one request as the first synthetic NFP.",
    ]
    errors = [f"{m.target.name}: {error}" for m in measurements for error in m.errors]
    if errors:
        footer += [
            "",
            f"**{len(errors)} errors** (server log: {server.LOG.relative_to(generate.PROJECT_DIR)}):",
            *(f"- {e}" for e in errors[:20]),
        ]
    print()
    print(report.note(header, floor, measurements, sql, footer))
    print()
    print(report.ledger_note(totals, data["database"]))
    print()
    print(reporting.note(reported, measurements, floor, reporters.skipped))
    print()
    print(workbook.note(offline))
    print()
    print(uploads.note(posted))
    print()
    print(relevance.note(relevant))
    print()
    print(analysis.note(analysed))
    print()
    print(meetings.note(invited))
    meta = {
        "date": now.isoformat(timespec="seconds"),
        "revision": _git_revision(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": os.cpu_count(),
        "cpu_use": {k: round(v, 3) for k, v in dataclasses.asdict(cpu_use).items()}
        if cpu_use
        else None,
        "server": {
            "worker_class": config.worker_class,
            "workers": config.workers,
            "threads": config.threads,
            "django_env": "production",
        },
        "clients": args.clients,
        "warmup_per_target": args.warmup,
        "requests_per_target": args.requests,
        "data": data,
        "ledger_totals": totals,
        "reporting": reported,
        "workbook": offline,
        "uploads": posted,
        "relevance": relevant,
        "analysis": analysed,
        "seconds_total": round(time.perf_counter() - started, 1),
    }
    results_path = generate.OUT_DIR / "results.json"
    report.write_json(results_path, report.as_json(meta, floor, measurements, sql))
    print(f"\n(results: {results_path.relative_to(generate.PROJECT_DIR)})")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
