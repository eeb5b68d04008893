"""The IATI activity file of the money flows: well-formed, in the schema's order, each status
mapped to its transaction type, only what the public totals count, and never without the
reporting organisation's identifier."""

from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from cmsfamily.accounts.models import User
from cmsfamily.contributions import iati, services
from cmsfamily.contributions.models import Contribution
from cmsfamily.contributions.tests.ledger_data import entry, euro_rate
from cmsfamily.core.testing import client_for, everyone
from cmsfamily.directory.models import Organisation
from cmsfamily.workplans.demo import load_demo_programme
from cmsfamily.workplans.models import Activity, WorkProgramme

pytestmark = pytest.mark.django_db

URL = "/contributions/iati.xml"
# A made-up identifier for the tests only; the real one comes from the environment.
TEST_REF = "XX-TEST-0001"
configured = override_settings(IATI_REPORTING_ORG_REF=TEST_REF)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# The IATI 2.03 schema's sequence of iati-activity's children (iati-activities-schema.xsd).
SCHEMA_ORDER = [
    "iati-identifier",
    "reporting-org",
    "title",
    "description",
    "participating-org",
    "other-identifier",
    "activity-status",
    "activity-date",
    "contact-info",
    "activity-scope",
    "recipient-country",
    "recipient-region",
    "location",
    "sector",
    "country-budget-items",
    "humanitarian-scope",
    "policy-marker",
    "collaboration-type",
    "default-flow-type",
    "default-finance-type",
    "default-aid-type",
    "default-tied-status",
    "budget",
    "planned-disbursement",
    "capital-spend",
    "transaction",
    "document-link",
    "related-activity",
    "legacy-data",
    "conditions",
    "result",
    "crs-add",
    "fss",
]
TRANSACTION_ORDER = [
    "transaction-type",
    "transaction-date",
    "value",
    "description",
    "provider-org",
    "receiver-org",
]


def _activity(number, programme="res-10-9"):
    return Activity.objects.select_related("programme").get(
        programme__code=programme, number=number
    )


def _money(by, validated_by, *, activity, amount, status="received", currency="USD", **values):
    return entry(
        by,
        validated_by=validated_by,
        kind="money",
        days=None,
        amount=Decimal(amount),
        currency=currency,
        status=status,
        activity=activity,
        description="Grant",
        **values,
    )


def _document(client, **headers):
    response = client.get(URL, **headers)
    assert response.status_code == 200, response.content
    return response, etree.fromstring(response.content)


def _activities(root):
    return {element.findtext("iati-identifier"): element for element in root}


def _narratives(element):
    return [(narrative.get(XML_LANG), narrative.text) for narrative in element.iter("narrative")]


@pytest.fixture
def flows(secretariat, birdlife_fp, nfp_germany):
    """BirdLife pledges to 5.2 and spends on 2.1; Germany gives euros to 5.2."""
    euro_rate(secretariat)
    return {
        "pledged": _money(
            birdlife_fp,
            secretariat,
            activity=_activity("5.2"),
            amount=25000,
            status="pledged",
            start=date(2024, 1, 15),
        ),
        "received": _money(
            nfp_germany,
            secretariat,
            activity=_activity("5.2"),
            amount="10000.50",
            currency="EUR",
            party="DE",
            start=date(2024, 5, 2),
        ),
        "spent": _money(
            birdlife_fp,
            secretariat,
            activity=_activity("2.1"),
            amount=5000,
            status="spent",
            start=date(2023, 9, 1),
        ),
    }


@configured
def test_the_file_is_well_formed_iati_2_03_with_the_elements_in_schema_order(client, flows):
    response, root = _document(client)
    assert response["Content-Type"] == "application/xml"
    today = timezone.localdate().isoformat()
    assert f'filename="cms-family-iati-activities-{today}.xml"' in response["Content-Disposition"]
    assert response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert root.tag == "iati-activities" and root.get("version") == "2.03"
    assert datetime.fromisoformat(root.get("generated-datetime")).tzinfo is not None
    activities = _activities(root)
    assert list(activities) == [f"{TEST_REF}-res-10-9-2.1", f"{TEST_REF}-res-10-9-5.2"]
    for activity in root:
        assert activity.tag == "iati-activity" and activity.get(XML_LANG) == "en"
        tags = [child.tag for child in activity]
        positions = [SCHEMA_ORDER.index(tag) for tag in tags]
        assert positions == sorted(positions), tags
        for required in ("reporting-org", "title", "description", "participating-org"):
            assert required in tags
        assert tags.count("activity-status") == 1 and "activity-date" in tags
        for element in activity.iter("transaction"):
            order = [TRANSACTION_ORDER.index(child.tag) for child in element]
            assert order == sorted(order)
        reporting = activity.find("reporting-org")
        assert reporting.get("ref") == TEST_REF and reporting.get("type") == "40"
        assert _narratives(reporting) == [(None, "UNEP/CMS Secretariat")]


