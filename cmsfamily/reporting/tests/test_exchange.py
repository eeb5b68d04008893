"""Templates as JSON files: export, import all-or-nothing, and the round trip."""

import copy
import json

import pytest

from cmsfamily.reporting.exchange import FORMAT, ImportErrors, export_version, import_template
from cmsfamily.reporting.models import Question, Template
from cmsfamily.reporting.testing import build_template


@pytest.fixture
def exported(db):
    return export_version(build_template()[1])


def test_the_file_holds_every_part_of_the_version(exported):
    assert exported["format"] == FORMAT
    assert exported["template"]["title"] == {"en": "Test report", "fr": "Rapport d’essai"}
    assert [s["number"] for s in exported["sections"]] == ["I", "II", "III"]
    assert len(exported["questions"]) == 19
    priority = next(q for q in exported["questions"] if q["code"] == "t.priority")
    assert priority["options"][0] == {"value": "high", "label": {"en": "High", "fr": "Haute"}}
    assert exported["rules"][0]["operands"] == {
        "parts": ["t.area-protected"],
        "total": "t.area-total",
    }
    json.dumps(exported)  # plain JSON


def test_importing_the_file_again_makes_a_new_version_that_exports_the_same(exported, secretariat):
    from cmsfamily.reporting.testing import open_cycle

    open_cycle(Template.objects.get(slug="test-party-report").versions.get())  # v1 frozen
    version = import_template(copy.deepcopy(exported), by=secretariat)
    assert version.number == 2
    again = export_version(version)
    for part in ("questions", "sections", "rules"):
        assert again[part] == exported[part]
    assert Question.objects.count() == 19  # the bank's questions were reused, not copied


def test_importing_as_a_new_template(exported, secretariat):
    data = copy.deepcopy(exported)
    data["template"]["slug"] = "copy"
    version = import_template(data, by=secretariat)
    assert version.template.slug == "copy" and version.number == 1
    assert export_version(version)["sections"] == exported["sections"]


def _broken(exported, change):
    data = copy.deepcopy(exported)
    data["template"]["slug"] = "broken"
    change(data)
    return data


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda d: d.update(format="other"), "not a report template file"),
        (lambda d: d["template"].update(instrument="nowhere"), "no instrument"),
        (lambda d: d["questions"][0].update(kind="essay"), "unknown question type"),
        (
            lambda d: d["sections"][0]["items"][0].update(question="missing"),
            "not among the file's questions",
        ),
        (lambda d: d["sections"][1].update(parent="Z"), "must come before it"),
        (
            lambda d: d["sections"][1]["items"][1].update(show_if={"question": "zz", "equals": 1}),
            "does not ask",
        ),
        (lambda d: d["questions"].append({**d["questions"][0]}), "appears twice"),
        (
            lambda d: next(q for q in d["questions"] if q["code"] == "t.staff").update(
                max_value="5"
            ),
            "another definition",
        ),
        (lambda d: d["rules"][0]["operands"].update(total="t.departments"), "number questions"),
    ],
)
def test_a_broken_file_writes_nothing_and_says_where(exported, secretariat, change, message):
    templates, questions = Template.objects.count(), Question.objects.count()
    with pytest.raises(ImportErrors) as error:
        import_template(_broken(exported, change), by=secretariat)
    assert any(message in problem for problem in error.value.messages), error.value.messages
    assert (Template.objects.count(), Question.objects.count()) == (templates, questions)


def test_not_json_at_all(db, secretariat):
    with pytest.raises(ImportErrors):
        import_template(["a list"], by=secretariat)


# --- pages -------------------------------------------------------------------------------------

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

from cmsfamily.core.testing import LOGIN, client_for, cms_secretariat_only, matrix  # noqa: E402


@pytest.mark.parametrize("persona,status", cms_secretariat_only(anonymous=LOGIN))
def test_only_the_instruments_secretariat_imports(client_as, request, persona, status, exported):
    data = copy.deepcopy(exported)
    data["template"]["slug"] = "imported"
    upload = SimpleUploadedFile("t.json", json.dumps(data).encode(), "application/json")
    client = client_for(client_as, request, persona)
    # An Agreement's officer may open the page (to import its own instrument's templates).
    page = 200 if persona == "eurobats_officer" else status
    assert client.get("/reports/templates/import/").status_code == page
    response = client.post("/reports/templates/import/", {"file": upload})
    assert response.status_code == (302 if status == 200 else status)
    assert Template.objects.filter(slug="imported").exists() == (status == 200)


@pytest.mark.parametrize(
    "content,message",
    [
        (b"\xff\xfe", "not JSON"),
        (b"{", "not JSON"),
        (b'{"format": "x"}', "not a report template file"),
    ],
)
def test_a_bad_file_is_explained(client_as, secretariat, db, content, message):
    response = client_as(secretariat).post(
        "/reports/templates/import/", {"file": SimpleUploadedFile("t.json", content)}
    )
    assert response.status_code == 400 and message in response.content.decode()


@pytest.mark.parametrize(
    "persona,status",
    matrix(
        anonymous=404,
        nfp_kenya=404,
        nfp_germany=404,
        birdlife_fp=404,
        secretariat=200,
        eurobats_officer=404,
    ),
)
def test_a_draft_version_is_exported_for_its_secretariat_only(
    client_as, request, persona, status, exported
):
    response = client_for(client_as, request, persona).get(
        "/reports/templates/test-party-report/v1.json"
    )
    assert response.status_code == status
    if status == 200:
        assert response.json()["template"]["slug"] == "test-party-report"
