"""XLSForm in and out (issue 16, item 7): every shipped template goes out as an XLSForm and comes
back the same; a form written by others is read with what it cannot say listed by row."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from pyxform.xls2xform import convert

from cmsfamily.core.spreadsheets import XLSX_TYPE
from cmsfamily.core.testing import client_for, matrix
from cmsfamily.directory.models import Instrument
from cmsfamily.reporting import conditions
from cmsfamily.reporting.exchange import export_version, import_template
from cmsfamily.reporting.models import Item, Template
from cmsfamily.reporting.templates_data import FILES, read
from cmsfamily.reporting.testing import build_template, open_cycle
from cmsfamily.reporting.xlsform import from_xlsform, language_of, template_xlsform, to_xlsform

DATA = Path(__file__).parent / "data"
NATIONAL = "cms-national-report-by-target.json"
AGREEMENT = "agreement-report-shared-questions.json"


def workbook(survey, choices=None, settings=None, *, sheet="survey") -> bytes:
    book = Workbook()
    book.active.title = sheet
    for row in survey:
        book.active.append(row)
    for name, rows in (("choices", choices), ("settings", settings)):
        if rows:
            extra = book.create_sheet(name)
            for row in rows:
                extra.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def expected_sections(data):
    """The file's sections with today's condition dicts as the expression text XLSForm holds."""
    kinds = {q["code"]: q["kind"] for q in data["questions"]}
    sections = []
    for section in data["sections"]:
        items = []
        for item in section["items"]:
            item = dict(item)
            for key in ("show_if", "require_if"):
                if isinstance(item[key], dict):
                    expr = conditions.from_legacy(item[key], kinds[item[key]["question"]])
                    item[key] = conditions.unparse(expr)
            items.append(item)
        sections.append({**section, "items": items})
    return sections


def imported_version(name, by):
    if name == AGREEMENT:
        import_template(read(NATIONAL), by=by)
    return import_template(read(name), by=by)


@pytest.mark.parametrize("name", FILES)
def test_every_shipped_template_goes_out_and_comes_back_the_same(db, secretariat, name):
    version = imported_version(name, secretariat)
    data = export_version(version)
    back, problems = from_xlsform(to_xlsform(version), name="export.xlsx")
    assert problems == []
    for part in ("template", "questions", "rules"):
        assert back[part] == data[part], part
    assert back["sections"] == expected_sections(data)
    assert back["version"]["number"] == data["version"]["number"]


def test_the_conditions_go_out_as_expressions(db, secretariat):
    version = imported_version(NATIONAL, secretariat)
    back, _problems = from_xlsform(to_xlsform(version), name="export.xlsx")
    shown = {i["question"]: i["show_if"] for s in back["sections"] for i in s["items"]}
    # A yes/no is compared, a multiple choice asks selected(): the meaning of today's "equals".
    assert shown["cms-nr-iv-2-barriers"] == "${cms-nr-iv-2} = 'yes'"
    assert shown["cms-nr-v-1b-marine"] == "selected(${cms-nr-v-1b}, 'marine')"


@pytest.mark.parametrize("name", FILES)
def test_the_export_is_an_xlsform_that_pyxform_turns_into_an_xform(name):
    xform = convert(xlsform=template_xlsform(read(name)), file_type=".xlsx", validate=False)
    assert "<h:html" in xform.xform and xform.warnings == []


def test_a_formula_like_text_goes_out_as_text_and_comes_back():
    data = read("partner-questionnaire-annex-c.json")
    data["questions"][0]["text"]["en"] = '=HYPERLINK("http://example.org")'
    content = template_xlsform(data)
    sheet = load_workbook(io.BytesIO(content))["survey"]
    cells = [
        cell
        for row in sheet.iter_rows()
        for cell in row
        if cell.value and "HYPERLINK" in cell.value
    ]
    assert cells and all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
    back, _problems = from_xlsform(content, name="x.xlsx")
    assert back["questions"][0]["text"]["en"] == '=HYPERLINK("http://example.org")'


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_file_saved_again_by_libreoffice_reads_the_same(tmp_path):
    data = read(NATIONAL)
    original = tmp_path / "in" / "form.xlsx"
    original.parent.mkdir()
    original.write_bytes(template_xlsform(data))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path), str(original)],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    resaved = (tmp_path / "form.xlsx").read_bytes()
    assert resaved != original.read_bytes()
    assert from_xlsform(resaved, name="form.xlsx") == from_xlsform(
        original.read_bytes(), name="form.xlsx"
    )


# --- a form written elsewhere -------------------------------------------------------------------

SURVEY = [
    ["type", "name", "label::English (en)", "label::French (fr)", "label::Spanish (es)", "label",
     "hint::English (en)", "relevant", "required", "constraint", "constraint_message::English (en)",
     "appearance"],
    ["begin group", "general", "General", "Généralités", "General", "", "", "", "", "", "", "field-list"],
    ["note", "welcome", "Answer for the whole country.", "Répondez pour tout le pays.", "", "", "", "", "", "", "", ""],
    ["select_one yn", "has_plan", "Is there a plan?", "Y a-t-il un plan ?", "¿Hay un plan?", "", "Tick one", "", "yes", "", "", ""],
    ["date", "adopted", "Adopted on", "", "", "", "", "${has_plan} = 'yes'", "", "", "", ""],
    ["select_multiple threats", "threats", "Threats", "", "", "", "", "", "${has_plan} = 'no'", "", "", ""],
    ["begin group", "money", "Funding", "", "", "", "", "selected(${threats}, 'bycatch')", "", "", "", ""],
    ["decimal", "share", "Share", "", "", "", "", "", "", ". >= 0 and . <= 100", "", ""],
    ["integer", "staff", "Staff", "", "", "", "", "", "true()", ". != 7", "Not seven", ""],
    ["text", "details", "Details", "", "", "", "", "count-selected(${threats}) > 1", "", "string-length(.) <= 500", "", "multiline"],
    ["end group"],
    ["end group"],
    ["begin repeat", "sites", "Sites", "", "", "", "", "", "", "", "", ""],
    ["text", "site", "Site", "", "", "", "", "", "", "", "", ""],
    ["end repeat"],
]  # fmt: skip
CHOICES = [
    ["list_name", "name", "label::English (en)", "label::French (fr)"],
    ["yn", "yes", "Yes", "Oui"],
    ["yn", "no", "No", "Non"],
    ["threats", "bycatch", "By-catch", "Prises accessoires"],
    ["threats", "dams", "Dams", "Barrages"],
]
SETTINGS = [["form_title", "form_id", "default_language"], ["Plans", "plans", "English (en)"]]


def read_form(survey=SURVEY, choices=CHOICES, settings=SETTINGS, **kwargs):
    return from_xlsform(workbook(survey, choices, settings), name="plans.xlsx", **kwargs)


def test_a_form_of_groups_repeats_and_conditions_becomes_a_template():
    data, problems = read_form(instrument="cms")
    assert data["template"] == {
        "slug": "plans",
        "instrument": "cms",
        "reporter_kind": "party",
        "title": {"en": "Plans"},
        "description": {},
        "source": "",
    }
    sections = {s["number"]: s for s in data["sections"]}
    assert [(n, s["parent"], s["loop"]) for n, s in sections.items()] == [
        ("1", None, ""),
        ("1.1", "1", ""),
        ("2", None, "reporter_items"),
    ]
    assert sections["1"]["title"] == {"en": "General", "fr": "Généralités", "es": "General"}
    assert sections["1"]["intro"] == {
        "en": "Answer for the whole country.",
        "fr": "Répondez pour tout le pays.",
    }
    assert sections["1.1"]["show_if"] == "selected(${threats}, 'bycatch')"
    items = {i["question"]: i for s in data["sections"] for i in s["items"]}
    assert items["has_plan"]["required"] is True and items["has_plan"]["number"] == "1"
    assert items["adopted"]["show_if"] == "${has_plan} = 'yes'"
    assert items["threats"]["require_if"] == "${has_plan} = 'no'"
    assert items["staff"]["required"] is True
    assert items["staff"]["constraint"] == ". != 7"
    assert items["staff"]["constraint_message"] == {"en": "Not seven"}
    assert items["details"]["show_if"] == "count-selected(${threats}) > 1"
    questions = {q["code"]: q for q in data["questions"]}
    assert {code: q["kind"] for code, q in questions.items()} == {
        "adopted": "date",
        "details": "long_text",
        "has_plan": "single_choice",
        "share": "decimal",
        "site": "short_text",
        "staff": "integer",
        "threats": "multiple_choice",
    }
    assert questions["has_plan"]["text"] == {
        "en": "Is there a plan?",
        "fr": "Y a-t-il un plan ?",
        "es": "¿Hay un plan?",
    }
    assert questions["has_plan"]["help_text"] == {"en": "Tick one"}
    assert questions["threats"]["options"] == [
        {"value": "bycatch", "label": {"en": "By-catch", "fr": "Prises accessoires"}},
        {"value": "dams", "label": {"en": "Dams", "fr": "Barrages"}},
    ]
    assert (questions["share"]["min_value"], questions["share"]["max_value"]) == ("0", "100")
    assert questions["details"]["max_length"] == 500
    # The one constraint that is not a limit is its item's "valid when", checked as any other:
    # nothing is lost, so nothing is said.
    kept = [
        item["constraint"] for s in data["sections"] for item in s["items"] if "constraint" in item
    ]
    assert len(kept) == 1 and problems == []


def test_a_plain_label_is_in_the_default_language():
    survey = [["type", "name", "label", "label::Français (fr)"], ["text", "a", "Name", "Nom"]]
    data, problems = read_form(survey, None, [["default_language"], ["English"]])
    assert data["questions"][0]["text"] == {"en": "Name", "fr": "Nom"}
    # Questions outside any group go to a section of their own.
    assert [s["title"] for s in data["sections"]] == [{"en": "Questions"}]
    assert problems == ["settings: the instrument is not given."]


def test_languages_are_read_from_their_names():
    assert language_of("French (fr)") == "fr"
    assert language_of("Español") == "es"
    assert language_of("English") == "en"
    assert language_of("Swahili (sw)") is None


# --- bad input, each said ----------------------------------------------------------------------


def test_not_a_workbook():
    data, problems = from_xlsform(b"type,name,label\ntext,a,A\n", name="form.xlsx")
    assert data == {} and len(problems) == 1


def test_no_survey_sheet():
    content = workbook(
        [["a"]], [["list_name", "name", "label"], ["x", "y", "z"]], sheet="questions"
    )
    data, problems = from_xlsform(content, name="form.xlsx")
    assert data == {} and "survey" in problems[0]


def test_an_unknown_type_and_what_is_not_supported_are_listed_by_row():
    survey = [
        ["type", "name", "label", "calculation", "choice_filter"],
        ["text", "a", "A", "", ""],
        ["geopoint", "where", "Where", "", ""],
        ["calculate", "total", "", "1 + 1", ""],
        ["integr", "b", "B", "", ""],
        ["select_one yn", "c", "C", "", "x = 1"],
    ]
    data, problems = read_form(
        survey, [["list_name", "name", "label"], ["yn", "yes", "Yes"]], instrument="cms"
    )
    assert [q["code"] for q in data["questions"]] == ["a", "c"]
    assert problems == [
        "survey row 3: type “geopoint” is not supported; the row is left out.",
        "survey row 4: column “calculation” is not supported; its value is left out.",
        "survey row 4: type “calculate” is not supported; the row is left out.",
        "survey row 5: type “integr” is not supported; the row is left out.",
        "survey row 6: column “choice_filter” is not supported; its value is left out.",
    ]


def test_a_missing_choices_list():
    survey = [["type", "name", "label"], ["select_one colours", "a", "A"]]
    data, problems = read_form(survey, CHOICES)
    assert data == {} and "colours" in problems[0]


def test_a_duplicated_name():
    survey = [["type", "name", "label"], ["text", "a", "A"], ["integer", "a", "B"]]
    data, problems = read_form(survey, None)
    assert data == {} and "row : 3" in problems[0] and "'a'" in problems[0]
    # pyxform allows a name twice in two groups; the bank does not.
    survey = [
        ["type", "name", "label"],
        ["begin group", "g1", "G1"], ["text", "a", "A"], ["end group"],
        ["begin group", "g2", "G2"], ["text", "a", "A again"], ["end group"],
    ]  # fmt: skip
    data, problems = read_form(survey, None, instrument="cms")
    assert problems == ["survey row 6: the name “a” is already used in row 3."]
    assert [q["code"] for q in data["questions"]] == ["a"]


def test_an_expression_naming_a_missing_field():
    survey = [["type", "name", "label", "relevant"], ["text", "a", "A", "${nowhere} = 'x'"]]
    data, problems = read_form(survey, None)
    assert data == {} and "nowhere" in problems[0]


def test_an_expression_the_condition_language_refuses_is_left_out_and_said():
    survey = [
        ["type", "name", "label", "relevant"],
        ["date", "when", "When", ""],
        ["text", "a", "A", "${b} != ''"],
        ["text", "b", "B", "${when} > 'soon'"],
        ["text", "c", "C", "regex(${b}, '[a-z]+')"],
    ]
    data, problems = read_form(survey, None, instrument="cms")
    assert all(i["show_if"] is None for s in data["sections"] for i in s["items"])
    assert problems[0].startswith("survey row 3: relevant: b comes at or after this point")
    assert problems[1] == "survey row 3: the relevant expression is left out."
    assert problems[2].startswith("survey row 4: relevant: ${when} (a date) cannot be compared")
    assert problems[4].startswith("survey row 5: relevant: Column 1: Unknown function regex()")


def test_option_values_that_break_the_format_rule():
    survey = [["type", "name", "label"], ["select_one m", "m", "M"]]
    choices = [["list_name", "name", "label"], ["m", 'it\'s "x"', "Both quotes"], ["m", "c", "C"]]
    _data, problems = read_form(survey, choices, instrument="cms")
    assert problems == [
        'survey row 2: choices list “m”: The option value “it\'s "x"” has both kinds of quotes.',
        'survey row 2: the option value “it\'s "x"” cannot be stored: use lower-case letters, '
        "digits, dots, hyphens and underscores.",
    ]
    # A space in a multiple choice's value: pyxform says it first.
    survey = [["type", "name", "label"], ["select_multiple m", "m", "M"]]
    choices = [["list_name", "name", "label"], ["m", "a b", "Two words"]]
    data, problems = read_form(survey, choices)
    assert data == {} and "[a b]" in problems[0]


# --- real forms ----------------------------------------------------------------------------------


def test_a_real_field_form_reads_with_what_is_lost_listed():
    """The UCL biomass plot form (pyxform's test fixtures): 90 rows, English and Swahili, nested
    repeats, choices from CSV files, calculations and photos."""
    data, problems = from_xlsform(
        (DATA / "UCL_Biomass_Plot_Form.xlsx").read_bytes(),
        name="UCL_Biomass_Plot_Form.xlsx",
        instrument="cms",
    )
    assert len(data["questions"]) == 50
    assert [s["title"]["en"] for s in data["sections"]][:5] == [
        "Introduction", "Enumerator Details.", "Location", "Questions", "Trees",
    ]  # fmt: skip
    sections = {s["title"]["en"]: s for s in data["sections"]}
    assert sections["Trees"]["loop"] == "reporter_items"
    assert sections["Trees"]["show_if"] == "${any_trees} = 'yes'"
    items = {i["question"]: i for s in data["sections"] for i in s["items"]}
    # Curly quotes typed by Excel (‘other’) are read as quotes.
    assert items["latin_name_other"]["show_if"] == "${latin_name_id} = 'other'"
    assert items["stem_height"]["require_if"] == "${health_id} = 'dead'"
    assert (
        "the language “Swahili (sw)” is not one of the platform's; its texts are left out."
        in problems
    )
    assert "survey row 22: type “geopoint” is not supported; the row is left out." in problems
    assert "survey row 43: a repeat inside a repeat is not supported." in problems
    assert "survey row 10: constraint: Column 1: Unknown function regex()." in problems
    assert any("UCL_regions.csv" in p for p in problems)


def test_an_old_household_roster_saved_by_libreoffice_reads_with_its_logic():
    """pyxform's tutorial roster, written in the old spelling and saved as .xlsx by LibreOffice."""
    data, problems = from_xlsform(
        (DATA / "household_roster_tutorial.xlsx").read_bytes(),
        name="household_roster_tutorial.xlsx",
        instrument="cms",
    )
    [section] = data["sections"]
    assert section["loop"] == "reporter_items"
    items = {i["question"]: i for i in section["items"]}
    assert items["literate"]["show_if"] == (
        "${sex} = 'female' and ${age_in_years} >= 15 and ${age_in_years} <= 49"
    )
    questions = {q["code"]: q for q in data["questions"]}
    assert (questions["age_in_years"]["min_value"], questions["age_in_months"]["max_value"]) == (
        "5",
        "72",
    )
    assert [o["value"] for o in questions["sex"]["options"]] == ["male", "female"]
    # Only the tutorial's own notes column is left out.
    assert {p.split(": ", 1)[1] for p in problems} == {
        "column “tutorial notes” is not supported; its value is left out.",
        "column “tutorial notes” is not supported; its values are left out.",
    }


def test_names_become_lower_case_codes_and_conditions_follow():
    survey = [
        ["type", "name", "label", "relevant"],
        ["select_one yn", "HasPlan", "Plan?", ""],
        ["text", "Details", "Details", "${HasPlan} = 'No' or selected(${HasPlan}, 'No')"],
        ["text", "_hidden", "Hidden", ""],
    ]
    choices = [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "No", "No"]]
    data, problems = read_form(survey, choices, instrument="cms")
    assert [q["code"] for q in data["questions"]] == ["_hidden", "details", "hasplan"]
    [section] = data["sections"]
    assert section["items"][1]["show_if"] == "${hasplan} = 'no' or selected(${hasplan}, 'no')"
    assert data["questions"][2]["options"][1]["value"] == "no"
    assert problems == [
        "survey row 2: the name “HasPlan” becomes the question code “hasplan”.",
        "survey row 2: the option values “No” become lower-case.",
        "survey row 3: the name “Details” becomes the question code “details”.",
        "survey row 4: the name “_hidden” cannot be a question code: use lower-case letters, digits, dots, hyphens and underscores.",
    ]


