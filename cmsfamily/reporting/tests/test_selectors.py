"""The reads the pages ask of the selectors instead of querying themselves: each finds what the
user may see and answers None (or nothing) otherwise, which the page turns into a 404."""

import pytest
from django.contrib.auth.models import AnonymousUser

from cmsfamily.reporting import selectors, services
from cmsfamily.reporting.models import Submission
from cmsfamily.reporting.testing import build_template, open_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    template, version = build_template()
    cycle = open_cycle(version)
    kenya = Submission.objects.get(cycle=cycle, party__code="KE")
    germany = Submission.objects.get(cycle=cycle, party__code="DE")
    return template, version, cycle, kenya, germany


def test_a_report_is_found_for_who_sees_it_only(world, nfp_kenya, nfp_germany, secretariat):
    _template, _version, _cycle, kenya, _germany = world
    assert selectors.submission(nfp_kenya, kenya.pk) == kenya
    assert selectors.submission(nfp_germany, kenya.pk) is None
    assert selectors.submission(AnonymousUser(), kenya.pk) is None
    assert selectors.submission(nfp_kenya, 0) is None
    # The Secretariat follows the draft's progress without reading it.
    assert selectors.submission(secretariat, kenya.pk) is None
    assert selectors.followed_submission(secretariat, kenya.pk) == kenya
    assert selectors.followed_submission(nfp_germany, kenya.pk) is None


def test_who_reports_and_what_they_draft(world, nfp_kenya, contributor_kenya, secretariat):
    _template, _version, _cycle, kenya, germany = world
    assert selectors.reports(nfp_kenya, kenya)
    assert not selectors.reports(nfp_kenya, germany)
    assert not selectors.reports(secretariat, kenya)
    section = kenya.cycle.version.sections.get(number="II")
    services.assign_section(submission=kenya, section=section, user=contributor_kenya, by=nfp_kenya)
    assert not selectors.reports(contributor_kenya, kenya)
    assert selectors.own_submissions(contributor_kenya) == [kenya]
    assert selectors.own_submissions(nfp_kenya) == [kenya]
    assert selectors.own_submissions(AnonymousUser()) == []
    (assignment,) = selectors.assignments(kenya)
    assert assignment.user == contributor_kenya
    assert selectors.assignment(kenya, assignment.pk) == assignment
    assert selectors.assignment(germany, assignment.pk) is None


def test_cycles_a_user_keeps(world, secretariat, eurobats_officer, nfp_kenya):
    _template, _version, cycle, kenya, germany = world
    assert selectors.cycle(nfp_kenya, cycle.slug) == cycle
    assert selectors.cycle(nfp_kenya, "no-such-cycle") is None
    assert list(selectors.kept_cycles(secretariat)) == [cycle]
    assert list(selectors.kept_cycles(eurobats_officer)) == []  # a CMS cycle
    assert list(selectors.kept_cycles(nfp_kenya)) == []
    assert selectors.visible_submission_ids(nfp_kenya, [kenya.pk, germany.pk]) == {kenya.pk}
    assert selectors.published_count(cycle) == 0
    assert selectors.latest_published(nfp_kenya, 10) == []


def test_templates_and_their_versions(world, secretariat, eurobats_officer, nfp_kenya):
    template, version, _cycle, _kenya, _germany = world
    assert selectors.template(nfp_kenya, template.slug) == template  # frozen by the cycle
    assert selectors.template(nfp_kenya, "no-such-template") is None
    assert selectors.template_version(template, version.number) == version
    assert selectors.template_version(template, 99) is None
    assert selectors.latest_template_version(template, nfp_kenya) == version
    assert selectors.template_version_cycles(version) == list(version.cycles.all())
    section = version.sections.get(number="I")
    item = section.items.first()
    assert selectors.template_section(version, section.pk) == section
    assert selectors.outline_entry(version, "section", section.pk) == section
    assert selectors.outline_entry(version, "item", item.pk) == item
    assert selectors.outline_entry(version, "item", section.pk + 10_000) is None
    assert selectors.outline_entry(version, "other", section.pk) is None
    assert selectors.bank_question("t.departments").code == "t.departments"
    assert selectors.bank_question("t.none") is None
    assert selectors.instrument_by_code("cms").code == "cms"
    assert selectors.instrument_by_code(None) is None
    assert selectors.instrument_by_code("nothing") is None
    cms = set(selectors.template_instruments(secretariat))
    eurobats = set(selectors.template_instruments(eurobats_officer))
    assert eurobats and eurobats < cms