@configured
def test_each_status_becomes_its_transaction_type_with_currency_and_value_date(client, flows):
    _response, root = _document(client)
    transactions = {element.get("ref"): element for element in root.iter("transaction")}
    pledged = transactions[str(flows["pledged"].pk)]
    assert pledged.find("transaction-type").get("code") == "11"
    assert pledged.find("transaction-date").get("iso-date") == "2024-01-15"
    value = pledged.find("value")
    assert (value.text, value.get("currency"), value.get("value-date")) == (
        "25000.00",
        "USD",
        "2024-01-15",
    )
    provider = pledged.find("provider-org")
    assert provider.get("ref") is None  # the registry holds no IATI identifier of BirdLife
    assert _narratives(provider)[0] == (None, Organisation.objects.get(slug="birdlife").name_en)
    # Res. 10.9 belongs to the CMS Secretariat, which receives what is given to its activities.
    assert _narratives(pledged.find("receiver-org"))[0] == (None, "UNEP/CMS Secretariat")

    received = transactions[str(flows["received"].pk)]
    assert received.find("transaction-type").get("code") == "1"
    value = received.find("value")
    assert (value.text, value.get("currency"), value.get("value-date")) == (
        "10000.50",
        "EUR",
        "2024-05-02",
    )
    provider = received.find("provider-org")
    assert provider.get("type") == "10" and _narratives(provider)[0] == (None, "Germany")

    spent = transactions[str(flows["spent"].pk)]
    assert spent.find("transaction-type").get("code") == "4"


@configured
def test_an_activity_names_its_funders_status_dates_and_titles_in_each_language(client, flows):
    _response, root = _document(client, HTTP_ACCEPT_LANGUAGE="fr")
    activity = _activities(root)[f"{TEST_REF}-res-10-9-5.2"]
    funders = [
        _narratives(element)[0][1]
        for element in activity.findall("participating-org")
        if element.get("role") == "1"
    ]
    birdlife = Organisation.objects.get(slug="birdlife").name_en
    assert funders == [birdlife, "Germany"]  # in English, whatever the request
    # Res. 10.9 states no status: money flows to it, so it is under implementation.
    assert activity.find("activity-status").get("code") == "2"
    model = _activity("5.2")
    dates = {
        element.get("type"): element.get("iso-date") for element in activity.iter("activity-date")
    }
    start = model.start or model.programme.start
    assert dates["1"] == start.isoformat()
    title = _narratives(activity.find("title"))
    assert title[0] == (None, model.title_en)
    assert ("fr", model.title_fr) in title and model.title_fr


@configured
def test_an_activity_without_dates_starts_with_its_first_money_and_says_so(client, flows):
    activity = _activity("2.1")
    Activity.objects.filter(pk=activity.pk).update(start=None, end=None, status="completed")
    WorkProgramme.objects.filter(pk=activity.programme_id).update(start=None, end=None)
    _response, root = _document(client)
    element = _activities(root)[f"{TEST_REF}-res-10-9-2.1"]
    dates = element.findall("activity-date")
    assert [(when.get("type"), when.get("iso-date")) for when in dates] == [("2", "2023-09-01")]
    assert "earliest money contribution" in dates[0].findtext("narrative")
    assert element.find("activity-status").get("code") == "3"  # completed: Finalisation


