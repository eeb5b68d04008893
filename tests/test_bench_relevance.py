"""The conditions the relevance benchmark generates (bench/relevance/data.py): pure helpers, no
timing. They must be ones the template checks accept, a third of the items, chains of depth 3."""

import pytest

from bench.relevance import data
from cmsfamily.reporting import conditions

OPTIONS = tuple(f"option-{n}" for n in range(1, data.OPTIONS + 1))


def _questions() -> dict[str, conditions.QuestionInfo]:
    """Every question of the conditional template, as the checks see it (the loop is section 8)."""
    found = {}
    plain = data.SECTIONS * data.SECTION_SIZE
    for number in range(1, plain + 1):
        kind = data.kind_of(number)
        found[data.code_of(number)] = conditions.QuestionInfo(
            kind=kind,
            options=OPTIONS if "choice" in kind else (),
            position=number,
        )
    for number, kind in enumerate(data.LOOP_KINDS, start=1):
        found[data.loop_code(number)] = conditions.QuestionInfo(
            kind=kind,
            options=OPTIONS if "choice" in kind else (),
            position=plain + number,
            loop=8,
        )
    return found


def _planned():
    """(code, Planned) of every item of the conditional template."""
    for section in range(data.SECTIONS):
        first = section * data.SECTION_SIZE + 1
        for position in range(1, data.SECTION_SIZE + 1):
            yield data.code_of(first + position - 1), data.plan(position, first)
    for number in range(1, len(data.LOOP_KINDS) + 1):
        yield data.loop_code(number), data.loop_plan(number)


@pytest.mark.parametrize("kind", data.KINDS)
@pytest.mark.parametrize("variant", [0, 1])
def test_each_condition_parses_and_reads_its_question(kind, variant):
    text = data.condition(kind, "synthetic.x", variant)
    assert conditions.references(conditions.parse(text)) == ["synthetic.x"]


def test_every_generated_condition_passes_the_template_checks():
    questions = _questions()
    for code, planned in _planned():
        for text in (planned.shown_when, planned.required_when):
            if text:
                _expr, problems = conditions.check_text(
                    text, questions, path=code, current=questions[code]
                )
                assert problems == [], (code, text, problems)


def test_a_third_of_the_questions_are_conditional_in_chains_of_depth_three():
    shown = {
        code: conditions.references(conditions.parse(p.shown_when))
        for code, p in _planned()
        if p.shown_when
    }

    def depth(code: str) -> int:
        return (
            1 + max((depth(ref) for ref in shown.get(code, []) if ref in shown), default=0)
            if code in shown
            else 0
        )

    assert data.share_conditional() == (len(shown), 7 * 16 + 4 * data.TAXA)
    assert 0.3 < len(shown) / data.QUESTIONS < 0.36
    assert max(depth(code) for code in shown) == 3
    texts = " ".join(p.shown_when or "" for _code, p in _planned())
    assert "selected(" in texts and "count-selected(" in texts and "= ''" in texts


def test_the_answers_cover_every_kind():
    import random

    rng = random.Random(1)
    assert isinstance(data.raw_answer("multiple_choice", rng), list)
    for kind in data.KINDS:
        assert data.raw_answer(kind, rng) is not None


def test_the_browser_part_says_why_it_is_skipped_without_chromium(monkeypatch, tmp_path):
    from bench.relevance import browser

    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "chromium")
    assert "chromium is missing" in browser.unavailable()
    assert browser.measure() == {"skipped": browser.unavailable()}


def test_the_note_reports_the_ratios_and_a_skipped_browser():
    from bench import relevance

    def timed(ms):
        return {"ms": ms, "runs_ms": [ms], "statements": [13]}

    results = {
        "repetitions": 15,
        "party": data.PARTY,
        "fields": data.FIELDS,
        "conditional": {"questions": 116, "fields": 312},
        "load_average": [0.5, 0.7],
        "cpus": 2,
        "in_process": {
            "save_plain": timed(40.0),
            "save_conditions": timed(41.0),
            "relevance_plain": timed(2.0),
            "relevance_conditions": timed(10.0),
        },
        "autosave": {"autosave_plain": timed(100.0), "autosave_conditions": timed(110.0)},
        "ratios": {"save": 1.025, "relevance_to_save": 0.25, "autosave": 1.1},
        "browser": {"skipped": "no browser here"},
    }
    note = relevance.note(results)
    assert "b/a = 1.025×" in note and "c/a = 0.25×" in note
    assert (
        "| (c) selectors.relevance over the 850 answers, with conditions | 10.0 ms | 13 |" in note
    )
    assert note.endswith("- Browser: skipped: no browser here")
