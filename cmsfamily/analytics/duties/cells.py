"""How each duty of a Party is judged from what the registry, the reporting cycles and the
ledger hold: one function per duty, each returning its cell with the evidence and next step."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cmsfamily.analytics.duties.common import (
    MET,
    NOT_APPLICABLE,
    PARTLY,
    UNMET,
    Cell,
    Evidence,
)
from cmsfamily.directory.choices import AppointmentStatus, Role


def is_current(appointment, today: date) -> bool:
    return (
        appointment.status == AppointmentStatus.CONFIRMED
        and appointment.start <= today
        and (appointment.end is None or appointment.end >= today)
    )


def appointment_evidence(appointment) -> Evidence:
    on = appointment.confirmed_at.date() if appointment.confirmed_at else appointment.start
    return Evidence(
        _("%(person)s, %(role)s")
        % {"person": appointment.person, "role": appointment.get_role_display()},
        appointment.get_absolute_url(),
        on,
    )


def nominate_url(party) -> str:
    return reverse("directory:party-nominate", args=[party.code.lower()])


def nfp(party, appointments, today) -> Cell:
    current = [a for a in appointments if a.role == Role.NFP and is_current(a, today)]
    pending = [
        a for a in appointments if a.role == Role.NFP and a.status == AppointmentStatus.NOMINATED
    ]
    if current:
        nfp = current[0]
        if nfp.document:
            return Cell(
                "nfp",
                MET,
                _("%(person)s, confirmed by letter") % {"person": nfp.person},
                [appointment_evidence(nfp)],
            )
        return Cell(
            "nfp",
            PARTLY,
            _("%(person)s, confirmed; no letter on file") % {"person": nfp.person},
            [appointment_evidence(nfp)],
            next_step=_(
                "Send the Secretariat the letter from your Minister confirming your appointment."
            ),
            next_url=nfp.get_absolute_url(),
        )
    if pending:
        nominee = pending[0]
        return Cell(
            "nfp",
            UNMET,
            _("%(person)s nominated, not confirmed yet") % {"person": nominee.person},
            [Evidence(str(nominee.person), nominee.get_absolute_url(), nominee.start)],
            next_step=_(
                "Send the Secretariat the letter from your Minister confirming the nomination: "
                "the Secretariat attaches it when it confirms the appointment."
            ),
            next_url=nominee.get_absolute_url(),
        )
    return Cell(
        "nfp",
        UNMET,
        _("No National Focal Point"),
        [Evidence(_("Appointment history"), party.get_absolute_url())],
        next_step=_(
            "Nominate the National Focal Point, with the letter from your Minister confirming "
            "the appointment."
        ),
        next_url=nominate_url(party),
    )


def named(duty, role, party, appointments, today, *, missing: str, step: str) -> Cell:
    current = [a for a in appointments if a.role == role and is_current(a, today)]
    pending = [
        a for a in appointments if a.role == role and a.status == AppointmentStatus.NOMINATED
    ]
    if current:
        return Cell(
            duty,
            MET,
            ", ".join(str(a.person) for a in current),
            [appointment_evidence(a) for a in current],
        )
    if pending:
        return Cell(
            duty,
            PARTLY,
            _("%(person)s nominated, not confirmed yet") % {"person": pending[0].person},
            [Evidence(str(a.person), a.get_absolute_url(), a.start) for a in pending],
            next_step=_("The Secretariat confirms the nomination; nothing to do meanwhile."),
        )
    return Cell(
        duty,
        UNMET,
        missing,
        [Evidence(_("Appointment history"), party.get_absolute_url())],
        next_step=step,
        next_url=nominate_url(party),
    )


def councillor(party, appointments, today) -> Cell:
    cell = named(
        "councillor",
        Role.SCIENTIFIC_COUNCILLOR,
        party,
        appointments,
        today,
        missing=_("No Scientific Councillor"),
        step=_("Nominate your Party's Scientific Councillor, with their area of expertise."),
    )
    if cell.state != MET:
        return cell
    current = [
        a for a in appointments if a.role == Role.SCIENTIFIC_COUNCILLOR and is_current(a, today)
    ]
    cell.details = [
        _("%(person)s: %(area)s") % {"person": a.person, "area": a.area_of_expertise}
        if a.area_of_expertise
        else _("%(person)s: area of expertise not recorded") % {"person": a.person}
        for a in current
    ]
    without = [a for a in current if not a.area_of_expertise]
    if without:
        cell.state = PARTLY
        cell.next_step = _("Tell the Secretariat your Scientific Councillor's area of expertise.")
        cell.next_url = without[0].get_absolute_url()
    return cell


def mou(party, appointments, mous, today) -> Cell:
    if not mous:
        return Cell("mou", NOT_APPLICABLE, _("The Party signs no MoU."))
    named = {
        a.instrument_id: a
        for a in appointments
        if a.role == Role.MOU_FOCAL_POINT and is_current(a, today)
    }
    evidence, details, missing = [], [], []
    for membership in mous:
        instrument = membership.instrument
        focal_point = named.get(instrument.pk)
        if focal_point:
            evidence.append(appointment_evidence(focal_point))
            details.append(
                _("%(mou)s: %(person)s") % {"mou": instrument.label, "person": focal_point.person}
            )
        else:
            missing.append(instrument.label)
            evidence.append(
                Evidence(instrument.label, instrument.get_absolute_url(), membership.start)
            )
            details.append(_("%(mou)s: no focal point named") % {"mou": instrument.label})
    summary = _("Named for %(named)s of %(total)s MoUs") % {
        "named": len(mous) - len(missing),
        "total": len(mous),
    }
    if not missing:
        return Cell("mou", MET, summary, evidence, details)
    return Cell(
        "mou",
        UNMET if len(missing) == len(mous) else PARTLY,
        summary,
        evidence,
        details,
        next_step=_(
            "Nominate focal points for %(mous)s; until then, you act as focal point for them."
        )
        % {"mous": ", ".join(missing)},
        next_url=nominate_url(party),
    )


REPORT_STATES = {"on_time": MET, "late": PARTLY, "missing": UNMET}


def report(party, cycles, reports) -> Cell:
    if not cycles:
        return Cell("report", NOT_APPLICABLE, _("No reporting cycle has closed yet."))
    expected = [reports[(party.pk, c.pk)] for c in cycles if (party.pk, c.pk) in reports]
    on_time = sum(1 for entry in expected if entry.state == "on_time")
    history = (
        ngettext(
            "On time in %(on_time)s of the last %(count)s cycle.",
            "On time in %(on_time)s of the last %(count)s cycles.",
            len(expected),
        )
        % {"on_time": on_time, "count": len(expected)}
        if expected
        else ""
    )
    last = cycles[0]
    entry = reports.get((party.pk, last.pk))
    if entry is None:
        return Cell(
            "report",
            NOT_APPLICABLE,
            _("Not expected in %(cycle)s") % {"cycle": last.title},
            [Evidence(last.title, last.get_absolute_url(), last.deadline)],
            [history] if history else [],
        )
    details = [
        _("%(cycle)s: %(state)s") % {"cycle": e.cycle.title, "state": report_state_label(e.state)}
        for e in expected
    ]
    if history:
        details.insert(0, history)
    submission_url = reverse("reporting:submission", args=[entry.submission_id])
    if entry.state == "missing":
        return Cell(
            "report",
            UNMET,
            _("Missing: %(cycle)s, due %(deadline)s")
            % {"cycle": last.title, "deadline": last.deadline.isoformat()},
            [Evidence(last.title, last.get_absolute_url(), last.deadline)],
            details,
            next_step=_(
                "The national report for %(cycle)s was not submitted: ask the Secretariat how to "
                "send it late."
            )
            % {"cycle": last.title},
        )
    submitted = entry.first_submitted_at.date()
    summary = (
        _("On time: submitted on %(day)s, due %(deadline)s")
        if entry.state == "on_time"
        else _("Late: submitted on %(day)s, due %(deadline)s")
    ) % {"day": submitted.isoformat(), "deadline": last.deadline.isoformat()}
    return Cell(
        "report",
        REPORT_STATES[entry.state],
        summary,
        [Evidence(last.title, submission_url, submitted)],
        details,
        next_step=_("Submit the next national report by its deadline.")
        if entry.state == "late"
        else "",
    )


def report_state_label(state: str) -> str:
    return {"on_time": _("on time"), "late": _("late"), "missing": _("missing")}[state]


def year_label(row, today: date) -> tuple[str, bool]:
    """A year's state in words, and whether it is in arrears (not fully paid once due)."""
    if row.paid >= row.amount:
        return _("paid"), False
    overdue = row.due < today if row.due else row.year < today.year
    if not overdue:
        return (_("partly paid, not due yet") if row.paid > 0 else _("not due yet")), False
    return (_("partly paid, in arrears") if row.paid > 0 else _("in arrears")), True


