"""The analysis benchmark's generated Family (bench/family.py), at its small size: it is built in
seconds, marked synthetic, its statuses realistic, its versions' hashes true, and the analysis
pages show figures from it."""

import re

import pytest

from bench import family
from cmsfamily.reporting.choices import SubmissionStatus
from cmsfamily.reporting.models import Answer, Question, Submission, SubmissionVersion
from cmsfamily.reporting.selectors.versions import content_hash


@pytest.fixture
def small(db):
    return family.generate_family(size="small")


def test_small_family_is_built_marked_and_realistic(small):
    assert small["how"] == "generated"
    assert small["cycles"] == 6  # 2 years × national, Agreement and Partner reports
    assert small["agreements"] == family.AGREEMENTS
    assert small["partners"] == 19
    assert small["parties"] >= 120
    assert small["submissions"] == 2 * (small["parties"] + 8 + 19)
    statuses = small["statuses"]
    assert statuses[SubmissionStatus.PUBLISHED] > statuses[SubmissionStatus.ACCEPTED] > 0
    assert statuses.get(SubmissionStatus.NOT_STARTED, 0) > 0  # some missing
    assert small["late"] > 0
    assert (
        small["answers"]
        == Answer.objects.filter(submission__cycle__slug__startswith=family.PREFIX).count()
    )
    assert small["answers"] > 5_000
    questions = Question.objects.filter(code__startswith=f"{family.PREFIX}-small.")
    assert questions.count() == small["questions"]
    assert not questions.exclude(source=family.MARKER).exists()
    assert questions.filter(targets__isnull=False).distinct().count() >= 16
    assert questions.exclude(meanings={}).exists()
    for version in SubmissionVersion.objects.filter(
        submission__cycle__slug__startswith=family.PREFIX
    )[:20]:
        assert version.content_hash == content_hash(version.snapshot)
    # Only reported reports have versions; the missing ones have none.
    missing = Submission.objects.filter(
        cycle__slug__startswith=family.PREFIX, status=SubmissionStatus.NOT_STARTED
    )
    assert not SubmissionVersion.objects.filter(submission__in=missing).exists()
    assert family.generate_family(size="small")["how"] == "reused"


def test_unknown_size_is_refused(db):
    with pytest.raises(ValueError, match="size"):
        family.generate_family(size="huge")


def _figures(html: str) -> list[int]:
    return [int(n) for n in re.findall(r">\s*(\d+)\s*<", html)]


def test_analysis_pages_show_figures(small, client, secretariat):
    client.force_login(secretariat)
    slug = family.cycle_slug("small", "party", 2023)
    target = client.get("/analysis/targets/3/")
    assert target.status_code == 200
    assert "Synthetic question: has your country taken measures towards Target 3" in (
        target.content.decode()
    )
    gaps = client.get("/analysis/gaps/", {"cycle": slug, "target": 3})
    assert gaps.status_code == 200
    text = gaps.content.decode()
    assert "✓" in text and "✗" in text
    code = f"{family.PREFIX}-small.t03-measures"
    page = client.get(
        "/analysis/",
        {"cycle": [slug, family.cycle_slug("small", "party", 2020)], "question": code},
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "Synthetic question: has your country taken measures towards Target 3" in body
    assert max(_figures(body)) >= 50  # a count of Parties answering
