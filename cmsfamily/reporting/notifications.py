"""Emails of the reporting workflow: a cycle opened, a deadline near, a report returned, accepted
or published to its reporter; a report submitted, recalled or resubmitted to the Secretariat.

Sent after the transaction commits (``on_commit``), so a rolled-back change sends nothing. The
reporter's current focal points are a Party's NFP and alternates, a Partner's focal points, an
Agreement secretariat's officers; the Secretariat is the officers of the cycle's instrument. The
mass emails (cycle opened, reminders, review) are written in English, French and Spanish; the
others in each recipient's recorded working language, else English (`language_of`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from cmsfamily.core.languages import LANGUAGES
from cmsfamily.core.links import absolute_url
from cmsfamily.reporting.models import Cycle, Submission


def recipients(submissions) -> dict[int, list[str]]:
    """Email addresses of who reports for each submission (one query)."""
    from cmsfamily.directory.choices import ACTING_FOR_PARTY_ROLES, Role
    from cmsfamily.directory.models import Appointment

    submissions = list(submissions)
    party_of = {s.party_id: s.pk for s in submissions if s.party_id}
    organisation_of = {s.organisation_id: s.pk for s in submissions if s.organisation_id}
    result: dict[int, list[str]] = {s.pk: [] for s in submissions}
    rows = (
        Appointment.objects.current()
        .filter(person__email__gt="")
        .filter(
            Q(party__in=list(party_of), role__in=ACTING_FOR_PARTY_ROLES)
            | Q(organisation__in=list(organisation_of), role=Role.PARTNER_FOCAL_POINT)
            | Q(role=Role.SECRETARIAT_OFFICER, instrument__secretariat__in=list(organisation_of))
        )
        .order_by("pk")
        .values_list("party_id", "organisation_id", "instrument__secretariat_id", "person__email")
    )
    for party_id, organisation_id, served_id, email in rows:
        if party_id:
            pk = party_of.get(party_id)
        else:
            pk = organisation_of.get(organisation_id) or organisation_of.get(served_id)
        if pk is not None and email not in result[pk]:
            result[pk].append(email)
    return result


def _in_three_languages(make) -> tuple[str, str]:
    """The subject and the body in English, French and Spanish: the subject's three wordings
    joined by " / " (once each), the bodies one after the other."""
    subjects, bodies = [], []
    for language in LANGUAGES:
        with translation.override(language):
            subject, body = make()
            subjects.append(subject)
            bodies.append(body)
    return " / ".join(dict.fromkeys(subjects)), "\n\n---\n\n".join(bodies)


def _link(submission: Submission) -> str:
    return absolute_url(submission.get_absolute_url())


def _send(messages: list[tuple]) -> None:
    messages = [m for m in messages if m[3]]
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))


def cycle_opened(cycle: Cycle) -> None:
    submissions = list(cycle.submissions.select_related("party", "organisation"))
    to = recipients(submissions)

    def make(submission):
        def texts():
            subject = _("Reporting cycle open: %(cycle)s") % {"cycle": cycle.title}
            body = _(
                "The reporting cycle “%(cycle)s” is open for %(reporter)s. The deadline is "
                "%(deadline)s. Draft and submit the report here: %(link)s"
            ) % {
                "cycle": cycle.title,
                "reporter": submission.reporter,
                "deadline": cycle.deadline.isoformat(),
                "link": _link(submission),
            }
            return subject, body

        return texts

    _send(
        [
            (*_in_three_languages(make(s)), settings.DEFAULT_FROM_EMAIL, to[s.pk])
            for s in submissions
        ]
    )


def reminder(submission: Submission, days: int) -> tuple:
    cycle = submission.cycle

    def texts():
        subject = _("Reminder: report due in %(days)s days") % {"days": days}
        body = _(
            "The report of %(reporter)s for “%(cycle)s” is due on %(deadline)s, in %(days)s days. "
            "Its status is: %(status)s. %(link)s"
        ) % {
            "reporter": submission.reporter,
            "cycle": cycle.title,
            "deadline": cycle.deadline.isoformat(),
            "days": days,
            "status": submission.get_status_display(),
            "link": _link(submission),
        }
        return subject, body

    return _in_three_languages(texts)


def reviewed(submission: Submission) -> None:
    """The Secretariat returned or accepted the report: tell its reporter."""

    def texts():
        if submission.status == "returned":
            subject = _("Your report was returned for changes")
            body = _(
                "The Secretariat returned the report of %(reporter)s for “%(cycle)s” with this "
                "note:\n\n%(note)s\n\n%(link)s"
            ) % {
                "reporter": submission.reporter,
                "cycle": submission.cycle.title,
                "note": submission.review_note,
                "link": _link(submission),
            }
        else:
            subject = _("Your report was accepted")
            body = _(
                "The Secretariat accepted the report of %(reporter)s for “%(cycle)s”. %(link)s"
            ) % {
                "reporter": submission.reporter,
                "cycle": submission.cycle.title,
                "link": _link(submission),
            }
        return subject, body

    to = recipients([submission])[submission.pk]
    _send([(*_in_three_languages(texts), settings.DEFAULT_FROM_EMAIL, to)])


def due_reminders(today: dt.date) -> list[tuple]:
    """The reminders due today: for each open cycle whose deadline is one of its reminder days
    away, every report not yet submitted."""
    messages = []
    for cycle in Cycle.objects.filter(status="open", deadline__gte=today):
        days = (cycle.deadline - today).days
        if days not in cycle.reminder_days:
            continue
        pending = list(
            cycle.submissions.filter(
                status__in=["not_started", "draft", "returned"]
            ).select_related("party", "organisation", "cycle")
        )
        to = recipients(pending)
        messages.extend(
            (*reminder(submission, days), settings.DEFAULT_FROM_EMAIL, to[submission.pk])
            for submission in pending
            if to[submission.pk]
        )
    return messages


# --- the Secretariat told of a report sent, the reporter of its publication --------------------
#
# These emails are written in each recipient's language when the directory records one (the first
# of a person's working languages that the platform speaks), else in English.

LANGUAGE_NAMES = {
    "en": "en",
    "english": "en",
    "anglais": "en",
    "inglés": "en",
    "ingles": "en",
    "fr": "fr",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "francés": "fr",
    "frances": "fr",
    "es": "es",
    "spanish": "es",
    "espagnol": "es",
    "español": "es",
    "espanol": "es",
}


def language_of(languages: str) -> str:
    """The platform language of a person's recorded working languages ("French, English" → fr);
    English when none is recorded or none is one the platform speaks."""
    for name in languages.replace(";", ",").replace("/", ",").split(","):
        code = LANGUAGE_NAMES.get(name.strip().casefold())
        if code:
            return code
    return "en"


def _with_languages(rows) -> list[tuple[str, str]]:
    """(email, language) pairs from (email, working languages) rows, each address once."""
    result: dict[str, str] = {}
    for email, languages in rows:
        if email and email not in result:
            result[email] = language_of(languages or "")
    return list(result.items())


def secretariat_of(submission: Submission) -> list[tuple[str, str]]:
    """The officers of the secretariat of the cycle's instrument, with their language."""
    from cmsfamily.directory.choices import Role
    from cmsfamily.directory.models import Appointment

    instrument_id = submission.cycle.version.template.instrument_id
    return _with_languages(
        Appointment.objects.current()
        .filter(person__email__gt="", role=Role.SECRETARIAT_OFFICER, instrument_id=instrument_id)
        .order_by("pk")
        .values_list("person__email", "person__languages")
    )