def test_a_real_form_read_imports_as_a_template(db, secretariat):
    data, problems = from_xlsform(
        (DATA / "household_roster_tutorial.xlsx").read_bytes(),
        name="household_roster_tutorial.xlsx",
        instrument="cms",
    )
    # Until exchange.py reads conditions written as expressions (the condition language being
    # wired in), the import is tested without them.
    for section in data["sections"]:
        for item in section["items"]:
            item["show_if"] = item["require_if"] = None
    version = import_template(data, by=secretariat)
    again = export_version(version)
    assert again["questions"] == data["questions"]
    assert [s["title"] for s in again["sections"]] == [{"en": "Household Member or Visitor"}]
    assert again["sections"][0]["loop"] == "reporter_items"


def test_a_real_country_assessment_form_keeps_every_condition():
    """The KoboToolbox form of the GBF genetic diversity indicators (CCGenetics, CC BY 4.0): 582
    questions, 545 of them shown under a condition, 27 conditional groups, 152 constraints."""
    data, problems = from_xlsform(
        (DATA / "genetic_diversity_indicators_kobo_form.xlsx").read_bytes(),
        name="kobo_form.xlsx",
        instrument="cms",
    )
    items = [i for s in data["sections"] for i in s["items"]]
    assert (len(data["questions"]), len(data["sections"])) == (582, 33)
    assert sum(1 for i in items if i["show_if"]) == 545
    assert sum(1 for s in data["sections"] if s.get("show_if")) == 27
    assert sum(1 for i in items if i.get("constraint")) == 152
    # Every expression of the form is read by the condition language: none is left out.
    assert not [p for p in problems if "expression is left out" in p]
    by_code = {i["question"]: i for i in items}
    # Names become lower-case codes, and the conditions that read them follow.
    assert by_code["nelower_pop1"]["show_if"] == "${ne_pop1} != -999 and ${ne_pop1} != ''"
    assert "survey row 63: the name “Ne_pop1” becomes the question code “ne_pop1”." in problems
    assert by_code["other_explain"]["show_if"] == "selected(${transboundary_type}, 'other')"
    # Option values become lower-case too, and so do the values the conditions compare with.
    assert by_code["nc_range_sp"]["show_if"] == "${nc_type_sp} = 'nc_range'"
    assert "survey row 2: type “start” is not supported; the row is left out." in problems


