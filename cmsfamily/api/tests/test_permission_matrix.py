"""One permission layer, tested as a whole: personas × objects × actions.

For each action the named rule gives the answer, and every channel that can answer the same
question (the page, the API, the workbook, an export, the selector, the service) must give the
same one. The expected holders are written out once per action, so a rule that drifts is caught
as surely as a channel that forgets to ask it.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from rest_framework import viewsets

from cmsfamily.api.urls import router
from cmsfamily.core.permissions import DenyByDefault
from cmsfamily.directory import services as directory
from cmsfamily.directory.models import Organisation, Party, Person
from cmsfamily.reporting import selectors
from cmsfamily.reporting import services as reporting
from cmsfamily.reporting.models import Question, Submission
from cmsfamily.reporting.testing import build_template, open_cycle

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "nfp_kenya",
    "nfp_germany",
    "birdlife_fp",
    "wwf_fp",
    "secretariat",
    "eurobats_officer",
    "nominated_kenya",
    "ended_nfp_germany",
    "contributor_kenya",
]


class World:
    """The objects the matrix asks about, built once per test on demand."""

    def __init__(self, request):
        self.request = request
        self._cache = {}

    def user(self, persona):
        if persona == "anonymous":
            return AnonymousUser()
        return self.request.getfixturevalue(persona)

    def _once(self, key, build):
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    @property
    def cycle(self):
        return self._once("cycle", lambda: open_cycle(build_template()[1]))

    @property
    def kenya_draft(self) -> Submission:
        def build():
            nfp = self.user("nfp_kenya")
            submission = Submission.objects.get(cycle=self.cycle, party__code="KE")
            reporting.save_answers(
                submission=submission,
                edits=[
                    reporting.Edit("t.departments", "", "Kenyan ministries", 0),
                    reporting.Edit("t.obstacles", "birds", "yes", 0),
                    reporting.Edit("t.actions", "birds", "Dams on the Tana", 0),
                ],
                by=nfp,
            )
            reporting.assign_section(
                submission=submission,
                section=self.section(submission, "II"),
                user=self.user("contributor_kenya"),
                by=nfp,
            )
            return Submission.objects.get(pk=submission.pk)

        return self._once("kenya", build)

    @property
    def germany_submitted(self) -> Submission:
        def build():
            nfp = self.user("nfp_germany")
            submission = Submission.objects.get(cycle=self.cycle, party__code="DE")
            reporting.save_answers(
                submission=submission,
                edits=[
                    reporting.Edit("t.departments", "", "Bundesministerium", 0),
                    reporting.Edit("t.obstacles", "birds", "no", 0),
                    reporting.Edit("t.obstacles", "aquatic-mammals", "no", 0),
                ],
                by=nfp,
            )
            reporting.submit(submission=submission, by=nfp)
            return Submission.objects.get(pk=submission.pk)

        return self._once("germany", build)

    @property
    def france_accepted(self) -> Submission:
        """France's report of a second cycle of the same form, accepted and not published."""

        def build():
            cycle = open_cycle(self.cycle.version, slug="second-cycle", parties=("FR",))
            submission = Submission.objects.get(cycle=cycle, party__code="FR")
            reporting.save_answers(
                submission=submission,
                edits=[
                    reporting.Edit("t.departments", "", "Ministère accepté", 0),
                    reporting.Edit("t.obstacles", "birds", "no", 0),
                    reporting.Edit("t.obstacles", "aquatic-mammals", "no", 0),
                ],
                by=None,
            )
            reporting.submit(submission=submission, by=None)
            reporting.accept(submission=submission, by=self.user("secretariat"))
            return Submission.objects.get(pk=submission.pk)

        return self._once("france", build)

    def tag(self, code, number):
        """Tag a bank question with a target of the Strategic Plan for Migratory Species, once."""

        def build():
            from cmsfamily.strategy.models import Target

            target = Target.objects.get(plan__code="spms-2015-2023", number=number)
            question = Question.objects.get(code=code)
            return reporting.tag_question(question=question, targets=[target], by=None)

        return self._once(f"tag {code} {number}", build)

    @property
    def france_on_target_3(self) -> Submission:
        """France's accepted, unpublished report of a third cycle: the committee question it
        answers yes to is tagged with target 3, yes meaning implementation."""

        def build():
            from cmsfamily.reporting.models import Question
            from cmsfamily.strategy.models import Target

            version = self.cycle.version  # the test form, frozen by its first cycle
            committee = Question.objects.get(code="t.committee")
            committee.targets.add(Target.objects.get(plan__code="spms-2015-2023", number=3))
            reporting.set_meanings(question=committee, meanings={"yes": "implementation"}, by=None)
            cycle = open_cycle(version, slug="gap-cycle", parties=("FR",))
            submission = Submission.objects.get(cycle=cycle, party__code="FR")
            reporting.save_answers(
                submission=submission,
                edits=[
                    reporting.Edit("t.departments", "", "Ministère", 0),
                    reporting.Edit("t.committee", "", "yes", 0),
                    reporting.Edit("t.obstacles", "birds", "no", 0),
                    reporting.Edit("t.obstacles", "aquatic-mammals", "no", 0),
                ],
                by=None,
            )
            reporting.submit(submission=submission, by=None)
            reporting.accept(submission=submission, by=self.user("secretariat"))
            return Submission.objects.get(pk=submission.pk)

        return self._once("france-gap", build)

    @staticmethod
    def section(submission, number):
        return submission.cycle.version.sections.get(number=number)

    @property
    def germany_nfp(self) -> Person:
        def build():
            person = Person.objects.get(user=self.user("nfp_germany"))
            Person.objects.filter(pk=person.pk).update(phone="+49 30 18305 0")
            return Person.objects.get(pk=person.pk)

        return self._once("germany_nfp", build)

    @property
    def kenya_nominee(self) -> Person:
        return Person.objects.get(user=self.user("nominated_kenya"))