def test_answers_versions_and_comments(world, nfp_kenya, nfp_germany, secretariat):
    _template, _version, _cycle, _kenya, germany = world
    services.save_answers(
        submission=germany,
        edits=[
            services.Edit("t.departments", "", "Bundesministerium", 0),
            services.Edit("t.obstacles", "birds", "no", 0),
            services.Edit("t.obstacles", "aquatic-mammals", "no", 0),
        ],
        by=nfp_germany,
    )
    assert selectors.draft_value(germany, "t.departments", "") == "Bundesministerium"
    assert selectors.draft_value(germany, "t.narrative", "") is None
    assert selectors.latest_version(germany) is None
    services.submit(submission=germany, by=nfp_germany)
    version = selectors.latest_version(germany)
    assert version is not None and version.number == 1
    assert selectors.readable_version(germany, secretariat, 1) == version
    assert selectors.readable_version(germany, nfp_kenya, 1) is None
    assert selectors.version_list(germany, nfp_germany) == [version]
    assert selectors.version_numbers(germany, nfp_germany) == [1]
    assert selectors.version_numbers(germany, nfp_kenya) == []
    assert selectors.comments_by_answer(germany) == {}
    assert selectors.returned_comment_count(germany, version) == 0
    assert selectors.review_comment(germany, 0) is None


def test_one_read_of_a_report_and_its_sections(world, nfp_kenya, contributor_kenya, nfp_germany):
    _template, version, _cycle, kenya, _germany = world
    general, species = version.sections.get(number="I"), version.sections.get(number="II")
    services.save_answers(
        submission=kenya,
        edits=[
            services.Edit("t.departments", "", "Kenyan ministries", 0),
            services.Edit("t.actions", "birds", "Dams on the Tana", 0),
        ],
        by=nfp_kenya,
    )
    services.assign_section(submission=kenya, section=species, user=contributor_kenya, by=nfp_kenya)
    structure = selectors.structure(version)
    everything = {node.section.pk for node in structure.nodes}

    reporter = selectors.report_state(kenya, nfp_kenya)
    assert reporter.reports and not reporter.closed
    assert reporter.editable == reporter.readable == everything
    assert reporter.readable_codes == selectors.readable_codes(kenya, nfp_kenya, structure)
    assert reporter.values[("t.departments", "")] == "Kenyan ministries"
    assert reporter.answers[("t.actions", "birds")].revision == 1
    assert reporter.loops == selectors.loop_items(structure, kenya)

    contributor = selectors.report_state(kenya, contributor_kenya)
    assert not contributor.reports
    assert contributor.assigned == contributor.editable == contributor.readable
    assert species.pk in contributor.readable and general.pk not in contributor.readable
    assert "t.actions" in contributor.readable_codes
    assert "t.departments" not in contributor.readable_codes

    other = selectors.report_state(kenya, nfp_germany)
    assert other.editable == other.readable == set() and other.readable_codes == set()

    assert contributor.section(0) is None
    state = contributor.section(species.pk)
    assert state is not None and state.may_edit and state.may_read
    assert state.loops is contributor.loops and state.values is contributor.values
    assert not contributor.section(general.pk).may_read
    # A section's answers are the same whether the report's were read first or not.
    alone = selectors.report_state(kenya, nfp_kenya).section(species.pk).answers
    reporter.answers  # noqa: B018 - read them all first
    assert reporter.section(species.pk).answers.keys() == alone.keys() == {("t.actions", "birds")}


def test_the_draft_workbook_takes_the_page_s_read_of_the_same_report(world, nfp_kenya, nfp_germany):
    from cmsfamily.reporting import workbook

    _template, _version, _cycle, kenya, germany = world
    report = selectors.report_state(kenya, nfp_kenya)
    assert workbook.draft_workbook(kenya, nfp_kenya, "en", report=report)
    with pytest.raises(ValueError):
        workbook.draft_workbook(germany, nfp_germany, "en", report=report)
