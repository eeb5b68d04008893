"""The 2019 estimate of the value of Partner work (seed 003), recomputed with the ledger's rules
beside the figures the document prints."""

from decimal import Decimal

import pytest

from cmsfamily.contributions.models import ValuationRule
from cmsfamily.contributions.reference import load_seed_rules
from cmsfamily.contributions.scenario import seed_003_estimate

pytestmark = pytest.mark.django_db


def test_the_seed_rules_are_loaded_once_with_their_source():
    assert load_seed_rules() == 2
    assert load_seed_rules() == 0
    staff = ValuationRule.objects.get(kind="staff_time")
    meeting = ValuationRule.objects.get(kind="meeting_attendance")
    assert (staff.value, meeting.value) == (Decimal(300), Decimal(365))
    assert "Projects, paragraph 5" in staff.source and "no period" in staff.source


def test_each_part_and_the_total_are_computed_with_their_working_beside_the_seed():
    load_seed_rules()
    scenario = seed_003_estimate()
    parts = {part.key: part for part in scenario.parts}
    assert parts["projects"].computed == parts["projects"].stated == Decimal(19_000_000)
    assert parts["staff_time"].computed == Decimal(1_900_000)
    assert "no working days" in parts["staff_time"].why
    meetings = parts["meeting_attendance"]
    assert (meetings.computed, meetings.stated) == (Decimal(665_760), Decimal(166_440))
    assert meetings.working == ["19 × 4 × 4 × 6 = 1,824 days × 365.00 USD = 665,760.00 USD"]
    assert "8,760.00 USD per Partner" in meetings.why and "24 days" in meetings.why
    assert scenario.stated_sum == Decimal(21_066_440)
    assert scenario.computed_total == Decimal(21_565_760)
    assert scenario.stated_total["text"] == "more than US$21 million each year"


def test_without_rules_the_scenario_says_which_rule_is_missing():
    scenario = seed_003_estimate()
    assert any("No valuation rule for Meeting attendance" in error for error in scenario.errors)
    meetings = next(part for part in scenario.parts if part.key == "meeting_attendance")
    assert meetings.computed is None


@pytest.mark.parametrize(
    "persona",
    ["anonymous", "nfp_kenya", "nfp_germany", "birdlife_fp", "secretariat", "eurobats_officer"],
)
def test_everyone_reads_the_scenario_page_with_both_figures(client_as, request, persona):
    load_seed_rules()
    html = (
        client_as(request.getfixturevalue(persona))
        .get("/contributions/estimates/partner-work-2019/")
        .content.decode()
    )
    assert "665,760.00" in html and "166,440.00" in html
    assert "21,565,760.00" in html and "21,066,440.00" in html
    assert "more than US$21 million each year" in html


def test_the_scenario_page_says_which_rule_is_missing(client):
    html = client.get("/contributions/estimates/partner-work-2019/").content.decode()
    assert 'role="alert"' in html and "No valuation rule for Meeting attendance" in html


def test_the_page_is_named_for_what_it_is_and_its_first_address_leads_to_it(client):
    response = client.get("/contributions/scenarios/seed-003/")
    assert response.status_code == 301
    assert response["Location"] == "/contributions/estimates/partner-work-2019/"
    html = client.get(response["Location"]).content.decode()
    assert "<h1>The 2019 estimate of the value of Partner work</h1>" in html
    # The document is cited by its title, year, headings and paragraph; the transcription's
    # file, lines and notes for developers stay in the data file.
    assert (
        "Conservation Collaboration (2019), Civil Society Project Findings, "
        "Quantifying the Partner NGO commitment to CMS objectives, Projects, paragraph 3"
    ) in html
    assert "Conservation Collaboration: Strengthening the relationship" in html
    for internal in ("seed", "lines ", ".txt", "schema", "count is ours"):
        assert internal not in html.lower(), internal


def test_the_rules_loaded_before_cite_the_document_after_the_next_load(db):
    load_seed_rules()
    ValuationRule.objects.update(source="Conservation Collaboration (2019), seed 003, lines 1–2: x")
    load_seed_rules()
    for rule in ValuationRule.objects.all():
        assert "seed" not in rule.source and "lines" not in rule.source
        assert rule.source.startswith("Conservation Collaboration: Strengthening")