def client_of(client, world, persona):
    client.logout()
    user = world.user(persona)
    if user.is_authenticated:
        client.force_login(user)
    return client


def ok(response) -> bool:
    assert response.status_code < 500, response.status_code
    return response.status_code in (200, 201)


def workbook_text(response) -> str:
    if response.status_code != 200:
        return ""
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return " ".join(
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )


# --- the actions: the rule, then every channel --------------------------------------------------


def read_whole_draft(world, client, persona):
    kenya = world.kenya_draft
    user = world.user(persona)
    general = world.section(kenya, "I")
    structure = selectors.structure(kenya.cycle.version)
    c = client_of(client, world, persona)
    api = c.get(f"/api/submissions/{kenya.pk}/answers/")
    return {
        "rule": user.has_perm("reporting.view_draft", kenya),
        "selector": general.pk in selectors.readable_section_ids(kenya, user, structure),
        "api": ok(api) and "Kenyan ministries" in api.content.decode(),
        "page": ok(c.get(f"/reports/submissions/{kenya.pk}/sections/{general.pk}/")),
        "workbook": "Kenyan ministries"
        in workbook_text(c.get(f"/reports/submissions/{kenya.pk}/workbook.xlsx")),
        "since-previous": ok(c.get(f"/reports/submissions/{kenya.pk}/since-previous/")),
    }


def read_assigned_section(world, client, persona):
    kenya = world.kenya_draft
    user = world.user(persona)
    species = world.section(kenya, "II")
    structure = selectors.structure(kenya.cycle.version)
    c = client_of(client, world, persona)
    api = c.get(f"/api/submissions/{kenya.pk}/answers/")
    return {
        "rule": user.has_perm("reporting.view_draft_sections", kenya),
        "selector": species.pk in selectors.readable_section_ids(kenya, user, structure),
        "api": ok(api) and "Dams on the Tana" in api.content.decode(),
        "page": ok(c.get(f"/reports/submissions/{kenya.pk}/sections/{species.pk}/")),
        "workbook": "Dams on the Tana"
        in workbook_text(c.get(f"/reports/submissions/{kenya.pk}/workbook.xlsx")),
    }


def edit_assigned_section(world, client, persona):
    kenya = world.kenya_draft
    user = world.user(persona)
    species = world.section(kenya, "II")
    structure = selectors.structure(kenya.cycle.version)
    revision = kenya.answers.get(question__code="t.actions", loop_key="birds").revision
    c = client_of(client, world, persona)
    api = c.post(
        f"/api/submissions/{kenya.pk}/answers/",
        [
            {
                "question": "t.actions",
                "loop_key": "birds",
                "value": f"Changed by {persona}",
                "base_revision": revision,
            }
        ],
        content_type="application/json",
    )
    try:
        reporting.save_answers(
            submission=kenya,
            edits=[reporting.Edit("t.obstacles", "aquatic-mammals", "no", 0)],
            by=user,
        )
        service = True
    except PermissionDenied:
        service = False
    return {
        "rule": user.has_perm("reporting.edit_submission", kenya)
        and species.pk in selectors.editable_section_ids(kenya, user, structure),
        "api": ok(api),
        "service": service,
    }


