"""The real templates shipped as data (issue 6): each file imports, says what its source says and
nothing more, shares bank questions, and loads once."""

import copy
import json
import re
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from cmsfamily.directory.reference import REFERENCE_DIR
from cmsfamily.reporting import selectors
from cmsfamily.reporting.exchange import export_version, import_template
from cmsfamily.reporting.models import (
    Item,
    Question,
    Section,
    Submission,
    Template,
    TemplateVersion,
)
from cmsfamily.reporting.templates_data import (
    CREATED,
    DATA_DIR,
    FILES,
    KEPT,
    NEW_VERSION,
    UNCHANGED,
    load_report_templates,
    read,
)
from cmsfamily.reporting.testing import open_cycle

ANNEX_C = "partner-questionnaire-annex-c.json"
NATIONAL = "cms-national-report-by-target.json"
AGREEMENT = "agreement-report-shared-questions.json"
SEED = settings.BASE_DIR.parent / "shared" / "seeds" / "003_1834b27cbcf57c9c.txt"
SEED_EXCERPT = DATA_DIR / "seed-003-annex-c.txt"  # lines 2443-2519 of the seed
REFERENCE = json.loads(
    (REFERENCE_DIR / "cms_national_report_questions_by_target.json").read_text(encoding="utf-8")
)
PLAN = json.loads(
    (REFERENCE_DIR / "strategic_plan_migratory_species_2015_2023.json").read_text(encoding="utf-8")
)
# Where the reference file's section keys are in the template.
SECTION_OF_KEY = {
    "I(a)": "I(a)",
    "II": "II.1",
    "Questions on CMS Agreements": "2",
    "IV": "IV",
    "V": "V",
    "VI": "VI",
    "VII": "VII",
    "IX": "IX",
}
GROUP_KEYS = {
    "birds": "birds",
    "aquatic mammals": "aquatic-mammals",
    "reptiles (marine turtles)": "marine-turtles",
    "terrestrial mammals": "terrestrial-mammals",
    "bats": "bats",
    "reptiles": "reptiles",
    "fish": "fish",
    "insects": "insects",
}


def words(text: str) -> str:
    return " ".join(text.split())


def imported(name, by=None) -> TemplateVersion:
    return import_template(read(name), by=by)


def version_of(slug) -> TemplateVersion:
    return Template.objects.get(slug=slug).versions.get()


def questions_of(version) -> dict[str, Question]:
    return {
        q.code: q
        for q in Question.objects.filter(items__section__version=version).prefetch_related(
            "targets", "options"
        )
    }


def tags(question) -> set[int]:
    return {target.number for target in question.targets.all()}


# --- every file --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_each_file_imports_and_exports_as_it_is(db, secretariat, name):
    data = read(name)
    if name == AGREEMENT:
        imported(NATIONAL)  # as the loader does: the national report first
    version = imported(name, by=secretariat)
    assert not version.is_frozen and version.number == 1
    again = export_version(version)
    # The files are in the export's own form, so that the loader can compare them with a version.
    for part in ("template", "questions", "sections", "rules"):
        assert again[part] == data[part], part


# --- the Partner questionnaire (seed 003, Annex C) ------------------------------------------------


def test_the_excerpt_is_the_seed_annex():
    if not SEED.exists():
        pytest.skip("the shared seeds are not next to the checkout")
    lines = SEED.read_text(encoding="utf-8").splitlines()
    assert lines[2442].strip().startswith("Annex C:")
    excerpt = SEED_EXCERPT.read_text(encoding="utf-8").splitlines()
    assert [words(line) for line in excerpt] == [words(line) for line in lines[2442:2519]]


def test_annex_c_has_the_27_questions_of_the_seed_word_for_word(db):
    version = imported(ANNEX_C)
    template = version.template
    assert (template.instrument.code, template.reporter_kind) == ("cms", "partner")
    questions = questions_of(version)
    assert sorted(questions) == [f"pq-{n:02d}" for n in range(1, 28)]
    seed = words(SEED_EXCERPT.read_text(encoding="utf-8"))
    for question in questions.values():
        assert words(question.text_en) in seed, question.code
        assert question.text_fr and question.text_es, question.code
        assert not question.is_draft_text
    # The seed's headings, in its order, and its numbering (three questions are unnumbered).
    sections = list(version.sections.order_by("order"))
    assert all(words(s.title_en) in seed for s in sections)
    assert [s.title_en for s in sections][0] == "Your Organisaton’s Focus on the CMS Agenda"
    numbers = list(
        Item.objects.filter(section__version=version)
        .order_by("section__order", "order")
        .values_list("number", flat=True)
    )
    assert numbers[:7] == ["1a", "1b", "2", "3a", "3b", "4", "5"]
    assert numbers[-9:] == [str(n) for n in range(1, 10)]
    assert numbers.count("") == 3
    kinds = {code: q.kind for code, q in questions.items()}
    assert kinds["pq-13"] == "single_choice"
    assert [o.label_en for o in questions["pq-13"].options.all()] == [
        "Enough",
        "Too little",
        "Too much",
    ]
    assert kinds["pq-17"] == "table" and kinds["pq-14"] == "integer"
    assert kinds["pq-27"] == "yes_no"


