"""Who may do what in the reporting system.

A Party's NFP or alternate drafts, submits and recalls the Party's report, and assigns sections to
contributors; a Partner's focal point does the same for its organisation, an Agreement
secretariat's officers for their secretariat. A contributor edits the sections assigned to them.
The secretariat of the template's instrument (the CMS Secretariat for the whole Family) keeps the
templates and cycles, returns, accepts and publishes reports.
"""

import rules

from cmsfamily.directory.rules import is_cms_secretariat, is_secretariat
from cmsfamily.directory.scope import scope_of
from cmsfamily.reporting.choices import (
    EDITABLE_STATUSES,
    REPORTER,
    SECRETARIAT,
    WORKFLOW,
    CycleStatus,
    SubmissionStatus,
)


def _instrument_id(obj):
    from cmsfamily.reporting.models import Cycle, Submission, Template, TemplateVersion

    if isinstance(obj, Submission):
        return obj.cycle.version.template.instrument_id
    if isinstance(obj, Cycle):
        return obj.version.template.instrument_id
    if isinstance(obj, TemplateVersion):
        return obj.template.instrument_id
    if isinstance(obj, Template):
        return obj.instrument_id
    return None


@rules.predicate
def keeps_reporting_of(user, obj):
    """The user is a secretariat officer of the instrument the template, cycle or report is for."""
    scope = scope_of(user)
    if scope.cms_secretariat:
        return True
    return obj is not None and _instrument_id(obj) in scope.secretariat_instruments


@rules.predicate
def reports_for(user, submission):
    if submission is None:
        return False
    scope = scope_of(user)
    if submission.party_id:
        return submission.party_id in scope.acting_parties
    if submission.organisation_id in scope.organisations:
        return True
    if not scope.secretariat_instruments:
        return False
    served = {instrument.pk for instrument in submission.organisation.instruments_served.all()}
    return bool(served & scope.secretariat_instruments)


@rules.predicate
def is_assigned(user, submission):
    return (
        submission is not None
        and user.is_authenticated
        and submission.assignments.filter(user=user).exists()
    )


@rules.predicate
def is_editable(user, submission):
    return submission is not None and submission.status in EDITABLE_STATUSES


@rules.predicate
def cycle_is_open(user, submission):
    """Nothing of a report changes once its cycle is closed (a planned cycle's drafts, pre-filled
    from the last cycle, may be prepared before it opens; an open cycle takes late reports)."""
    return submission is not None and submission.cycle.status != CycleStatus.CLOSED


def in_status(statuses):
    """The report is in one of these statuses (a workflow step's starting points)."""

    @rules.predicate(name=f"in_status({', '.join(sorted(statuses))})")
    def predicate(user, submission):
        return submission is not None and submission.status in statuses

    return predicate


@rules.predicate
def is_published(user, submission):
    return submission is not None and submission.status == SubmissionStatus.PUBLISHED


@rules.predicate
def has_versions(user, submission):
    return submission is not None and submission.versions.exists()


rules.add_perm("reporting.add_template", is_cms_secretariat | is_secretariat)
rules.add_perm("reporting.change_template", keeps_reporting_of)
rules.add_perm("reporting.add_question", is_cms_secretariat | is_secretariat)
# The bank is shared by every instrument: changing a question is the CMS Secretariat's.
rules.add_perm("reporting.change_question", is_cms_secretariat)
rules.add_perm("reporting.manage_cycle", keeps_reporting_of)
rules.add_perm(
    "reporting.edit_submission", cycle_is_open & is_editable & (reports_for | is_assigned)
)
rules.add_perm("reporting.assign_sections", cycle_is_open & is_editable & reports_for)
# The workflow's moves (submit, recall, return, accept, publish), made from its table.
ACTORS = {REPORTER: reports_for, SECRETARIAT: keeps_reporting_of}
for step in WORKFLOW.values():
    may = in_status(step.sources) & ACTORS[step.actor]
    if step.needs_open_cycle:
        may = cycle_is_open & may
    if not rules.perm_exists(step.permission):  # returning and accepting are one rule: reviewing
        rules.add_perm(step.permission, may)
# Reading: the whole draft is the reporter's; a contributor reads the sections assigned to them
# while the report is being drafted (`selectors.readable_section_ids` says which); the submitted
# versions are the reporter's and the reviewers', and everyone's once published. Pages, API,
# workbook, files and exports all ask these.
rules.add_perm("reporting.view_draft", reports_for)
rules.add_perm("reporting.view_draft_sections", reports_for | (is_editable & is_assigned))
rules.add_perm("reporting.view_versions", is_published | reports_for | keeps_reporting_of)
# How far a report has got (its status and how many questions are answered, never the answers):
# the reporter's, and the Secretariat's, which chases the reports not yet submitted.
rules.add_perm("reporting.view_progress", reports_for | keeps_reporting_of)
rules.add_perm("reporting.comment_submission", has_versions & (keeps_reporting_of | reports_for))
rules.add_perm("reporting.view_timeliness", keeps_reporting_of)
# Every version, returned or recalled ones included; others read only the published one
# (`selectors.readable_versions`).
rules.add_perm("reporting.view_all_versions", reports_for | keeps_reporting_of)
