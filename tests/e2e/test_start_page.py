"""The start page of each persona passes axe-core, fits a 390 px phone and shows their work first."""

import pytest

from tests.e2e.helpers import (
    DESKTOP,
    MOBILE,
    describe_violations,
    horizontal_overflow,
    screenshot,
    sign_out,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOTE = "Please name the authority in full."
FIRST_HEADING = {
    "anonymous": "The CMS Family in one place",
    "nfp_kenya": "Kenya: your Party's work",
    "secretariat": "Review queue",
    "birdlife_fp": "BirdLife International",
}


def _work():
    """Kenya's report returned with a note, Germany's waiting for review, BirdLife's drafted."""
    import conftest as root_conftest
    from cmsfamily.accounts.models import User
    from cmsfamily.reporting import services
    from cmsfamily.reporting.models import Submission
    from cmsfamily.reporting.services import Edit
    from cmsfamily.reporting.testing import build_template, open_cycle

    user = {key: User.objects.get(email=row[0]) for key, row in root_conftest.PERSONAS.items()}
    cycle = open_cycle(build_template()[1], parties=("KE", "DE"), organisations=("birdlife",))
    edits = [
        Edit("t.departments", "", "Ministry of Environment", 0),
        Edit("t.obstacles", "birds", "no", 0),
        Edit("t.obstacles", "aquatic-mammals", "no", 0),
    ]
    for code in ("KE", "DE"):
        report = Submission.objects.get(cycle=cycle, party__code=code)
        by = user["nfp_kenya" if code == "KE" else "nfp_germany"]
        assert services.save_answers(submission=report, edits=edits, by=by).ok
        services.submit(submission=report, by=by)
    services.return_submission(
        submission=Submission.objects.get(cycle=cycle, party__code="KE"),
        by=user["secretariat"],
        note=NOTE,
    )


def test_each_persona_start_page_passes_axe_and_fits_a_phone(
    page, live_server, registry, login, axe
):
    _work()
    problems = []
    for persona, heading in FIRST_HEADING.items():
        if persona != "anonymous":
            login(page, live_server, persona)
        page.set_viewport_size(DESKTOP)
        response = page.goto(f"{live_server.url}/")
        assert response is not None and response.status == 200
        if heading not in page.locator("main").inner_text():
            problems.append(f"{persona}: no “{heading}” on the start page")
        violations = axe(page)
        if violations:
            problems.append(f"{persona} (axe):\n{describe_violations(violations)}")
        screenshot(page, f"start-{persona}-1280")
        page.set_viewport_size(MOBILE)
        overflow = horizontal_overflow(page, MOBILE["width"])
        if overflow:
            problems.append(f"{persona}: {overflow}px wider than a 390 px screen")
        screenshot(page, f"start-{persona}-390")
        if persona == "nfp_kenya" and NOTE not in page.locator("main").inner_text():
            problems.append("Kenya's NFP does not see the Secretariat's note")
        if persona != "anonymous":
            sign_out(page)
    assert not problems, "\n".join(problems)