def reporters_of(submission: Submission) -> list[tuple[str, str]]:
    """The reporter's current focal points (as `recipients`), with their language."""
    from cmsfamily.directory.models import Person

    emails = recipients([submission])[submission.pk]
    languages = dict(Person.objects.filter(email__in=emails).values_list("email", "languages"))
    return [(email, language_of(languages.get(email, ""))) for email in emails]


def each_in_own_language(to: list[tuple[str, str]], texts) -> None:
    """One email per recipient, its subject and body written in their language."""
    messages = []
    for email, language in to:
        with translation.override(language):
            subject, body = texts()
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
    _send(messages)


def sent(submission: Submission, what: str) -> None:
    """Tell the Secretariat that a report was submitted, resubmitted or recalled (`what`)."""

    def texts():
        names = {
            "reporter": submission.reporter,
            "cycle": submission.cycle.title,
            "link": _link(submission),
        }
        if what == "recalled":
            subject = _("Report recalled: %(reporter)s, %(cycle)s") % names
            body = (
                _(
                    "%(reporter)s recalled its report for “%(cycle)s”: it is a draft again and "
                    "nothing is to be reviewed until it is submitted again. %(link)s"
                )
                % names
            )
        elif what == "resubmitted":
            subject = _("Report resubmitted: %(reporter)s, %(cycle)s") % names
            body = (
                _(
                    "%(reporter)s submitted its report for “%(cycle)s” again. It waits for your "
                    "review: %(link)s"
                )
                % names
            )
        else:
            subject = _("Report submitted: %(reporter)s, %(cycle)s") % names
            body = (
                _(
                    "%(reporter)s submitted its report for “%(cycle)s”. It waits for your review: "
                    "%(link)s"
                )
                % names
            )
        return subject, body

    each_in_own_language(secretariat_of(submission), texts)


def published(submission: Submission) -> None:
    """Tell the reporter that the Secretariat published its report."""

    def texts():
        subject = _("Your report was published")
        body = _(
            "The Secretariat published the report of %(reporter)s for “%(cycle)s”: anyone can "
            "now read it. %(link)s"
        ) % {
            "reporter": submission.reporter,
            "cycle": submission.cycle.title,
            "link": _link(submission),
        }
        return subject, body

    each_in_own_language(reporters_of(submission), texts)
