"""The engine's writes: versions, cycles, drafting, conflicts, the workflow and immutable versions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from cmsfamily.accounts.models import User
from cmsfamily.core.models import Event
from cmsfamily.directory.models import Instrument, Organisation, Party
from cmsfamily.reporting import selectors, services
from cmsfamily.reporting.choices import ExpectedReporters, SubmissionStatus, VersionStatus
from cmsfamily.reporting.models import Answer, Item, Submission, SubmissionVersion
from cmsfamily.reporting.services import Edit
from cmsfamily.reporting.testing import build_template, open_cycle


@pytest.fixture
def version(db):
    return build_template()[1]


@pytest.fixture
def cycle(version):
    return open_cycle(version)


@pytest.fixture
def kenya_report(cycle):
    return Submission.objects.get(cycle=cycle, party__code="KE")


def edits(*triples):
    return [Edit(code, key, value, base) for code, key, value, base in triples]


COMPLETE = [
    ("t.departments", "", "Ministry of Environment", 0),
    ("t.obstacles", "birds", "yes", 0),
    ("t.actions", "birds", "<p>Power lines are being insulated.</p>", 0),
    ("t.obstacles", "aquatic-mammals", "no", 0),
]


def fill(submission, user, triples=COMPLETE):
    result = services.save_answers(submission=submission, edits=edits(*triples), by=user)
    assert result.ok, (result.errors, result.conflicts)
    return result


# --- templates ---------------------------------------------------------------------------------


def test_a_cycle_freezes_its_version_and_a_frozen_version_refuses_edits(version, cycle):
    version.refresh_from_db()
    assert version.status == VersionStatus.FROZEN and version.frozen_at
    section = version.sections.first()
    with pytest.raises(ValidationError, match="can no longer change"):
        services.add_section(version=version, number="IX", title_en="Late", by=None)
    question = Item.objects.filter(section=section).first().question
    with pytest.raises(ValidationError, match="can no longer change"):
        services.add_item(section=section, question=question, number="99", by=None)
    with pytest.raises(ValidationError, match="only its French and Spanish texts"):
        services.update_question(question=question, text_en="Changed", by=None)
    services.update_question(question=question, text_fr="Quels ministères ?", by=None)


def test_a_new_version_copies_sections_items_and_rules(version, cycle):
    template = version.template
    v2 = services.new_version(template=template, by=None, note="typo")
    assert v2.number == 2 and v2.status == VersionStatus.DRAFT
    assert v2.sections.count() == version.sections.count()
    assert (
        Item.objects.filter(section__version=v2).count()
        == Item.objects.filter(section__version=version).count()
    )
    assert v2.rules.count() == 1
    from cmsfamily.reporting.exchange import export_version

    def content(one):  # everything but the version's own number, status and note
        return {key: value for key, value in export_version(one).items() if key != "version"}

    assert content(v2) == content(version)  # texts, numbers, order, conditions, rules, loops
    with pytest.raises(ValidationError, match="still a draft"):
        services.new_version(template=template, by=None)


def test_the_bank_serves_several_templates(version):
    agreement = services.create_template(
        slug="aewa-report",
        instrument=Instrument.objects.get(code="aewa"),
        reporter_kind="party",
        title_en="AEWA report",
        by=None,
    )
    section = services.add_section(
        version=agreement.versions.get(), number="1", title_en="Cooperation", by=None
    )
    shared = Item.objects.get(section__version=version, question__code="t.committee").question
    services.add_item(section=section, question=shared, number="1", by=None)
    assert shared.items.count() == 2


def test_conditions_must_name_a_question_of_the_version(version):
    section = version.sections.first()
    question = services.create_question(code="t.extra", kind="short_text", text_en="Extra", by=None)
    with pytest.raises(ValidationError, match="does not ask"):
        services.add_item(
            section=section,
            question=question,
            number="50",
            by=None,
            show_if={"question": "nope", "equals": 1},
        )
    with pytest.raises(ValidationError):
        services.add_item(
            section=section, question=question, number="50", by=None, show_if={"equals": 1}
        )


def test_question_definitions_are_checked(db):
    with pytest.raises(ValidationError) as error:
        services.create_question(code="x.choice", kind="single_choice", text_en="Pick", by=None)
    assert "options" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.create_question(
            code="x.n", kind="integer", text_en="N", min_value=5, max_value=1, by=None
        )
    assert "max_value" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.create_question(
            code="x.t", kind="table", text_en="T", columns=[{"key": "A"}], by=None
        )
    assert "columns" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.create_question(code="Bad Code", kind="short_text", text_en="T", by=None)


def test_a_rule_compares_number_questions(version):
    with pytest.raises(ValidationError, match="number questions"):
        services.add_rule(
            version=version,
            kind="at_most",
            operands={"left": "t.departments", "right": "t.area-total"},
            message_en="x",
            by=None,
        )


# --- cycles ------------------------------------------------------------------------------------


def test_deadline_six_months_before_the_cop():
    # COP13 opened on 17 February 2020; its reports were due on 17 August 2019.
    assert services.deadline_before_meeting(dt.date(2020, 2, 17)) == dt.date(2019, 8, 17)
    assert services.months_before(dt.date(2023, 8, 31), 6) == dt.date(2023, 2, 28)


def test_a_cycle_expects_all_parties_of_the_instrument(version):
    cycle = services.create_cycle(
        slug="all",
        version=version,
        period_start=dt.date(2021, 1, 1),
        period_end=dt.date(2023, 12, 31),
        opens_on=dt.date(2024, 1, 1),
        deadline=dt.date(2024, 4, 30),
        expected=ExpectedReporters.ALL_PARTIES,
        title_en="All",
        by=None,
    )
    members = Party.objects.filter(memberships__instrument__code="cms").distinct().count()
    assert cycle.submissions.count() == members > 100


def test_a_cycle_refuses_bad_dates(version):
    with pytest.raises(ValidationError) as error:
        services.create_cycle(
            slug="bad",
            version=version,
            period_start=dt.date(2023, 1, 1),
            period_end=dt.date(2021, 1, 1),
            opens_on=dt.date(2024, 5, 1),
            deadline=dt.date(2024, 4, 30),
            expected=ExpectedReporters.CHOSEN,
            title_en="Bad",
            by=None,
        )
    assert {"period_end", "deadline", "expected"} <= set(error.value.message_dict)


# --- drafting ----------------------------------------------------------------------------------


def test_saving_answers_writes_typed_values_and_starts_the_draft(kenya_report, nfp_kenya):
    result = fill(
        kenya_report, nfp_kenya, [("t.staff", "", "12", 0), ("t.area-total", "", "2.5", 0)]
    )
    assert result.saved == {("t.staff", ""): 1, ("t.area-total", ""): 1}
    kenya_report.refresh_from_db()
    assert kenya_report.status == SubmissionStatus.DRAFT
    assert dict(
        Answer.objects.filter(submission=kenya_report).values_list("question__code", "value")
    ) == {
        "t.staff": 12,
        "t.area-total": "2.5",
    }
    result = fill(kenya_report, nfp_kenya, [("t.staff", "", "13", 1)])
    assert result.saved == {("t.staff", ""): 2}
    answer = Answer.objects.get(submission=kenya_report, question__code="t.staff")
    assert answer.history.count() == 2 and answer.updated_by == nfp_kenya


def test_an_invalid_answer_writes_nothing(kenya_report, nfp_kenya):
    result = services.save_answers(
        submission=kenya_report,
        edits=edits(("t.departments", "", "Ministry", 0), ("t.staff", "", "-3", 0)),
        by=nfp_kenya,
    )
    assert result.errors == {("t.staff", ""): ["Enter a number of at least 0."]}
    assert not Answer.objects.filter(submission=kenya_report).exists()


def test_unknown_questions_and_loop_items_are_refused(kenya_report, nfp_kenya):
    result = services.save_answers(
        submission=kenya_report,
        edits=edits(
            ("nope", "", "x", 0),
            ("t.obstacles", "fish", "yes", 0),
            ("t.departments", "birds", "x", 0),
        ),
        by=nfp_kenya,
    )
    assert set(result.errors) == {("nope", ""), ("t.obstacles", "fish"), ("t.departments", "birds")}
    assert not Answer.objects.exists()


def test_a_stale_save_is_a_conflict_with_both_values(kenya_report, nfp_kenya, secretariat):
    fill(kenya_report, nfp_kenya, [("t.departments", "", "Ministry A", 0)])
    # A colleague who read the empty form saves afterwards: a conflict, nothing overwritten.
    result = services.save_answers(
        submission=kenya_report,
        edits=edits(("t.departments", "", "Ministry B", 0), ("t.staff", "", "3", 0)),
        by=nfp_kenya,
    )
    assert not result.ok and not result.saved
    [conflict] = result.conflicts
    assert (conflict.yours, conflict.theirs, conflict.their_revision) == (
        "Ministry B",
        "Ministry A",
        1,
    )
    assert not Answer.objects.filter(question__code="t.staff").exists()
    # They choose theirs, having now seen revision 1.
    assert fill(kenya_report, nfp_kenya, [("t.departments", "", "Ministry B", 1)]).saved == {
        ("t.departments", ""): 2
    }


def test_saving_the_current_value_on_the_current_revision_changes_nothing(kenya_report, nfp_kenya):
    fill(kenya_report, nfp_kenya, [("t.departments", "", "Ministry A", 0)])
    result = fill(kenya_report, nfp_kenya, [("t.departments", "", "Ministry A", 1)])
    assert result.saved == {("t.departments", ""): 1}
    answer = Answer.objects.get(question__code="t.departments")
    assert answer.revision == 1 and answer.history.count() == 1


def test_a_stale_write_of_the_current_value_is_a_conflict(kenya_report, nfp_kenya):
    """Two clients read 10 at revision 1 and both write 11: the second increment was not made,
    so it must not be acknowledged (46 of 50 increments were lost this way)."""
    fill(kenya_report, nfp_kenya, [("t.staff", "", 10, 0)])
    assert fill(kenya_report, nfp_kenya, [("t.staff", "", 11, 1)]).saved == {("t.staff", ""): 2}
    result = services.save_answers(
        submission=kenya_report, edits=edits(("t.staff", "", 11, 1)), by=nfp_kenya
    )
    assert not result.saved
    [conflict] = result.conflicts
    assert (conflict.yours, conflict.theirs, conflict.their_revision) == (11, 11, 2)
    answer = Answer.objects.get(question__code="t.staff")
    assert (answer.value, answer.revision, answer.history.count()) == (11, 2, 2)


def test_the_same_write_retried_with_its_key_is_answered_as_the_first_time(kenya_report, nfp_kenya):
    def send(value, base, write_key):
        return services.save_answers(
            submission=kenya_report,
            edits=edits(("t.departments", "", value, base)),
            by=nfp_kenya,
            write_key=write_key,
        )

    # A creation, then an update, each sent twice (the first answer lost on the way).
    for value, base, write_key in (("Ministry A", 0, "k-1"), ("Ministry B", 1, "k-2")):
        first = send(value, base, write_key)
        again = send(value, base, write_key)
        assert (
            first.ok
            and again.ok
            and again.saved == first.saved == {("t.departments", ""): base + 1}
        )
    answer = Answer.objects.get(question__code="t.departments")
    assert (answer.revision, answer.history.count(), answer.write_key) == (2, 2, "k-2")
    # Not the same write: another value, another key, no key, or a key whose write was since
    # overwritten by someone else.
    assert send("Ministry C", 1, "k-2").conflicts
    assert send("Ministry B", 1, "k-3").conflicts
    assert send("Ministry B", 1, "").conflicts
    assert send("Ministry A", 0, "k-1").conflicts
    assert send("Ministry D", 2, "").ok
    assert send("Ministry B", 1, "k-2").conflicts
    assert Answer.objects.get(question__code="t.departments").revision == 3


def test_an_idempotency_key_is_short(kenya_report, nfp_kenya):
    with pytest.raises(ValidationError, match="at most 80 characters"):
        services.save_answers(
            submission=kenya_report,
            edits=edits(("t.departments", "", "Ministry A", 0)),
            by=nfp_kenya,
            write_key="k" * 81,
        )
    assert not Answer.objects.exists()


def test_an_answer_created_by_someone_else_meanwhile_is_a_conflict(
    kenya_report, nfp_kenya, monkeypatch
):
    """Two writers create the same answer: the one who read before the other's insert meets
    the unique constraint, and is shown a conflict (not an IntegrityError)."""
    fill(kenya_report, nfp_kenya, [("t.departments", "", "Ministry A", 0)])
    # This writer read before the answer existed: its locking read finds nothing.
    monkeypatch.setattr(Answer.objects, "select_for_update", lambda **kwargs: Answer.objects.none())
    result = services.save_answers(
        submission=kenya_report,
        edits=edits(("t.departments", "", "Ministry B", 0), ("t.staff", "", 3, 0)),
        by=nfp_kenya,
    )
    assert not result.ok and not result.saved
    [conflict] = result.conflicts
    assert (conflict.code, conflict.theirs, conflict.their_revision) == (
        "t.departments",
        "Ministry A",
        1,
    )
    assert not Answer.objects.filter(question__code="t.staff").exists()
    assert Answer.objects.get(question__code="t.departments").value == "Ministry A"


def test_a_write_rolled_back_for_another_reason_is_never_answered_saved(
    kenya_report, nfp_kenya, monkeypatch
):
    def refuse(*args, **kwargs):
        raise IntegrityError("violates foreign key constraint")

    monkeypatch.setattr(services.drafting, "bulk_create_with_history", refuse)
    with pytest.raises(IntegrityError):
        services.save_answers(
            submission=kenya_report,
            edits=edits(("t.departments", "", "Ministry A", 0)),
            by=nfp_kenya,
        )
    assert not Answer.objects.exists()


def test_another_partys_nfp_cannot_edit(kenya_report, nfp_germany, secretariat):
    for user in (nfp_germany, secretariat):
        with pytest.raises(PermissionDenied):
            services.save_answers(
                submission=kenya_report, edits=edits(("t.departments", "", "x", 0)), by=user
            )


def test_a_contributor_edits_only_the_assigned_section(kenya_report, nfp_kenya):
    councillor = User.objects.create_user("councillor@kenya.example", "x" * 12)
    species = kenya_report.cycle.version.sections.get(number="II")
    services.assign_section(submission=kenya_report, section=species, user=councillor, by=nfp_kenya)
    fill(kenya_report, councillor, [("t.obstacles", "birds", "no", 0)])
    with pytest.raises(PermissionDenied):
        services.save_answers(
            submission=kenya_report, edits=edits(("t.departments", "", "x", 0)), by=councillor
        )
    assert Submission.objects.visible_to(councillor).filter(pk=kenya_report.pk).exists()


def test_reporter_items_loop(kenya_report, nfp_kenya):
    sites = kenya_report.cycle.version.sections.get(number="III")
    entry = services.add_loop_entry(
        submission=kenya_report, section=sites, label="Lake Nakuru", by=nfp_kenya
    )
    fill(kenya_report, nfp_kenya, [("t.site-area", entry.key, "18800", 0)])
    services.remove_loop_entry(entry=entry, by=nfp_kenya)
    assert not Answer.objects.filter(loop_key=entry.key).exists()
    with pytest.raises(ValidationError):
        services.add_loop_entry(submission=kenya_report, section=sites, label="  ", by=nfp_kenya)


# --- submitting and the workflow ---------------------------------------------------------------


def test_submitting_with_errors_is_blocked_with_the_list(kenya_report, nfp_kenya):
    fill(
        kenya_report,
        nfp_kenya,
        [
            ("t.obstacles", "birds", "yes", 0),
            ("t.area-total", "", "10", 0),
            ("t.area-protected", "", "12", 0),
        ],
    )
    with pytest.raises(ValidationError) as error:
        services.submit(submission=kenya_report, by=nfp_kenya)
    messages = error.value.messages
    # Each problem names its question by its label (its section's number and its own).
    assert "I.1 This question needs an answer." in messages  # t.departments
    assert (
        "II.1a This question needs an answer." in messages
    )  # actions, required because obstacles = yes
    assert "II.1 This question needs an answer." in messages  # aquatic mammals' obstacles
    assert any("cannot exceed the total area" in message for message in messages)
    assert not SubmissionVersion.objects.exists()


def test_the_full_workflow_keeps_immutable_versions(kenya_report, nfp_kenya, secretariat):
    fill(kenya_report, nfp_kenya)
    first = services.submit(submission=kenya_report, by=nfp_kenya)
    assert first.number == 1 and len(first.content_hash) == 64
    assert first.snapshot["answers"]["t.obstacles"] == {"birds": "yes", "aquatic-mammals": "no"}
    assert first.content_hash == selectors.content_hash(first.snapshot)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.save_answers(
            submission=kenya_report, edits=edits(("t.staff", "", "1", 0)), by=nfp_kenya
        )
    services.return_submission(
        submission=kenya_report, by=secretariat, note="Please add staff numbers."
    )
    assert kenya_report.status == SubmissionStatus.RETURNED
    fill(kenya_report, nfp_kenya, [("t.staff", "", "4", 0), ("t.obstacles", "birds", "no", 1)])
    second = services.submit(submission=kenya_report, by=nfp_kenya)
    assert second.number == 2 and second.content_hash != first.content_hash
    first.refresh_from_db()
    assert first.snapshot["answers"]["t.obstacles"]["birds"] == "yes"
    # The hidden answer (actions, shown only when obstacles = yes) is not part of version 2.
    changes = {(c.code, c.key): c.kind for c in selectors.diff(first.snapshot, second.snapshot)}
    assert changes == {
        ("t.staff", ""): "added",
        ("t.obstacles", "birds"): "changed",
        ("t.actions", "birds"): "removed",
    }
    services.accept(submission=kenya_report, by=secretariat)
    with pytest.raises(ValidationError, match="cannot be"):
        services.recall(submission=kenya_report, by=nfp_kenya)
    services.publish(submission=kenya_report, by=secretariat)
    kinds = list(
        Event.objects.filter(target_id=str(kenya_report.pk)).values_list("kind", flat=True)
    )
    assert {
        "submission.submitted",
        "submission.returned",
        "submission.accepted",
        "submission.published",
    } <= set(kinds)


def test_recall_until_accepted(kenya_report, nfp_kenya):
    fill(kenya_report, nfp_kenya)
    services.submit(submission=kenya_report, by=nfp_kenya)
    services.recall(submission=kenya_report, by=nfp_kenya)
    assert kenya_report.status == SubmissionStatus.DRAFT
    with pytest.raises(ValidationError):
        services.recall(submission=kenya_report, by=nfp_kenya)


def test_a_return_needs_a_note(kenya_report, nfp_kenya, secretariat):
    fill(kenya_report, nfp_kenya)
    services.submit(submission=kenya_report, by=nfp_kenya)
    with pytest.raises(ValidationError):
        services.return_submission(submission=kenya_report, by=secretariat, note=" ")


def test_threaded_review_comments(kenya_report, nfp_kenya, secretariat):
    fill(kenya_report, nfp_kenya)
    services.submit(submission=kenya_report, by=nfp_kenya)
    question = services.comment(
        submission=kenya_report, code="t.departments", by=secretariat, text="Which ministry?"
    )
    reply = services.comment(
        submission=kenya_report,
        code="t.departments",
        by=nfp_kenya,
        text="Environment.",
        parent=question,
    )
    assert reply.parent == question and question.version.number == 1
    with pytest.raises(ValidationError):
        services.comment(submission=kenya_report, code="nope", by=secretariat, text="x")


def test_partner_and_agreement_reports_run_through_the_same_engine(
    db, birdlife_fp, eurobats_officer
):
    _template, version = build_template(slug="partner-report", reporter_kind="partner")
    cycle = open_cycle(
        version, slug="partners", parties=(), organisations=("birdlife", "eurobats-secretariat")
    )
    birdlife = cycle.submissions.get(organisation__slug="birdlife")
    fill(birdlife, birdlife_fp)
    assert services.submit(submission=birdlife, by=birdlife_fp).number == 1
    eurobats = cycle.submissions.get(
        organisation=Organisation.objects.get(slug="eurobats-secretariat")
    )
    with pytest.raises(PermissionDenied):
        services.save_answers(
            submission=eurobats, edits=edits(("t.staff", "", "1", 0)), by=birdlife_fp
        )
    fill(eurobats, eurobats_officer)
    assert services.submit(submission=eurobats, by=eurobats_officer).number == 1


def test_a_section_repeated_for_the_species_the_party_is_a_range_state_of(kenya_report, nfp_kenya):
    from cmsfamily.reporting.choices import LoopKind
    from cmsfamily.species.models import Taxon

    template = services.create_template(
        slug="species-report",
        instrument=Instrument.objects.get(code="cms"),
        reporter_kind="party",
        title_en="Species",
        by=None,
    )
    version = template.versions.get()
    section = services.add_section(
        version=version, number="II", title_en="Species", loop=LoopKind.RANGE_SPECIES, by=None
    )
    trend = services.create_question(
        code="s.trend",
        kind="single_choice",
        text_en="Population trend",
        by=None,
        options=[
            {"value": "up", "label": {"en": "Increasing"}},
            {"value": "down", "label": {"en": "Decreasing"}},
        ],
    )
    services.add_item(section=section, question=trend, number="1", by=None, required=True)
    cycle = open_cycle(version, slug="species-cycle")
    report = Submission.objects.get(cycle=cycle, party__code="KE")
    structure = selectors.structure(version)
    loops = selectors.loop_items(structure, report)[section.pk]
    kenyan = set(Taxon.objects.filter(range_states__party__code="KE").values_list("pk", flat=True))
    assert {int(item.key.removeprefix("taxon-")) for item in loops} == kenyan and kenyan
    first = loops[0].key
    assert services.save_answers(
        submission=report, edits=edits(("s.trend", first, "up", 0)), by=nfp_kenya
    ).ok
    elsewhere = Taxon.objects.exclude(pk__in=kenyan).first()
    result = services.save_answers(
        submission=report, edits=edits(("s.trend", f"taxon-{elsewhere.pk}", "up", 0)), by=nfp_kenya
    )
    assert ("s.trend", f"taxon-{elsewhere.pk}") in result.errors
    # The Party adds a species it reports on where the range states are missing.
    services.add_loop_entry(
        submission=report,
        section=section,
        key=f"taxon-{elsewhere.pk}",
        label=elsewhere.scientific_name,
        by=nfp_kenya,
    )
    assert services.save_answers(
        submission=report, edits=edits(("s.trend", f"taxon-{elsewhere.pk}", "up", 0)), by=nfp_kenya
    ).ok
    problems = selectors.problems(structure, report, selectors.answer_values(report))
    assert len(problems) == len(kenyan) - 1  # every other Kenyan species still needs its trend
