"""What every part of the duties shares: the duties, their states, a cell and a Party's row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy

from cmsfamily.directory.choices import Role
from cmsfamily.directory.models import Party

CONVENTION = "cms"
HISTORY = 3  # closed cycles in a report's history

MET, PARTLY, UNMET, NOT_APPLICABLE, NOT_TRACKED = (
    "met",
    "partly",
    "unmet",
    "not_applicable",
    "not_tracked",
)
STATES = {
    MET: gettext_lazy("met"),
    PARTLY: gettext_lazy("partly met"),
    UNMET: gettext_lazy("not met"),
    NOT_APPLICABLE: gettext_lazy("does not apply"),
    NOT_TRACKED: gettext_lazy("not tracked yet"),
}
DUTIES = {
    "nfp": gettext_lazy("National Focal Point confirmed by a ministerial letter"),
    "alternate": gettext_lazy("Alternate National Focal Point named"),
    "report": gettext_lazy("National report of the last closed cycle"),
    "contribution": gettext_lazy("Assessed contribution paid"),
    "councillor": gettext_lazy("Scientific Councillor appointed"),
    "mou": gettext_lazy("MoU focal points named"),
    "credentials": gettext_lazy("Credentials for the last COP"),
    "invitations": gettext_lazy("Replies to invitations"),
}
# The table's column headings (the full name is each heading's title).
SHORT = {
    "nfp": gettext_lazy("NFP and letter"),
    "alternate": gettext_lazy("Alternate NFP"),
    "report": gettext_lazy("National report"),
    "contribution": gettext_lazy("Contribution"),
    "councillor": gettext_lazy("Scientific Councillor"),
    "mou": gettext_lazy("MoU focal points"),
    "credentials": gettext_lazy("COP credentials"),
    "invitations": gettext_lazy("Invitations"),
}
# The duties the platform can judge today, offered as a filter.
TRACKED = (
    "nfp",
    "alternate",
    "report",
    "contribution",
    "councillor",
    "mou",
    "credentials",
    "invitations",
)
ROLES = (Role.NFP, Role.ALTERNATE_NFP, Role.SCIENTIFIC_COUNCILLOR, Role.MOU_FOCAL_POINT)


@dataclass(frozen=True)
class Evidence:
    label: str
    url: str
    on: date | None = None


@dataclass
class Cell:
    """One duty of one Party: its state, a short summary, the evidence behind it (each a link
    with its date), details (a year, an MoU, the report's history) and the next step."""

    duty: str
    state: str
    summary: str
    evidence: list[Evidence] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    next_step: str = ""
    next_url: str = ""

    @property
    def label(self) -> str:
        return str(DUTIES[self.duty])

    @property
    def state_label(self) -> str:
        return str(STATES[self.state])

    @property
    def url(self) -> str:
        return self.evidence[0].url if self.evidence else ""

    @property
    def open(self) -> bool:
        return self.state in (UNMET, PARTLY)


@dataclass
class PartyDuties:
    party: Party
    cells: list[Cell]
    next_steps_shown: bool = False

    def cell(self, duty: str) -> Cell:
        return next(cell for cell in self.cells if cell.duty == duty)

    @property
    def unmet(self) -> int:
        return sum(1 for cell in self.cells if cell.state == UNMET)

    @property
    def partly(self) -> int:
        return sum(1 for cell in self.cells if cell.state == PARTLY)

    @property
    def open_cells(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.open]
