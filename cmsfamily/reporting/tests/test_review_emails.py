"""Emails of the review: the Secretariat told when a report is submitted, recalled or resubmitted,
the reporter when it is published; sent after the commit, in the recipient's language."""

import pytest

from cmsfamily.directory.models import Person
from cmsfamily.reporting import notifications, services
from cmsfamily.reporting.models import Submission
from cmsfamily.reporting.testing import build_template, open_cycle

COMPLETE = [
    services.Edit("t.departments", "", "Ministry", 0),
    services.Edit("t.obstacles", "birds", "no", 0),
    services.Edit("t.obstacles", "aquatic-mammals", "no", 0),
]


@pytest.fixture
def kenya(db, nfp_kenya, secretariat):
    cycle = open_cycle(build_template()[1])
    submission = Submission.objects.get(cycle=cycle, party__code="KE")
    services.save_answers(submission=submission, edits=COMPLETE, by=nfp_kenya)
    return submission


def _sent(callbacks, mailoutbox, action):
    mailoutbox.clear()
    with callbacks(execute=True):
        action()
    return list(mailoutbox)


def test_submit_recall_resubmit_email_the_secretariat_of_the_cycles_instrument(
    kenya, nfp_kenya, mailoutbox, django_capture_on_commit_callbacks
):
    submitted = _sent(
        django_capture_on_commit_callbacks,
        mailoutbox,
        lambda: services.submit(submission=kenya, by=nfp_kenya),
    )
    assert [m.to for m in submitted] == [["officer@cms.example"]]
    assert submitted[0].subject == "Report submitted: Kenya, Test cycle"
    assert f"/reports/submissions/{kenya.pk}/" in submitted[0].body
    assert "---" not in submitted[0].body  # one language, the recipient's

    recalled = _sent(
        django_capture_on_commit_callbacks,
        mailoutbox,
        lambda: services.recall(submission=kenya, by=nfp_kenya),
    )
    assert [m.subject for m in recalled] == ["Report recalled: Kenya, Test cycle"]
    assert recalled[0].to == ["officer@cms.example"]

    resubmitted = _sent(
        django_capture_on_commit_callbacks,
        mailoutbox,
        lambda: services.submit(submission=kenya, by=nfp_kenya),
    )
    assert [m.subject for m in resubmitted] == ["Report resubmitted: Kenya, Test cycle"]


def test_an_eurobats_officer_is_not_told_of_a_cms_report(
    kenya, nfp_kenya, mailoutbox, django_capture_on_commit_callbacks
):
    sent = _sent(
        django_capture_on_commit_callbacks,
        mailoutbox,
        lambda: services.submit(submission=kenya, by=nfp_kenya),
    )
    assert "officer@eurobats.example" not in [a for m in sent for a in m.to]


def test_publication_emails_the_reporter(
    kenya, nfp_kenya, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    services.submit(submission=kenya, by=nfp_kenya)
    services.accept(submission=kenya, by=secretariat)
    published = _sent(
        django_capture_on_commit_callbacks,
        mailoutbox,
        lambda: services.publish(submission=kenya, by=secretariat),
    )
    assert [m.to for m in published] == [["nfp@kenya.example"]]
    assert published[0].subject == "Your report was published"
    assert "Kenya" in published[0].body and "Test cycle" in published[0].body


def test_nothing_is_sent_when_the_change_is_rolled_back(kenya, nfp_kenya, mailoutbox):
    from django.db import transaction

    mailoutbox.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.submit(submission=kenya, by=nfp_kenya)
        raise RuntimeError
    assert mailoutbox == []


def test_a_refused_transition_sends_nothing(
    kenya, nfp_kenya, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.publish(submission=kenya, by=secretariat)  # a draft is not published
    assert mailoutbox == []


@pytest.mark.parametrize(
    "recorded, language",
    [
        ("", "en"),
        ("French", "fr"),
        ("Español, English", "es"),
        ("Swahili; français", "fr"),
        ("Swahili", "en"),
    ],
)
def test_the_recipients_language_is_the_first_working_language_the_platform_speaks(
    recorded, language
):
    assert notifications.language_of(recorded) == language


def test_each_recipient_is_written_to_in_their_language(kenya, secretariat, monkeypatch):
    Person.objects.filter(email="officer@cms.example").update(languages="French")
    assert notifications.secretariat_of(kenya) == [("officer@cms.example", "fr")]
    seen = []
    from django.utils import translation

    def texts():
        seen.append(translation.get_language())
        return "s", "b"

    monkeypatch.setattr(notifications, "_send", lambda messages: seen.append(messages))
    notifications.each_in_own_language(notifications.secretariat_of(kenya), texts)
    assert seen[0] == "fr"
