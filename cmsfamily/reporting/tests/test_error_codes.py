"""Every refusal of a reporting service carries a stable code, the same for the same meaning,
which the API answers beside its message (cmsfamily.core.api_errors)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cmsfamily.reporting import services
from cmsfamily.reporting.choices import ExpectedReporters
from cmsfamily.reporting.models import Submission
from cmsfamily.reporting.testing import build_template, open_cycle


@pytest.fixture
def version(db):
    return build_template()[1]


@pytest.fixture
def kenya_report(version):
    return Submission.objects.get(cycle=open_cycle(version), party__code="KE")


def _codes(error: ValidationError) -> dict[str, list[str | None]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


def test_the_codes_of_a_refused_cycle_are_by_field(version):
    with pytest.raises(ValidationError) as error:
        services.create_cycle(
            slug="bad",
            version=version,
            period_start=dt.date(2023, 1, 1),
            period_end=dt.date(2021, 1, 1),
            opens_on=dt.date(2024, 5, 1),
            deadline=dt.date(2024, 4, 30),
            expected=ExpectedReporters.CHOSEN,
            by=None,
        )
    assert _codes(error.value) == {
        "period_end": ["invalid_range"],
        "deadline": ["invalid_range"],
        "expected": ["required"],
        "title_en": ["required"],
    }


def test_a_condition_on_a_question_the_version_does_not_ask(version):
    section = version.sections.first()
    question = services.create_question(code="t.extra", kind="short_text", text_en="Extra", by=None)
    with pytest.raises(ValidationError) as error:
        services.add_item(
            section=section,
            question=question,
            number="50",
            by=None,
            show_if={"question": "nope", "equals": 1},
        )
    assert _codes(error.value) == {"show_if": ["unknown_question"]}
    with pytest.raises(ValidationError) as error:
        services.create_question(code="t.extra", kind="short_text", text_en="Again", by=None)
    assert _codes(error.value) == {"code": ["duplicate"]}


def test_a_loop_item_without_a_name(kenya_report, nfp_kenya):
    sites = kenya_report.cycle.version.sections.get(number="III")
    with pytest.raises(ValidationError) as error:
        services.add_loop_entry(submission=kenya_report, section=sites, label=" ", by=nfp_kenya)
    assert _codes(error.value) == {"label": ["required"]}


def test_an_incomplete_report_and_an_empty_comment(kenya_report, nfp_kenya):
    with pytest.raises(ValidationError) as error:
        services.submit(submission=kenya_report, by=nfp_kenya)
    assert {e.code for e in error.value.error_list} == {"incomplete"}
    with pytest.raises(ValidationError) as error:
        services.comment(submission=kenya_report, code="t.departments", text=" ", by=nfp_kenya)
    assert _codes(error.value) == {"text": ["required"]}
