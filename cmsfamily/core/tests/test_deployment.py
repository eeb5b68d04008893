"""What a production deployment needs before it serves a page: its static files collected."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import SystemCheckError

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture
def production_static(settings, tmp_path):
    settings.STORAGES = MANIFEST_STORAGE
    settings.STATIC_ROOT = tmp_path
    return tmp_path


def _write_manifest(root, paths):
    (root / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "hash": "x", "paths": {p: p for p in paths}})
    )


def _all_static_paths():
    return [
        path
        for finder in finders.get_finders()
        for path, _storage in finder.list(ignore_patterns=["CVS", ".*", "*~"])
    ]


def test_the_deploy_check_refuses_uncollected_static_files(production_static):
    with pytest.raises(SystemCheckError, match=r"cmsfamily.E001\) Static files are not collected"):
        call_command("check", "--deploy", "--fail-level", "ERROR")


def test_the_deploy_check_refuses_static_files_collected_before_new_code(production_static):
    paths = _all_static_paths()
    _write_manifest(production_static, [p for p in paths if p != "core/site.css"])
    with pytest.raises(SystemCheckError, match=r"cmsfamily.E002.*1 are not collected"):
        call_command("check", "--deploy", "--fail-level", "ERROR")


def test_the_deploy_check_passes_once_static_files_are_collected(production_static):
    _write_manifest(production_static, _all_static_paths())
    call_command("check", "--deploy", "--fail-level", "ERROR")


def test_development_settings_need_no_collected_files(settings):
    assert "Manifest" not in settings.STORAGES["staticfiles"]["BACKEND"]
    call_command("check", "--deploy", "--fail-level", "ERROR")