# The Annex C questions the seed ties to a Strategic Plan target (data/templates/README.md says
# why, quoting the seed); every other Annex C question is left untagged.
ANNEX_C_TAGS = {"pq-15": {16}, "pq-16": {16}, "pq-18": {16}}


def test_annex_c_is_tagged_only_where_the_seed_supports_it(db):
    questions = questions_of(imported(ANNEX_C))
    assert {code: tags(q) for code, q in questions.items() if tags(q)} == ANNEX_C_TAGS
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    seed = words(SEED.read_text(encoding="utf-8")) if SEED.exists() else None
    for code in ANNEX_C_TAGS:
        assert f"`{code}`" in readme
    quotes = re.findall(r"> “([^”]+)”", readme)
    assert len(quotes) >= 3
    if seed is not None:
        for quote in quotes:
            for part in quote.split("…"):
                assert words(part) in seed, part


def _untag_annex_c():
    for code in ANNEX_C_TAGS:
        Question.objects.get(code=code).targets.clear()


@pytest.mark.parametrize("frozen", [False, True], ids=["draft", "used-by-a-cycle"])
def test_the_loader_adds_the_files_tags_to_a_bank_loaded_without_them(db, frozen):
    """A database loaded before the tags were shipped gets them on the next load, even where a
    cycle uses the questions; the version stays as it is and loading again adds nothing."""
    load_report_templates()
    _untag_annex_c()
    if frozen:
        open_cycle(
            version_of("partner-questionnaire-annex-c"),
            slug="partners-frozen",
            parties=(),
            organisations=("birdlife",),
        )
    counts = _counts()
    outcome = load_report_templates()[0]
    assert (outcome.action, outcome.tagged) == (UNCHANGED, sorted(ANNEX_C_TAGS))
    assert "target tags added to pq-15, pq-16, pq-18" in str(outcome)
    questions = Question.objects.filter(code__in=ANNEX_C_TAGS)
    assert {q.code: tags(q) for q in questions} == ANNEX_C_TAGS
    assert _counts() == counts
    again = load_report_templates()
    assert [o.action for o in again] == [UNCHANGED] * 3 and not any(o.tagged for o in again)


# --- the national report by target ----------------------------------------------------------------


@pytest.fixture
def national(db):
    return imported(NATIONAL)


def test_every_question_of_the_reference_is_asked_once_with_its_targets(national):
    items = list(
        Item.objects.filter(section__version=national).select_related("question", "section")
    )
    index = REFERENCE["question_index"]
    assert len(index) == 30
    for entry in index:
        found = [
            item
            for item in items
            if item.question.text_en == entry["text"]
            and item.section.number == SECTION_OF_KEY[entry["section_key"]]
        ]
        assert len(found) == 1, entry["text"]
        item = found[0]
        assert item.number.split(" ")[0] == entry["number"]
        expected = set(entry["targets"]) | set(entry["also_relevant_to_targets"])
        assert tags(item.question) == expected, entry["text"]
        assert not item.question.is_draft_text
    # A text the index holds twice or more (“Results - ...” in IV, V and VI) is as many questions.
    for text in {entry["text"] for entry in index}:
        expected_count = sum(entry["text"] == text for entry in index)
        assert sum(item.question.text_en == text for item in items) == expected_count


