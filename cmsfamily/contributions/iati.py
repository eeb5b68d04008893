"""The ledger's money flows as an IATI activity file (IATI Activity Standard 2.03).

One `<iati-activity>` per work-programme activity that received validated money contributions,
with one `<transaction>` per contribution, taken from `selectors.iati_money_flows()`: what the
public totals count (validated, not replaced by a correction, the contributor agreed to publish),
to activities of published programmes, without demo content. The file is the same whoever
downloads it: it is a publication.

Transaction types (IATI TransactionType codelist) from the contribution's status
(`choices.Status`):

- pledged  -> 11 Incoming Commitment: the contributor's firm obligation to provide the funds;
- received -> 1 Incoming Funds: the funds were received for the activity;
- spent    -> 4 Expenditure: the contributor's money was spent on the activity. The ledger keeps
  one status per entry, so a spent entry is not also reported as incoming funds.

The provider of every transaction is the contributor; the receiver is the entry's instrument's
secretariat where the entry names an instrument, else the organisation owning the work programme,
else the reporting organisation.

What our sources do not hold is left out rather than invented:

- the reporting organisation's IATI identifier: read from the setting `IATI_REPORTING_ORG_REF`
  (`configuration_problem()` says when it is missing), with `IATI_REPORTING_ORG_NAME`, type 40
  (multilateral);
- IATI identifiers of contributors and receivers: organisations carry their names only, and the
  organisation type where the registry's kind says it (a Party or a ministry: 10 government; an
  intergovernmental organisation or a treaty secretariat: 40 multilateral);
- recipient countries and regions: work programme activities do not record who benefits, so
  neither element is written;
- the activity's status where the work programme gives none: `2 Implementation`, since validated
  money flows to it (only published programmes are in the file: none of them is closed);
- the activity's dates where it states none: the programme's period as the planned dates; with no
  start at all, the earliest money flow as the actual start, saying so in a narrative.

Narratives are in English (the activity's default language, `xml:lang="en"`); French and Spanish
titles, names and the file's own texts are added with their own `xml:lang` where the platform has
them. Free-text descriptions of entries are not published: their language is unknown.

lxml is a dependency of python-docx, so it is always installed.
"""

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import groupby

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from lxml import etree

from cmsfamily.contributions import selectors
from cmsfamily.contributions.choices import Status
from cmsfamily.core.languages import TRANSLATED
from cmsfamily.directory.choices import OrganisationKind
from cmsfamily.workplans.choices import ActivityStatus

VERSION = "2.03"
REPORTING_ORG_TYPE = "40"  # Multilateral (IATI OrganisationType codelist)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DEFAULT_LANGUAGE = "en"

TRANSACTION_TYPES = {
    Status.PLEDGED: "11",  # Incoming Commitment
    Status.RECEIVED: "1",  # Incoming Funds
    Status.SPENT: "4",  # Expenditure
}
# IATI ActivityStatus codelist: 1 Pipeline/identification, 2 Implementation, 3 Finalisation,
# 4 Closed, 5 Cancelled, 6 Suspended.
ACTIVITY_STATUSES = {
    ActivityStatus.PLANNED: "1",
    ActivityStatus.ONGOING: "2",
    ActivityStatus.COMPLETED: "3",
    ActivityStatus.CANCELLED: "5",
    ActivityStatus.POSTPONED: "6",
}
IMPLEMENTATION = "2"
GOVERNMENT, MULTILATERAL = "10", "40"
ORGANISATION_TYPES = {
    OrganisationKind.MINISTRY: GOVERNMENT,
    OrganisationKind.IGO: MULTILATERAL,
    OrganisationKind.SECRETARIAT: MULTILATERAL,
}
# IATI ActivityDateType codelist.
PLANNED_START, ACTUAL_START, PLANNED_END = "1", "2", "3"
# Participating organisation roles (IATI OrganisationRole codelist).
FUNDING, IMPLEMENTING = "1", "4"

# Texts of ours in the file, written in English and in each language whose catalogue has them.
NO_START_DATE = gettext_noop(
    "The work programme states no start date: this is the date of the earliest money "
    "contribution recorded for the activity."
)
ACTIVITY_OF_PROGRAMME = gettext_noop("Activity %(number)s of the work programme “%(programme)s”.")

