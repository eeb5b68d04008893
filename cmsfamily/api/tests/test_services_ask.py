"""Every write service asks the rule of its `by` itself: called directly by someone without the
right (as a page, an API or an import that forgot to ask would), it refuses and writes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from cmsfamily.core import services as core
from cmsfamily.core.models import Event
from cmsfamily.directory import services as directory
from cmsfamily.directory.choices import Role
from cmsfamily.directory.models import Party, Person
from cmsfamily.reporting import services as reporting
from cmsfamily.reporting.models import Submission
from cmsfamily.reporting.testing import build_template, open_cycle
from cmsfamily.species import services as species
from cmsfamily.strategy import services as strategy
from cmsfamily.strategy.models import Indicator, Target
from cmsfamily.workplans import services as workplans
from cmsfamily.workplans.models import Activity

pytestmark = pytest.mark.django_db


def _kenya_draft():
    return Submission.objects.get(cycle=open_cycle(build_template()[1]), party__code="KE")


CALLS = {
    "create a work programme": lambda by: workplans.create_programme(code="x-plan", by=by),
    "post progress": lambda by: workplans.post_progress(
        activity=Activity.objects.order_by("pk").first(), by=by, kind="report", text="Done"
    ),
    "create a strategic plan": lambda by: strategy.create_plan(code="x-plan", by=by),
    "enter an indicator value": lambda by: strategy.set_indicator_value(
        indicator=Indicator.objects.create(
            target=Target.objects.order_by("pk").first(), code="x.1", name_en="x"
        ),
        year=2020,
        scope="family",
        value=Decimal(1),
        by=by,
    ),
    "import species": lambda by: species.import_species(
        content=b"scientific_name\n", by=by, file_name="x.csv"
    ),
    "set an exchange rate": lambda by: core.set_exchange_rate(
        currency="EUR",
        quote="USD",
        rate=Decimal("1.1"),
        valid_from=date(2026, 1, 1),
        source="x",
        by=by,
    ),
    "nominate for Kenya": lambda by: directory.nominate(
        person=Person.objects.create(given_name="A", family_name="B"),
        role=Role.ALTERNATE_NFP,
        by=by,
        party=Party.objects.get(code="KE"),
    ),
    "submit Kenya's report": lambda by, draft: reporting.submit(submission=draft, by=by),
    "assign a section of Kenya's report": lambda by, draft: reporting.assign_section(
        submission=draft, section=draft.cycle.version.sections.get(number="I"), user=by, by=by
    ),
}


@pytest.mark.parametrize("call", CALLS)
def test_a_service_refuses_a_by_without_the_right(call, nfp_germany):
    arguments = (_kenya_draft(),) if "Kenya's report" in call else ()
    events = Event.objects.count()
    with pytest.raises(PermissionDenied):
        CALLS[call](nfp_germany, *arguments)
    assert Event.objects.count() == events
