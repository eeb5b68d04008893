"""Charts of the totals: drawn on the server as inline SVG in a figure beside the table, with the
Vega-Lite spec for the browser; downloads as SVG and PNG for whoever may see the totals; no chart
without rows; no query added; translated labels and French number format."""

import json
import re
from datetime import date
from decimal import Decimal

import altair as alt
import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cmsfamily.contributions import charts
from cmsfamily.contributions.tests.ledger_data import entry, euro_rate, seed_rules
from cmsfamily.core.testing import client_for, everyone, matrix
from cmsfamily.directory.models import Organisation

pytestmark = pytest.mark.django_db

TOTALS = "/contributions/totals/"
BIRDLIFE = "/contributions/organisations/birdlife/"


@pytest.fixture
def rules(secretariat):
    return seed_rules(secretariat)


def _spec(html: str, element_id: str) -> dict:
    """The JSON that json_script wrote for charts.js."""
    found = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.DOTALL
    )
    assert found, f"no {element_id} JSON in the page"
    return json.loads(found.group(1))


def _figure(html: str) -> str:
    found = re.search(r'<figure class="chart".*?</figure>', html, re.DOTALL)
    assert found, "no chart figure in the page"
    return found.group(0)


def _title(spec: dict) -> str:
    """The chart's title, in lines so that a long name does not widen the chart."""
    return " ".join(spec["title"]["text"])


def _valid_vega_lite(spec: dict):
    jsonschema.validate(spec, alt.vegalite.v5.schema.load_schema())


# -- on the pages --------------------------------------------------------------------------------


def test_the_totals_page_draws_a_bar_chart_of_its_rows_beside_the_table(client, rules, secretariat):
    entry(secretariat, validated_by=secretariat)  # 20 staff days at US$300
    entry(
        secretariat,
        validated_by=secretariat,
        kind="money",
        amount=Decimal(2500),
        currency="USD",
        days=None,
    )
    html = client.get(TOTALS, {"by": "kind"}).content.decode()
    figure = _figure(html)
    assert 'data-chart-spec="totals-chart"' in figure
    assert (
        '<div class="chart-image" role="img" aria-label="Contribution totals in USD by Kind">'
        in (figure)
    )
    assert "<svg" in figure and "<figcaption>" in figure
    assert "Bar chart of the contribution totals in USD by Kind." in figure
    assert "The largest is Staff time: 6,000.00 USD." in figure
    assert "6,000.00" in figure and "2,500.00" in figure  # the values drawn at the bars
    assert '<table class="data-table">' in html  # the table stays as the data
    for script in ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "charts.js"):
        assert re.search(rf'<script src="[^"]*/{re.escape(script)}" defer></script>', html)
    assert "<script>" not in html  # no inline script: charts.js reads the JSON
    # The download links keep the query, as the CSV and XLSX exports do.
    assert '<a href="?by=kind&amp;export=svg" download>SVG</a>' in html
    assert '<a href="?by=kind&amp;export=png" download>PNG</a>' in html

    payload = _spec(html, "totals-chart")
    spec = payload["spec"]
    _valid_vega_lite(spec)
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v5")
    assert _title(spec) == "Contribution totals in USD by Kind"
    assert spec["description"].startswith("Bar chart of the contribution totals in USD by Kind.")
    assert spec["data"]["values"] == [
        {"category": "Money", "amount": 2500.0},
        {"category": "Staff time", "amount": 6000.0},
    ]
    assert payload["formatLocale"] == {
        "decimal": ".",
        "thousands": ",",
        "grouping": [3],
        "currency": ["", ""],
    }


