"""Peak memory of every upload endpoint against every hostile file (issue 13), each post in a
fresh Python process, beside a floor measured the same way.

The endpoints: the contributions workbook upload (`/contributions/upload/`, as the synthetic
Secretariat superuser, for BirdLife), a report's workbook upload (`/reports/submissions/<pk>/
workbook/`, as the NFP of Synthetic Reporting Party 1, on its 850-field national report), the
confirming letter of a nomination (`/parties/ke/nominate/`, as the superuser) and the species
table import (`/species/import/`, as the superuser). The files: those of
`cmsfamily/core/hostile.py` (the tests post the same ones), with the bombs made as the issue
measured them: 1 GiB of one byte deflated to about 1 MB (a worksheet, a shared-strings table,
and a worksheet whose size the ZIP's directory gives as 1 KB).

Each child (`python -m bench.uploads --child <endpoint> <file>`) sets Django up on the bench
database, signs in, GETs the page and posts the endpoint's small valid file once (imports,
translations, templates and the session are then warm), resets its peak RSS through
/proc/self/clear_refs, posts the file with the Django test client and reports the growth of the
peak RSS (VmHWM) over the RSS before the post. The floor of an endpoint: the same child posting
its small valid file again. Everything the posts write is rolled back (one transaction) or
written to a temporary media folder, deleted afterwards. The growth includes the test client's
own copy of the request (the multipart body it builds, Django's parse of it): about the size of
the file, twice.

    .venv/bin/python -m bench.uploads    # these measurements only, on the bench database
"""

import argparse
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

from bench import generate, processes, reporting

MIB = 2**20
BOMB_MIB = 1024  # the file: 1 MB that unpacks to 1 GB
TARGET_MIB = 5  # "a few MB"
TRANSPORT_FROM = 256 * 1024  # files from this size get a transport floor of their own
CHILD_TIMEOUT = 300
PARTY = "ke"
ORGANISATION = "birdlife"
ENDPOINTS = {
    "contributions": "contributions workbook (`/contributions/upload/`)",
    "report": "report workbook (`/reports/submissions/<pk>/workbook/`)",
    "nomination": "nomination letter (`/parties/ke/nominate/`)",
    "species": "species table (`/species/import/`)",
}
FLOOR = "valid (floor)"


# -- the files ---------------------------------------------------------------------------------


def _contributions_valid() -> bytes:
    from io import BytesIO

    from openpyxl import Workbook

    from cmsfamily.contributions import bulk

    book = Workbook()
    sheet = book.active
    sheet.title = bulk.SHEET
    sheet.append([name for name, _f, _k in bulk.COLUMNS])
    values = {
        "kind": "money",
        "description": "Synthetic grant (bench/uploads.py)",
        "start": "2024-01-01",
        "amount": 1000,
        "currency": "USD",
        "status": "received",
    }
    sheet.append([values.get(name) for name, _f, _k in bulk.COLUMNS])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _report_valid(report: reporting.Report) -> bytes:
    from cmsfamily.reporting import workbook

    return workbook.draft_workbook(
        reporting.submission_as_read(report.submission), reporting.fresh_user(report), "en"
    )


def _species_valid() -> bytes:
    """The first rows of the species table the project ships (valid)."""
    path = generate.PROJECT_DIR / "data" / "species" / "cms_appendix_species.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    return ("\n".join(lines[:4]) + "\n").encode()


def files(report: reporting.Report) -> dict[str, dict[str, tuple[str, bytes]]]:
    """endpoint -> file label -> (file name, content); the valid file first."""
    from cmsfamily.core import hostile
    from cmsfamily.species import importing

    def workbooks(name: str, valid: bytes) -> dict[str, tuple[str, bytes]]:
        made = {case: make(valid) for case, make in hostile.WORKBOOKS.items()}
        made["zip-bomb"] = ("bomb.xlsx", hostile.zip_bomb(BOMB_MIB))
        made["shared-strings-bomb"] = ("strings.xlsx", hostile.shared_strings_bomb(BOMB_MIB))
        made["forged-size"] = ("forged.xlsx", hostile.forged_bomb(valid, BOMB_MIB))
        return {FLOOR: (name, valid), **made}

    tables = hostile.csvs(
        list(importing.COLUMNS), "range_states", importing.MAX_BYTES, importing.MAX_ROWS
    )
    return {
        "contributions": workbooks("year.xlsx", _contributions_valid()),
        "report": workbooks("report.xlsx", _report_valid(report)),
        "nomination": {FLOOR: ("letter.pdf", hostile.pdf()), **hostile.pdfs()},
        "species": {
            FLOOR: ("species.csv", _species_valid()),
            **{case: ("species.csv", content) for case, content in tables.items()},
        },
    }


