"""Small programmes built for tests (never mixed with the real seed programmes)."""

from cmsfamily.directory.models import Organisation
from cmsfamily.workplans.choices import ProgrammeKind, ProgrammeStatus
from cmsfamily.workplans.models import Activity, WorkProgramme, sort_key_for


def programme(code="test-programme", status=ProgrammeStatus.PUBLISHED, **values):
    values.setdefault("title", f"Test programme {code}")
    values.setdefault("kind", ProgrammeKind.PARTNER_SHARED)
    return WorkProgramme.objects.create(code=code, status=status, **values)


def activity(programme, number, parent=None, **values):
    values.setdefault("title", f"Activity {number}")
    return Activity.objects.create(
        programme=programme, number=number, sort_key=sort_key_for(number), parent=parent, **values
    )


def birdlife_programme(status=ProgrammeStatus.PUBLISHED):
    """A shared programme whose activity 1.1 BirdLife leads and 1.2 the Secretariat leads."""
    birdlife = Organisation.objects.get(slug="birdlife")
    shared = programme("birdlife-shared", status=status, partner=birdlife)
    area = activity(shared, "1")
    activity(shared, "1.1", parent=area, lead=birdlife)
    activity(shared, "1.2", parent=area, lead=Organisation.objects.get(slug="cms-secretariat"))
    return shared