# The IATI Standard forbids these in an identifier.
FORBIDDEN_IN_IDENTIFIER = re.compile(r"[/&|?\s]")
NOT_IN_SUFFIX = re.compile(r"[^A-Za-z0-9._-]+")
# Characters XML 1.0 cannot carry (control characters a pasted text may hold).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def reporting_org_ref() -> str:
    return settings.IATI_REPORTING_ORG_REF.strip()


def configuration_problem() -> str:
    """Why the file cannot be made on this server, in the user's language; '' when it can."""
    ref = reporting_org_ref()
    if not ref:
        return _(
            "The IATI activity file names its publisher by its IATI organisation identifier, "
            "which this server does not know. Set the environment variable "
            "IATI_REPORTING_ORG_REF to the identifier that IATI's registration agency gave the "
            "reporting organisation (and IATI_REPORTING_ORG_NAME to its name, if it is not the "
            "UNEP/CMS Secretariat), then restart the server. The totals can be exported as CSV "
            "or XLSX meanwhile."
        )
    if FORBIDDEN_IN_IDENTIFIER.search(ref):
        return _(
            "The setting IATI_REPORTING_ORG_REF (“%(ref)s”) is not a valid IATI organisation "
            "identifier: it may not contain spaces or the characters / & | ?. Correct it and "
            "restart the server."
        ) % {"ref": ref}
    return ""


def activity_identifier(org_ref: str, activity) -> str:
    """`{org-ref}-{programme code}-{activity number}`, the suffix limited to letters, digits, dots,
    underscores and hyphens. It must never change once published: both parts are stable keys."""
    suffix = f"{activity.programme.code}-{activity.number}"
    return f"{org_ref}-{NOT_IN_SUFFIX.sub('-', suffix)}"


def _text(value) -> str:
    return NOT_XML.sub("", str(value)).strip()


def narrative(parent, text, language: str = DEFAULT_LANGUAGE) -> None:
    element = etree.SubElement(parent, "narrative")
    if language != DEFAULT_LANGUAGE:
        element.set(XML_LANG, language)
    element.text = _text(text)


def _narratives(parent, obj, field: str) -> None:
    """The English text, then each translation the platform has that differs from it."""
    english = _text(getattr(obj, f"{field}_{DEFAULT_LANGUAGE}", "") or getattr(obj, field))
    narrative(parent, english)
    for language in TRANSLATED:
        translated = _text(getattr(obj, f"{field}_{language}", "") or "")
        if translated and translated != english:
            narrative(parent, translated, language)


def _written(parent, message: str, values=None) -> None:
    """One of our texts in English, then in each language whose catalogue translates it.
    `values(language)` fills its placeholders."""
    for language in (DEFAULT_LANGUAGE, *TRANSLATED):
        with translation.override(language):
            text = _(message)
        if language != DEFAULT_LANGUAGE and text == message:
            continue
        narrative(parent, text % values(language) if values else text, language)


def _organisation(parent, tag: str, *, organisation=None, party=None, name="", **attributes):
    """An organisation element named in narratives; the type attribute only where it is known."""
    element = etree.SubElement(parent, tag, {k: v for k, v in attributes.items() if v})
    kind = GOVERNMENT if party is not None else None
    if organisation is not None:
        kind = ORGANISATION_TYPES.get(organisation.kind)
    if kind:
        element.set("type", kind)
    if organisation is not None or party is not None:
        _narratives(element, organisation or party, "name")
    else:
        narrative(element, name)
    return element


def _receiver(parent, flow, reporting_name: str) -> None:
    instrument = flow.instrument
    if instrument is not None and instrument.secretariat is not None:
        _organisation(parent, "receiver-org", organisation=instrument.secretariat)
    elif instrument is not None and instrument.secretariat_name:
        _organisation(parent, "receiver-org", name=instrument.secretariat_name)
    elif flow.activity.programme.owner is not None:
        _organisation(parent, "receiver-org", organisation=flow.activity.programme.owner)
    else:
        _organisation(parent, "receiver-org", name=reporting_name)


def _activity_status(activity) -> str:
    return ACTIVITY_STATUSES.get(activity.status, IMPLEMENTATION)


