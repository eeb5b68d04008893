"""What each option of a choice question means for its targets (the gap matrix reads it): set in
the builder (also once a cycle uses the question), carried by the template file and its XLSForm,
given to the shipped questions whose option texts make it unambiguous, and checked."""

import copy
import json
import shutil

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cmsfamily.core.models import Event
from cmsfamily.core.testing import client_for, matrix
from cmsfamily.reporting import services
from cmsfamily.reporting.exchange import ImportErrors, export_version, import_template
from cmsfamily.reporting.models import Question
from cmsfamily.reporting.templates_data import (
    DATA_DIR,
    FILES,
    UNCHANGED,
    load_report_templates,
    read,
)
from cmsfamily.reporting.testing import build_template, open_cycle
from cmsfamily.reporting.xlsform import from_xlsform, to_xlsform

YES_NO = {"yes": "implementation", "no": "none", "na": "not_applicable"}
EDIT = "/reports/questions/t.committee/edit/"
LOGIN = 302

# The shipped yes/no questions whose answer is itself the action asked about ("has your country
# established / initiated / participated / addressed / taken actions"): Yes is implementation.
# Left unset: cms-nr-agreements-4 (a development "planned" is not yet one), the multiple choices
# (an option names an area or an obstacle, not whether anything was done) and Annex C's opinions.
SHIPPED = {
    "cms-nr-ia-3",
    "cms-nr-agreements-1",
    "cms-nr-agreements-2",
    "cms-nr-iv-2",
    "cms-nr-vii-1",
}


@pytest.fixture
def version(db):
    return build_template()[1]


def _question(code="t.committee"):
    return Question.objects.get(code=code)


