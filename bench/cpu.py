"""Who used the CPUs during a measurement: the server, its database, the load generator, or others.

Client and server share the machine, so a test suite running next to the benchmark inflates every
latency; the note says so instead of leaving the reader to guess. The server's CPU time per
request is reported too: it hardly depends on what else runs. Linux only (/proc); elsewhere the
watch reports nothing.
"""

import os
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
AVAILABLE = (PROC / "stat").exists()
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK") if AVAILABLE else 100


def _system_busy() -> int:
    # cpu  user nice system idle iowait irq softirq steal ...
    values = [int(v) for v in (PROC / "stat").read_text().splitlines()[0].split()[1:9]]
    return sum(values) - values[3] - values[4]


def _process_ticks(stat: str) -> tuple[str, int, int]:
    """(command name, process group, user + system ticks) from a /proc/<pid>/stat line."""
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
    return name, int(fields[2]), int(fields[11]) + int(fields[12])


@dataclass(frozen=True)
class Sample:
    at: float
    busy: int  # ticks of every process on the machine
    server: int  # gunicorn's process group
    database: int  # PostgreSQL's processes, when the benchmark uses PostgreSQL
    own: int  # this process: the load generator


@dataclass
class CpuUse:
    server: float
    database: float
    load_generator: float
    other: float
    cpus: int

    def describe(self) -> str:
        database = f"PostgreSQL {self.database:.2f}, " if self.database else ""
        return (
            f"CPUs in use during the measurement: server {self.server:.2f}, {database}"
            f"load generator {self.load_generator:.2f}, other processes {self.other:.2f} "
            f"(of {self.cpus})"
        )


class CpuWatch:
    def __init__(self, server_pgid: int, *, postgresql: bool):
        self.server_pgid = server_pgid
        self.postgresql = postgresql
        self.first = self.sample()

    def sample(self) -> Sample | None:
        if not AVAILABLE:
            return None
        server = database = 0
        for entry in PROC.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                name, group, ticks = _process_ticks((entry / "stat").read_text())
            except (OSError, ValueError, IndexError):
                continue  # the process ended meanwhile
            if group == self.server_pgid:
                server += ticks
            elif self.postgresql and name == "postgres":
                database += ticks
        own = _process_ticks((PROC / "self" / "stat").read_text())[2]
        return Sample(time.monotonic(), _system_busy(), server, database, own)

    @staticmethod
    def server_ms(before: Sample | None, after: Sample | None) -> float | None:
        """Milliseconds of CPU the server (and PostgreSQL) spent between two samples."""
        if before is None or after is None:
            return None
        ticks = (after.server - before.server) + (after.database - before.database)
        return 1000 * ticks / TICKS_PER_SECOND

    def use(self) -> CpuUse | None:
        last = self.sample()
        if self.first is None or last is None:
            return None
        ticks = TICKS_PER_SECOND * (last.at - self.first.at)
        busy = (last.busy - self.first.busy) / ticks
        server = (last.server - self.first.server) / ticks
        database = (last.database - self.first.database) / ticks
        own = (last.own - self.first.own) / ticks
        other = max(0.0, busy - server - database - own)
        return CpuUse(server, database, own, other, os.cpu_count() or 1)