def test_two_breakdowns_stack_the_second_and_a_reporting_currency_is_charted(
    client, rules, secretariat
):
    euro_rate(secretariat, rate="1.20")
    entry(secretariat, validated_by=secretariat)
    entry(secretariat, validated_by=secretariat, start=date(2023, 5, 1))
    response = client.get(TOTALS, {"by": "kind", "then_by": "year", "currency": "EUR"})
    spec = _spec(response.content.decode(), "totals-chart")["spec"]
    _valid_vega_lite(spec)
    assert _title(spec) == "Contribution totals in EUR by Kind, Year"
    assert spec["encoding"]["color"]["title"] == "Year"
    assert spec["encoding"]["x"]["title"] == "Total (EUR)"
    assert spec["data"]["values"] == [  # US$6,000 at 1.20 USD per EUR
        {"category": "Staff time", "group": "2023", "rank": 0, "amount": 5000.0},
        {"category": "Staff time", "group": "2024", "rank": 1, "amount": 5000.0},
    ]


def test_without_a_rate_the_chart_stays_in_us_dollars(client, rules, secretariat):
    entry(secretariat, validated_by=secretariat)
    response = client.get(TOTALS, {"currency": "EUR", "on": "2025-01-31"})
    spec = _spec(response.content.decode(), "totals-chart")["spec"]
    assert _title(spec) == "Contribution totals in USD by Kind"
    assert spec["data"]["values"] == [{"category": "Staff time", "amount": 6000.0}]


def test_no_rows_no_chart_and_the_empty_state_stays(client, rules, secretariat):
    entry(secretariat)  # not validated: not counted
    html = client.get(TOTALS).content.decode()
    assert "No validated contribution is recorded yet that these totals could count." in html
    assert "<figure" not in html and "totals-chart" not in html and "vega" not in html
    for export in ("svg", "png"):
        response = client.get(TOTALS, {"export": export})
        assert response.status_code == 404
        assert "No chart to download" in response.content.decode()
    birdlife = client.get(BIRDLIFE).content.decode()
    assert "No validated contribution of this organisation is recorded yet." in birdlife
    assert "<figure" not in birdlife and "organisation-chart" not in birdlife


def test_the_organisation_page_stacks_its_years_by_kind(client, rules, secretariat):
    entry(secretariat, validated_by=secretariat)
    entry(
        secretariat,
        validated_by=secretariat,
        kind="money",
        amount=Decimal(2500),
        currency="USD",
        days=None,
    )
    entry(secretariat, validated_by=secretariat, start=date(2022, 6, 1))
    html = client.get(BIRDLIFE).content.decode()
    figure = _figure(html)
    name = Organisation.objects.get(slug="birdlife").name
    label = f"Contributions of {name} by year and kind, in USD"
    assert f'role="img" aria-label="{label}"' in figure
    assert "<svg" in figure and "a bar per year from 2022 to 2024" in figure
    assert html.index("<figure") < html.index('<table class="data-table">')
    payload = _spec(html, "organisation-chart")
    spec = payload["spec"]
    _valid_vega_lite(spec)
    # The long name is cut into lines; charts.js cuts the whole title again for a phone.
    assert payload["title"] == _title(spec) == label
    assert len(spec["title"]["text"]) > 1
    assert all(len(line) <= charts.TITLE_LINE for line in spec["title"]["text"])
    assert spec["encoding"]["x"]["sort"] == ["2022", "2024"]
    assert spec["encoding"]["color"]["sort"] == ["Money", "Staff time"]
    assert sorted(spec["data"]["values"], key=lambda value: (value["year"], value["kind"])) == [
        {"year": "2022", "kind": "Staff time", "rank": 1, "amount": 6000.0},
        {"year": "2024", "kind": "Money", "rank": 0, "amount": 2500.0},
        {"year": "2024", "kind": "Staff time", "rank": 1, "amount": 6000.0},
    ]


def test_the_page_works_when_the_chart_cannot_be_drawn(client, rules, secretariat, monkeypatch):
    entry(secretariat, validated_by=secretariat)

    def fail(chart):
        raise ValueError("Vega-Lite to SVG conversion failed")

    from cmsfamily.core import charts as drawing

    monkeypatch.setattr(drawing, "to_svg", fail)
    response = client.get(TOTALS)
    html = response.content.decode()
    assert response.status_code == 200 and "<figure" not in html and "6,000.00" in html


