"""/health/: the database, the cache and the task queue, 200 or 503, and nothing secret."""

import json

import pytest
from django.db import OperationalError, connections

from cmsfamily.core import health
from cmsfamily.core.testing import everyone, status_of

URL = "/health/"


@pytest.mark.django_db
def test_a_healthy_site_answers_200_with_each_check(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    report = response.json()
    assert report["status"] == "ok"
    assert report["checks"]["database"]["status"] == "ok"
    assert report["checks"]["cache"]["status"] == "ok"
    assert all(isinstance(check["ms"], float) for check in report["checks"].values())


@pytest.mark.django_db
def test_a_queue_not_configured_is_said_and_does_not_fail_the_site(client, settings):
    if hasattr(settings, "TASKS"):
        del settings.TASKS
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["checks"]["queue"]["status"] == "not configured"


@pytest.mark.django_db
def test_the_immediate_task_backend_is_healthy(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    queue = client.get(URL).json()["checks"]["queue"]
    assert queue["status"] == "ok"
    assert queue["backend"] == "ImmediateBackend"


@pytest.mark.django_db
def test_an_unknown_task_backend_is_reported_not_configured(client, settings):
    settings.TASKS = {"default": {"BACKEND": "somewhere.else.RabbitBackend"}}
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["checks"]["queue"] == {
        "status": "not configured",
        "backend": "RabbitBackend",
        "ms": response.json()["checks"]["queue"]["ms"],
    }


@pytest.mark.django_db
def test_a_plugged_queue_check_that_fails_makes_the_site_unhealthy(client, settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "example.QueueBackend"}}
    monkeypatch.setitem(health.QUEUE_CHECKS, "example.QueueBackend", lambda alias, conf: {})
    assert client.get(URL).status_code == 200

    def stuck(alias, conf):
        return {"status": "error", "error": "tasks are waiting: is a worker running?", "waiting": 3}

    monkeypatch.setitem(health.QUEUE_CHECKS, "example.QueueBackend", stuck)
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["checks"]["queue"]["waiting"] == 3

    def unreachable(alias, conf):
        raise ConnectionError("redis://:s3cret@queue.internal:6379")

    monkeypatch.setitem(health.QUEUE_CHECKS, "example.QueueBackend", unreachable)
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["checks"]["queue"]["error"] == "ConnectionError"
    assert "s3cret" not in response.content.decode()


@pytest.mark.django_db
def test_a_database_down_answers_503_without_its_address_or_password(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError('connection to "db.internal" failed: password=hunter2')

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    response = client.get(URL)
    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "error"
    assert report["checks"]["database"] == {
        "status": "error",
        "error": "OperationalError",
        "ms": report["checks"]["database"]["ms"],
    }
    assert report["checks"]["cache"]["status"] == "ok"
    assert "hunter2" not in response.content.decode()
    assert "db.internal" not in response.content.decode()


@pytest.mark.django_db
def test_a_cache_that_keeps_nothing_answers_503(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["status"] == "error"


@pytest.mark.django_db
def test_the_report_holds_no_setting(client, settings):
    body = client.get(URL).content.decode()
    assert settings.SECRET_KEY not in body
    assert str(settings.DATABASES["default"]["NAME"]) not in body
    assert set(json.loads(body)) == {"status", "checks"}


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_writes_are_refused(client, method):
    assert getattr(client, method)(URL).status_code == 405


@pytest.mark.django_db
def test_head_and_hostile_query_strings_are_answered_as_a_get(client):
    assert client.head(URL).status_code == 200
    assert client.get(URL, {"x": "'; DROP TABLE--", "check": "\x00" * 3}).status_code == 200
    assert client.get("/health/%00").status_code == 404


@pytest.mark.django_db
def test_load_balancers_may_ask_over_plain_http_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(URL).status_code == 200
    assert client.get("/species/").status_code == 301


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "expected"), everyone(200))
def test_everyone_may_ask(client_as, request, persona, expected):
    assert status_of(client_as, request, persona, "GET", URL) == expected


@pytest.mark.django_db
def test_one_query_for_the_database_check(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert client.get(URL).status_code == 200


@pytest.mark.django_db
def test_the_database_queue_fails_when_a_task_waits_too_long(client, settings):
    """Runs once django-tasks' database backend is installed (the background jobs' work)."""
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        pytest.skip("django_tasks_db is not installed yet")
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HEALTH_QUEUE_MAX_WAIT_SECONDS = 60
    assert client.get(URL).json()["checks"]["queue"]["waiting"] == 0
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="cmsfamily.example.task",
        backend_name="default",
        run_after=timezone.now() - timedelta(minutes=5),
        exception_class_path="",
        traceback="",
    )
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=5))
    response = client.get(URL)
    assert response.status_code == 503
    queue = response.json()["checks"]["queue"]
    assert (queue["status"], queue["waiting"]) == ("error", 1)
    assert queue["oldest_waiting_seconds"] >= 300
