"""Inviting all CMS Parties and Partners to a meeting in one action (issue 19's benchmark).

In-process, inside a transaction rolled back at the end (nothing stays): the statements and the
time of `meetings.services.invite` for one region's Parties and for every CMS Party and Partner,
beside a floor measured in the same run: one `bulk_create` of the same number of bare invitation
rows (no history, no event, no email). The statements must not grow with the invitees; the time
is reported as a ratio to the floor.
"""

import time
from datetime import timedelta

from bench.queries import Statements

REPETITIONS = 5
MARKER = "bench-invite"


def _meeting(number: int):
    from django.utils import timezone

    from cmsfamily.directory.models import Instrument
    from cmsfamily.meetings.models import Meeting

    start = timezone.localdate() + timedelta(days=365)
    return Meeting.objects.create(
        code=f"{MARKER}-{number}",
        title=f"Synthetic meeting {number} ({MARKER})",
        kind="cop",
        instrument=Instrument.objects.get(code="cms"),
        start=start,
        end=start + timedelta(days=5),
        venue="Synthetic",
    )


def _invite(meeting, **choice) -> tuple[int, int, float]:
    from django.db import connection
    from django.utils import timezone

    from cmsfamily.directory.models import Instrument
    from cmsfamily.meetings import services

    statements = Statements()
    started = time.perf_counter()
    with connection.execute_wrapper(statements):
        created = services.invite(
            meeting=meeting,
            deadline=timezone.localdate() + timedelta(days=30),
            by=None,
            instrument=Instrument.objects.get(code="cms"),
            **choice,
        )
    return len(created), statements.count, time.perf_counter() - started


def _floor(meeting, parties: list[int]) -> float:
    from django.utils import timezone

    from cmsfamily.meetings.models import Invitation

    deadline = timezone.localdate() + timedelta(days=30)
    started = time.perf_counter()
    Invitation.objects.bulk_create(
        Invitation(meeting=meeting, kind="party", party_id=pk, deadline=deadline) for pk in parties
    )
    return time.perf_counter() - started


def measure() -> dict:
    from django.db import transaction

    from cmsfamily.directory.models import Membership, Party

    results: dict = {"runs": []}
    with transaction.atomic():
        kenya_region = Party.objects.get(code="KE").region
        parties = list(
            Membership.objects.filter(instrument__code="cms").values_list("party_id", flat=True)
        )
        for repetition in range(REPETITIONS):
            region = _invite(_meeting(3 * repetition), region=kenya_region)
            everyone = _invite(_meeting(3 * repetition + 1), partners=True)
            floor = _floor(_meeting(3 * repetition + 2), parties)
            results["runs"].append({"region": region, "all": everyone, "floor": floor})
        transaction.set_rollback(True)
    return results


def note(results: dict) -> str:
    runs = results["runs"]
    region, everyone = runs[-1]["region"], runs[-1]["all"]
    best = min(run["all"][2] for run in runs)
    floor = min(run["floor"] for run in runs)
    return "\n".join(
        [
            "### Inviting in one action (meetings)",
            "",
            "| invitees | statements | best time (ms) |",
            "|---|---:|---:|",
            f"| one region's Parties: {region[0]} | {region[1]} | "
            f"{min(run['region'][2] for run in runs) * 1000:.1f} |",
            f"| every CMS Party and Partner: {everyone[0]} | {everyone[1]} | {best * 1000:.1f} |",
            "",
            f"Floor: a bare bulk insert of the same Parties' rows, {floor * 1000:.1f} ms; the "
            f"whole invitation (history, event, recipients, emails queued) is "
            f"{best / floor:.1f}× the floor. Statements: {everyone[1]} for {everyone[0]} "
            f"invitees, {region[1]} for {region[0]}.",
        ]
    )


if __name__ == "__main__":
    from bench import generate

    generate.setup_django(generate.database_url())
    print(note(measure()))