# -- downloads -----------------------------------------------------------------------------------


def test_the_chart_downloads_as_svg_and_png(client, rules, secretariat):
    entry(secretariat, validated_by=secretariat)
    svg = client.get(TOTALS, {"by": "year", "then_by": "kind", "export": "svg"})
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert svg["Content-Disposition"] == 'attachment; filename="contribution-totals-year-kind.svg"'
    text = svg.content.decode()
    assert text.startswith("<svg") and text.rstrip().endswith("</svg>")
    assert 'role="img" aria-label="Contribution totals in USD by Year, Kind"' in text
    assert "<title>Contribution totals in USD by Year, Kind</title><desc>Stacked bar chart" in text
    png = client.get(TOTALS, {"export": "png"})
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png["Content-Disposition"] == 'attachment; filename="contribution-totals-kind.png"'
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_an_unknown_format_keeps_its_clear_error(client, rules, secretariat):
    entry(secretariat, validated_by=secretariat)
    response = client.get(TOTALS, {"export": "gif"})
    assert response.status_code == 400
    assert "“gif” is not an export format. Choose CSV, XLSX, SVG or PNG." in (
        response.content.decode()
    )


class Ledger:
    """A published validated entry (for all), a validated one not published (for BirdLife and
    the Secretariat only), and one awaiting validation (in no total)."""

    def __init__(self, secretariat):
        seed_rules(secretariat)
        entry(secretariat, validated_by=secretariat)
        entry(secretariat, validated_by=secretariat, publish=False, days=Decimal(10))
        entry(secretariat, days=Decimal(5))


@pytest.mark.parametrize("export", ["svg", "png"])
@pytest.mark.parametrize(("persona", "expected"), everyone(200))
def test_the_downloads_are_for_whoever_sees_the_totals(
    client_as, request, secretariat, export, persona, expected
):
    Ledger(secretariat)
    client = client_for(client_as, request, persona)
    page = client.get(TOTALS)
    download = client.get(TOTALS, {"export": export})
    assert page.status_code == download.status_code == expected
    assert download["Content-Type"] == charts.CHART_FORMATS[export]


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=6000.0,
        nfp_kenya=6000.0,
        nfp_germany=6000.0,
        birdlife_fp=9000.0,  # and the entry BirdLife did not agree to publish
        secretariat=9000.0,
        eurobats_officer=6000.0,
    ),
)
def test_each_persona_sees_the_chart_of_what_it_may_see(
    client_as, request, secretariat, persona, expected
):
    Ledger(secretariat)
    client = client_for(client_as, request, persona)
    for url, element_id in ((TOTALS, "totals-chart"), (BIRDLIFE, "organisation-chart")):
        response = client.get(url)
        values = _spec(response.content.decode(), element_id)["spec"]["data"]["values"]
        assert sum(value["amount"] for value in values) == expected, url
    svg = client.get(TOTALS, {"export": "svg"}).content.decode()
    assert f"{expected:,.2f}" in svg


# -- queries and languages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "builder"),
    [
        (f"{TOTALS}?by=contributor_organisation&then_by=kind", "totals_chart"),
        (BIRDLIFE, "by_year_and_kind_chart"),
    ],
)
def test_the_chart_adds_no_query(client_as, rules, secretariat, monkeypatch, url, builder):
    entry(secretariat, validated_by=secretariat)
    entry(
        secretariat,
        validated_by=secretariat,
        party="KE",
        kind="money",
        amount=Decimal(9),
        currency="USD",
        days=None,
    )
    client = client_as(secretariat)
    client.get(url)  # the first request of a session may set it up: not counted
    with CaptureQueriesContext(connection) as with_chart:
        html = client.get(url).content.decode()
    assert "<figure" in html
    monkeypatch.setattr(charts, builder, lambda *args, **kwargs: None)
    with CaptureQueriesContext(connection) as without_chart:
        html = client.get(url).content.decode()
    assert "<figure" not in html
    assert len(with_chart) == len(without_chart)


