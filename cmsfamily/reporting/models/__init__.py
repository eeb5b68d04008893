"""One reporting engine for every reporter of the Family.

A question is defined once in the bank (``Question``) and placed in the sections of any number of
template versions (``Item``), so an answer given to it can serve every instrument. A cycle uses one
frozen template version; a submission holds one reporter's answers to that cycle, keyed by the bank
question and, inside a repeated section, the loop item. Every submit stores an immutable
``SubmissionVersion``.

Question texts, section titles and messages are translated (modeltranslation adds text_fr ...), so
their history is registered in apps.ready(), after those fields exist.

The models live in two modules, ``templates`` (the bank, templates, versions, sections, items,
rules) and ``submissions`` (cycles, submissions and all a reporter gives); import them from here.
"""

from cmsfamily.reporting.models.submissions import (
    WRITE_KEY_LENGTH,
    Answer,
    Cycle,
    LoopEntry,
    ReviewComment,
    SectionAssignment,
    Submission,
    SubmissionVersion,
)
from cmsfamily.reporting.models.templates import (
    CODE_PATTERN,
    Item,
    Option,
    Question,
    Section,
    Template,
    TemplateVersion,
    ValidationRule,
    code_validator,
)

__all__ = [
    "CODE_PATTERN",
    "WRITE_KEY_LENGTH",
    "Answer",
    "Cycle",
    "Item",
    "LoopEntry",
    "Option",
    "Question",
    "ReviewComment",
    "Section",
    "SectionAssignment",
    "Submission",
    "SubmissionVersion",
    "Template",
    "TemplateVersion",
    "ValidationRule",
    "code_validator",
]