def contribution(party, assessed, today) -> Cell:
    if not assessed:
        return Cell("contribution", NOT_APPLICABLE, _("No assessed contribution is recorded."))
    url = reverse("contributions:assessed") + f"?party={party.pk}"
    details, late = [], []
    for row in sorted(assessed, key=lambda row: -row.year):
        label, in_arrears = year_label(row, today)
        details.append(_("%(year)s: %(state)s") % {"year": row.year, "state": label})
        if in_arrears:
            late.append(row.year)
    evidence = [Evidence(_("Assessed contributions and payments"), url, row.invoice_date)]
    if late:
        years = ", ".join(str(year) for year in sorted(late))
        return Cell(
            "contribution",
            UNMET,
            _("In arrears for %(years)s") % {"years": years},
            evidence,
            details,
            next_step=_(
                "Pay the assessed contribution for %(years)s, or tell the Secretariat when it "
                "will be paid."
            )
            % {"years": years},
        )
    return Cell("contribution", MET, _("Paid to date"), evidence, details)


def credentials(party, cop, found) -> Cell:
    """The Party's credentials for the last COP (`cop`), from `found`: (its invitation, its
    latest credentials or None), or None when it was not invited."""
    if cop is None:
        return Cell("credentials", NOT_APPLICABLE, _("No Conference of the Parties recorded yet"))
    if found is None:
        return Cell(
            "credentials",
            NOT_APPLICABLE,
            _("Not invited to %(meeting)s") % {"meeting": cop.title},
        )
    invitation, latest = found
    evidence = [Evidence(cop.title, invitation.get_absolute_url(), cop.start)]
    upload = reverse("meetings:credentials-add", args=[cop.code, invitation.pk])
    if latest is None:
        return Cell(
            "credentials",
            UNMET,
            _("No credentials for %(meeting)s") % {"meeting": cop.title},
            evidence,
            next_step=_("Upload the credentials letter of the delegation."),
            next_url=upload,
        )
    on = latest.examined_at.date() if latest.examined_at else latest.created.date()
    evidence = [Evidence(latest.get_examination_display(), invitation.get_absolute_url(), on)]
    if latest.examination == "accepted":
        return Cell(
            "credentials", MET, _("In order for %(meeting)s") % {"meeting": cop.title}, evidence
        )
    if latest.examination == "provisional":
        return Cell(
            "credentials",
            PARTLY,
            _("Accepted provisionally for %(meeting)s") % {"meeting": cop.title},
            evidence,
            next_step=_("Send the original of the credentials to the Secretariat."),
        )
    if latest.examination == "not_accepted":
        return Cell(
            "credentials",
            UNMET,
            _("Not accepted: %(reason)s") % {"reason": latest.reason},
            evidence,
            next_step=_("Upload credentials issued by a competent authority."),
            next_url=upload,
        )
    return Cell("credentials", PARTLY, _("Submitted, not examined yet"), evidence)


