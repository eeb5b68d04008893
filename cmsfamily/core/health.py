"""What a load balancer, a container runtime or a monitor asks: can this process serve?

Each check answers a small dict with its "status" ("ok", "error" or "not configured") and how long
it took; nothing else, so that no host name, password or stack trace reaches an anonymous caller
(the error itself goes to the log, under the request's id). The site is healthy when no check says
"error": a task queue that is not configured yet is reported as such and does not fail it.

The queue is checked by its backend: `register_queue_check(path, check)` plugs in the check of a
backend named by its class path in `settings.TASKS["default"]["BACKEND"]`.
"""

import logging
import secrets
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.utils import timezone

logger = logging.getLogger(__name__)

OK, ERROR, NOT_CONFIGURED = "ok", "error", "not configured"
QueueCheck = Callable[[str, dict], dict]
QUEUE_CHECKS: dict[str, QueueCheck] = {}


def register_queue_check(backend_path: str, check: QueueCheck) -> None:
    """`check(alias, backend_settings)` returns the fields to report; it raises when the queue
    cannot be reached, and says "error" when it is reachable but not working."""
    QUEUE_CHECKS[backend_path] = check


def _timed(name: str, check: Callable[[], dict]) -> dict:
    started = time.perf_counter()
    try:
        result = {"status": OK, **check()}
    except Exception as exc:
        logger.exception("health check %s failed", name)
        result = {"status": ERROR, "error": type(exc).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def check_database() -> dict:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_cache() -> dict:
    key, value = f"health:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    read = cache.get(key)
    cache.delete(key)
    if read != value:
        return {"status": ERROR, "error": "the cache did not return what was written"}
    return {}


def check_queue() -> dict:
    tasks = getattr(settings, "TASKS", None) or {}
    backend_settings = tasks.get("default")
    if not backend_settings:
        return {"status": NOT_CONFIGURED}
    path = backend_settings.get("BACKEND", "")
    check = QUEUE_CHECKS.get(path)
    if check is None:
        return {"status": NOT_CONFIGURED, "backend": path.rsplit(".", 1)[-1]}
    return {"backend": path.rsplit(".", 1)[-1], **check("default", backend_settings)}


def run_checks() -> dict:
    checks = {
        "database": _timed("database", check_database),
        "cache": _timed("cache", check_cache),
        "queue": _timed("queue", check_queue),
    }
    healthy = all(check["status"] != ERROR for check in checks.values())
    return {"status": OK if healthy else ERROR, "checks": checks}


def _runs_in_process(alias: str, backend_settings: dict) -> dict:
    """The immediate backend runs each task inside the request: nothing can be stuck."""
    return {}


def _database_queue(alias: str, backend_settings: dict) -> dict:
    """django-tasks' database backend: the queue is a table; workers that stopped show as a task
    waiting longer than HEALTH_QUEUE_MAX_WAIT_SECONDS."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.ready().filter(backend_name=alias)
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    waited = (timezone.now() - oldest) if oldest else timedelta(0)
    result: dict = {
        "waiting": waiting.count(),
        "oldest_waiting_seconds": int(waited.total_seconds()),
    }
    if waited.total_seconds() > settings.HEALTH_QUEUE_MAX_WAIT_SECONDS:
        result.update(status=ERROR, error="tasks are waiting: is a worker running?")
    return result


register_queue_check("django_tasks.backends.immediate.ImmediateBackend", _runs_in_process)
register_queue_check("django_tasks.backends.dummy.DummyBackend", _runs_in_process)
register_queue_check("django_tasks_db.DatabaseBackend", _database_queue)
register_queue_check("django_tasks_db.backend.DatabaseBackend", _database_queue)
