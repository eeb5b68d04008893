"""Emails: a cycle opened, a report returned or accepted, and the daily reminders."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import call_command

from cmsfamily.reporting import services
from cmsfamily.reporting.models import Submission
from cmsfamily.reporting.testing import build_template, open_cycle

COMPLETE = [
    services.Edit("t.departments", "", "Ministry", 0),
    services.Edit("t.obstacles", "birds", "no", 0),
    services.Edit("t.obstacles", "aquatic-mammals", "no", 0),
]


@pytest.fixture
def cycle(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return open_cycle(build_template()[1])


def test_opening_a_cycle_emails_each_reporters_focal_points(cycle):
    to = sorted(address for message in mail.outbox for address in message.to)
    assert to == ["nfp@germany.example", "nfp@kenya.example"]
    body = mail.outbox[0].body
    assert "Test cycle" in body and "2024-04-30" in body and "/reports/submissions/" in body
    assert "---" in body  # English, French and Spanish


def test_return_and_accept_email_the_reporter(
    cycle, nfp_kenya, secretariat, django_capture_on_commit_callbacks
):
    kenya = Submission.objects.get(cycle=cycle, party__code="KE")
    services.save_answers(submission=kenya, edits=COMPLETE, by=nfp_kenya)
    services.submit(submission=kenya, by=nfp_kenya)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.return_submission(submission=kenya, by=secretariat, note="Add the staff.")
    assert mail.outbox[0].to == ["nfp@kenya.example"] and "Add the staff." in mail.outbox[0].body
    services.submit(submission=kenya, by=nfp_kenya)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept(submission=kenya, by=secretariat)
    assert mail.outbox[1].subject == (
        "Your report was accepted / Votre rapport a été accepté / Su informe ha sido aceptado"
    )


def test_reminders_go_to_reports_not_submitted_on_the_reminder_days(cycle, nfp_kenya, capsys):
    kenya = Submission.objects.get(cycle=cycle, party__code="KE")
    services.save_answers(submission=kenya, edits=COMPLETE, by=nfp_kenya)
    services.submit(submission=kenya, by=nfp_kenya)
    mail.outbox.clear()
    call_command("send_report_reminders", date=(cycle.deadline - dt.timedelta(days=7)).isoformat())
    assert [m.to for m in mail.outbox] == [["nfp@germany.example"]]
    assert "due in 7 days" in mail.outbox[0].subject
    mail.outbox.clear()
    call_command("send_report_reminders", date=(cycle.deadline - dt.timedelta(days=8)).isoformat())
    assert mail.outbox == []


def test_the_reminder_command_refuses_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_report_reminders", date="24/11/2026")


def _link(message):
    return re.search(r"https?://\S+/reports/submissions/\d+/", message.body).group(0)


def _open(capture):
    with capture(execute=True):
        return open_cycle(build_template()[1])


def test_links_outside_a_request_lead_to_the_local_server_on_its_port(
    db, settings, django_capture_on_commit_callbacks
):
    """`make run PORT=8107` prints the cycle-opening and reminder emails: their links lead to
    port 8107, not to a port hard-coded elsewhere."""
    settings.SITE_URL, settings.LOCAL_SITE_URL = "", "http://127.0.0.1:8107"
    cycle = _open(django_capture_on_commit_callbacks)
    assert _link(mail.outbox[0]).startswith("http://127.0.0.1:8107/reports/submissions/")
    mail.outbox.clear()
    call_command("send_report_reminders", date=(cycle.deadline - dt.timedelta(days=7)).isoformat())
    assert _link(mail.outbox[0]).startswith("http://127.0.0.1:8107/reports/submissions/")


def test_links_sent_from_a_request_lead_to_the_address_it_came_to(
    cycle, settings, client_as, nfp_kenya, secretariat, django_capture_on_commit_callbacks
):
    settings.SITE_URL, settings.ALLOWED_HOSTS = "", ["platform.example"]
    kenya = Submission.objects.get(cycle=cycle, party__code="KE")
    services.save_answers(submission=kenya, edits=COMPLETE, by=nfp_kenya)
    services.submit(submission=kenya, by=nfp_kenya)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(secretariat).post(
            f"/reports/submissions/{kenya.pk}/return/",
            {"note": "Add the staff."},
            HTTP_HOST="platform.example:8107",
        )
    assert response.status_code in (200, 302)
    assert _link(mail.outbox[0]) == f"http://platform.example:8107/reports/submissions/{kenya.pk}/"


def test_a_configured_site_address_wins(db, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://cms.example.org/"
    _open(django_capture_on_commit_callbacks)
    assert _link(mail.outbox[0]).startswith("https://cms.example.org/reports/submissions/")
