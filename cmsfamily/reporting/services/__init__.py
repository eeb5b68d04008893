"""Every write to the reporting system: one transaction each, with its domain event inside it.

Saving answers and submitting are bulk operations: the number of SQL statements does not grow with
the number of answers (the peer system we measure against issues 1,706 statements to save 100
rows).

One module a workflow; callers import from here (``services.save_answers``):

- ``templates``: the question bank, templates and their versions, sections, items, rules; a
  version freezes once a cycle uses it.
- ``cycles``: opening a cycle on a version with its expected reporters, its status, carry-forward.
- ``drafting``: saving answers (conflicts, idempotency), loop items, section assignments, files.
- ``workflow``: submit, recall, return, accept, publish, review comments.
- ``meanings``: what each option of a choice question means for its targets (the gap matrix).
- ``common``: what they share: who may act (``require``) and whether the cycle is open.
"""

from cmsfamily.reporting.services.common import CYCLE_CLOSED, guard_open, require
from cmsfamily.reporting.services.conditions import (
    ITEM_CONDITIONS,
    set_item_conditions,
    set_section_condition,
)
from cmsfamily.reporting.services.cycles import (
    add_reporter,
    carry_forward,
    create_cycle,
    deadline_before_meeting,
    months_before,
    previous_versions,
    set_cycle_status,
)
from cmsfamily.reporting.services.drafting import (
    Conflict,
    Edit,
    SaveResult,
    add_loop_entry,
    assign_section,
    confirm_carried,
    file_prefix,
    remove_loop_entry,
    save_answers,
    unassign_section,
)
from cmsfamily.reporting.services.meanings import fill_meanings, set_meanings
from cmsfamily.reporting.services.templates import (
    FIELDS_OF_CONDITIONS,
    LANGUAGES,
    QUESTION_FIELDS,
    TRANSLATION_FIELDS,
    add_item,
    add_rule,
    add_section,
    check_condition,
    create_question,
    create_template,
    is_frozen_question,
    latest_version,
    move,
    new_version,
    remove_item,
    tag_question,
    update_question,
    update_section,
)
from cmsfamily.reporting.services.workflow import (
    accept,
    comment,
    publish,
    recall,
    return_submission,
    submit,
)

__all__ = [
    "CYCLE_CLOSED",
    "FIELDS_OF_CONDITIONS",
    "ITEM_CONDITIONS",
    "LANGUAGES",
    "QUESTION_FIELDS",
    "TRANSLATION_FIELDS",
    "Conflict",
    "Edit",
    "SaveResult",
    "accept",
    "add_item",
    "add_loop_entry",
    "add_reporter",
    "add_rule",
    "add_section",
    "assign_section",
    "carry_forward",
    "check_condition",
    "comment",
    "confirm_carried",
    "create_cycle",
    "create_question",
    "create_template",
    "deadline_before_meeting",
    "file_prefix",
    "fill_meanings",
    "guard_open",
    "is_frozen_question",
    "latest_version",
    "months_before",
    "move",
    "new_version",
    "previous_versions",
    "publish",
    "recall",
    "remove_item",
    "remove_loop_entry",
    "require",
    "return_submission",
    "save_answers",
    "set_cycle_status",
    "set_item_conditions",
    "set_section_condition",
    "set_meanings",
    "submit",
    "unassign_section",
    "tag_question",
    "update_question",
    "update_section",
]
