"""The SQL behind one request to each page, measured in-process with Django's test client.

An N+1 shows up here as a query count that grows with the data, long before it shows up in p95.
"""

import time
from dataclasses import dataclass, field

from bench.load import Target


@dataclass
class Statements:
    count: int = 0
    seconds: float = 0.0  # time spent in cursor.execute(): approximate, but comparable
    slowest: list[tuple[float, str]] = field(default_factory=list)

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.count += 1
            self.seconds += elapsed
            self.slowest = sorted([*self.slowest, (elapsed, sql)], reverse=True)[:3]

    def as_dict(self) -> dict:
        return {
            "queries": self.count,
            "sql_ms": round(self.seconds * 1000, 2),
            "slowest": [{"ms": round(s * 1000, 2), "sql": sql[:500]} for s, sql in self.slowest],
        }


def measure(targets: list[Target]) -> dict[str, Statements]:
    """One anonymous request per target (after one to warm caches), its statements counted."""
    from django.db import connection
    from django.test import Client

    client = Client()
    found = {}
    for target in targets:
        client.get(target.path, HTTP_ACCEPT=target.accept)
        statements = Statements()
        with connection.execute_wrapper(statements):
            response = client.get(target.path, HTTP_ACCEPT=target.accept)
        if response.status_code != 200:
            raise RuntimeError(f"GET {target.path} answered {response.status_code} in-process")
        found[target.path] = statements
    return found
