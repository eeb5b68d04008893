"""The results as a Markdown note to paste into an issue, and as JSON in bench/out/results.json."""

import json
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
