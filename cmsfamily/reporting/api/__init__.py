"""The reporting API: the question bank, templates with their structure, cycles, submissions
(scoped to who may see them), answers written through the same service and checks as the form,
the workflow, and the immutable versions.

- `bank`: the question bank and the templates with their structure.
- `submissions`: cycles, submissions and their workflow (submit, recall, accept, return,
  publish).
- `answers`: a draft's answers, read and written, and the submitted versions of a report.

Callers (the router in `cmsfamily/api/urls.py`) import the package: ``reporting_api.X``."""

from cmsfamily.reporting.api.answers import (
    AnswerErrorSerializer,
    AnswerSerializer,
    EditSerializer,
    VersionSerializer,
)
from cmsfamily.reporting.api.bank import (
    ItemSerializer,
    OptionSerializer,
    QuestionSerializer,
    QuestionViewSet,
    SectionSerializer,
    StructureQuerySerializer,
    TemplateSerializer,
    TemplateViewSet,
)
from cmsfamily.reporting.api.submissions import (
    CycleSerializer,
    CycleViewSet,
    ReturnSerializer,
    SubmissionSerializer,
    SubmissionViewSet,
)

__all__ = [
    "AnswerErrorSerializer",
    "AnswerSerializer",
    "CycleSerializer",
    "CycleViewSet",
    "EditSerializer",
    "ItemSerializer",
    "OptionSerializer",
    "QuestionSerializer",
    "QuestionViewSet",
    "ReturnSerializer",
    "SectionSerializer",
    "StructureQuerySerializer",
    "SubmissionSerializer",
    "SubmissionViewSet",
    "TemplateSerializer",
    "TemplateViewSet",
    "VersionSerializer",
]
