"""What each option of a choice question means for the question's targets: reported
implementation, reported none, or not applicable (the gap matrix reads it; nothing guesses it).

A meaning is how the Secretariat reads the answers, not part of what is asked: setting it changes
no form, no answer and no version, so it may change while a cycle uses the question (a frozen
question). The change is recorded as a domain event and in the question's history, and every
figure that reads it says which meaning it used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cmsfamily.core.services import record_event
from cmsfamily.reporting.choices import MEANING_KINDS, OptionMeaning
from cmsfamily.reporting.models import Question
from cmsfamily.reporting.selectors.analysis import option_values
from cmsfamily.reporting.services.common import require

if TYPE_CHECKING:
    from cmsfamily.accounts.models import User


def checked(question: Question, meanings: Any) -> dict[str, str]:
    """The meanings as they will be stored (unset ones left out), or a ValidationError naming
    the option or the meaning that is wrong."""
    if not isinstance(meanings, dict):
        raise ValidationError(_("The meanings must map option values to meanings."), code="invalid")
    if meanings and question.kind not in MEANING_KINDS:
        raise ValidationError(
            _("Only the options of a choice or yes/no question can carry a meaning."),
            code="invalid_choice",
        )
    values = {value for value, _label in option_values(question)}
    kept = {}
    for value, meaning in meanings.items():
        if value not in values:
            raise ValidationError(
                _("The question %(code)s has no option “%(value)s”.")
                % {"code": question.code, "value": value},
                code="invalid_choice",
            )
        if meaning in ("", None):
            continue
        if meaning not in OptionMeaning.values:
            raise ValidationError(
                _("“%(meaning)s” is not a meaning; use one of %(meanings)s.")
                % {"meaning": meaning, "meanings": ", ".join(OptionMeaning.values)},
                code="invalid_choice",
            )
        kept[value] = meaning
    return kept


def _change_question(user, question) -> bool:
    return user.has_perm("reporting.change_question", question)


@transaction.atomic
def set_meanings(*, question: Question, meanings: dict[str, str], by: User | None) -> Question:
    """Replace what the question's options mean (an empty or missing value unsets it)."""
    require(by, _change_question, question)
    kept = checked(question, meanings)
    if kept != question.meanings:
        question.meanings = kept
        question.save(update_fields=["meanings", "modified"])
        record_event(kind="question.meanings", target=question, actor=by, meanings=kept)
    return question


@transaction.atomic
def fill_meanings(
    *, question: Question, meanings: dict[str, str], by: User | None, created: bool = False
) -> Question:
    """What a template file says the options mean, given to the options that have none yet: a
    meaning set in the builder is the Secretariat's reading and stays (so loading a file twice,
    or after an edit in the builder, changes nothing). Who may not change the bank (an
    Agreement's secretariat importing its template) gives meanings only to the questions its
    import has just `created`; the file's meanings are still checked."""
    kept = checked(question, meanings)
    if not created and by is not None and not _change_question(by, question):
        return question
    merged = {**kept, **question.meanings}
    if merged != question.meanings:
        question.meanings = merged
        question.save(update_fields=["meanings", "modified"])
        record_event(kind="question.meanings", target=question, actor=by, meanings=merged)
    return question
