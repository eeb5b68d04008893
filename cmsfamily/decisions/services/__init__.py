"""Every write of the app, one module per workflow: `register` (decisions, paragraphs,
addressees, implementation and its evidence), `consultations` (drafts, comments, their
resolution, new versions, adoption into the register). Callers import the package."""

from django.core.exceptions import ValidationError

from cmsfamily.decisions.services.consultations import (
    adopt,
    comment,
    open_consultation,
    resolve_comment,
    upload_version,
)
from cmsfamily.decisions.services.register import (
    add_evidence,
    implementation_row,
    parse_addressees,
    place_addressees,
    record_decision,
    set_addressees,
    set_status,
    update_implementation,
)

__all__ = [
    "ValidationError",
    "add_evidence",
    "adopt",
    "comment",
    "implementation_row",
    "open_consultation",
    "parse_addressees",
    "place_addressees",
    "record_decision",
    "resolve_comment",
    "set_addressees",
    "set_status",
    "update_implementation",
    "upload_version",
]
