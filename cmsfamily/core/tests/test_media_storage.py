"""Media on the local disk by default, on an S3-compatible store when MEDIA_S3_BUCKET is set."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "k" * 60,
    "DJANGO_ALLOWED_HOSTS": "cms.example.org",
}
# Builds the storage as Django would, without a request to the store (boto3 connects lazily).
PROBE = """
import json, django
django.setup()
from django.core.files.storage import storages
s = storages["default"]
print(json.dumps({"class": type(s).__name__, "bucket": getattr(s, "bucket_name", None),
    "endpoint": getattr(s, "endpoint_url", None), "location": getattr(s, "location", None),
    "acl": getattr(s, "default_acl", None), "overwrite": getattr(s, "file_overwrite", None),
    "key": getattr(s, "access_key", None)}))
"""


def _storage_with(env: dict) -> dict:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MEDIA_"))}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_media_stay_on_the_local_disk_by_default():
    assert _storage_with(PRODUCTION)["class"] == "FileSystemStorage"


def test_an_s3_bucket_takes_the_media_privately():
    storage = _storage_with(
        {
            **PRODUCTION,
            "MEDIA_S3_BUCKET": "cms-media",
            "MEDIA_S3_ENDPOINT_URL": "https://s3.example.org",
            "MEDIA_S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
            "MEDIA_S3_SECRET_ACCESS_KEY": "secret",
        }
    )
    assert storage == {
        "class": "S3Storage",
        "bucket": "cms-media",
        "endpoint": "https://s3.example.org",
        "location": "media",
        "acl": "private",
        "overwrite": False,
        "key": "AKIAEXAMPLE",
    }


def test_without_keys_boto3_finds_the_credentials_itself():
    storage = _storage_with({**PRODUCTION, "MEDIA_S3_BUCKET": "cms-media", "MEDIA_S3_PREFIX": "x"})
    assert (storage["class"], storage["location"], storage["key"]) == ("S3Storage", "x", None)
