"""The server's part, in this process: a section edit saved with and without conditions,
relevance alone, and the autosave as the view answers it."""

from __future__ import annotations

import random
import statistics
import time

from bench import reporting
from bench.relevance import data
from bench.relevance.data import (
    CONDITIONAL,
    FIELDS,
    PARTY,
    PLAIN,
    RELEVANCE_SEED,
    Subject,
    code_of,
    nfp,
    raw_answer,
    share_conditional,
    subjects,
)

REPETITIONS = 15


def _section_edit(subject: Subject, rng, count: int = 10) -> list:
    """Edits changing the first `count` answers of section II, at their current revisions."""
    from cmsfamily.reporting import answers
    from cmsfamily.reporting.models import Answer, Item
    from cmsfamily.reporting.services import Edit

    items = list(
        Item.objects.filter(section=subject.section)
        .select_related("question")
        .prefetch_related("question__options")
        .order_by("order")[:count]
    )
    current = {
        code: (value, revision)
        for code, value, revision in Answer.objects.filter(
            submission=subject.submission, loop_key=""
        ).values_list("question__code", "value", "revision")
    }
    edits = []
    for item in items:
        question, options = item.question, list(item.question.options.all())
        old, revision = current.get(question.code, (None, 0))
        raw = raw_answer(question.kind, rng)
        while answers.clean(question, raw, options=options) == old:  # every edit must write
            raw = raw_answer(question.kind, rng)
        edits.append(Edit(question.code, "", raw, revision))
    return edits


class AutosaveForm:
    """Section II as the browser holds it: every field with its #present, #rev and #seen; one
    short text alternates between two values at each save."""

    def __init__(self, subject: Subject):
        from cmsfamily.reporting import selectors
        from cmsfamily.reporting.models import Answer, Item
        from cmsfamily.reporting.templatetags.reporting import editable_text

        items = list(
            Item.objects.filter(section=subject.section)
            .select_related("question")
            .order_by("order")
        )
        stored = {
            answer.question_id: answer
            for answer in Answer.objects.filter(submission=subject.submission, loop_key="")
        }
        self.fields: dict[str, dict] = {}
        for item in items:
            answer = stored.get(item.question_id)
            value = answer.value if answer else None
            if item.question.kind == "multiple_choice":
                shown: str | list[str] = list(value or [])
            elif item.question.kind == "long_text":
                shown = editable_text(value)
            else:
                shown = "" if value is None else str(value)
            self.fields[f"{item.question.code}@"] = {
                "value": shown,
                "rev": answer.revision if answer else 0,
                "seen": selectors.value_hash(value),
            }
        self.changed = next(
            f"{item.question.code}@" for item in items if item.question.kind == "short_text"
        )

    def next_value(self) -> str:
        first, second = reporting.AUTOSAVE_VALUES
        return second if self.fields[self.changed]["value"] == first else first

    def data(self, new: str) -> dict:
        data: dict = {}
        for name, field in self.fields.items():
            data[f"{name}#present"] = "1"
            data[f"{name}#rev"] = str(field["rev"])
            data[f"{name}#seen"] = field["seen"]
            data[name] = new if name == self.changed else field["value"]
        return data

    def saved(self, answer: str, new: str) -> None:
        import re

        name = re.escape(self.changed)
        revision = re.search(rf'name="{name}#rev" value="(\d+)"', answer)
        seen = re.search(rf'name="{name}#seen" value="([0-9a-f]+)"', answer)
        if "Saved at" not in answer or not revision or not seen or answer.count("#rev") != 1:
            raise RuntimeError(f"autosave of {self.changed}: not saved ({answer[:300]!r})")
        field = self.fields[self.changed]
        field.update(value=new, rev=int(revision.group(1)), seen=seen.group(1))