def _dates(parent, activity, first_flow: date) -> None:
    start = activity.start or activity.programme.start
    end = activity.end or activity.programme.end
    if start:
        etree.SubElement(
            parent, "activity-date", {"iso-date": start.isoformat(), "type": PLANNED_START}
        )
    else:
        element = etree.SubElement(
            parent, "activity-date", {"iso-date": first_flow.isoformat(), "type": ACTUAL_START}
        )
        _written(element, NO_START_DATE)
    if end:
        etree.SubElement(
            parent, "activity-date", {"iso-date": end.isoformat(), "type": PLANNED_END}
        )


def _funders(flows) -> list:
    """Each contributor once, in the order of their first contribution."""
    seen: dict[tuple[str, int], object] = {}
    for flow in flows:
        key = (
            ("party", flow.contributor_party_id)
            if flow.contributor_party_id
            else ("organisation", flow.contributor_organisation_id)
        )
        seen.setdefault(key, flow)
    return list(seen.values())


def _amount(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def _transaction(parent, flow, reporting_name: str) -> None:
    element = etree.SubElement(parent, "transaction", {"ref": str(flow.pk)})
    etree.SubElement(element, "transaction-type", {"code": TRANSACTION_TYPES[flow.status]})
    etree.SubElement(element, "transaction-date", {"iso-date": flow.start.isoformat()})
    value = etree.SubElement(
        element, "value", {"currency": flow.value_currency, "value-date": flow.start.isoformat()}
    )
    value.text = _amount(flow.value)
    _organisation(
        element,
        "provider-org",
        organisation=flow.contributor_organisation,
        party=flow.contributor_party,
    )
    _receiver(element, flow, reporting_name)


def _activity(root, activity, flows: list, *, org_ref: str, reporting_name: str) -> None:
    updated = max([activity.modified, *(flow.modified for flow in flows)])
    element = etree.SubElement(
        root,
        "iati-activity",
        {
            "last-updated-datetime": _datetime(updated),
            XML_LANG: DEFAULT_LANGUAGE,
        },
    )
    etree.SubElement(element, "iati-identifier").text = activity_identifier(org_ref, activity)
    reporting = etree.SubElement(
        element, "reporting-org", {"ref": org_ref, "type": REPORTING_ORG_TYPE}
    )
    narrative(reporting, reporting_name)
    _narratives(etree.SubElement(element, "title"), activity, "title")
    description = etree.SubElement(element, "description", {"type": "1"})
    if _text(activity.description_en or ""):
        _narratives(description, activity, "description")
    else:
        programme = activity.programme
        _written(
            description,
            ACTIVITY_OF_PROGRAMME,
            lambda language: {
                "number": activity.number,
                "programme": getattr(programme, f"title_{language}", "") or programme.title_en,
            },
        )
    for flow in _funders(flows):
        _organisation(
            element,
            "participating-org",
            organisation=flow.contributor_organisation,
            party=flow.contributor_party,
            role=FUNDING,
        )
    if activity.lead is not None:
        _organisation(element, "participating-org", organisation=activity.lead, role=IMPLEMENTING)
    etree.SubElement(element, "activity-status", {"code": _activity_status(activity)})
    _dates(element, activity, min(flow.start for flow in flows))
    for flow in flows:
        _transaction(element, flow, reporting_name)


def _datetime(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def activities_document(flows, *, org_ref: str, reporting_name: str, generated: datetime):
    """The `<iati-activities>` tree of money flows ordered by activity (as the selector orders
    them). Texts are built in English whatever the request's language: untagged narratives are
    English; translations are tagged with their language."""
    root = etree.Element(
        "iati-activities", {"version": VERSION, "generated-datetime": _datetime(generated)}
    )
    with translation.override(DEFAULT_LANGUAGE):
        for _activity_id, group in groupby(flows, key=lambda flow: flow.activity_id):
            entries = list(group)
            _activity(
                root,
                entries[0].activity,
                entries,
                org_ref=org_ref,
                reporting_name=reporting_name,
            )
    return root


def activities_file() -> bytes:
    """The IATI activity file of the public money flows, as UTF-8 XML bytes."""
    root = activities_document(
        selectors.iati_money_flows(),
        org_ref=reporting_org_ref(),
        reporting_name=settings.IATI_REPORTING_ORG_NAME.strip() or "UNEP/CMS Secretariat",
        generated=timezone.now(),
    )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
