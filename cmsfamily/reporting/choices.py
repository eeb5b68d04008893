from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ReporterKind(models.TextChoices):
    PARTY = "party", _("Party")
    PARTNER = "partner", _("Partner organisation")
    AGREEMENT = "agreement", _("Agreement secretariat")


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    YES_NO = "yes_no", _("Yes / no / not applicable")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    PERCENTAGE = "percentage", _("Percentage")
    DATE = "date", _("Date")
    YEAR = "year", _("Year")
    TABLE = "table", _("Table")
    FILE = "file", _("File")
    LINK = "link", _("Link")
    PARTY = "party", _("Party")
    SPECIES = "species", _("Species")
    TARGET = "target", _("Strategic Plan target")
    ACTIVITY = "activity", _("Work-programme activity")


PICKER_KINDS = frozenset(
    {QuestionKind.PARTY, QuestionKind.SPECIES, QuestionKind.TARGET, QuestionKind.ACTIVITY}
)
NUMBER_KINDS = frozenset({QuestionKind.INTEGER, QuestionKind.DECIMAL, QuestionKind.PERCENTAGE})
TABLE_COLUMN_KINDS = (
    QuestionKind.SHORT_TEXT,
    QuestionKind.INTEGER,
    QuestionKind.DECIMAL,
    QuestionKind.DATE,
    QuestionKind.YES_NO,
)


class YesNo(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_APPLICABLE = "na", _("Not applicable")


class OptionMeaning(models.TextChoices):
    """What choosing an option says about a question's targets (the gap matrix reads it). Stated
    per question by the Secretariat, never guessed; an option without one means nothing there."""

    IMPLEMENTATION = "implementation", _("Reported implementation")
    NONE = "none", _("Reported none")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


# The kinds whose options may carry a meaning: a yes/no question's are its three answers.
MEANING_KINDS = (QuestionKind.YES_NO, QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


class LoopKind(models.TextChoices):
    NONE = "", _("Not repeated")
    FIXED = "fixed", _("Each item of a fixed list (e.g. taxonomic groups)")
    RANGE_SPECIES = "range_species", _("Each species the Party is a range state of")
    RANGE_SPECIES_APPENDIX_I = (
        "range_species_i",
        _("Each Appendix I species the Party is a range state of"),
    )
    ACTIVITY = "activity", _("Each activity of a work programme")
    REPORTER_ITEMS = "reporter_items", _("Each item the reporter adds (e.g. sites)")


SPECIES_LOOPS = frozenset({LoopKind.RANGE_SPECIES, LoopKind.RANGE_SPECIES_APPENDIX_I})


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FROZEN = "frozen", _("Frozen (in use by a cycle)")


class CycleStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ExpectedReporters(models.TextChoices):
    ALL_PARTIES = "all_parties", _("All Parties of the instrument")
    ALL_PARTNERS = "all_partners", _("All Partner organisations")
    ALL_AGREEMENTS = "all_agreements", _("All Agreement secretariats")
    CHOSEN = "chosen", _("Chosen reporters")


class SubmissionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")
    PUBLISHED = "published", _("Published")


EDITABLE_STATUSES = frozenset(
    {SubmissionStatus.NOT_STARTED, SubmissionStatus.DRAFT, SubmissionStatus.RETURNED}
)
# Statuses in which the instrument's secretariat sees the report.
SENT_STATUSES = frozenset(
    {SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED, SubmissionStatus.PUBLISHED}
)


@dataclass(frozen=True)
class Step:
    """One move of a report's workflow, stated once: the statuses it leaves from, the status it
    reaches, who makes it (the reporter or the secretariat of the instrument), whether the cycle
    must be open, the rule every channel asks, and what the person is told. `rules.py` makes the
    rules from these, the services move the report by them, the pages say their messages."""

    action: str
    sources: frozenset[str]
    target: str
    actor: str  # "reporter" or "secretariat"
    permission: str
    done: Promise
    already: Promise
    needs_open_cycle: bool = False

    @property
    def event(self) -> str:
        return f"submission.{self.target}"


REPORTER, SECRETARIAT = "reporter", "secretariat"
WORKFLOW = {
    step.action: step
    for step in (
        Step(
            "submit",
            EDITABLE_STATUSES,
            SubmissionStatus.SUBMITTED,
            REPORTER,
            "reporting.submit_submission",
            _("The report was submitted."),
            _("The report was already submitted."),
            needs_open_cycle=True,
        ),
        Step(
            "recall",
            frozenset({SubmissionStatus.SUBMITTED}),
            SubmissionStatus.DRAFT,
            REPORTER,
            "reporting.recall_submission",
            _("The report was recalled: it is a draft again."),
            _("The report was already recalled."),
            needs_open_cycle=True,
        ),
        Step(
            "return",
            frozenset({SubmissionStatus.SUBMITTED}),
            SubmissionStatus.RETURNED,
            SECRETARIAT,
            "reporting.review_submission",
            _("The report was returned to %(reporter)s."),
            _("The report was already returned."),
        ),
        Step(
            "accept",
            frozenset({SubmissionStatus.SUBMITTED}),
            SubmissionStatus.ACCEPTED,
            SECRETARIAT,
            "reporting.review_submission",
            _("The report was accepted."),
            _("The report was already accepted."),
        ),
        Step(
            "publish",
            frozenset({SubmissionStatus.ACCEPTED}),
            SubmissionStatus.PUBLISHED,
            SECRETARIAT,
            "reporting.publish_submission",
            _("The report was published."),
            _("The report was already published."),
        ),
    )
}


class RuleKind(models.TextChoices):
    PARTS_AT_MOST_TOTAL = "parts_le_total", _("Parts add up to at most the total")
    AT_MOST = "at_most", _("One answer is at most another")
