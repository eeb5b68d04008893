"""Indicators over time (/analysis/indicators/): values entered by the Secretariat and derived
from tagged numeric answers of the versions that count for each user, the line chart, the
downloads, the entry form, bad input and what the pages cost in queries."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cmsfamily.core.testing import client_for, matrix
from cmsfamily.directory.models import Party
from cmsfamily.reporting import services as reporting
from cmsfamily.reporting.models import Answer, Question, Submission
from cmsfamily.reporting.services import Edit
from cmsfamily.reporting.testing import build_template, open_cycle
from cmsfamily.strategy import services
from cmsfamily.strategy.choices import Measure, Scope
from cmsfamily.strategy.models import IndicatorValue, Target

LIST = "/analysis/indicators/"
OTHERS = ["FR", "GB", "IT", "ES", "SN", "GH"]
# A complete report of the test template (build_template); t.staff is set by each test.
REQUIRED = [
    ("t.departments", "", "Ministry"),
    ("t.priority", "", "high"),
    ("t.threats", "", ["bycatch"]),
    ("t.adopted", "", "2020-05-01"),
    ("t.obstacles", "birds", "yes"),
    ("t.actions", "birds", "<p>Power lines insulated.</p>"),
    ("t.obstacles", "aquatic-mammals", "no"),
]


def _answer(submission, value):
    seen = {
        (a.question.code, a.loop_key): a.revision
        for a in Answer.objects.filter(submission=submission).select_related("question")
    }
    result = reporting.save_answers(
        submission=submission,
        edits=[
            Edit(code, key, answer, seen.get((code, key), 0))
            for code, key, answer in [*REQUIRED, ("t.staff", "", value)]
        ],
        by=None,
    )
    assert result.ok, result.errors


def _accept(submission, by, value):
    _answer(submission, value)
    reporting.submit(submission=submission, by=None)
    reporting.accept(submission=submission, by=by)


def _of(cycle, code):
    return Submission.objects.get(cycle=cycle, party__code=code)


@pytest.fixture
def indicator(secretariat):
    target = Target.objects.get(plan__code="spms-2015-2023", number=1)
    return services.create_indicator(
        target=target,
        by=secretariat,
        code="1.1",
        name_en="Staff working on migratory species (synthetic test indicator)",
        measure=Measure.COUNT,
    )


@pytest.fixture
def derived(indicator, secretariat):
    """t.staff tagged with the indicator: Kenya published 12, Germany accepted 20, France only
    submitted (1000) and Great Britain a draft (999), which count for no one."""
    cycle = open_cycle(build_template()[1], parties=("KE", "DE", *OTHERS))
    Question.objects.get(code="t.staff").indicators.add(indicator)
    _accept(_of(cycle, "KE"), secretariat, 12)
    reporting.publish(submission=_of(cycle, "KE"), by=secretariat)
    _accept(_of(cycle, "DE"), secretariat, 20)
    france = _of(cycle, "FR")
    _answer(france, 1000)
    reporting.submit(submission=france, by=None)
    _answer(_of(cycle, "GB"), 999)
    return cycle


def _page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def _url(indicator, query=""):
    return f"{LIST}{indicator.pk}/{query}"


def _values(response) -> dict[tuple[int, str, str], Decimal]:
    return {(p.year, p.whom.key, p.source): p.value for p in response.context["series"].points}


@pytest.mark.parametrize(
    ("persona", "family"),
    matrix(
        anonymous=12,
        nfp_kenya=12,
        nfp_germany=12,  # its own accepted report is not published yet
        birdlife_fp=12,
        secretariat=32,
        eurobats_officer=12,
    ),
)
def test_derived_values_count_the_versions_that_count_for_each_user(
    client_as, request, persona, family, derived, indicator
):
    client = client_for(client_as, request, persona)
    values = _values(_page(client, _url(indicator)))
    assert values[(2023, "family", "derived")] == family
    assert values[(2023, "party:KE", "derived")] == 12
    assert ((2023, "party:FR", "derived") in values) is False
    assert ((2023, "party:GB", "derived") in values) is False
    assert ((2023, "party:DE", "derived") in values) == (persona == "secretariat")
    listed = _page(client, LIST).context["rows"]
    assert [row.latest.value for row in listed if row.indicator == indicator] == [family]


def test_each_derived_figure_links_to_its_versions(client, derived, indicator):
    response = _page(client, _url(indicator))
    kenya = next(p for p in response.context["series"].points if p.whom.key == "party:KE")
    version = _of(derived, "KE").versions.get()
    assert [(s.number, s.content_hash) for s in kenya.versions] == [(1, version.content_hash)]
    page = response.content.decode()
    assert kenya.versions[0].url in page and version.content_hash in page


def test_a_draft_answer_changes_no_figure(client, derived, indicator):
    before = _values(_page(client, _url(indicator)))
    _answer(_of(derived, "IT"), 77)
    assert _values(_page(client, _url(indicator))) == before


def test_the_line_chart_follows_the_chosen_party_or_region(client, derived, indicator, secretariat):
    kenya = Party.objects.get(code="KE")
    services.set_indicator_value(
        indicator=indicator,
        year=2020,
        scope=Scope.PARTY,
        party=kenya,
        value=Decimal(7),
        by=secretariat,
    )
    response = _page(client, _url(indicator, "?of=party:KE"))
    chart = response.context["series"].chart
    data = chart.spec["data"]["values"]
    assert sorted((row["year"], row["value"]) for row in data) == [(2020, 7.0), (2023, 12.0)]
    assert "<svg" in response.content.decode()
    region = _page(client, _url(indicator, f"?of=region:{kenya.region.code}"))
    assert region.context["series"].chart is not None


def test_the_secretariat_enters_a_value_through_the_form(client, indicator, secretariat):
    client.force_login(secretariat)
    data = {"year": "2022", "scope": "family", "value": "1,234", "note": "From the COP report"}
    response = client.post(_url(indicator), data)
    assert response.status_code == 302
    again = client.post(_url(indicator), data)  # a double submit
    assert again.status_code == 302
    record = IndicatorValue.objects.get()
    assert record.value == 1234 and record.entered_by == secretariat
    assert record.history.count() == 1
    page = _page(client, _url(indicator)).content.decode()
    assert "1,234" in page and "entered by the Secretariat" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"value": "-1"}, "value", "A count is a whole number, 0 or more."),
        ({"value": "2.5"}, "value", "A count is a whole number, 0 or more."),
        ({"value": "many"}, "value", None),
        ({"year": "1500"}, "year", "Give a year between 1979 and 2100."),
        ({"year": "soon"}, "year", None),
        ({"scope": "party", "party": ""}, "party", "Choose the Party the value is of."),
        ({"scope": "party", "party": "XX"}, "party", None),
        ({"scope": "region", "region": "atlantis"}, "region", None),
    ],
)
def test_bad_entries_come_back_on_their_field(client, indicator, secretariat, data, field, message):
    client.force_login(secretariat)
    response = client.post(
        _url(indicator), {"year": "2022", "scope": "family", "value": "3", **data}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    if message:
        assert errors[field] == [message]
    assert not IndicatorValue.objects.exists()


def test_a_percentage_out_of_range_is_refused_in_french(client, indicator, secretariat):
    services.update_indicator(indicator=indicator, by=secretariat, measure=Measure.PERCENT)
    client.force_login(secretariat)
    response = client.post(
        _url(indicator),
        {"year": "2022", "scope": "family", "value": "120,5"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    with translation.override("fr"):  # 120,5 was read as 120.5 in French, then refused
        expected = translation.gettext("A percentage lies between 0 and 100.")
    assert response.context["form"].errors == {"value": [expected]}


@pytest.mark.parametrize(
    ("persona", "status"),
    matrix(
        anonymous=403,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=403,
        secretariat=302,
        eurobats_officer=403,
    ),
)
def test_only_the_cms_secretariat_posts_values(client_as, request, persona, status, indicator):
    client = client_for(client_as, request, persona)
    response = client.post(_url(indicator), {"year": "2022", "scope": "family", "value": "3"})
    assert response.status_code == status
    assert IndicatorValue.objects.exists() == (status == 302)
    if status == 403:
        assert "form" not in (response.context or {}) or response.context["form"] is None


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"{LIST}999999/", 404),
        (f"{LIST}not-an-id/", 404),
        ("{indicator}?of=party:XX", 400),
        ("{indicator}?of=moon", 400),
        ("{indicator}?export=pdf", 400),
    ],
)
def test_unknown_indicator_party_or_format_is_named_never_a_500(client, indicator, url, status):
    response = client.get(url.replace("{indicator}", _url(indicator)))
    assert response.status_code == status


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_table_downloads_through_the_formula_guard(
    client, derived, indicator, secretariat, export_format
):
    services.set_indicator_value(
        indicator=indicator,
        year=2020,
        scope=Scope.FAMILY,
        value=Decimal(5),
        note='=HYPERLINK("http://x.example")',
        by=secretariat,
    )
    response = _page(client, _url(indicator, f"?export={export_format}"))
    if export_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][:3] == ["Year", "Of", "Value"]
        assert any(row[4].startswith("'=") for row in rows[1:])
        family = next(row for row in rows if row[1] == "CMS Family" and row[0] == "2023")
        assert family[2].startswith("12") and "v1" in family[5]
    else:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        _page(client, url)
    return len(queries)


def test_queries_do_not_grow_with_values_or_reporters(client, derived, indicator, secretariat):
    client.force_login(secretariat)
    small = (_count(client, LIST), _count(client, _url(indicator)))
    for code in OTHERS[2:]:
        _accept(_of(derived, code), secretariat, 3)
    for year in range(2000, 2010):
        for party in Party.objects.order_by("code")[:5]:
            services.set_indicator_value(
                indicator=indicator,
                year=year,
                scope=Scope.PARTY,
                party=party,
                value=Decimal(year - 1999),
                by=secretariat,
            )
    large = (_count(client, LIST), _count(client, _url(indicator)))
    assert large == small, (small, large)
    assert max(small) <= 25


# --- the API -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "family"),
    matrix(
        anonymous="12",
        nfp_kenya="12",
        nfp_germany="12",
        birdlife_fp="12",
        secretariat="32",
        eurobats_officer="12",
    ),
)
def test_the_api_gives_the_pages_values_with_their_versions(
    client_as, request, persona, family, derived, indicator
):
    client = client_for(client_as, request, persona)
    response = client.get(f"/api/analysis/indicators/{indicator.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["indicator"]["code"] == "1.1" and body["questions"] == ["t.staff"]
    values = {(v["year"], v["of"]): v for v in body["values"]}
    assert values[(2023, "family")]["value"] == family
    kenya = values[(2023, "party:KE")]
    assert kenya["source"] == "derived"
    hash_of_kenya = _of(derived, "KE").versions.get().content_hash
    assert [v["content_hash"] for v in kenya["versions"]] == [hash_of_kenya]


@pytest.mark.parametrize("key", ["999999", "nope"])
def test_the_api_names_an_unknown_indicator(db, client, key):
    response = client.get(f"/api/analysis/indicators/{key}/")
    assert response.status_code == 404
    assert key in response.json()["detail"]


def test_the_api_costs_a_constant_number_of_queries(client, derived, indicator, secretariat):
    url = f"/api/analysis/indicators/{indicator.pk}/"
    small = _count_api(client, url)
    for code in OTHERS[2:]:
        _accept(_of(derived, code), secretariat, 3)
    assert _count_api(client, url) == small


def _count_api(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)