def test_sub_items_and_options_are_questions_shown_after_their_parent(national):
    by_code = {
        item.question.code: item
        for item in Item.objects.filter(section__version=national).select_related("question")
    }
    nbsap = next(e for e in REFERENCE["question_index"] if e.get("sub_items"))
    parent = next(i for i in by_code.values() if i.question.text_en == nbsap["text"])
    subs = [
        i for i in by_code.values() if (i.show_if or {}).get("question") == parent.question.code
    ]
    assert sorted(i.question.text_en for i in subs) == sorted(nbsap["sub_items"])
    record = next(r for t in REFERENCE["targets"] for r in t["questions"] if r.get("sub_items"))
    for sub in subs:
        note = next(s for s in record["sub_items"] if s["text"] == sub.question.text_en)
        assert tags(sub.question) == {13, *note["also_relevant_to_targets"]}
        assert sub.show_if == {"question": parent.question.code, "equals": "yes"}
    for entry in REFERENCE["question_index"]:
        if not entry.get("options") or entry["section_key"] == "II":
            continue
        choice = next(
            i
            for i in by_code.values()
            if i.question.text_en == entry["text"] and i.question.kind == "multiple_choice"
        )
        details = [
            i for i in by_code.values() if (i.show_if or {}).get("question") == choice.question.code
        ]
        assert [i.question.text_en for i in details] == entry["options"]
        labels = [o.label_en for o in choice.question.options.all()]
        assert all(
            raw.startswith(f"{label}. If yes")
            for label, raw in zip(labels, entry["options"], strict=True)
        )


def test_no_question_is_invented_but_the_draft_ones(national):
    reference_texts = set()
    for target in REFERENCE["targets"]:
        for record in target["questions"]:
            reference_texts.add(record["text"])
            reference_texts.update(record.get("options") or [])
            reference_texts.update(s["text"] for s in record.get("sub_items") or [])
    prompts = [
        r["text"]
        for t in REFERENCE["targets"]
        for r in t["questions"]
        if r["kind"] == "x_section_prompt"
    ]
    for question in questions_of(national).values():
        if question.is_draft_text:
            assert question.code.startswith("cms-nr-draft-")
            assert "not CMS text" in question.source
            continue
        assert question.text_en in reference_texts, question.code
        if question.text_en in prompts:
            assert all(question.text_en.startswith(p) for p in prompts)


def test_every_target_is_tagged_and_the_uncovered_ones_by_draft_text(national):
    uncovered = {
        int(number)
        for number, count in REFERENCE["question_count"]["per_target"].items()
        if count["questions"] == 0
    }
    assert uncovered == {1, 4, 5, 8, 11, 12, 14, 16}
    questions = questions_of(national).values()
    tagged = set().union(*(tags(q) for q in questions))
    assert tagged == set(range(1, 17))
    drafts = [q for q in questions if q.is_draft_text]
    assert set().union(*(tags(q) for q in drafts)) == uncovered
    for number in uncovered:
        plan_text = next(t["text"] for t in PLAN["targets"] if t["number"] == number)
        assert any(number in tags(q) and plan_text in q.text_en for q in drafts), number
    covered_by_real = set().union(*(tags(q) for q in questions if not q.is_draft_text))
    assert {2, 3, 6, 7, 9, 10, 13, 15} <= covered_by_real
    # The draft questions are in sections whose titles say so.
    for item in Item.objects.filter(section__version=national, question__is_draft_text=True):
        assert "draft text, not official" in item.section.title_en


def test_groups_repeat_over_the_cms_taxonomic_groups(national):
    from cmsfamily.species.models import Listing

    groups = Section.objects.get(version=national, number="II.1")
    agreements = Section.objects.get(version=national, number="2")
    assert groups.loop == agreements.loop == "fixed"
    appendix_i = [entry["key"] for entry in groups.loop_items]
    assert appendix_i[0] == "birds"  # the group the pages name ([Bird], [bird etc])
    # The groups under which the register lists taxa in Appendix I (and II).
    for section, appendix in ((groups, "I"), (agreements, "II")):
        listed = set(
            Listing.objects.filter(appendix=appendix).values_list("taxon__group", flat=True)
        )
        assert {entry["key"] for entry in section.loop_items} == {GROUP_KEYS[g] for g in listed}
    codes = set(
        Item.objects.filter(section__in=[groups, agreements]).values_list(
            "question__code", flat=True
        )
    )
    repeated = {
        (e["section_key"], e["number"])
        for e in REFERENCE["question_index"]
        if e.get("repeated_for")
    }
    assert len(codes) == len(repeated) == 10


def test_the_species_section_lists_kenyas_range_species(national, kenya):
    from cmsfamily.species.selectors import species_of_party

    species = Section.objects.get(version=national, loop="range_species_i")
    assert species.parent.title_en == "Appendix I species"
    cycle = open_cycle(national, slug="national-report", parties=("KE",))
    submission = Submission.objects.get(cycle=cycle, party=kenya)
    structure = selectors.structure(national)
    loops = selectors.loop_items(structure, submission)
    names = [item.label for item in loops[species.pk]]
    expected = [
        taxon.scientific_name
        for taxon in species_of_party(kenya)
        if taxon.listings.filter(appendix="I").exists()
    ]
    assert names == expected and len(names) >= 5
    assert len(names) < species_of_party(kenya).count()  # Appendix II only: left out
    assert "Balaenoptera musculus" in names