# --- the download ------------------------------------------------------------------------------


def test_the_test_template_of_every_kind_goes_out_and_comes_back_the_same(db):
    _template, version = build_template()
    data = export_version(version)
    back, problems = from_xlsform(to_xlsform(version), name="export.xlsx")
    assert problems == []
    for part in ("template", "questions", "rules"):
        assert back[part] == data[part], part
    assert back["sections"] == expected_sections(data)


@pytest.mark.parametrize(
    ("persona", "status"),
    matrix(
        anonymous=200,
        nfp_kenya=200,
        nfp_germany=200,
        birdlife_fp=200,
        secretariat=200,
        eurobats_officer=200,
    ),
)
def test_who_downloads_the_xlsform_of_a_frozen_version(db, client_as, request, persona, status):
    _template, version = build_template()
    open_cycle(version)
    response = client_for(client_as, request, persona).get(
        reverse("reporting:version-xlsform", args=[version.template.slug, version.number])
    )
    assert response.status_code == status
    assert response["Content-Type"] == XLSX_TYPE
    back, problems = from_xlsform(response.content, name="form.xlsx")
    assert problems == [] and back["template"]["slug"] == version.template.slug


def test_a_draft_version_s_xlsform_is_for_who_keeps_the_template(client, secretariat):
    version = import_template(read("partner-questionnaire-annex-c.json"), by=secretariat)
    url = reverse("reporting:version-xlsform", args=[version.template.slug, version.number])
    assert client.get(url).status_code == 404
    client.force_login(secretariat)
    response = client.get(url)
    assert response.status_code == 200
    assert "partner-questionnaire-annex-c-v1-xlsform.xlsx" in response["Content-Disposition"]
    page = client.get(version.get_absolute_url())
    assert url in page.content.decode()