def read_submitted_version(world, client, persona):
    germany = world.germany_submitted
    user = world.user(persona)
    c = client_of(client, world, persona)
    base = f"/reports/submissions/{germany.pk}/versions/1"
    api = c.get(f"/api/submissions/{germany.pk}/versions/")
    return {
        "rule": user.has_perm("reporting.view_versions", germany),
        "api": ok(api),
        "page": ok(c.get(f"{base}/")),
        "print": ok(c.get(f"{base}/print/")),
        "json": ok(c.get(f"{base}.json")),
        "workbook": ok(c.get(f"{base}.xlsx")),
    }


def export_the_cycle(world, client, persona):
    germany = world.germany_submitted
    user = world.user(persona)
    c = client_of(client, world, persona)
    base = f"/reports/cycles/{germany.cycle.slug}/export"
    csv = c.get(f"{base}.csv")
    return {
        "rule": user.has_perm("reporting.manage_cycle", germany.cycle),
        "csv": ok(csv) and "Bundesministerium" in b"".join(csv.streaming_content).decode()
        if ok(csv) and csv.streaming
        else ok(csv) and "Bundesministerium" in csv.content.decode(),
        "xlsx": "Bundesministerium" in workbook_text(c.get(f"{base}.xlsx")),
        "json": ok(c.get(f"{base}.json")),
    }


def count_an_accepted_report(world, client, persona):
    france = world.france_accepted
    user = world.user(persona)
    c = client_of(client, world, persona)
    query = f"cycle={france.cycle.slug}&question=t.departments"
    page = c.get(f"/analysis/?{query}")
    table = c.get(f"/analysis/?{query}&table=q-t-departments-&export=csv")
    answers = c.get(f"/analysis/answers/?{query}&export=csv")
    return {
        "rule": user.has_perm("reporting.manage_cycle", france.cycle),
        "page": "Ministère accepté" in page.content.decode(),
        "csv": "Ministère accepté" in table.content.decode("utf-8-sig"),
        "answers": "Ministère accepté" in answers.content.decode("utf-8-sig"),
    }


def count_an_accepted_report_per_target(world, client, persona):
    """The same rule on the page of a Strategic Plan target, its table's CSV and the index."""
    france = world.france_accepted
    world.tag("t.departments", 10)
    user = world.user(persona)
    c = client_of(client, world, persona)
    page = c.get("/analysis/targets/10/")
    table = c.get("/analysis/targets/10/?table=q-t-departments-&export=csv")
    index = c.get("/analysis/targets/?table=targets&export=csv").content.decode("utf-8-sig")
    ten = next(line for line in index.splitlines() if line.startswith("Target 10,"))
    return {
        "rule": user.has_perm("reporting.manage_cycle", france.cycle),
        "page": "Ministère accepté" in page.content.decode(),
        "csv": "Ministère accepté" in table.content.decode("utf-8-sig"),
        "index": ten.split(",")[2] == "1",  # France's the one report counted of those expected
    }


def count_an_accepted_report_in_the_gap_matrix(world, client, persona):
    france = world.france_on_target_3
    user = world.user(persona)
    c = client_of(client, world, persona)
    query = f"cycle={france.cycle.slug}&target=3"
    page = c.get(f"/analysis/gaps/?{query}")
    cells = page.context["gaps"].target_cells() if ok(page) else []
    status = {column.key: cell.status for column, cell in cells}
    table = c.get(f"/analysis/gaps/?{query}&table=parties&export=csv").content.decode("utf-8-sig")
    cell = c.get(f"/analysis/gaps/cell/?{query}&reporter=party:FR")
    return {
        "rule": user.has_perm("reporting.manage_cycle", france.cycle),
        "page": status.get("party:FR") == "implementation",
        "csv": "Reported implementation" in table,
        "cell": france.versions.get().content_hash[:12] in cell.content.decode(),
    }


def state_what_an_option_means(world, client, persona):
    from cmsfamily.reporting.models import Question

    assert world.cycle.version.is_frozen  # the question is in use: a meaning may still change
    user = world.user(persona)
    c = client_of(client, world, persona)
    question = Question.objects.get(code="t.priority")
    edit = f"/reports/questions/{question.code}/edit/"
    page = c.post(edit, {"text_en": question.text_en, "meaning_high": "implementation"})
    try:
        reporting.set_meanings(question=question, meanings={"low": "none"}, by=user)
        service = True
    except PermissionDenied:
        service = False
    Question.objects.filter(pk=question.pk).update(meanings={})
    return {
        "rule": user.has_perm("reporting.change_question", question),
        "page": page.status_code == 302 and page.url.startswith("/reports/"),
        "service": service,
    }


def read_person_contacts(world, client, persona):
    person = world.germany_nfp
    user = world.user(persona)
    c = client_of(client, world, persona)
    focal_points = c.get("/api/focal-points/?party__code=DE&role=nfp")
    return {
        "rule": user.has_perm("directory.view_person_private", person),
        "page": "18305" in c.get(person.get_absolute_url()).content.decode(),
        "api": "18305" in focal_points.content.decode(),
    }


