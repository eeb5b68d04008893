# ruff: noqa: F811 (the fixtures of the page's tests are imported, then asked for by name)
"""The analyzer's charts: a bar chart per choice question drawn on the server from its table,
the same figures as the table, the scripts once per page, and the page whole when drawing fails."""

import json
import re

from cmsfamily.analytics.tests.test_analysis import cycle, reports  # noqa: F401 (fixtures)

URL = "/analysis/"


def _specs(html: str) -> dict[str, dict]:
    found = re.findall(r'<script id="([^"]+-chart)" type="application/json">(.*?)</script>', html)
    return {name: json.loads(body)["spec"] for name, body in found}


def test_a_choice_question_has_a_chart_of_its_table(client, secretariat, reports):
    client.force_login(secretariat)
    response = client.get(URL, {"cycle": reports.slug, "question": ["t.threats", "t.staff"]})
    html = response.content.decode()
    specs = _specs(html)
    assert list(specs) == ["q-t-threats--chart"]  # numbers are a table only
    table = next(t for t in response.context["analysis"].tables if t.shared.code == "t.threats")
    counts = {row.label: row.cells[0].value for row in table.rows[:-1]}
    values = specs["q-t-threats--chart"]["data"]["values"]
    assert {value["option"]: value["reports"] for value in values} == counts
    assert counts["By-catch"] == 2 and '<figure class="chart"' in html and "<svg" in html
    assert html.count("core/charts") == 1 and html.count("vega-embed") == 1  # scripts once
    assert "The most chosen is By-catch: 2 of 2 reports." in html
    # A tick per whole report: no half report labelled "1" twice.
    layer = specs["q-t-threats--chart"]["layer"][0]
    assert layer["encoding"]["x"]["axis"]["values"] == [0, 1, 2]


def test_a_breakdown_draws_a_bar_per_group(client, secretariat, reports):
    client.force_login(secretariat)
    response = client.get(URL, {"cycle": reports.slug, "question": "t.threats", "by": "region"})
    spec = _specs(response.content.decode())["q-t-threats--chart"]
    groups = {value["group"] for value in spec["data"]["values"]}
    assert groups == {name for key, name in response.context["analysis"].groups if key}
    assert "yOffset" in spec["encoding"]


def test_the_page_keeps_its_tables_when_a_chart_cannot_be_drawn(
    client, secretariat, reports, monkeypatch
):
    from cmsfamily.core import charts as drawing

    def fail(chart):
        raise ValueError("Vega-Lite to SVG conversion failed")

    monkeypatch.setattr(drawing, "to_svg", fail)
    response = client.get(URL, {"cycle": reports.slug, "question": "t.threats"})
    html = response.content.decode()
    assert response.status_code == 200 and "<figure" not in html and "By-catch" in html
    assert "vega-embed" not in html or html.count("vega-embed") == 1