# --- any text goes out and back -----------------------------------------------------------------

TEXT = (
    st.lists(
        # pyxform's reader turns a no-break space into a space (pyxform issue 83): left out.
        st.text(
            st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\xa0"),
            min_size=1,
            max_size=8,
        )
        | st.sampled_from(["\n", "'", '"', "’", "“", "${x}", "=1+1", "-2", "@", "  "]),
        min_size=1,
        max_size=6,
    )
    .map("".join)
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=60, deadline=None)
@given(text=TEXT, option=TEXT, help_text=TEXT)
def test_any_text_goes_out_and_comes_back(text, option, help_text):
    data = read("partner-questionnaire-annex-c.json")
    question = next(q for q in data["questions"] if q["kind"] == "single_choice")
    question["text"] = {"en": text, "fr": text}
    question["help_text"] = {"es": help_text}
    question["options"][0]["label"] = {"en": option}
    data["sections"][0]["title"] = {"en": text}
    back, _problems = from_xlsform(template_xlsform(data), name="x.xlsx")
    again = next(q for q in back["questions"] if q["code"] == question["code"])
    assert again["text"] == {"en": text, "fr": text}
    assert again["help_text"] == {"es": help_text}
    assert again["options"][0]["label"] == {"en": option}
    assert back["sections"][0]["title"] == {"en": text}


