"""A request's id: in its response header, its log lines (JSON in production) and its events."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import transaction

from cmsfamily.core.logs import JsonFormatter, RequestIdFilter
from cmsfamily.core.models import Event
from cmsfamily.core.services import record_event

HEADER = "X-Request-ID"
RATE = {
    "currency": "EUR",
    "quote": "USD",
    "rate": "1.0823",
    "valid_from": "2026-11-01",
    "source": "UN operational rates of exchange, November 2026",
}


@pytest.fixture
def json_lines():
    """The lines the production handler would write, as parsed JSON objects."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Collect()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    requests = logging.getLogger("cmsfamily.requests")
    level = requests.level
    logging.getLogger().addHandler(handler)
    requests.setLevel(logging.INFO)
    yield lambda name: [json.loads(line) for line in lines if json.loads(line)["logger"] == name]
    logging.getLogger().removeHandler(handler)
    requests.setLevel(level)


@pytest.mark.django_db
def test_a_request_without_an_id_gets_one(client):
    first, second = client.get("/health/")[HEADER], client.get("/health/")[HEADER]
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second


@pytest.mark.django_db
@pytest.mark.parametrize("given", ["0f5c2a7e-93d1-4b8e-a1a4-3c0e8f1b2d6a", "nginx.7f3a:42", "a"])
def test_a_proxys_id_is_kept(client, given):
    assert client.get("/health/", headers={HEADER: given})[HEADER] == given


@pytest.mark.django_db
@pytest.mark.parametrize(
    "given",
    [
        "x" * 65,
        "two words",
        "-starts-with-a-dash",
        "<script>alert(1)</script>",
        "id\u00e9",
        "id;drop",
        "",
    ],
)
def test_an_id_that_is_not_plain_is_replaced(client, given):
    answered = client.get("/health/", headers={HEADER: given})[HEADER]
    assert answered != given
    assert len(answered) == 32


@pytest.mark.django_db
def test_an_error_page_and_a_redirect_carry_the_id_too(client, settings, json_lines):
    settings.SECURE_SSL_REDIRECT = True
    not_found = client.get("/no-such-page/", secure=True, headers={HEADER: "req-404"})
    assert not_found.status_code == 404
    assert not_found[HEADER] == "req-404"
    # Django logs a 4xx once the middleware has returned: the line still names the request.
    (line,) = json_lines("django.request")
    assert line["request_id"] == "req-404"
    assert line["status_code"] == 404
    response = client.get("/species/", headers={HEADER: "abc123"})
    assert response.status_code == 301
    assert response[HEADER] == "abc123"


def test_the_events_a_request_writes_carry_its_id(client, secretariat):
    client.force_login(secretariat)
    response = client.post("/exchange-rates/add/", RATE, headers={HEADER: "req-42"})
    assert response.status_code == 302
    event = Event.objects.get(kind="exchange_rate.set")
    assert event.request_id == "req-42"


def test_an_event_written_outside_a_request_has_no_id(db, secretariat):
    with transaction.atomic():
        event = record_event(kind="test.done", target=secretariat, actor=secretariat)
    assert event.request_id == ""


@pytest.mark.django_db
def test_each_request_is_logged_as_one_json_line_with_its_id(client, secretariat, json_lines):
    client.force_login(secretariat)
    client.get("/exchange-rates/", headers={HEADER: "req-7"})
    (line,) = json_lines("cmsfamily.requests")
    assert line["request_id"] == "req-7"
    assert line["logger"] == "cmsfamily.requests"
    assert line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/exchange-rates/", 200)
    assert line["user_id"] == secretariat.pk
    assert isinstance(line["ms"], float)
    assert line["time"].endswith("+00:00")


def test_an_exception_is_one_json_line_with_its_traceback():
    formatter = JsonFormatter()
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed %s", ("here",), sys.exc_info()
        )
    RequestIdFilter().filter(record)
    text = formatter.format(record)
    assert "\n" not in text
    line = json.loads(text)
    assert line["message"] == "failed here"
    assert line["request_id"] == ""
    assert "ValueError: boom" in line["exception"]


ROOT = Path(__file__).resolve().parents[3]


def _settings_in(env: dict) -> subprocess.CompletedProcess:
    code = "import config.settings as s; print(s.LOGGING['handlers']['console']['formatter'])"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LOG_"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        check=False,
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "k" * 60,
    "DJANGO_ALLOWED_HOSTS": "cms.example.org",
}


def test_production_logs_json_and_development_text():
    assert _settings_in(PRODUCTION).stdout.strip() == "json"
    assert _settings_in({}).stdout.strip() == "text"
    assert _settings_in({**PRODUCTION, "LOG_FORMAT": "text"}).stdout.strip() == "text"


def test_an_unknown_log_format_refuses_to_start():
    result = _settings_in({"LOG_FORMAT": "xml"})
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or text" in result.stderr
