"""The duties of each Party (seed 000, the terms of reference of a CMS National Focal Point), read
from the registry, the reporting cycles and the ledger, each with its evidence and dates.

Nothing here writes. Every read takes the user and goes through the lower apps' selectors, so a
cell never shows what the user could not open elsewhere: the Family-wide table is the CMS
Secretariat's (the ledger shows assessed contributions to it and to the Party's own focal points
only, and a table of duties without them would mislead); a Party's NFP or alternate sees its own
Party's row, with the next step of each duty not met. The cost is a constant number of queries,
whatever the number of Parties (``party_duties``). The duties are judged in ``cells``.

The duties and how each is judged:

- ``nfp``: a confirmed, current National Focal Point whose appointment has the confirming letter
  (the ministerial letter seed 000 asks for) on file;
- ``alternate``: a confirmed, current alternate;
- ``report``: the national report of the last closed cycle of the Convention's Party reports,
  on time or late by the cycle's own deadline (``reporting.selectors.party_report_history``),
  with the history of the last ``HISTORY`` closed cycles;
- ``contribution``: the assessed contributions to the Convention, year by year: paid, partly
  paid, or in arrears once due (the ``due`` date, or the end of the year where none is set);
- ``councillor``: a confirmed, current Scientific Councillor with an area of expertise;
- ``mou``: a confirmed, current focal point for each MoU the Party currently signs;
- ``credentials``: the latest credentials of the Party's delegation to the last COP that has
  begun, as the Secretariat examined them (``meetings.selectors.duties_credentials``);
- ``invitations``: the replies to the invitations whose deadline has passed: any unanswered,
  or answered late (``meetings.selectors.duties_replies``).
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from cmsfamily.analytics.duties import cells
from cmsfamily.analytics.duties.common import (
    CONVENTION,
    DUTIES,
    HISTORY,
    MET,
    NOT_APPLICABLE,
    NOT_TRACKED,
    PARTLY,
    ROLES,
    SHORT,
    STATES,
    TRACKED,
    UNMET,
    Cell,
    Evidence,
    PartyDuties,
)
from cmsfamily.analytics.duties.filters import DutiesForm
from cmsfamily.contributions import selectors as ledger
from cmsfamily.directory import selectors as registry
from cmsfamily.directory.choices import AppointmentStatus, InstrumentKind, Role
from cmsfamily.directory.scope import scope_of
from cmsfamily.meetings import selectors as meetings
from cmsfamily.reporting import selectors as reporting

__all__ = [
    "DutiesForm",
    "DUTIES",
    "MET",
    "NOT_APPLICABLE",
    "NOT_TRACKED",
    "PARTLY",
    "SHORT",
    "STATES",
    "TRACKED",
    "UNMET",
    "Cell",
    "Evidence",
    "PartyDuties",
    "export_header",
    "export_rows",
    "parties_for",
    "party_duties",
    "sort_by_missing",
]


def party_duties(user, parties, *, today: date) -> list[PartyDuties]:
    """The duties of each Party in ``parties`` (a list, in the order wanted). Ten queries, with
    the user's scope, whatever the number of Parties."""
    parties = list(parties)
    if not parties:
        return []
    ids = [party.pk for party in parties]
    by_party: dict[int, list] = {pk: [] for pk in ids}
    for appointment in (
        registry.appointments(user)
        .filter(party__in=ids, role__in=ROLES)
        .exclude(status=AppointmentStatus.ENDED)
        .order_by("-start", "-pk")
    ):
        by_party[appointment.party_id].append(appointment)
    mous: dict[int, list] = {pk: [] for pk in ids}
    for membership in (
        registry.memberships(user)
        .filter(party__in=ids, instrument__kind=InstrumentKind.MOU, end__isnull=True)
        .order_by("instrument__code")
    ):
        mous[membership.party_id].append(membership)
    cycles, reports = reporting.party_report_history(
        user, instrument_code=CONVENTION, count=HISTORY, parties=ids
    )
    assessed: dict[int, list] = {pk: [] for pk in ids}
    for row in ledger.assessed(user).filter(party__in=ids, instrument__code=CONVENTION):
        assessed[row.party_id].append(row)
    cop = meetings.last_cop(CONVENTION)
    credentials = meetings.duties_credentials(user, ids, meeting=cop)
    replies = meetings.duties_replies(user, ids, today=today)
    acting = scope_of(user).acting_parties
    result = []
    for party in parties:
        appointments = by_party[party.pk]
        result.append(
            PartyDuties(
                party,
                [
                    cells.nfp(party, appointments, today),
                    cells.named(
                        "alternate",
                        Role.ALTERNATE_NFP,
                        party,
                        appointments,
                        today,
                        missing=_("No alternate named"),
                        step=_("Nominate an alternate National Focal Point."),
                    ),
                    cells.report(party, cycles, reports),
                    cells.contribution(party, assessed[party.pk], today),
                    cells.councillor(party, appointments, today),
                    cells.mou(party, appointments, mous[party.pk], today),
                    cells.credentials(party, cop, credentials.get(party.pk)),
                    cells.invitations(party, replies[party.pk]),
                ],
                next_steps_shown=party.pk in acting,
            )
        )
    return result


def sort_by_missing(rows: list[PartyDuties], duty: str = "") -> list[PartyDuties]:
    """What is missing first: the chosen duty's state, then the number of duties not met, then
    those partly met; by name within."""
    order = {UNMET: 0, PARTLY: 1, MET: 2, NOT_APPLICABLE: 3, NOT_TRACKED: 4}
    return sorted(
        rows,
        key=lambda row: (
            order[row.cell(duty).state] if duty else 0,
            -row.unmet,
            -row.partly,
            reporting.sort_key(row.party.name),
        ),
    )


def parties_for(user):
    """The Parties whose duties the user sees: every Party for the CMS Secretariat, those the
    user acts for otherwise (none for anyone else)."""
    scope = scope_of(user)
    parties = registry.parties(user)
    if scope.cms_secretariat:
        return parties
    return parties.filter(pk__in=scope.acting_parties)


def export_header() -> list[str]:
    header = [_("Party"), _("ISO code"), _("CMS region")]
    for duty in DUTIES.values():
        header += [str(duty), _("%(duty)s: details") % {"duty": duty}]
    return header


def export_rows(rows: list[PartyDuties]):
    for row in rows:
        line = [row.party.name, row.party.code, str(row.party.region)]
        for cell in row.cells:
            line += [cell.state_label, "; ".join([cell.summary, *cell.details])]
        yield line