# --- the import page ----------------------------------------------------------------------------

IMPORT = "reporting:template-import-xlsform"


def upload(content: bytes, name="plans.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=XLSX_TYPE)


PLANS_SURVEY = [
    ["type", "name", "label::English (en)", "label::French (fr)", "relevant"],
    ["begin group", "general", "General", "Généralités", ""],
    ["select_one yn", "has_plan", "Is there a plan?", "Y a-t-il un plan ?", ""],
    ["text", "plan_name", "Its name", "Son nom", "${has_plan} = 'yes'"],
    ["geopoint", "where", "Where", "", ""],
    ["end group"],
]
PLANS_CHOICES = [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]]


def read_plans(client, secretariat, **extra):
    client.force_login(secretariat)
    return client.post(
        reverse(IMPORT),
        {
            "file": upload(workbook(PLANS_SURVEY, PLANS_CHOICES, SETTINGS)),
            "instrument": secretariat_instrument(),
            "reporter_kind": "party",
            **extra,
        },
    )


def test_the_secretariat_imports_an_xlsform_and_sees_what_is_not_kept(client, secretariat):
    client.force_login(secretariat)
    page = client.get(reverse("reporting:template-list"))
    assert reverse(IMPORT) in page.content.decode()
    # First the preview: what will be created, what cannot be kept; nothing is written yet.
    response = read_plans(client, secretariat)
    assert response.status_code == 200
    assert response.context["version"] is None
    assert response.context["preview"]["questions"] == 2
    assert response.context["preview"]["conditional"] == 1
    text = response.content.decode()
    assert "2 questions" in text and "1 question or section shown under a condition" in text
    assert "survey row 5: type “geopoint” is not supported; the row is left out." in text
    assert not Template.objects.filter(slug="plans").exists()
    # Then the confirmation imports it.
    token = response.context["token"]
    response = client.post(reverse(IMPORT), {"token": token, "confirm": "1"})
    assert response.status_code == 200
    version = response.context["version"]
    assert version.template.slug == "plans" and version.number == 1
    assert [item.question.code for item in Item.objects.filter(section__version=version)] == [
        "has_plan",
        "plan_name",
    ]
    # A second press of the button (a double click) imports nothing more.
    again = client.post(reverse(IMPORT), {"token": token, "confirm": "1"})
    assert again.status_code == 400
    assert "no longer waiting for confirmation" in again.content.decode()
    assert Template.objects.get(slug="plans").versions.count() == 1


