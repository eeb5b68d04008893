"""Small meetings for the tests: COP14 of CMS (in Samarkand, 12–17 February 2024, as held) and a
remote Standing Committee, both made through the services as the platform itself."""

from datetime import date

from cmsfamily.directory.models import Instrument
from cmsfamily.meetings import services


def cop14(**changes):
    fields = {
        "code": "cop14",
        "title": "Fourteenth Meeting of the Conference of the Parties to CMS",
        "kind": "cop",
        "instrument": Instrument.objects.get(code="cms"),
        "start": date(2099, 2, 12),
        "end": date(2099, 2, 17),
        "format": "hybrid",
        "venue": "Samarkand, Uzbekistan",
        "connection_link": "https://meet.example/cop14",
        "working_languages": "en,fr,es",
        **changes,
    }
    return services.create_meeting(by=None, **fields)