def expected(endpoint: str, case: str) -> str:
    """A part of the message the page must show for this file ('' for the floor)."""
    from cmsfamily.core import hostile

    if case == FLOOR:
        return ""
    if endpoint in ("contributions", "report"):
        return hostile.WORKBOOK_REFUSALS[case]
    if endpoint == "nomination":
        return "The submitted file is empty" if case == "empty" else "must be a PDF file"
    return hostile.CSV_REFUSALS[case]


# -- one post in a fresh process ---------------------------------------------------------------


def _post(client, endpoint: str, report: reporting.Report, name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cmsfamily.directory.models import Organisation

    upload = SimpleUploadedFile(name, data)
    if endpoint == "contributions":
        organisation = Organisation.objects.get(slug=ORGANISATION).pk
        return client.post(
            "/contributions/upload/",
            {"organisation": organisation, "workbook": upload, "confirm": "no"},
        )
    if endpoint == "report":
        return client.post(f"/reports/submissions/{report.submission}/workbook/", {"file": upload})
    if endpoint == "nomination":
        return client.post(
            f"/parties/{PARTY}/nominate/",
            {
                "role": "alternate_nfp",
                "given_name": "Synthetic",
                "family_name": "Uploader",
                "email": "synthetic-uploader@example.invalid",
                "start": "2026-03-01",
                "document": upload,
            },
        )
    return client.post("/species/import/", {"table": upload})


def _page(endpoint: str, report: reporting.Report) -> str:
    return {
        "contributions": "/contributions/upload/",
        "report": f"/reports/submissions/{report.submission}/workbook/",
        "nomination": f"/parties/{PARTY}/nominate/",
        "species": "/species/import/",
    }[endpoint]


def _child(args) -> dict:
    generate.setup_django(generate.database_url())
    from django.conf import settings
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, transaction
    from django.test import Client

    from bench import ledger

    # As Django's own tests: the connection stays open (and in its transaction) across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    report = reporting.Report(*json.loads(args.report))
    valid_name, valid = args.valid_name, Path(args.valid).read_bytes()
    name, data = args.name, Path(args.file).read_bytes()
    with tempfile.TemporaryDirectory(prefix="bench-uploads-media-") as media:
        settings.MEDIA_ROOT = media
        with transaction.atomic():
            client = Client()
            user = reporting.fresh_user(report) if args.endpoint == "report" else None
            client.force_login(user or ledger.secretariat_user())
            client.get(_page(args.endpoint, report))
            warm = _post(client, args.endpoint, report, valid_name, valid)
            gc.collect()
            before = processes.status()
            reset = True
            try:
                Path("/proc/self/clear_refs").write_text("5")
            except OSError:
                reset = False
            started = time.perf_counter()
            try:
                response = _post(client, args.endpoint, report, name, data)
                status, content = response.status_code, response.content.decode(errors="replace")
            except Exception as error:  # a 500 in a server  # noqa: BLE001
                status, content = 500, f"{type(error).__name__}: {error}"[:300]
            seconds = time.perf_counter() - started
            after = processes.status()
            transaction.set_rollback(True)
    return {
        "status": status,
        "warm_status": warm.status_code,
        "shows": bool(args.expect) and args.expect in content,
        "seconds": round(seconds, 2),
        "rss_before_mib": round(before["VmRSS"] / 1024, 1),
        "peak_mib": round(after["VmHWM"] / 1024, 1),
        "growth_mib": round(
            (after["VmHWM"] - (before["VmRSS"] if reset else before["VmHWM"])) / 1024, 1
        ),
        "peak_reset": reset,
    }


def _run_child(arguments: list[str]) -> dict:
    return processes.run_child("bench.uploads", arguments, CHILD_TIMEOUT)


def measure() -> dict:
    """Each endpoint's floor and each hostile file, each in a fresh process."""
    found = reporting.reports()
    if not found:
        raise RuntimeError(f"no synthetic report in {reporting.CYCLE}")
    report = found[0]
    started = time.perf_counter()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-uploads-") as folder:
        made = files(report)
        for endpoint, cases in made.items():
            print(f"  {ENDPOINTS[endpoint]}: {len(cases)} files", flush=True)
            valid_name, valid = cases[FLOOR]
            valid_path = Path(folder) / f"{endpoint}-valid"
            valid_path.write_bytes(valid)
            for case, (name, data) in cases.items():
                path = Path(folder) / f"{endpoint}-{case}"
                path.write_bytes(data)
                arguments = [
                    "--endpoint",
                    endpoint,
                    "--report",
                    json.dumps(list(vars(report).values())),
                    "--valid",
                    str(valid_path),
                    "--valid-name",
                    valid_name,
                    "--file",
                    str(path),
                    "--name",
                    name,
                    "--expect",
                    expected(endpoint, case),
                ]
                result = _run_child(arguments)
                row = {"endpoint": endpoint, "case": case, "bytes": len(data), "result": result}
                if len(data) >= TRANSPORT_FROM and "failed" not in result:
                    # The same number of bytes, refused at the first one: what carrying the
                    # file costs, whatever it holds.
                    path.write_bytes(b"\0" * len(data))
                    zeros = _run_child([*arguments[:-1], ""])
                    row["transport_mib"] = zeros.get("growth_mib")
                rows.append(row)
    return {"rows": rows, "seconds": round(time.perf_counter() - started, 1)}


# -- the note ----------------------------------------------------------------------------------


def note(results: dict) -> str:
    rows = results["rows"]
    floors = {
        row["endpoint"]: row["result"].get("growth_mib", 0.0)
        for row in rows
        if row["case"] == FLOOR
    }
    lines = [
        "### Uploads: peak memory per endpoint and hostile file",
        "",
        "Each post in a fresh process (`python -m bench.uploads --child`) after one post of the "
        "endpoint's small valid file; peak RSS (VmHWM) reset before the post; growth of the peak "
        "over the RSS before it. Floor: the small valid file posted again. Target: the growth "
        f"over the floor and the transport under {TARGET_MIB} MiB.",
        "",
        "| endpoint | file | size | HTTP | message shown | s | growth (MiB) | floor (MiB) "
        "| transport (MiB) | growth − floor, transport (MiB) | within target |",
        "|---|---|--:|--:|---|--:|--:|--:|--:|--:|---|",
    ]
    worst = 0.0
    for row in rows:
        result = row["result"]
        size = f"{row['bytes'] / 1024:,.0f} KB"
        if "failed" in result:
            lines.append(
                f"| {ENDPOINTS[row['endpoint']]} | {row['case']} | {size} | **failed**: "
                f"{result['failed']} |" + " – |" * 7
            )
            continue
        growth = result["growth_mib"]
        floor = floors.get(row["endpoint"], 0.0)
        transport = row.get("transport_mib")
        server = growth - max(floor, transport or 0.0)
        if row["case"] != FLOOR:
            worst = max(worst, server)
        shown = "–" if row["case"] == FLOOR else ("yes" if result["shows"] else "**no**")
        lines.append(
            f"| {ENDPOINTS[row['endpoint']]} | {row['case']} | {size} | {result['status']} "
            f"| {shown} | {result['seconds']:.2f} | {growth:.1f} | {floor:.1f} "
            f"| {'–' if transport is None else f'{transport:.1f}'} | {server:+.1f} "
            f"| {'yes' if server < TARGET_MIB else '**NO**'} |"
        )
    lines += [
        "",
        "- transport: the same number of bytes (zeros) posted in another fresh process, refused "
        "at the first byte: the test client's multipart body and Django's parse of it (files "
        "under 2.5 MB are parsed into memory), about three times the file, whatever it holds. "
        f"Files under {TRANSPORT_FROM // 1024} KB have none.",
        f"- Largest growth of a hostile file over its floor and transport: {worst:.1f} MiB; "
        f"measured in {results['seconds']:.0f} s.",
    ]
    return "\n".join(lines)


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.uploads", description=__doc__)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    for name in ("endpoint", "report", "valid", "valid-name", "file", "name", "expect"):
        parser.add_argument(f"--{name}", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = _arguments(argv)
    if args.child:
        print(json.dumps(_child(args)))
        return 0
    generate.setup_django(generate.database_url())
    print("Preparing the synthetic Family ...", flush=True)
    data = generate.prepare()
    print(f"  {generate.describe(data)}", flush=True)
    print("Posting hostile files to each upload endpoint, each in a fresh process ...", flush=True)
    try:
        results = measure()
    except RuntimeError as error:
        print(f"\nbench failed: {error}", file=sys.stderr)
        return 1
    print()
    print(note(results))
    path = generate.OUT_DIR / "uploads.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    print(f"\n(results: {path.relative_to(generate.PROJECT_DIR)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