def _interleaved(cases: dict, repetitions: int) -> dict[str, dict]:
    """Each case (prepare, call, check) in turn, one warm-up round then `repetitions` rounds: the
    median wall time and the statements of each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    runs: dict[str, list[float]] = {name: [] for name in cases}
    statements: dict[str, set[int]] = {name: set() for name in cases}
    for run in range(repetitions + 1):
        for name, (ready, call, check) in cases.items():
            arguments = ready()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                result = call(*arguments)
                elapsed = time.perf_counter() - started
            check(result)
            if run:
                runs[name].append(elapsed * 1000)
                statements[name].add(len(captured.captured_queries))
    return {
        name: {
            "ms": round(statistics.median(times), 3),
            "runs_ms": [round(ms, 3) for ms in times],
            "statements": sorted(statements[name]),
        }
        for name, times in runs.items()
    }


def measure(repetitions: int = REPETITIONS) -> dict:
    """The server's part: a section edit saved with and without conditions, relevance alone,
    and the autosave as the view answers it."""
    from django.test import Client

    from cmsfamily.reporting import selectors, services

    prepared = data.prepare()
    found = subjects()
    plain, conditional = found[PLAIN], found[CONDITIONAL]
    rng = random.Random(RELEVANCE_SEED)

    def save(subject: Subject):
        def prepare_edit():
            return (
                reporting.submission_as_read(subject.submission),
                _section_edit(subject, rng),
                nfp(),
            )

        def call(submission, edits, user):
            return services.save_answers(submission=submission, edits=edits, by=user)

        def check(result):
            if not result.ok or len(result.saved) != 10:
                raise RuntimeError(f"{subject.slug}: {len(result.saved)} answers saved, not 10")

        return prepare_edit, call, check

    def relevance(subject: Subject):
        submission = reporting.submission_as_read(subject.submission)
        tree = selectors.structure(submission.cycle.version)
        loops = selectors.loop_items(tree, submission)
        values = selectors.answer_values(submission)
        gate = (code_of(1), "")
        other = {**values, gate: "no" if values.get(gate) == "yes" else "yes"}
        turn = [values, other]

        def prepare_values():
            turn.reverse()  # another answer each run: nothing from the last run's cache
            return (dict(turn[0]),)

        def call(answers):
            return selectors.relevance(tree, answers, loops)

        return prepare_values, call, lambda result: None

    results: dict = {
        "repetitions": repetitions,
        "party": PARTY,
        "fields": FIELDS,
        "generated_s": None if prepared is None else round(prepared, 1),
    }
    results["conditional"] = dict(zip(("questions", "fields"), share_conditional(), strict=True))
    results["in_process"] = _interleaved(
        {
            "save_plain": save(plain),
            "save_conditions": save(conditional),
            "relevance_plain": relevance(plain),
            "relevance_conditions": relevance(conditional),
        },
        repetitions,
    )
    client = Client()
    client.force_login(nfp())
    forms = {subject.slug: AutosaveForm(subject) for subject in (plain, conditional)}

    def autosave(subject: Subject):
        form = forms[subject.slug]

        def prepare_post():
            new = form.next_value()
            return new, form.data(new)

        def post(new, data):
            return new, client.post(subject.section_path, data, HTTP_HX_REQUEST="true")

        def check(result):
            new, response = result
            form.saved(response.content.decode(), new)

        return prepare_post, post, check

    results["autosave"] = _interleaved(
        {"autosave_plain": autosave(plain), "autosave_conditions": autosave(conditional)},
        repetitions,
    )
    client.logout()
    times = {**results["in_process"], **results["autosave"]}
    results["ratios"] = {
        "save": _ratio(times["save_conditions"], times["save_plain"]),
        "relevance_to_save": _ratio(times["relevance_conditions"], times["save_plain"]),
        "autosave": _ratio(times["autosave_conditions"], times["autosave_plain"]),
    }
    return results


def _ratio(numerator: dict, denominator: dict) -> float | None:
    return round(numerator["ms"] / denominator["ms"], 3) if denominator["ms"] else None
