"""A closed-loop load generator: each client holds a keep-alive connection to 127.0.0.1 and sends
its next request as soon as the previous answer has been read in full."""

import http.client
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.server import HOST

# Connection errors that mean a kept-alive connection was closed by the server while idle.
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
MAX_ERRORS = 20
# A slow answer is a result, not an error: under 20 clients on 2 cores a page that costs 2–3 s of
# CPU queues for tens of seconds. The timeout only catches a server that has stopped answering.
# A client that gave up would also leave its request running into the next target's measurement.
TIMEOUT = 120


class Refused(Exception):
    """An answer that is not what the target expects (a conflict page, a failed submit)."""


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    accept: str
    content_type: str  # the Content-Type a correct answer starts with
    # A target that is more than one anonymous GET of `path` (a POST, a client's own URL, a
    # request followed by another that is not timed): called with the client, it returns the
    # seconds to count and the size of the answer, or raises Refused.
    exchange: Callable[["Client"], tuple[float, int]] | None = None


@dataclass
class Measurement:
    target: Target
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0  # wall time of the whole run
    body_bytes: int = 0
    timed_out: bool = False
    server_cpu_ms: float | None = None  # CPU time of the server (and PostgreSQL) per request
    connections_opened: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile in milliseconds."""
        ordered = sorted(self.latencies)
        return 1000 * ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


class Client:
    """One browser-like client: a keep-alive connection and the cookies the site set."""

    def __init__(self, port: int, timeout: float = TIMEOUT):
        self.port = port
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.opened = 0  # connections opened: the server closes some to spread the load

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def get(self, target: Target) -> tuple[int, str, bytes]:
        status, headers, body = self.send("GET", target.path, {"Accept": target.accept})
        return status, headers.get("Content-Type", ""), body

    def send(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        """One request with the client's cookies; returns the status, headers and body."""
        headers = {"Accept-Encoding": "identity", **headers}
        for attempt in (1, 2):
            reused = self.connection is not None
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
                self.opened += 1
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                answer = response.read()
            except STALE:
                self.close()
                if reused and attempt == 1:
                    continue  # the server closed an idle connection: open a new one once
                raise
            except (OSError, http.client.HTTPException):
                self.close()
                raise
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, value = cookie.split(";", 1)[0].partition("=")
                self.cookies[name.strip()] = value.strip()
            if response.will_close:
                self.close()
            return response.status, response.headers, answer
        raise AssertionError("unreachable")


def run(
    clients: list[Client],
    target: Target,
    requests: int,
    *,
    time_limit: float,
    stop: threading.Event,
) -> Measurement:
    """Send `requests` requests to the target from all clients at once; stop at the time limit."""
    measurement = Measurement(target)
    lock = threading.Lock()
    remaining = [requests]
    deadline = time.monotonic() + time_limit

    def take() -> bool:
        with lock:
            if remaining[0] <= 0 or stop.is_set():
                return False
            if time.monotonic() > deadline:
                measurement.timed_out = True
                return False
            remaining[0] -= 1
            return True

    def fail(message: str) -> None:
        with lock:
            measurement.errors.append(message)
            if len(measurement.errors) >= MAX_ERRORS:
                remaining[0] = 0

    def work(client: Client) -> None:
        while take():
            started = time.perf_counter()
            try:
                if target.exchange is not None:
                    elapsed, size = target.exchange(client)
                else:
                    status, content_type, body = client.get(target)
                    elapsed, size = time.perf_counter() - started, len(body)
                    if status != 200 or not content_type.startswith(target.content_type):
                        raise Refused(f"HTTP {status} ({content_type or 'no Content-Type'})")
            except (OSError, http.client.HTTPException) as error:
                fail(f"{type(error).__name__}: {error}")
                continue
            except Refused as error:
                fail(str(error))
                continue
            except Exception as error:  # a fault in an exchange is an error, not a silent client
                fail(f"{type(error).__name__} in the client: {error}")
                continue
            with lock:
                measurement.latencies.append(elapsed)
                measurement.body_bytes = size

    threads = [threading.Thread(target=work, args=(c,), daemon=True) for c in clients]
    opened = sum(client.opened for client in clients)
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.1)
    except BaseException:
        stop.set()  # Ctrl-C: clients stop after their current request
        raise
    measurement.seconds = time.perf_counter() - started
    measurement.connections_opened = sum(client.opened for client in clients) - opened
    return measurement