def test_a_cancelled_xlsform_import_imports_nothing(client, secretariat):
    token = read_plans(client, secretariat).context["token"]
    response = client.post(reverse(IMPORT), {"token": token, "cancel": "1"})
    assert response.status_code == 302
    assert client.post(reverse(IMPORT), {"token": token}).status_code == 400
    assert not Template.objects.filter(slug="plans").exists()


@pytest.mark.parametrize("token", ["", "forged", "a" * 5000, "eyJ1IjoxfQ:1t:forged"])
def test_a_forged_xlsform_token_imports_nothing(client, secretariat, token):
    client.force_login(secretariat)
    response = client.post(reverse(IMPORT), {"token": token, "confirm": "1"})
    assert response.status_code == 400
    assert "Upload the workbook again" in response.content.decode()
    assert not Template.objects.filter(slug="plans").exists()


def test_an_xlsform_token_is_for_who_uploaded_it_and_expires(
    client, secretariat, eurobats_officer, monkeypatch
):
    token = read_plans(client, secretariat).context["token"]
    # Another keeper of templates may not confirm it.
    client.force_login(eurobats_officer)
    assert client.post(reverse(IMPORT), {"token": token}).status_code == 400
    # After a day it is no longer accepted.
    client.force_login(secretariat)
    monkeypatch.setattr("cmsfamily.reporting.views.xlsform.TOKEN_AGE", -1)
    assert client.post(reverse(IMPORT), {"token": token}).status_code == 400
    assert not Template.objects.filter(slug="plans").exists()