def invitations(party, replies) -> Cell:
    """The Party's replies to the invitations that were due: {due, answered, late, unanswered}."""
    if not replies or not replies["due"]:
        return Cell("invitations", NOT_APPLICABLE, _("No invitation due yet"))
    evidence = [
        Evidence(invitation.meeting.title, invitation.get_absolute_url(), invitation.deadline)
        for invitation in replies["unanswered"]
    ]
    if replies["unanswered"]:
        first = replies["unanswered"][0]
        return Cell(
            "invitations",
            UNMET,
            ngettext(
                "%(count)s of %(due)s invitations unanswered",
                "%(count)s of %(due)s invitations unanswered",
                len(replies["unanswered"]),
            )
            % {"count": len(replies["unanswered"]), "due": replies["due"]},
            evidence,
            next_step=_("Reply to the invitation, even after its deadline."),
            next_url=first.get_absolute_url(),
        )
    if replies["late"]:
        return Cell(
            "invitations",
            PARTLY,
            ngettext(
                "All answered, %(late)s late",
                "All answered, %(late)s late",
                replies["late"],
            )
            % {"late": replies["late"]},
        )
    return Cell(
        "invitations",
        MET,
        ngettext(
            "%(count)s invitation answered on time",
            "All %(count)s invitations answered on time",
            replies["due"],
        )
        % {"count": replies["due"]},
    )