def test_the_chart_speaks_french(client, rules, secretariat):
    entry(secretariat, validated_by=secretariat, days=Decimal(40))  # US$12,000
    html = client.get(TOTALS, {"by": "kind"}, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    payload = _spec(html, "totals-chart")
    spec = payload["spec"]
    assert _title(spec) == "Totaux des contributions en USD par Type"
    assert spec["description"].startswith("Diagramme en barres des totaux des contributions")
    assert "Le plus élevé est Temps de personnel : 12\xa0000,00 USD." in spec["description"]
    assert spec["data"]["values"] == [{"category": "Temps de personnel", "amount": 12000.0}]
    tooltips = spec["layer"][0]["encoding"]["tooltip"]
    assert [tooltip["title"] for tooltip in tooltips] == ["Type", "Total (USD)"]
    assert payload["formatLocale"]["decimal"] == ","
    figure = _figure(html)
    assert "Temps de personnel" in figure and "12\xa0000,00" in figure  # drawn with French digits
    assert "Télécharger le graphique :" in html
    birdlife = client.get(BIRDLIFE, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    spec = _spec(birdlife, "organisation-chart")["spec"]
    assert _title(spec).startswith("Contributions de ")
    assert spec["encoding"]["x"]["title"] == "Année"
    assert spec["encoding"]["color"]["title"] == "Type"


# -- the helper alone ----------------------------------------------------------------------------


def _rows(*labels_and_amounts):
    return [
        {"labels": list(labels), "total_usd": Decimal(amount), "total": None}
        for *labels, amount in labels_and_amounts
    ]


def test_too_many_rows_or_groups():
    many = _rows(*((f"Organisation {n}", n + 1) for n in range(charts.MAX_BARS + 1)))
    assert (
        charts.totals_chart(many, headers=["Organisation"], currency="USD", converted=False) is None
    )
    assert charts.totals_chart([], headers=["Kind"], currency="USD", converted=False) is None
    # More stacked groups than colours one can tell apart: a bar per row, labelled with both.
    rows = _rows(*(("Money", str(2000 + n), 10) for n in range(charts.MAX_GROUPS + 1)))
    chart = charts.totals_chart(rows, headers=["Kind", "Year"], currency="USD", converted=False)
    assert chart is not None and "color" not in json.dumps(chart.spec["layer"][0]["encoding"])
    assert chart.spec["data"]["values"][0]["category"] == "Money · 2000"


def test_the_text_drawn_is_escaped():
    rows = _rows(('<script>alert("x")</script> & Co', 5))
    with translation.override("en"):
        chart = charts.totals_chart(rows, headers=["Organisation"], currency="USD", converted=False)
    assert chart is not None
    assert "<script>" not in chart.svg and "&lt;script&gt;" in chart.svg
    document = charts.svg_document(chart)
    assert "<script>" not in document and "&amp; Co" in document


def test_drawing_fetches_no_url():
    chart = charts.Chart(
        spec={"data": {"url": "http://127.0.0.1:9/data.csv"}, "mark": "bar"},
        title="A chart",
        description="A chart",
        number_locale=charts.number_locale(),
    )
    with pytest.raises(ValueError, match="External data url not allowed"):
        charts.to_svg(chart)
    assert chart.svg == ""  # the page leaves the chart out


def test_a_chart_is_drawn_once_for_the_same_figures(monkeypatch):
    from django.core.cache import cache

    from cmsfamily.contributions import charts

    cache.clear()
    calls = []
    real = charts.vl_convert.vegalite_to_svg

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(charts.vl_convert, "vegalite_to_svg", counting)
    chart = charts.Chart(
        spec={
            "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "data": {"values": [{"a": 1}]},
            "mark": "bar",
            "encoding": {"x": {"field": "a", "type": "quantitative"}},
        },
        title="t",
        description="d",
        number_locale=charts.number_locale(),
    )
    first = charts.to_svg(chart)
    assert charts.to_svg(chart) == first
    assert len(calls) == 1
