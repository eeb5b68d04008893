import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

from cmsfamily.accounts.models import Invitation, User
from cmsfamily.directory.models import Person

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_sign_in_by_email(client, nfp_kenya):
    response = client.post("/accounts/login/", {"login": nfp_kenya.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"] == nfp_kenya


def test_a_wrong_password_is_reported_in_the_form(client, nfp_kenya):
    response = client.post("/accounts/login/", {"login": nfp_kenya.email, "password": "wrong"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_failed_logins_are_rate_limited(client, nfp_kenya):
    for _ in range(5):
        client.post("/accounts/login/", {"login": nfp_kenya.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"login": nfp_kenya.email, "password": PASSWORD})
    assert (
        response.status_code == 429 or "Too many failed login attempts" in response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, nfp_kenya):
    response = client.post("/accounts/password/reset/", {"email": nfp_kenya.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and nfp_kenya.email in mail.outbox[0].to


def test_open_sign_up_is_closed(client):
    client.post(
        "/accounts/signup/",
        {"email": "intruder@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert not User.objects.filter(email="intruder@example.org").exists()


def _invite(client, secretariat, capture, email="amina@example.org"):
    person = Person.objects.create(
        given_name="Amina", family_name="Invited", email=email, email_confirmed=True
    )
    client.force_login(secretariat)
    with capture(execute=True):  # the email leaves only once the invitation is committed
        response = client.post(
            f"/people/{person.pk}/invite/", {"purpose": "to act as alternate NFP of Kenya"}
        )
    assert response.status_code == 302
    client.logout()
    return person


def test_an_invitation_creates_the_account_and_links_the_person(
    client, secretariat, django_capture_on_commit_callbacks
):
    person = _invite(client, secretariat, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/invitations/\S+/)", mail.outbox[0].body).group(1)
    assert client.get(link).status_code == 200
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user is not None and person.user.check_password(PASSWORD)
    assert client.get(link).status_code == 410  # used once only


@pytest.mark.parametrize(
    ("password1", "password2", "field", "message"),
    [
        (PASSWORD, PASSWORD + "x", "password2", "differ"),
        ("short", "short", "password1", "too short"),
        ("1234567890123", "1234567890123", "password1", "entirely numeric"),
    ],
)
def test_invitation_bad_passwords(
    client, secretariat, password1, password2, field, message, django_capture_on_commit_callbacks
):
    _invite(client, secretariat, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    response = client.post(
        f"/invitations/{invitation.token}/", {"password1": password1, "password2": password2}
    )
    assert message in str(response.context["form"].errors[field])
    assert not User.objects.filter(email="amina@example.org").exists()


def test_an_unknown_invitation_token_is_404(client):
    assert client.get("/invitations/not-a-token/").status_code == 404


def test_an_invitation_needs_an_email_address(client, secretariat):
    person = Person.objects.create(given_name="No", family_name="Email")
    client.force_login(secretariat)
    response = client.post(f"/people/{person.pk}/invite/", {"purpose": "x"})
    assert response.status_code == 200 and "email address" in response.content.decode()
    assert not Invitation.objects.exists()


@override_settings(MFA_REQUIRED_FOR_SECRETARIAT=True)
def test_secretariat_staff_must_set_up_two_factor_when_required(client, secretariat, nfp_kenya):
    client.force_login(secretariat)
    response = client.get("/parties/")
    assert response.status_code == 302 and "/accounts/2fa/totp/activate" in response["Location"]
    # The set-up pages themselves stay reachable (allauth first asks to re-enter the password).
    setup = client.get("/accounts/2fa/totp/activate/")
    assert setup.status_code == 200 or setup["Location"].startswith("/accounts/reauthenticate/")
    client.force_login(nfp_kenya)
    assert client.get("/parties/").status_code == 200


def test_two_factor_is_not_forced_locally(client, secretariat):
    client.force_login(secretariat)
    assert client.get("/parties/").status_code == 200


def test_demo_accounts_are_marked_and_printed_once(capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    assert "nfp.kenya@example.org" in first and "password:" in first
    assert User.objects.get(email="nfp.kenya@example.org").is_demo
    call_command("load_demo")
    second = capsys.readouterr().out
    assert "password:" not in second and "exist already" in second


def test_the_demo_banner_is_shown_to_demo_accounts(client):
    call_command("load_demo")
    client.force_login(User.objects.get(email="birdlife@example.org"))
    assert "demo account" in client.get("/").content.decode()
