"""The results as a Markdown note to paste into an issue, and as JSON in bench/out/results.json."""

import json
from decimal import Decimal
from pathlib import Path

from bench.load import Measurement
from bench.queries import Statements

COLUMNS = (
    "| target | requests | p50 ms | p95 ms | req/s | p50 / floor | p95 / floor "
    "| server CPU ms/req | SQL queries | SQL ms |",
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
)


def _rate(per_second: float) -> str:
    return f"{per_second:.1f}" if per_second < 10 else f"{per_second:.0f}"


def _ratio(value: float, floor: float) -> str:
    return f"{value / floor:.1f}×" if floor else "–"


def table(floor: Measurement, measurements: list[Measurement], sql: dict[str, Statements]) -> str:
    rows = list(COLUMNS)
    floor_p50 = floor.percentile(50) if floor.requests else 0
    floor_p95 = floor.percentile(95) if floor.requests else 0
    for m in measurements:
        statements = sql.get(m.target.path)
        # The SQL is measured in-process: it is known even when no timed request succeeded.
        sql_cells = (
            f"| {statements.count} | {statements.seconds * 1000:.1f} |"
            if statements
            else "| – | – |"
        )
        if not m.requests:
            rows.append(f"| {m.target.name} | 0 | – | – | – | – | – | – {sql_cells}")
            continue
        p50, p95 = m.percentile(50), m.percentile(95)
        rows.append(
            f"| {m.target.name} | {m.requests}{' (time limit)' if m.timed_out else ''} "
            f"| {p50:.1f} | {p95:.1f} | {_rate(m.throughput)} "
            f"| {_ratio(p50, floor_p50)} | {_ratio(p95, floor_p95)} "
            f"| {'–' if m.server_cpu_ms is None else f'{m.server_cpu_ms:.1f}'} {sql_cells}"
        )
    return "\n".join(rows)


def note(header: list[str], floor, measurements, sql, footer: list[str]) -> str:
    lines = [*header, "", table(floor, measurements, sql), "", *footer]
    return "\n".join(lines)


def as_json(meta: dict, floor: Measurement, measurements: list[Measurement], sql) -> dict:
    floor_p50 = floor.percentile(50) if floor.requests else 0
    floor_p95 = floor.percentile(95) if floor.requests else 0
    results = []
    for m in measurements:
        entry = {
            "target": m.target.name,
            "path": m.target.path,
            "is_floor": m is floor,
            "requests": m.requests,
            "errors": m.errors,
            "timed_out": m.timed_out,
            "seconds": round(m.seconds, 3),
            "response_bytes": m.body_bytes,
            "connections_opened": m.connections_opened,
        }
        if m.requests:
            p50, p95 = m.percentile(50), m.percentile(95)
            entry.update(
                p50_ms=round(p50, 2),
                p95_ms=round(p95, 2),
                max_ms=round(max(m.latencies) * 1000, 2),
                throughput_rps=round(m.throughput, 1),
                server_cpu_ms_per_request=None
                if m.server_cpu_ms is None
                else round(m.server_cpu_ms, 2),
                p50_over_floor=round(p50 / floor_p50, 2) if floor_p50 else None,
                p95_over_floor=round(p95 / floor_p95, 2) if floor_p95 else None,
            )
        if m.target.path in sql:
            entry["sql"] = sql[m.target.path].as_dict()
        results.append(entry)
    return {**meta, "results": results}


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _partner_pages(result: dict) -> list[str]:
    if not result or "skipped" in result:
        return [f"- Partner page: skipped ({result.get('skipped', 'no Partner in the ledger')})."]
    lines = ["- Partner page, one request in-process (queries / SQL ms):"]
    by_who: dict[str, list[str]] = {}
    for page in result["pages"]:
        by_who.setdefault(page["who"], []).append(
            f"{page['queries']} queries / {page['sql_ms']:.0f} ms for `{page['path']}` "
            f"({page['entries']:,} entries)"
        )
    lines += [f"  - {who}: {'; '.join(pages)}" for who, pages in by_who.items()]
    verdict = "constant" if result["constant"] else "**not constant**"
    lines.append(f"  - query count for the Partner with the most and the fewest entries: {verdict}")
    return lines


def _cpu(use: dict | None) -> list[str]:
    if not use:
        return []
    database = f"PostgreSQL {use['postgresql']:.2f}, " if use["postgresql"] else ""
    lines = [
        f"- CPUs in use during the timing: this process {use['this_process']:.2f}, {database}"
        f"other processes {use['other']:.2f} (of {use['cpus']})"
    ]
    if use["other"] > 0.25:
        lines.append("- **Other processes were busy during the timing: compare the ratios.**")
    return lines


def ledger_note(totals: dict, database: str) -> str:
    """The ledger's totals beside the raw SQL of the same aggregate, as Markdown."""
    median, runs = totals["median_ms"], totals["ms"]
    raw = median["raw SQL"]
    labels = {
        "totals()": f"`selectors.totals(secretariat, by={tuple(totals['by'])}, "
        f"currency={totals['currency']!r}, on={totals['on']})`",
        "raw SQL": "the raw SQL below, through the cursor",
        "Django's SQL (cursor)": "the SQL totals() sends, through the cursor",
    }
    met = totals["ratio"] <= totals["target_ratio"]
    lines = [
        f"### Ledger totals by {' × '.join(totals['by'])} in {totals['currency']}, "
        "beside their raw SQL",
        "",
        f"- {database}; measured in the benchmark's process before the load test, "
        f"{totals['repetitions']} interleaved runs of each, median",
        *_cpu(totals.get("cpu_use")),
        "",
        "| statement | median ms | runs ms | rows | / raw SQL |",
        "|---|--:|--:|--:|--:|",
    ]
    for name, label in labels.items():
        lines.append(
            f"| {label} | {median[name]:.0f} | {', '.join(f'{ms:.0f}' for ms in runs[name])} "
            f"| {totals['rows']:,} | {median[name] / raw:.2f}× |"
        )
    largest = "; ".join(
        f"{kind} {year} {'no target' if code == 'None' else f'{code} target {number}'}: "
        f"{Decimal(total):,}"
        for kind, year, code, number, total in totals["largest_rows"]
    )
    lines += [
        "",
        f"**totals() / raw SQL: {totals['ratio']:.2f}× (target ≤ {totals['target_ratio']}×: "
        f"{'met' if met else 'NOT met'})**",
        "",
        f"- Same rows: totals(), the raw SQL and Django's SQL give the same {totals['rows']:,} "
        f"rows, equal to the cent; grand total {Decimal(totals['grand_total_usd']):,} USD; "
        f"largest: {largest}",
        *_partner_pages(totals.get("partner_pages", {})),
        "",
        "<details><summary>The two statements and their plans</summary>",
        "",
        "Raw SQL:",
        "",
        "```sql",
        totals["raw_sql"],
        "```",
        "",
        "The SQL totals() sends (parameters in place):",
        "",
        "```sql",
        totals["django_sql"],
        "```",
    ]
    for name, plan in totals["plans"].items():
        lines += [
            "",
            f"Plan of {'the raw SQL' if name == 'raw SQL' else name}:",
            "",
            "```",
            plan,
            "```",
        ]
    lines += ["", "</details>"]
    return "\n".join(lines)
