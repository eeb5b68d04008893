"""A new installation's first account: `manage.py create_secretariat_officer`."""

import pytest
from django.core.management import CommandError, call_command

from cmsfamily.accounts.models import User
from cmsfamily.directory.choices import AppointmentStatus, Role
from cmsfamily.directory.scope import scope_of

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-passphrase-42"


def _create(*args, **kwargs):
    from io import StringIO

    out = StringIO()
    call_command("create_secretariat_officer", *args, stdout=out, **kwargs)
    return out.getvalue()


def test_the_first_officer_signs_in_where_email_confirmation_is_mandatory(
    client, settings, tmp_path
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    settings.MFA_REQUIRED_FOR_SECRETARIAT = False
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    out = _create("--email", "Head@Example.org", "--password-file", str(secret))
    assert PASSWORD not in out
    user = User.objects.get(email="head@example.org")
    appointment = user.person.appointments.get()
    assert (appointment.role, appointment.status, appointment.instrument.code) == (
        Role.SECRETARIAT_OFFICER,
        AppointmentStatus.CONFIRMED,
        "cms",
    )
    assert scope_of(user).is_secretariat
    response = client.post("/accounts/login/", {"login": "head@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert "confirm-email" not in response["Location"]
    assert client.get("/reports/templates/").status_code == 200


def test_without_a_password_one_is_generated_and_shown_once(client, settings, monkeypatch):
    monkeypatch.delenv("CMS_OFFICER_PASSWORD", raising=False)
    out = _create("--email", "eurobats.head@example.org", "--instrument", "eurobats")
    password = out.split("shown once, change it after signing in): ")[1].split()[0]
    assert User.objects.get(email="eurobats.head@example.org").check_password(password)


def test_the_password_may_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CMS_OFFICER_PASSWORD", PASSWORD)
    out = _create("--email", "env@example.org")
    assert PASSWORD not in out
    assert User.objects.get(email="env@example.org").check_password(PASSWORD)


@pytest.mark.parametrize(
    "args,message",
    [
        (["--instrument", "nope"], "run `manage.py load_reference` first"),
        (["--email", "SECRETARIAT"], "exists already"),
    ],
)
def test_mistakes_are_refused_with_a_reason(monkeypatch, secretariat, args, message):
    monkeypatch.setenv("CMS_OFFICER_PASSWORD", PASSWORD)
    args = [secretariat.email.upper() if a == "SECRETARIAT" else a for a in args]
    with pytest.raises(CommandError, match=message):
        _create("--email", "new@example.org", *args)


def test_a_weak_password_is_refused(monkeypatch):
    monkeypatch.setenv("CMS_OFFICER_PASSWORD", "12345")
    with pytest.raises(CommandError, match="too short"):
        _create("--email", "weak@example.org")
    assert not User.objects.filter(email="weak@example.org").exists()
