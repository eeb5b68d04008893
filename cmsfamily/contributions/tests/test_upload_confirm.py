"""Confirming a checked workbook without choosing the file again: the workbook waits on the server
under a token that only its uploader's session knows, is checked again when confirmed, and is
logged all or nothing; another user's, an expired, an unknown or a used token logs nothing."""

import os
import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from cmsfamily.contributions import bulk, staging
from cmsfamily.contributions.models import Contribution
from cmsfamily.contributions.tests.ledger_data import euro_rate
from cmsfamily.contributions.tests.test_donors_and_upload import ledger_workbook, staff_days_row
from cmsfamily.core.models import ExchangeRate
from cmsfamily.directory.models import Organisation

pytestmark = pytest.mark.django_db
URL = "/contributions/upload/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _staged_files(media):
    folder = media / staging.FOLDER
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def _check(client, rows, organisation="birdlife"):
    """Upload a workbook to be checked; returns the response and the token it waits under."""
    response = client.post(
        URL,
        {
            "organisation": Organisation.objects.get(slug=organisation).pk,
            "workbook": ledger_workbook(rows),
            "confirm": "no",
        },
    )
    staged = response.context.get("staged")
    return response, staged.token if staged else None


def _euro_row(amount):
    row = staff_days_row(amount)
    row[[name for name, _f, _k in bulk.COLUMNS].index("currency")] = "EUR"
    return row


@pytest.fixture
def partner(client, birdlife_fp):
    client.force_login(birdlife_fp)
    return client


def test_a_checked_workbook_is_confirmed_with_its_token_alone(partner, media):
    checked, token = _check(partner, [staff_days_row(10), staff_days_row(20)])
    html = checked.content.decode()
    assert checked.status_code == 200 and token
    assert f'name="token" value="{token}"' in html
    assert "Choose the same file again" not in html and "year.xlsx" in html
    assert _staged_files(media) == [f"{token}.xlsx"]
    assert not Contribution.objects.exists()

    confirmed = partner.post(URL, {"token": token})
    assert confirmed.status_code == 302
    assert confirmed["Location"].startswith("/contributions/?organisation=")
    assert sorted(entry.amount for entry in Contribution.objects.all()) == [
        Decimal(10),
        Decimal(20),
    ]
    assert _staged_files(media) == []
    assert token not in partner.session.get(staging.SESSION_KEY, {})

    again = partner.post(URL, {"token": token})
    assert again.status_code == 400 and "No checked workbook of yours" in again.content.decode()
    assert Contribution.objects.count() == 2


def test_a_workbook_with_problems_is_not_kept(partner, media):
    response, token = _check(partner, [staff_days_row(10), staff_days_row(-1)])
    assert response.status_code == 400 and token is None
    assert 'name="token"' not in response.content.decode()
    assert _staged_files(media) == []


def test_another_users_token_logs_nothing_and_leaves_the_upload_to_its_owner(
    partner, media, secretariat
):
    _checked, token = _check(partner, [staff_days_row(10)])
    other = Client()
    other.force_login(secretariat)
    response = other.post(URL, {"token": token})
    assert response.status_code == 400
    assert "checked in another session or by another user" in response.content.decode()
    assert not Contribution.objects.exists()
    assert _staged_files(media) == [f"{token}.xlsx"]
    assert partner.post(URL, {"token": token}).status_code == 302
    assert Contribution.objects.count() == 1


def test_a_token_kept_in_a_session_for_another_user_is_refused(partner, media, nfp_kenya):
    """Sessions change hands only through a sign-in, which flushes them; the entry names its user
    all the same."""
    _checked, token = _check(partner, [staff_days_row(10)])
    session = partner.session
    session[staging.SESSION_KEY][token]["user_id"] = nfp_kenya.pk
    session.save()
    response = partner.post(URL, {"token": token})
    assert response.status_code == 400 and not Contribution.objects.exists()


def test_an_expired_token_logs_nothing_and_its_file_is_deleted(partner, media):
    _checked, token = _check(partner, [staff_days_row(10)])
    session = partner.session
    session[staging.SESSION_KEY][token]["expires"] = time.time() - 1
    session.save()
    response = partner.post(URL, {"token": token})
    assert response.status_code == 400
    assert "waited more than 60 minutes" in response.content.decode()
    assert not Contribution.objects.exists()
    assert _staged_files(media) == []


@pytest.mark.parametrize("token", ["not-a-token", "", "../../settings"])
def test_an_unknown_token_logs_nothing(partner, token):
    response = partner.post(URL, {"token": token})
    assert response.status_code == 400
    assert "No checked workbook of yours" in response.content.decode()
    assert not Contribution.objects.exists()


def test_a_token_being_confirmed_already_is_not_logged_twice(partner, media):
    _checked, token = _check(partner, [staff_days_row(10)])
    cache.add(f"{staging.SESSION_KEY}:{token}", True)  # another request holds it
    response = partner.post(URL, {"token": token})
    assert response.status_code == 409 and "being logged already" in response.content.decode()
    assert not Contribution.objects.exists()


def test_confirming_checks_the_workbook_again_and_logs_all_or_nothing(partner, media, secretariat):
    euro_rate(secretariat)
    _checked, token = _check(partner, [staff_days_row(10), _euro_row(20)])
    assert token
    ExchangeRate.objects.all().delete()  # the rate the check used is gone since
    response = partner.post(URL, {"token": token})
    html = response.content.decode()
    assert response.status_code == 409
    assert "no longer passes the checks" in html and "Contributions!F3" in html
    assert not Contribution.objects.exists()  # not even the row in US dollars
    assert _staged_files(media) == []


def test_rows_logged_meanwhile_are_not_logged_again(partner, media, birdlife_fp):
    _checked, token = _check(partner, [staff_days_row(10), staff_days_row(20)])
    birdlife = Organisation.objects.get(slug="birdlife")
    bulk.save(
        bulk.read(ledger_workbook([staff_days_row(10), staff_days_row(20)]), organisation=birdlife),
        by=birdlife_fp,
    )
    response = partner.post(URL, {"token": token})
    assert response.status_code == 409
    assert "every row of the workbook is already in it" in response.content.decode()
    assert Contribution.objects.count() == 2


def test_a_row_logged_meanwhile_is_skipped_and_the_others_are_logged(partner, birdlife_fp):
    _checked, token = _check(partner, [staff_days_row(10), staff_days_row(20)])
    birdlife = Organisation.objects.get(slug="birdlife")
    bulk.save(
        bulk.read(ledger_workbook([staff_days_row(10)]), organisation=birdlife), by=birdlife_fp
    )
    assert partner.post(URL, {"token": token}).status_code == 302
    assert sorted(entry.amount for entry in Contribution.objects.all()) == [
        Decimal(10),
        Decimal(20),
    ]


def test_uploads_left_unconfirmed_are_swept_away_by_the_next_upload(partner, media):
    _checked, old = _check(partner, [staff_days_row(10)])
    an_hour_ago = time.time() - staging.LIFETIME.total_seconds() - 1
    os.utime(media / staging.FOLDER / f"{old}.xlsx", (an_hour_ago, an_hour_ago))
    _checked, new = _check(partner, [staff_days_row(20)])
    assert _staged_files(media) == [f"{new}.xlsx"]


def test_only_those_who_log_contributions_may_confirm(client, eurobats_officer):
    assert client.post(URL, {"token": "x"}).status_code == 302  # to the sign-in page
    client.force_login(eurobats_officer)
    assert client.post(URL, {"token": "x"}).status_code == 403