# --- the Agreement report that shares the bank ----------------------------------------------------


def test_the_agreement_report_reuses_the_national_questions(db):
    national = imported(NATIONAL)
    before = Question.objects.count()
    agreement = imported(AGREEMENT)
    template = agreement.template
    assert (template.instrument.code, template.reporter_kind) == ("aewa", "party")
    assert "not an official" in template.title_en and "illustrative" in template.description_en
    national_codes = set(questions_of(national))
    agreement_questions = questions_of(agreement)
    shared = national_codes & set(agreement_questions)
    assert len(shared) >= 3
    own = set(agreement_questions) - shared
    assert len(own) <= 2 and all(agreement_questions[c].is_draft_text for c in own)
    assert Question.objects.count() == before + len(own)  # one bank question per shared code
    for code in shared:
        assert Item.objects.filter(question__code=code).values("question").distinct().count() == 1
    # The files give the shared questions the same definition.
    definitions = {q["code"]: q for q in read(NATIONAL)["questions"]}
    for question in read(AGREEMENT)["questions"]:
        if question["code"] in shared:
            assert question == definitions[question["code"]]


def test_a_shared_answer_key_matches_across_the_two_loops(db):
    national = imported(NATIONAL)
    agreement = imported(AGREEMENT)
    loop = Section.objects.get(version=agreement, loop="fixed")
    national_keys = {
        e["key"] for e in Section.objects.get(version=national, number="II.1").loop_items
    }
    assert {e["key"] for e in loop.loop_items} <= national_keys


# --- the loader ------------------------------------------------------------------------------------


def _counts():
    return [model.objects.count() for model in (Template, TemplateVersion, Section, Item, Question)]


def test_the_loader_is_idempotent_and_freezes_nothing(db):
    outcomes = load_report_templates()
    assert [o.action for o in outcomes] == [CREATED] * 3
    counts = _counts()
    again = load_report_templates()
    assert [o.action for o in again] == [UNCHANGED] * 3
    assert _counts() == counts
    assert not TemplateVersion.objects.filter(
        template__slug__in=[o.slug for o in outcomes], status="frozen"
    ).exists()
    assert not Template.objects.filter(slug__in=[o.slug for o in outcomes], is_demo=True).exists()


def test_translations_added_in_the_builder_do_not_make_the_file_new(db):
    load_report_templates()
    Question.objects.filter(code="cms-nr-ia-1").update(text_fr="Quels autres ministères ?")
    assert [o.action for o in load_report_templates()] == [UNCHANGED] * 3


def test_a_changed_file_becomes_a_new_draft_version_only_over_a_frozen_one(db, tmp_path):
    for name in FILES:
        shutil.copy(DATA_DIR / name, tmp_path / name)
    load_report_templates(directory=tmp_path)
    data = copy.deepcopy(read(NATIONAL))
    data["sections"][0]["items"].pop(0)  # the next release drops I(a) question 1
    (tmp_path / NATIONAL).write_text(json.dumps(data), encoding="utf-8")
    # The latest version is a draft (perhaps edited by the Secretariat): it is not touched.
    outcome = load_report_templates(directory=tmp_path)[1]
    assert (outcome.action, outcome.version) == (KEPT, 1)
    open_cycle(version_of("cms-national-report-by-target"), slug="frozen-national")
    outcome = load_report_templates(directory=tmp_path)[1]
    assert (outcome.action, outcome.version) == (NEW_VERSION, 2)
    latest = Template.objects.get(slug="cms-national-report-by-target").versions.get(number=2)
    assert not latest.is_frozen
    assert not Item.objects.filter(section__version=latest, question__code="cms-nr-ia-1").exists()
    assert load_report_templates(directory=tmp_path)[1].action == UNCHANGED


def test_the_command_reports_what_it_did(db, capsys):
    call_command("load_report_templates")
    call_command("load_report_templates")
    out = capsys.readouterr().out
    assert out.count(CREATED) == 3 and out.count(UNCHANGED) == 3
    assert re.search(r"cms-national-report-by-target v1", out)


# --- the real templates offline -------------------------------------------------------------------