def edit_person(world, client, persona):
    person = world.germany_nfp
    user = world.user(persona)
    c = client_of(client, world, persona)
    try:
        person.position = f"Set by {persona}"
        directory.save_person(person=person, by=user)
        service = True
    except PermissionDenied:
        service = False
    return {
        "rule": user.has_perm("directory.change_person", person),
        "page": ok(c.get(f"/people/{person.pk}/edit/")),
        "service": service,
    }


def read_nominees_contacts(world, client, persona):
    person = world.kenya_nominee
    user = world.user(persona)
    c = client_of(client, world, persona)
    return {
        "rule": user.has_perm("directory.view_person_private", person),
        "page": "+00 nominated_kenya" in c.get(person.get_absolute_url()).content.decode(),
    }


def nominate_for_kenya(world, client, persona):
    user = world.user(persona)
    c = client_of(client, world, persona)
    api = c.post(
        "/api/nominations/",
        {
            "party": "KE",
            "role": "scientific_councillor",
            "given_name": "Wanjiru",
            "family_name": "N’Gang’a",
            "email": f"{persona}-nominee@example.org",
            "start": "2026-01-01",
        },
        content_type="application/json",
    )
    return {
        "rule": user.has_perm("directory.nominate_for_party", Party.objects.get(code="KE")),
        "page": ok(c.get("/parties/ke/nominate/")),
        "api": ok(api),
    }


def edit_wwf(world, client, persona):
    user = world.user(persona)
    c = client_of(client, world, persona)
    return {
        "rule": user.has_perm(
            "directory.change_organisation", Organisation.objects.get(slug="wwf")
        ),
        "page": ok(c.get("/organisations/wwf/edit/")),
    }


@dataclass
class Action:
    ask: Callable
    allowed: set[str]


ACTIONS = {
    "read the whole draft": Action(read_whole_draft, {"nfp_kenya"}),
    "read an assigned section": Action(read_assigned_section, {"nfp_kenya", "contributor_kenya"}),
    "edit an assigned section": Action(edit_assigned_section, {"nfp_kenya", "contributor_kenya"}),
    "read a submitted version": Action(read_submitted_version, {"nfp_germany", "secretariat"}),
    "export a cycle's reports": Action(export_the_cycle, {"secretariat"}),
    "count an accepted report in the analyzer": Action(count_an_accepted_report, {"secretariat"}),
    "count an accepted report per target": Action(
        count_an_accepted_report_per_target, {"secretariat"}
    ),
    "count an accepted report in the gap matrix": Action(
        count_an_accepted_report_in_the_gap_matrix, {"secretariat"}
    ),
    "state what an option means": Action(state_what_an_option_means, {"secretariat"}),
    "read an NFP's contacts": Action(read_person_contacts, {"nfp_germany", "secretariat"}),
    "edit an NFP": Action(edit_person, {"nfp_germany", "secretariat"}),
    "read a nominee's contacts": Action(
        read_nominees_contacts, {"nfp_kenya", "secretariat", "nominated_kenya"}
    ),
    "nominate for Kenya": Action(nominate_for_kenya, {"nfp_kenya", "secretariat"}),
    "edit a Partner": Action(edit_wwf, {"wwf_fp", "secretariat"}),
}


@pytest.mark.parametrize("action", ACTIONS)
def test_every_channel_gives_the_rules_answer(request, client, action):
    """Every persona in turn, on the same objects (built once per action: a write by one persona,
    such as a nomination, does not change what the next one may do)."""
    world = World(request)
    wrong = {}
    for persona in PERSONAS:
        answers = ACTIONS[action].ask(world, client, persona)
        expected = persona in ACTIONS[action].allowed
        differ = {channel: answer for channel, answer in answers.items() if answer != expected}
        if differ:
            wrong[persona] = (expected, differ)
    assert not wrong, f"{action}: persona -> (expected, channels that differ): {wrong}"


def test_every_api_endpoint_says_who_may_use_it():
    """DRF denies by default; each registered viewset names its permission classes."""
    for prefix, viewset, _basename in router.registry:
        assert issubclass(viewset, viewsets.GenericViewSet)
        classes = viewset.permission_classes
        assert classes and DenyByDefault not in classes, f"/api/{prefix}/ names no permission"


def test_an_endpoint_that_names_no_permission_refuses_everyone(rf, secretariat):
    class Forgotten(viewsets.ViewSet):
        def list(self, request):
            from rest_framework.response import Response

            return Response([])

    view = Forgotten.as_view({"get": "list"})
    request = rf.get("/")
    request.user = secretariat
    assert view(request).status_code == 403