def test_a_file_that_is_not_a_workbook_imports_nothing(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse(IMPORT),
        {
            "file": upload(b"type,name,label\n"),
            "instrument": secretariat_instrument(),
            "reporter_kind": "party",
        },
    )
    assert response.status_code == 400
    assert response.context["problems"] and response.context["version"] is None
    assert not Template.objects.filter(slug="plans").exists()


def test_a_reporter_may_not_import_an_xlsform(client, nfp_kenya):
    client.force_login(nfp_kenya)
    assert client.get(reverse(IMPORT)).status_code == 403


def secretariat_instrument():
    return Instrument.objects.get(code="cms").pk


def test_the_real_country_assessment_form_imports_as_a_template(db, secretariat):
    data, _problems = from_xlsform(
        (DATA / "genetic_diversity_indicators_kobo_form.xlsx").read_bytes(),
        name="kobo_form.xlsx",
        instrument="cms",
    )
    version = import_template(data, by=secretariat)
    items = Item.objects.filter(section__version=version)
    # Its logic comes in whole: 545 questions and 27 groups shown when, 152 constraints.
    assert items.exclude(shown_when="").count() == 545
    assert items.exclude(valid_when="").count() == 152
    assert version.sections.exclude(shown_when="").count() == 27
    again = export_version(version)
    assert len(again["questions"]) == 582 and len(again["sections"]) == 33
    assert again["questions"] == data["questions"]


def test_a_workbook_over_the_limit_is_refused_before_it_is_read(
    client, secretariat, settings, monkeypatch
):
    """The upload gate answers from the file's size: the import reads nothing of it."""
    settings.REPORTING_WORKBOOK_MAX_BYTES = 1024
    read = []
    monkeypatch.setattr(
        "cmsfamily.reporting.xlsform.from_xlsform", lambda *a, **k: read.append(1) or ({}, [])
    )
    client.force_login(secretariat)
    response = client.post(
        reverse(IMPORT),
        {
            "file": upload(b"PK\x03\x04" + b"\0" * 4096),
            "instrument": secretariat_instrument(),
            "reporter_kind": "party",
        },
    )
    assert response.status_code == 400
    assert "a workbook may be at most" in " ".join(response.context["problems"])
    assert not read and not Template.objects.filter(slug="plans").exists()