def test_the_secretariat_states_them_even_once_a_cycle_uses_the_question(
    client_as, secretariat, version
):
    open_cycle(version)
    assert services.is_frozen_question(_question())
    response = client_as(secretariat).post(
        EDIT,
        {
            "text_en": "Is there a national committee?",
            "meaning_yes": "implementation",
            "meaning_no": "none",
            "meaning_na": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _question().meanings == {"yes": "implementation", "no": "none"}
    assert Event.objects.filter(kind="question.meanings").count() == 1


def test_the_edit_page_offers_each_option_of_a_choice_question(client_as, secretariat, version):
    page = client_as(secretariat).get("/reports/questions/t.priority/edit/").content.decode()
    assert 'name="meaning_high"' in page and 'name="meaning_low"' in page
    page = client_as(secretariat).get("/reports/questions/t.staff/edit/").content.decode()
    assert "meaning_" not in page  # a number has no options


def test_a_bad_meaning_is_refused_and_nothing_is_saved(client_as, secretariat, version):
    client = client_as(secretariat)
    response = client.post(
        EDIT, {"text_en": "Changed text", "meaning_yes": "probably", "meaning_no": "none"}
    )
    assert response.status_code == 400
    assert "probably" in response.content.decode()
    question = _question()
    assert (question.text_en, question.meanings) == ("Is there a national committee?", {})


@pytest.mark.parametrize(
    ("meanings", "message"),
    [
        ({"maybe": "none"}, "has no option “maybe”"),
        ({"yes": "done"}, "“done” is not a meaning"),
        (["yes"], "must map option values"),
    ],
)
def test_the_service_names_what_is_wrong(version, meanings, message):
    with pytest.raises(ValidationError, match=message):
        services.set_meanings(question=_question(), meanings=meanings, by=None)
    assert _question().meanings == {}


def test_a_number_or_text_question_has_no_meanings(version):
    with pytest.raises(ValidationError, match="Only the options"):
        services.set_meanings(question=_question("t.staff"), meanings={"1": "none"}, by=None)


@pytest.mark.parametrize(
    ("persona", "status"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=403,
        wwf_fp=403,
        eurobats_officer=403,  # the bank is the CMS Secretariat's
        secretariat=302,
        nominated_kenya=403,
        ended_nfp_germany=403,
        contributor_kenya=403,
    ),
)
def test_only_who_may_change_the_bank_states_meanings(client_as, request, persona, status, version):
    client = client_for(client_as, request, persona)
    response = client.post(
        EDIT, {"text_en": "Is there a national committee?", "meaning_yes": "implementation"}
    )
    assert response.status_code == status
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    if user is not None and status == 403:
        with pytest.raises(PermissionDenied):
            services.set_meanings(question=_question(), meanings=YES_NO, by=user)
    saved = persona == "secretariat"
    assert _question().meanings == ({"yes": "implementation"} if saved else {})


def test_the_template_file_carries_them_out_and_in(version, secretariat):
    services.set_meanings(question=_question(), meanings=YES_NO, by=None)
    data = export_version(version)
    committee = next(q for q in data["questions"] if q["code"] == "t.committee")
    assert committee["meanings"] == YES_NO
    assert "meanings" not in next(q for q in data["questions"] if q["code"] == "t.staff")
    back, problems = from_xlsform(to_xlsform(version), name="x.xlsx")
    assert problems == []
    assert next(q for q in back["questions"] if q["code"] == "t.committee")["meanings"] == YES_NO


def test_importing_gives_meanings_only_where_none_is_set(version):
    data = export_version(version)
    data["template"]["slug"] = "another-report"
    committee = next(q for q in data["questions"] if q["code"] == "t.committee")
    committee["meanings"] = YES_NO
    services.set_meanings(question=_question(), meanings={"yes": "none"}, by=None)
    import_template(copy.deepcopy(data), by=None)
    # The builder's reading stays; the file fills the options that had none.
    assert _question().meanings == {"yes": "none", "no": "none", "na": "not_applicable"}
    events = Event.objects.filter(kind="question.meanings").count()
    data["template"]["slug"] = "a-third-report"
    import_template(copy.deepcopy(data), by=None)
    assert Event.objects.filter(kind="question.meanings").count() == events  # nothing new


def test_who_may_not_change_the_bank_gives_meanings_to_its_new_questions_only(
    version, eurobats_officer
):
    data = export_version(version)
    data["template"].update(slug="eurobats-report", instrument="eurobats")
    next(q for q in data["questions"] if q["code"] == "t.committee")["meanings"] = YES_NO
    fresh = copy.deepcopy(next(q for q in data["questions"] if q["code"] == "t.committee"))
    fresh["code"] = "eurobats.committee"
    data["questions"].append(fresh)
    data["sections"][0]["items"].append({"number": "99", "question": "eurobats.committee"})
    import_template(data, by=eurobats_officer)
    assert _question().meanings == {}  # the CMS bank's question is not theirs to read
    assert _question("eurobats.committee").meanings == YES_NO


@pytest.mark.parametrize(
    ("meanings", "problem"),
    [({"maybe": "none"}, "has no option “maybe”"), ("yes", "meanings must map")],
)
def test_a_file_with_bad_meanings_is_refused_whole(version, meanings, problem):
    data = export_version(version)
    data["template"]["slug"] = "bad-meanings"
    next(q for q in data["questions"] if q["code"] == "t.committee")["meanings"] = meanings
    with pytest.raises(ImportErrors) as refused:
        import_template(data, by=None)
    assert any(problem in message for message in refused.value.messages)
    assert _question().meanings == {}
    assert not Question.objects.filter(items__section__version__template__slug="bad-meanings")


def test_the_shipped_questions_state_them_only_where_the_option_says_it(db):
    load_report_templates()
    stated = dict(Question.objects.exclude(meanings={}).values_list("code", "meanings"))
    assert set(stated) == SHIPPED
    assert all(meanings == YES_NO for meanings in stated.values())
    for name in FILES:
        for question in read(name)["questions"]:
            if question.get("meanings"):
                assert question["kind"] == "yes_no", question["code"]


def test_a_meaning_is_not_content_loading_fills_it_without_a_new_version(db, tmp_path):
    for name in FILES:
        shutil.copy(DATA_DIR / name, tmp_path / name)
    national = read(FILES[1])
    for question in national["questions"]:
        question.pop("meanings", None)
    (tmp_path / FILES[1]).write_text(json.dumps(national), encoding="utf-8")
    load_report_templates(directory=tmp_path)
    assert not _shipped("cms-nr-vii-1")
    shutil.copy(DATA_DIR / FILES[1], tmp_path / FILES[1])  # a release that states them
    outcomes = load_report_templates(directory=tmp_path)
    assert [o.action for o in outcomes] == [UNCHANGED] * 3
    assert _shipped("cms-nr-vii-1") == YES_NO
    assert [o.action for o in load_report_templates(directory=tmp_path)] == [UNCHANGED] * 3


def _shipped(code):
    return Question.objects.get(code=code).meanings
