"""The application served as in production: gunicorn on loopback, DEBUG off, WhiteNoise static files."""

import contextlib
import http.client
import json
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

from bench.generate import OUT_DIR, PROJECT_DIR

HOST = "127.0.0.1"
LOG = OUT_DIR / "gunicorn.log"


@dataclass(frozen=True)
class ServerConfig:
    worker_class: str = "gthread"
    workers: int = 3
    threads: int = 2
    clients: int = 20

    @property
    def worker_connections(self) -> int:
        """Each gthread worker takes its share of the clients' connections.

        With the default (1000) the first worker to wake accepts every kept-alive connection and
        serves the whole run alone while the others idle (seen with gunicorn 27: 20 of 20 on one
        worker). At this limit a worker closes a surplus idle connection after its response; the
        client reconnects to a worker with room, so the load stays spread (about 7 each for 20 on 3).
        """
        return max(self.threads + 1, math.ceil(self.clients / self.workers))

    def describe(self) -> str:
        if self.worker_class != "gthread":
            return f"gunicorn {self.worker_class}, {self.workers} workers"
        return (
            f"gunicorn gthread, {self.workers} workers × {self.threads} threads "
            f"(at most {self.worker_connections} connections each)"
        )


def production_env(database_url: str) -> dict[str, str]:
    """The environment of a production deployment, except plain HTTP on loopback."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(45),  # 60 characters
        DJANGO_ALLOWED_HOSTS=HOST,
        # TLS ends at a proxy in production; loopback HTTP must not be redirected to https.
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
    )
    return env


def collectstatic(env: dict[str, str]) -> str:
    """Collect static files into STATIC_ROOT with the production (manifest) storage.

    Returns the hashed URL of core/site.css: the file every page links to, used as the floor.
    """
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
    )
    manifest = json.loads((PROJECT_DIR / "staticfiles" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["core/site.css"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _ready(port: int, path: str) -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        connection.request("GET", path)
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def _log_tail(lines: int = 30) -> str:
    if not LOG.exists():
        return ""
    return "\n".join(LOG.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def serve(env: dict[str, str], config: ServerConfig, ready_path: str, timeout: float = 60):
    """Run gunicorn until the block ends; yields (port, process group id).

    gunicorn is stopped on every exit, Ctrl-C included.
    """
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--worker-class",
        config.worker_class,
        "--workers",
        str(config.workers),
        "--threads",
        str(config.threads),
        "--worker-connections",
        str(config.worker_connections),
        "--keep-alive",
        "5",
        "--timeout",
        "60",
        "--error-logfile",
        "-",
        "--log-level",
        "warning",
    ]
    # gunicorn's and Django's messages (e.g. the traceback of a 500) go to the log, not the note.
    log = LOG.open("w", encoding="utf-8")
    # A session of its own: Ctrl-C in the terminal reaches only this process, which stops gunicorn.
    process = subprocess.Popen(
        command,
        cwd=PROJECT_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while not _ready(port, ready_path):
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{_log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn not ready after {timeout:.0f} s:\n{_log_tail()}")
            time.sleep(0.2)
        yield port, process.pid
    finally:
        _stop(process)
        log.close()


def _stop(process: subprocess.Popen) -> None:
    """Stop gunicorn's process group (its master and workers), whether or not the master still runs."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
