"""Bad input for every write: a clear message at its field, and nothing half-saved."""

import pytest
from django.core.exceptions import ValidationError

from cmsfamily.core.models import Event
from cmsfamily.workplans import services
from cmsfamily.workplans.choices import ProgrammeStatus
from cmsfamily.workplans.models import Activity, ProgressUpdate, ResourceLine, WorkProgramme
from cmsfamily.workplans.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def res():
    return WorkProgramme.objects.get(code="res-10-9")


def test_add_activity_computes_a_natural_sort_key_and_records_an_event(res, secretariat):
    activity = services.add_activity(
        programme=res,
        number="16.10",
        parent=res.activities.get(number="16"),
        title_en="New",
        by=secretariat,
    )
    numbers = list(res.activities.filter(parent__number="16").values_list("number", flat=True))
    assert numbers == ["16.1", "16.2", "16.10"]
    assert Event.objects.filter(kind="activity.created", data__number="16.10").exists()
    assert activity.sort_key == "00016.00010"


def test_a_duplicate_number_is_refused_at_the_number_field(res, secretariat):
    with pytest.raises(ValidationError) as error:
        services.add_activity(programme=res, number="5.2", title_en="Again", by=secretariat)
    assert "already has an activity numbered 5.2" in error.value.message_dict["number"][0]
    assert res.activities.filter(number="5.2").count() == 1


def test_a_parent_from_another_programme_is_refused(res, secretariat):
    other = Activity.objects.get(programme__code="cbd-cms-jwp-2012-2014", number="1")
    with pytest.raises(ValidationError) as error:
        services.add_activity(
            programme=res, number="17", parent=other, title_en="X", by=secretariat
        )
    assert "same programme" in error.value.message_dict["parent"][0]
    assert not res.activities.filter(number="17").exists()


def test_an_activity_cannot_become_its_own_ancestor(res, secretariat):
    area = res.activities.get(number="5")
    child = res.activities.get(number="5.2")
    for parent in (child, area):
        with pytest.raises(ValidationError) as error:
            services.move_activity(activity=area, parent=parent, by=secretariat)
        assert "own ancestor" in error.value.message_dict["parent"][0]
    area.refresh_from_db()
    assert area.parent is None


def test_an_end_before_the_start_is_refused(res, secretariat):
    with pytest.raises(ValidationError) as error:
        services.add_activity(
            programme=res,
            number="17",
            title_en="X",
            start="2015-01-01",
            end="2014-01-01",
            by=secretariat,
        )
    assert "before the start" in error.value.message_dict["end"][0]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": "-5", "currency": "EUR"}, "amount"),
        ({"amount": "lots", "currency": "EUR"}, "amount"),
        ({"amount": "5", "currency": "euro"}, "currency"),
        ({"amount": "5", "currency": ""}, "currency"),
    ],
)
def test_bad_amounts_and_currencies_are_refused(res, secretariat, values, field):
    activity = res.activities.get(number="5.2")
    before = ResourceLine.objects.count()
    with pytest.raises(ValidationError) as error:
        services.add_resource_line(
            activity=activity,
            by=secretariat,
            description="Consultant",
            type="other",
            used_or_needed="needed",
            **values,
        )
    assert field in error.value.message_dict
    assert ResourceLine.objects.count() == before


def test_progress_on_a_closed_programme_is_refused(secretariat):
    shared = factories.birdlife_programme(status=ProgrammeStatus.CLOSED)
    activity = shared.activities.get(number="1.1")
    with pytest.raises(ValidationError) as error:
        services.post_progress(activity=activity, by=secretariat, kind="progress", text="Done")
    assert "is closed" in error.value.messages[0]
    assert not ProgressUpdate.objects.filter(activity=activity).exists()


def test_post_progress_records_author_and_event(birdlife_fp):
    activity = factories.birdlife_programme().activities.get(number="1.1")
    update = services.post_progress(
        activity=activity, by=birdlife_fp, kind="progress", text="Done", status="completed"
    )
    assert update.author == birdlife_fp and update.status == "completed"
    assert Event.objects.filter(kind="progress.posted", target_id=str(activity.pk)).exists()
    assert update.history.count() == 1
