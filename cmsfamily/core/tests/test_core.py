import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from cmsfamily.core.selectors import history_rows
from cmsfamily.directory.models import Party

pytestmark = pytest.mark.django_db


def test_history_rows_show_old_and_new_values():
    kenya = Party.objects.get(code="KE")
    kenya.note = "checked against the CMS website"
    kenya.save()
    rows = history_rows(kenya)
    assert rows[0]["type"] == "~"
    assert ("note on the data", "—", "checked against the CMS website") in rows[0]["changes"]
    assert rows[-1]["type"] == "+"


def test_translation_catalogues_compile_without_gnu_gettext(tmp_path, settings):
    po = tmp_path / "fr" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Parties"\nmsgstr "Parties"\n'
    )
    settings.LOCALE_PATHS = [tmp_path]
    call_command("compilemessages_if_needed")
    assert (po.parent / "django.mo").stat().st_size > 0


def _import_settings(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_ENV": "production"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_ENV": "production", "DJANGO_DEBUG": "1", "DJANGO_SECRET_KEY": "x" * 60}, "DEBUG"),
        ({"DJANGO_ENV": "production", "DJANGO_SECRET_KEY": "x" * 60}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_DEBUG": "maybe"}, "must be a boolean"),
    ],
)
def test_production_refuses_an_insecure_configuration(env, message):
    result = _import_settings(**env)
    assert result.returncode != 0 and message in result.stderr


def test_production_starts_with_a_secure_configuration():
    result = _import_settings(
        DJANGO_ENV="production", DJANGO_SECRET_KEY="k" * 60, DJANGO_ALLOWED_HOSTS="cms.example.org"
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("language", ["fr", "es"])
def test_translation_catalogues_are_complete(language):
    from babel.messages.pofile import read_po
    from django.conf import settings

    path = settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    missing = [
        m.id
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not missing, f"untranslated in {language}: {missing[:10]}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy[:10]}"


def test_the_interface_speaks_french(client):
    client.cookies["django_language"] = "fr"
    page = client.get("/parties/").content.decode()
    assert "Allemagne" in page and "Parties" in page and "Appliquer" in page
    assert '<html lang="fr">' in page


def test_a_url_under_the_api_that_matches_no_route_is_a_json_404(client, db):
    # A dot in an id misses the router's pattern: Django's HTML page broke the API's contract.
    response = client.get("/api/activities/1.5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")
