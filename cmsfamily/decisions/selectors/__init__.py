"""Every read of the app that pages, the API and downloads share, one module per subject:
`register` (decisions, paragraphs, implementation and its overview) and `consultations`
(drafts, comments, changes between versions, the compilation). Callers import the package."""

from cmsfamily.decisions.selectors.consultations import (
    Change,
    changes,
    comments_for,
    compilation_rows,
    consultation,
    consultations,
    counts,
    paragraphs,
    version,
)
from cmsfamily.decisions.selectors.register import (
    Duty,
    Overview,
    decision_detail,
    decisions,
    duties,
    evidence_of,
    evidence_target,
    implementations,
    implementer_code,
    implementer_from_code,
    overview,
    paragraph,
)

__all__ = [
    "Change",
    "Duty",
    "Overview",
    "changes",
    "comments_for",
    "compilation_rows",
    "consultation",
    "consultations",
    "counts",
    "decision_detail",
    "decisions",
    "duties",
    "evidence_of",
    "evidence_target",
    "implementations",
    "implementer_code",
    "implementer_from_code",
    "overview",
    "paragraph",
    "paragraphs",
    "version",
]