@pytest.mark.parametrize(("name", "reporter"), [(NATIONAL, "KE"), (ANNEX_C, "birdlife")])
def test_the_real_templates_go_offline_and_back(name, reporter, nfp_kenya, birdlife_fp):
    """The workbook of a real template opens with a sheet per section, Kenya's species as rows,
    and comes back unchanged; an answer typed in it is read."""
    import io

    from openpyxl import load_workbook

    from cmsfamily.reporting import workbook

    version = imported(name)
    parties, organisations = ((reporter,), ()) if reporter == "KE" else ((), (reporter,))
    cycle = open_cycle(version, slug="real", parties=parties, organisations=organisations)
    submission = Submission.objects.get(cycle=cycle)
    user = nfp_kenya if reporter == "KE" else birdlife_fp
    data = workbook.draft_workbook(submission, user, "en")
    plan = workbook.read(data, submission=submission, user=user, language="en")
    assert (plan.errors, plan.changes) == ([], [])
    book = load_workbook(io.BytesIO(data))
    structure = selectors.structure(version)
    with_items = [node for node in structure.nodes if node.items]
    tables = sum(1 for node in with_items for item in node.items if item.question.kind == "table")
    assert len(book.sheetnames) == 3 + len(with_items) + tables  # About, lists, meta
    first = next(node for node in with_items if node.loop_section is None)
    item = next(i for i in first.items if i.question.kind in ("short_text", "long_text"))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=3):
            if row[0].value == f"q|{item.question.code}":
                row[3].value = "Typed offline."
    buffer = io.BytesIO()
    book.save(buffer)
    plan = workbook.read(buffer.getvalue(), submission=submission, user=user, language="en")
    assert plan.errors == []
    assert [(c.code, c.key) for c in plan.changes] == [(item.question.code, "")]
    if reporter == "KE":
        species = Section.objects.get(version=version, loop="range_species_i")
        sheet = next(s for s in book.worksheets if s.title.startswith(species.number))
        keys = [row[0].value for row in sheet.iter_rows(min_row=4)]
        assert len(keys) >= 5 and all(key.startswith("k|taxon-") for key in keys)


# --- a Party adds the species it reports on ----------------------------------------------------


@pytest.fixture
def kenya_report(national, kenya):
    cycle = open_cycle(national, slug="national-report", parties=("KE",))
    return Submission.objects.get(cycle=cycle, party=kenya)


def _species_section(version):
    return Section.objects.get(version=version, loop="range_species_i")


def test_a_party_adds_a_species_missing_from_its_range(client, kenya_report, nfp_kenya):
    from cmsfamily.species.models import Taxon

    section = _species_section(kenya_report.cycle.version)
    client.force_login(nfp_kenya)
    url = reverse("reporting:section", args=[kenya_report.pk, section.pk])
    page = client.get(url)
    offered = dict(page.context["species_to_add"])
    listed = {
        item.label
        for item in selectors.loop_items(
            selectors.structure(kenya_report.cycle.version), kenya_report
        )[section.pk]
    }
    assert offered and not listed & set(offered.values())
    taxon = Taxon.objects.get(pk=next(iter(offered)))
    response = client.post(
        reverse("reporting:loop-entry-add", args=[kenya_report.pk, section.pk]),
        {"taxon": f"taxon-{taxon.pk}"},
    )
    assert response.status_code == 302
    items = selectors.loop_items(selectors.structure(kenya_report.cycle.version), kenya_report)
    assert (f"taxon-{taxon.pk}", taxon.scientific_name) in [
        (item.key, item.label) for item in items[section.pk]
    ]
    assert taxon.pk not in dict(client.get(url).context["species_to_add"])


@pytest.mark.parametrize(
    "taxon", ["taxon-999999", "taxon-x", "Aquila"], ids=["unknown", "bad", "name"]
)
def test_adding_an_unknown_species_is_refused(client, kenya_report, nfp_kenya, taxon):
    section = _species_section(kenya_report.cycle.version)
    client.force_login(nfp_kenya)
    response = client.post(
        reverse("reporting:loop-entry-add", args=[kenya_report.pk, section.pk]),
        {"taxon": taxon},
        follow=True,
    )
    assert not kenya_report.loop_entries.exists()
    text = response.content.decode()
    assert "Choose a species from the list." in text or "Give the item a name." in text


def test_a_species_already_listed_cannot_be_added_twice(kenya_report, nfp_kenya):
    from django.core.exceptions import ValidationError

    from cmsfamily.reporting import services

    section = _species_section(kenya_report.cycle.version)
    listed = selectors.loop_items(selectors.structure(kenya_report.cycle.version), kenya_report)
    with pytest.raises(ValidationError, match="already in the list"):
        services.add_loop_entry(
            submission=kenya_report,
            section=section,
            label="",
            key=listed[section.pk][0].key,
            by=nfp_kenya,
        )
