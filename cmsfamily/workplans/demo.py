"""A demonstration shared work programme, so that the demo Partner account has work to do.

Clearly not real: its code starts with `demo-`, its title says "demonstration", it stays a draft
(seen only by the CMS Secretariat and BirdLife's demo focal point), and its texts describe what
a user can try rather than any real activity.
"""

from django.db import transaction

from cmsfamily.directory.models import Organisation
from cmsfamily.workplans.choices import ProgrammeKind, ProgrammeStatus
from cmsfamily.workplans.models import Activity, WorkProgramme, sort_key_for

CODE = "demo-birdlife-shared"
NOTE = "Demonstration programme of this platform; not a real programme."
# What NOTE said before: a demo programme loaded then gets the new text on the next load.
OLD_NOTE = "Demonstration data created by `make run` (load_workplans --demo); not a real programme."


@transaction.atomic
def load_demo_programme() -> bool:
    """Create the demonstration programme once; True when it was created."""
    if WorkProgramme.objects.filter(code=CODE).exists():
        WorkProgramme.objects.filter(code=CODE, source=OLD_NOTE).update(source=NOTE)
        Activity.objects.filter(programme__code=CODE, source=OLD_NOTE).update(source=NOTE)
        return False
    birdlife = Organisation.objects.get(slug="birdlife")
    secretariat = Organisation.objects.get(slug="cms-secretariat")
    programme = WorkProgramme.objects.create(
        code=CODE,
        title_en="Demonstration: a shared work programme of BirdLife International and CMS",
        title_fr="Démonstration : programme de travail commun de BirdLife International et de la CMS",
        title_es="Demostración: programa de trabajo compartido de BirdLife International y la CMS",
        kind=ProgrammeKind.PARTNER_SHARED,
        owner=secretariat,
        partner=birdlife,
        status=ProgrammeStatus.DRAFT,
        source=NOTE,
    )
    rows = [
        ("1", None, None, "Demonstration area: try the shared programme"),
        ("1.1", "1", birdlife, "Demonstration activity led by BirdLife: post progress on it"),
        ("1.2", "1", secretariat, "Demonstration activity led by the CMS Secretariat"),
    ]
    made: dict[str, Activity] = {}
    for number, parent, lead, title in rows:
        made[number] = Activity.objects.create(
            programme=programme,
            number=number,
            sort_key=sort_key_for(number),
            parent=made.get(parent) if parent else None,
            lead=lead,
            title_en=title,
            source=NOTE,
        )
    return True
