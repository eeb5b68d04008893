"""Export then import changes nothing, for generated templates and answers of every type."""

import datetime as dt
import io
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from cmsfamily.directory.models import Instrument, Party
from cmsfamily.reporting import services, workbook
from cmsfamily.reporting.choices import TABLE_COLUMN_KINDS, LoopKind, QuestionKind
from cmsfamily.reporting.models import Submission
from cmsfamily.reporting.services import Edit
from cmsfamily.reporting.testing import GROUPS, open_cycle
from cmsfamily.species.models import Taxon
from cmsfamily.strategy.models import Target

KINDS = [kind for kind in QuestionKind.values if kind not in ("file", "activity")]
_counter = itertools.count()
_text = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")),
    min_size=1,
    max_size=40,
).filter(lambda text: text.strip())
_line = _text.map(lambda text: text.replace("<", "").replace(">", "").strip()).filter(bool)
_label = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéñ ", min_size=2, max_size=12).map(str.strip)


def _cell(kind):
    if kind == QuestionKind.INTEGER:
        return st.integers(-(10**9), 10**9).map(str)
    if kind == QuestionKind.DECIMAL:
        return st.decimals(-(10**9), 10**9, places=3, allow_nan=False).map(str)
    if kind == QuestionKind.DATE:
        return st.dates(dt.date(1900, 3, 1), dt.date(2099, 12, 31)).map(str)
    if kind == QuestionKind.YES_NO:
        return st.sampled_from(["yes", "no", "na"])
    return _text.map(str.strip)


def _value(draw, question, options, keys):
    kind = question.kind
    if kind == QuestionKind.SHORT_TEXT:
        return draw(_text)
    if kind == QuestionKind.LONG_TEXT:
        paragraphs = draw(st.lists(st.lists(_line, min_size=1, max_size=3), min_size=1, max_size=3))
        return "\n\n".join("\n".join(lines) for lines in paragraphs)
    if kind == QuestionKind.YES_NO:
        return draw(st.sampled_from(["yes", "no", "na"]))
    if kind == QuestionKind.SINGLE_CHOICE:
        return draw(st.sampled_from(options))
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return draw(st.lists(st.sampled_from(options), min_size=1, unique=True))
    if kind == QuestionKind.INTEGER:
        return draw(st.integers(-1000, 10**12))
    if kind == QuestionKind.DECIMAL:
        return str(draw(st.decimals(-(10**12), 10**12, places=4, allow_nan=False)))
    if kind == QuestionKind.PERCENTAGE:
        return str(draw(st.decimals(0, 100, places=2)))
    if kind == QuestionKind.DATE:
        return str(draw(st.dates(dt.date(1900, 3, 1), dt.date(2099, 12, 31))))
    if kind == QuestionKind.YEAR:
        return draw(st.integers(1900, 2100))
    if kind == QuestionKind.LINK:
        path = draw(st.text(alphabet="abcxyz0123-/", max_size=20))
        return f"https://example.org/{path}"
    if kind == QuestionKind.TABLE:
        rows = draw(
            st.lists(
                st.fixed_dictionaries(
                    {column["key"]: _cell(column["kind"]) for column in question.columns}
                ),
                min_size=1,
                max_size=3,
            )
        )
        return rows
    picked = draw(st.lists(st.sampled_from(keys[kind]), min_size=1, max_size=3, unique=True))
    return picked if question.allow_many else picked[0]


def _question(draw, number, index, kind):
    code = f"p{number}.{index}.{kind}"
    values = {}
    options = None
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        labels = draw(st.lists(_label.filter(bool), min_size=2, max_size=4, unique_by=str.casefold))
        options = [
            {"value": f"o{index}", "label": {"en": label, "fr": label.upper()}}
            for index, label in enumerate(labels)
        ]
    if kind == QuestionKind.TABLE:
        kinds = draw(st.lists(st.sampled_from(TABLE_COLUMN_KINDS), min_size=1, max_size=3))
        values["columns"] = [
            {"key": f"c{index}", "kind": str(column), "label": {"en": f"Column {index}"}}
            for index, column in enumerate(kinds)
        ]
    if kind in (QuestionKind.PARTY, QuestionKind.SPECIES, QuestionKind.TARGET):
        values["allow_many"] = draw(st.booleans())
    return services.create_question(
        code=code, kind=kind, text_en=f"Question {code}", by=None, options=options, **values
    )


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_export_then_import_changes_nothing(data, nfp_kenya):
    number = next(_counter)
    keys = {
        QuestionKind.PARTY: list(Party.objects.values_list("code", flat=True)[:40]),
        QuestionKind.SPECIES: list(Taxon.objects.values_list("pk", flat=True)[:40]),
        QuestionKind.TARGET: list(Target.objects.values_list("pk", flat=True)[:20]),
    }
    kinds = data.draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=8))
    kinds = [kind for kind in kinds if kind not in keys or keys[kind]]
    template = services.create_template(
        slug=f"prop-{number}",
        instrument=Instrument.objects.get(code="cms"),
        reporter_kind="party",
        by=None,
        title_en="Generated",
    )
    version = template.versions.get()
    plain = services.add_section(version=version, number="I", title_en="Plain", by=None)
    looped = services.add_section(
        version=version,
        number="II",
        title_en="Looped",
        loop=LoopKind.FIXED,
        loop_items=GROUPS,
        by=None,
    )
    edits = []
    for index, kind in enumerate(kinds, start=1):
        question = _question(data.draw, number, index, kind)
        in_loop = data.draw(st.booleans())
        section = looped if in_loop else plain
        services.add_item(section=section, question=question, number=str(index), by=None)
        options = [option.value for option in question.options.all()]
        for key in ["birds", "aquatic-mammals"] if in_loop else [""]:
            if data.draw(st.booleans()) or not in_loop:
                edits.append(
                    Edit(question.code, key, _value(data.draw, question, options, keys), 0)
                )
    cycle = open_cycle(version, slug=f"prop-{number}", parties=("KE",))
    submission = Submission.objects.get(cycle=cycle)
    result = services.save_answers(submission=submission, edits=edits, by=nfp_kenya)
    assert result.ok, result.errors
    language = data.draw(st.sampled_from(["en", "fr", "es"]))
    exported = workbook.draft_workbook(submission, nfp_kenya, language)

    plan = workbook.read(exported, submission=submission, user=nfp_kenya, language=language)
    assert (plan.errors, plan.changes) == ([], [])
    assert plan.unchanged == len(edits)

    # Every cell read as if it had been typed (fingerprints forgotten) gives the same answers.
    book = load_workbook(io.BytesIO(exported))
    for row in book[workbook.META].iter_rows():
        if row[0].value == "a":
            row[4].value = "forgotten"
    buffer = io.BytesIO()
    book.save(buffer)
    plan = workbook.read(
        buffer.getvalue(), submission=submission, user=nfp_kenya, language=language
    )
    assert plan.errors == []
    assert [(c.code, c.key, c.old, c.new) for c in plan.changes] == []
    assert plan.unchanged == len(edits)