@configured
def test_only_what_the_public_totals_count_goes_into_the_file(
    client, flows, secretariat, birdlife_fp
):
    activity = _activity("5.2")
    unvalidated = _money(birdlife_fp, None, activity=activity, amount=1)
    unpublished = _money(secretariat, secretariat, activity=activity, amount=2, publish=False)
    in_kind = entry(
        birdlife_fp,
        validated_by=secretariat,
        kind="in_kind",
        days=None,
        amount=Decimal(3),
        currency="USD",
        activity=activity,
    )
    no_activity = _money(birdlife_fp, secretariat, activity=None, amount=4)
    original = _money(birdlife_fp, secretariat, activity=activity, amount=5)
    with transaction.atomic():
        correction = services.correct_contribution(
            original=original, by=birdlife_fp, amount=Decimal(6)
        )
        services.validate_contribution(contribution=correction, by=secretariat)
    demo_user = User.objects.create_user("demo@example.org", "x" * 12, is_demo=True)
    # Entered by a demo account (one with no right to log, so written as the platform and marked).
    by_demo_user = _money(None, secretariat, activity=activity, amount=7)
    Contribution.objects.filter(pk=by_demo_user.pk).update(entered_by=demo_user)
    demo_organisation = Organisation.objects.create(
        slug="demo-ngo", short_name="Demo NGO", name="Demo NGO", kind="partner_ngo", is_demo=True
    )
    from_demo_organisation = _money(
        secretariat, secretariat, activity=activity, amount=8, organisation="demo-ngo"
    )
    load_demo_programme()
    demo_activity = _activity("1.1", programme="demo-birdlife-shared")
    demo_activity.programme.status = "published"
    demo_activity.programme.save()
    to_demo_programme = _money(birdlife_fp, secretariat, activity=demo_activity, amount=9)
    draft = _activity("1.1", programme="cbd-cms-jwp-2012-2014").programme
    draft.status = "draft"
    draft.save()
    to_draft_programme = _money(
        birdlife_fp, secretariat, activity=_activity("1.1", "cbd-cms-jwp-2012-2014"), amount=10
    )

    # The Secretariat sees every one of them in the ledger; the file is the public's all the same.
    client.force_login(secretariat)
    _response, root = _document(client)
    refs = {element.get("ref") for element in root.iter("transaction")}
    assert refs == {str(flows[key].pk) for key in flows} | {str(correction.pk)}
    for excluded in (
        unvalidated,
        unpublished,
        in_kind,
        no_activity,
        original,
        by_demo_user,
        from_demo_organisation,
        to_demo_programme,
        to_draft_programme,
    ):
        assert str(excluded.pk) not in refs
    assert demo_organisation.name not in response_text(root)
    assert not any("demo" in identifier for identifier in _activities(root))


def response_text(root) -> str:
    return etree.tostring(root, encoding="unicode")


@configured
def test_with_no_money_flow_the_file_lists_no_activity(client):
    _response, root = _document(client)
    assert root.tag == "iati-activities" and len(root) == 0


@pytest.mark.parametrize("ref", ["", "   "])
def test_without_the_reporting_organisation_identifier_the_file_is_refused_saying_why(
    client, flows, ref
):
    with override_settings(IATI_REPORTING_ORG_REF=ref):
        response = client.get(URL)
    assert response.status_code == 503
    html = response.content.decode()
    assert "IATI_REPORTING_ORG_REF" in html and "IATI activity file not available" in html
    assert "/contributions/totals/" in html  # the way back


def test_an_identifier_iati_forbids_is_refused_too(client):
    with override_settings(IATI_REPORTING_ORG_REF="XX/TEST 1"):
        response = client.get(URL)
    assert response.status_code == 503 and "not a valid IATI organisation" in (
        response.content.decode()
    )


def test_the_refusal_is_in_the_visitors_language(client):
    with override_settings(IATI_REPORTING_ORG_REF=""):
        english = client.get(URL).content.decode()
        french = client.get(URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "IATI_REPORTING_ORG_REF" in french and 'lang="fr"' in french
    assert 'lang="en"' in english


@configured
@pytest.mark.parametrize(("persona", "expected"), everyone(200))
def test_everyone_downloads_the_same_public_file(client_as, request, flows, persona, expected):
    response = client_for(client_as, request, persona).get(URL)
    assert response.status_code == expected
    root = etree.fromstring(response.content)
    assert len(list(root.iter("transaction"))) == 3


@configured
def test_only_get_and_head_are_answered(client):
    assert client.post(URL).status_code == 405
    assert client.head(URL).status_code == 200


@configured
def test_the_number_of_queries_does_not_grow_with_the_activities(
    client, secretariat, birdlife_fp, django_assert_max_num_queries
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            _document(client)
        return len(captured)

    _money(birdlife_fp, secretariat, activity=_activity("1.1"), amount=1)
    one = queries()
    for number in ("1.2", "2.1", "2.2", "2.3", "3.1", "3.2", "4.1"):
        _money(birdlife_fp, secretariat, activity=_activity(number), amount=2)
        _money(birdlife_fp, secretariat, activity=_activity(number), amount=3, status="spent")
    with django_assert_max_num_queries(one):
        _response, root = _document(client)
    assert len(root) == 8


@pytest.mark.parametrize(
    ("code", "number", "expected"),
    [
        ("res-10-9", "5.2", "XX-TEST-0001-res-10-9-5.2"),
        ("cbd_cms jwp/2012", "1.1", "XX-TEST-0001-cbd_cms-jwp-2012-1.1"),
        ("a&b", "1?2", "XX-TEST-0001-a-b-1-2"),
    ],
)
def test_activity_identifiers_keep_only_the_characters_iati_allows(code, number, expected):
    activity = SimpleNamespace(programme=SimpleNamespace(code=code), number=number)
    assert iati.activity_identifier(TEST_REF, activity) == expected


def test_a_text_with_control_characters_still_makes_well_formed_xml():
    root = etree.Element("x")
    iati.narrative(root, "Grant\x0b for\x00 2024")
    assert etree.fromstring(etree.tostring(root)).findtext("narrative") == "Grant for 2024"
