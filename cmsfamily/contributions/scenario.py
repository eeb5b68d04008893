"""The 2019 estimate of the value of Partner work (seed 003, "Conservation Collaboration"),
recomputed with the ledger's own rules.

The inputs are read from data/contributions/seed_003_partner_value_estimate.json (transcribed with
the seed's line numbers, which stay in the file for developers: pages cite the document by title,
year, headings and paragraph). Each part is computed as quantity × the ledger's valuation rule in force
on the seed's date, beside the figure the seed prints; where they differ the page says why.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cmsfamily.contributions.choices import Kind
from cmsfamily.contributions.services import rule_for

PATH = Path(settings.BASE_DIR) / "data" / "contributions" / "seed_003_partner_value_estimate.json"
ON = date(2019, 1, 1)  # the seed's year: the rules in force then value its inputs


def _money(value: Decimal) -> str:
    return f"{value:,.2f} USD"


@dataclass
class Part:
    key: str
    label: str
    stated: Decimal | None
    stated_text: str
    source: str
    quote: str
    computed: Decimal | None = None
    working: list[str] = field(default_factory=list)
    why: str = ""

    @property
    def difference(self) -> Decimal | None:
        if self.computed is None or self.stated is None:
            return None
        return self.computed - self.stated


@dataclass
class Scenario:
    code: str
    title: str
    source: dict
    parts: list[Part]
    stated_total: dict
    notes: list[str]
    computed_total: Decimal | None = None
    stated_sum: Decimal = Decimal(0)
    errors: list[str] = field(default_factory=list)


def paragraph_label(paragraph: str) -> str:
    """A reader's citation of a place in the document: its headings and the paragraph's count.

    The data file gives a heading path ('Chapter > Section, paragraph 3 (unnumbered; count is
    ours)'); the document numbers no paragraphs there, which the page says once, so the
    transcriber's remark in brackets is left out and the headings are separated by commas.
    """
    text = paragraph.split(" (")[0] if paragraph.endswith(")") else paragraph
    return ", ".join(part.strip() for part in text.split(">"))


def citation(document: str, year: int, paragraph: str) -> str:
    """'<title> (<year>), <headings>, paragraph <n>': the document as a reader knows it."""
    return f"{document} ({year}), {paragraph_label(paragraph)}"


def _cite(row: dict, source: dict) -> str:
    # The page names the document in full above the table: each part cites it by its main title
    # ('Conservation Collaboration', before the subtitle).
    return citation(source["document"].split(":")[0], source["year"], row["paragraph"])


def seed_003_estimate() -> Scenario:
    data = json.loads(PATH.read_text(encoding="utf-8"))
    scenario = Scenario(
        code=data["code"],
        title=data["title"],
        source=data["source"],
        parts=[],
        stated_total=data["stated_total"],
        notes=data["notes"],
    )
    computed_total = Decimal(0)
    for row in data["parts"]:
        inputs = row["inputs"]
        part = Part(
            key=row["key"],
            label=row.get("label", row["key"]),
            stated=Decimal(row["stated_value"]) if row.get("stated_value") is not None else None,
            stated_text=row.get("stated_value_text", ""),
            source=_cite(row, data["source"]),
            quote=row.get("quote", ""),
        )
        partners = Decimal(inputs.get("partners", 1))
        if row["kind"] == Kind.MONEY:
            amount = Decimal(inputs["amount"])
            part.computed = amount * partners
            part.working.append(f"{partners} × {_money(amount)} = {_money(part.computed)}")
        elif row["kind"] == Kind.MEETING_ATTENDANCE:
            try:
                rule = rule_for(Kind.MEETING_ATTENDANCE, ON)
            except ValidationError as error:
                scenario.errors.append(" ".join(error.messages))
                part.why = " ".join(error.messages)
            else:
                days = Decimal(inputs["people"] * inputs["meetings"] * inputs["days"]) * partners
                part.computed = days * rule.value
                part.working.append(
                    f"{partners} × {inputs['people']} × {inputs['meetings']} × {inputs['days']} = "
                    f"{days:,.0f} {rule.unit}s × {_money(rule.value)} = {_money(part.computed)}"
                )
                if part.stated is not None and part.computed != part.stated:
                    part.why = _(
                        "The document prints %(stated)s, which is %(per_partner)s per Partner, i.e. "
                        "%(days)s days at %(rate)s: one of its stated factors (4 people or 4 "
                        "meetings) is left out of its own multiplication. The platform multiplies "
                        "every stated input."
                    ) % {
                        "stated": _money(part.stated),
                        "per_partner": _money(part.stated / partners),
                        "days": f"{part.stated / partners / rule.value:,.0f}",
                        "rate": _money(rule.value),
                    }
        elif row["kind"] == Kind.STAFF_TIME:
            amount = Decimal(inputs["amount"])
            part.computed = amount * partners
            part.working.append(f"{partners} × {_money(amount)} = {_money(part.computed)}")
            try:
                rule = rule_for(Kind.STAFF_TIME, ON)
            except ValidationError as error:
                scenario.errors.append(" ".join(error.messages))
            else:
                part.why = _(
                    "The document states %(fte)s full-time equivalents on average but no working days "
                    "per year, so the ledger's staff-day rule (%(rate)s a day) cannot value them; "
                    "the part uses the document's own conservative figure of %(amount)s per Partner "
                    "and year."
                ) % {"fte": inputs.get("fte"), "rate": _money(rule.value), "amount": _money(amount)}
        if part.computed is not None:
            computed_total += part.computed
        if part.stated is not None:
            scenario.stated_sum += part.stated
        scenario.parts.append(part)
    scenario.computed_total = computed_total
    return scenario
