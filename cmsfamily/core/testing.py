"""Helpers for the permission-matrix tests of every app: who reads, who writes, who is refused.

The personas are the fixtures of the root conftest.py (anonymous, the NFPs of Kenya and Germany,
BirdLife's focal point, a CMS Secretariat officer and a EUROBATS Secretariat officer).
"""

import pytest

PERSONAS = [
    "anonymous",
    "nfp_kenya",
    "nfp_germany",
    "birdlife_fp",
    "secretariat",
    "eurobats_officer",
]
LOGIN = 302  # anonymous visitors are sent to the sign-in page


def matrix(**expected):
    """matrix(anonymous=200, nfp_kenya=403, ...) -> parametrize rows, one per persona; all required."""
    missing = set(PERSONAS) - set(expected)
    assert not missing, f"every persona needs an expectation: {missing}"
    return [pytest.param(persona, status, id=persona) for persona, status in expected.items()]


def everyone(status):
    return matrix(**dict.fromkeys(PERSONAS, status))


def no_write_method(status=405):
    """An API method an endpoint does not have: 405 for the signed in; the anonymous visitor is
    refused (403) before that, as for every anonymous write."""
    return matrix(**{**dict.fromkeys(PERSONAS, status), "anonymous": 403})


def cms_secretariat_only(*, anonymous, others=403, allowed=200):
    """Only the CMS Secretariat may; the anonymous visitor gets `anonymous` (a redirect or 403)."""
    return matrix(
        anonymous=anonymous,
        nfp_kenya=others,
        nfp_germany=others,
        birdlife_fp=others,
        secretariat=allowed,
        eurobats_officer=others,
    )


def client_for(client_as, request, persona):
    """A test client signed in as the named persona (the anonymous one stays signed out)."""
    return client_as(request.getfixturevalue(persona))


def status_of(client_as, request, persona, method, url, data=None):
    client = client_for(client_as, request, persona)
    response = client.post(url, data or {}) if method == "POST" else client.get(url)
    return response.status_code


def download_through_job(client, url: str):
    """A download that a background job makes (core.jobs): the link leads to the job's page;
    the file, once made (at once in the tests), comes from the job's download. Returns that
    response with its body read, or the job's page when the job failed or the link refused."""
    from django.http import HttpResponse
    from django.urls import reverse

    response = client.get(url)
    if response.status_code != 302 or "/jobs/" not in response["Location"]:
        return response
    page = client.get(response["Location"])
    job_id = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    download = client.get(reverse("job-download", args=[job_id]))
    if download.status_code != 200 or not download.streaming:
        return page
    body = HttpResponse(b"".join(download.streaming_content), status=200)
    for header in ("Content-Type", "Content-Disposition"):
        body[header] = download[header]
    return body
