"""Every write to the reporting system: one transaction each, with its domain event inside it.

Saving answers and submitting are bulk operations: the number of SQL statements does not grow with
the number of answers (the peer system we measure against issues 1,706 statements to save 100
rows).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cmsfamily.core.services import record_event
from cmsfamily.reporting import answers as typed
from cmsfamily.reporting import notifications, selectors
from cmsfamily.reporting import rules as who
from cmsfamily.reporting.choices import (
    EDITABLE_STATUSES,
    SPECIES_LOOPS,
    CycleStatus,
    ExpectedReporters,
    LoopKind,
    QuestionKind,
    ReporterKind,
    SubmissionStatus,
    VersionStatus,
)
from cmsfamily.reporting.models import (
    WRITE_KEY_LENGTH,
    Answer,
    Cycle,
    Item,
    LoopEntry,
    Option,
    Question,
    ReviewComment,
    Section,
    SectionAssignment,
    Submission,
    SubmissionVersion,
    Template,
    TemplateVersion,
    ValidationRule,
)

LANGUAGES = ("en", "fr", "es")
# What may still change in a question that a frozen version uses: its translations, which do not
# change what is asked.
TRANSLATION_FIELDS = frozenset(
    f"{name}_{language}"
    for name in ("text", "help_text", "unit", "pattern_message")
    for language in ("fr", "es")
)
QUESTION_FIELDS = frozenset(
    {
        *(
            f"{name}_{language}"
            for name in ("text", "help_text", "unit", "pattern_message")
            for language in LANGUAGES
        ),
        "kind",
        "min_value",
        "max_value",
        "max_length",
        "pattern",
        "allow_many",
        "columns",
        "is_draft_text",
        "source",
    }
)


# --- the question bank ------------------------------------------------------------------------


def _check_question(question: Question, options: list | None) -> None:
    errors: dict[str, list[str]] = {}
    if not getattr(question, "text_en", ""):
        errors["text_en"] = [_("Give the question in English, the language of the record.")]
    if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE) and not options:
        errors["options"] = [_("A choice question needs at least one option.")]
    if question.kind == QuestionKind.TABLE:
        try:
            typed.validate_columns(question.columns)
        except ValidationError as error:
            errors["columns"] = error.messages
    if (
        question.min_value is not None
        and question.max_value is not None
        and question.min_value > question.max_value
    ):
        errors["max_value"] = [_("The highest value is lower than the lowest value.")]
    if question.pattern:
        import re

        try:
            re.compile(question.pattern)
        except re.error:
            errors["pattern"] = [_("This pattern is not a valid regular expression.")]
    if errors:
        raise ValidationError(errors)


def _options(question: Question, options: list[dict]) -> None:
    seen = set()
    rows = []
    for order, option in enumerate(options):
        value = option["value"]
        if value in seen:
            raise ValidationError(
                {"options": [_("Two options have the value “%(value)s”.") % {"value": value}]}
            )
        seen.add(value)
        row = Option(question=question, value=value, order=order)
        for language in LANGUAGES:
            setattr(row, f"label_{language}", (option.get("label") or {}).get(language, ""))
        if not getattr(row, "label_en", ""):
            raise ValidationError({"options": [_("Each option needs a label in English.")]})
        rows.append(row)
    question.options.all().delete()
    Option.objects.bulk_create(rows)


def is_frozen_question(question: Question) -> bool:
    return Item.objects.filter(
        question=question, section__version__status=VersionStatus.FROZEN
    ).exists()


@transaction.atomic
def create_question(
    *, code: str, by, options: list[dict] | None = None, targets=(), **values
) -> Question:
    unknown = set(values) - QUESTION_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if Question.objects.filter(code=code).exists():
        raise ValidationError(
            {"code": [_("A question with the code “%(code)s” exists.") % {"code": code}]}
        )
    question = Question(code=code, **values)
    question.full_clean(
        exclude=["text", "help_text", "unit", "pattern_message"],
        validate_unique=False,
        validate_constraints=False,
    )
    _check_question(question, options)
    question.save()
    if options:
        _options(question, options)
    if targets:
        question.targets.set(targets)
    record_event(kind="question.created", target=question, actor=by)
    return question


@transaction.atomic
def update_question(
    *, question: Question, by, options: list[dict] | None = None, targets=None, **values
) -> Question:
    unknown = set(values) - QUESTION_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if is_frozen_question(question):
        changed = {name for name, value in values.items() if getattr(question, name) != value}
        if changed - TRANSLATION_FIELDS or options is not None or targets is not None:
            raise ValidationError(
                _(
                    "A reporting cycle uses this question: only its French and Spanish texts may "
                    "still change. Add a new question to a new template version instead."
                ),
                code="frozen",
            )
    for name, value in values.items():
        setattr(question, name, value)
    question.full_clean(
        exclude=["text", "help_text", "unit", "pattern_message", "code"],
        validate_unique=False,
        validate_constraints=False,
    )
    _check_question(
        question,
        options if options is not None else list(question.options.values_list("value", flat=True)),
    )
    question.save()
    if options is not None:
        _options(question, options)
    if targets is not None:
        question.targets.set(targets)
    record_event(kind="question.changed", target=question, actor=by, fields=sorted(values))
    return question


# --- templates and their versions -------------------------------------------------------------


@transaction.atomic
def create_template(*, slug: str, instrument, reporter_kind: str, by, **texts) -> Template:
    if Template.objects.filter(slug=slug).exists():
        raise ValidationError(
            {"slug": [_("A template with the code “%(code)s” exists.") % {"code": slug}]}
        )
    if reporter_kind not in ReporterKind.values:
        raise ValidationError({"reporter_kind": [_("Choose who reports with this template.")]})
    template = Template(slug=slug, instrument=instrument, reporter_kind=reporter_kind, **texts)
    if not getattr(template, "title_en", ""):
        raise ValidationError(
            {"title_en": [_("Give the title in English, the language of the record.")]}
        )
    template.save()
    TemplateVersion.objects.create(template=template, number=1)
    record_event(kind="template.created", target=template, actor=by)
    return template


def _draft(version: TemplateVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(
            _(
                "Version %(number)s is used by a reporting cycle and can no longer change. "
                "Make a new version to edit the template."
            )
            % {"number": version.number},
            code="frozen",
        )


def latest_version(template: Template) -> TemplateVersion:
    return template.versions.order_by("-number")[0]  # a template always has version 1


@transaction.atomic
def new_version(*, template: Template, by, note: str = "") -> TemplateVersion:
    """A draft copy of the latest version: its sections, items and rules (a constant number of
    statements per level of nesting)."""
    source = latest_version(template)
    if source.status == VersionStatus.DRAFT:
        raise ValidationError(
            _("Version %(number)s is still a draft: edit it.") % {"number": source.number},
            code="draft_exists",
        )
    version = TemplateVersion.objects.create(template=template, number=source.number + 1, note=note)
    copies: dict[int, Section] = {}
    sections = list(source.sections.all())
    remaining = sections
    while remaining:
        level = [s for s in remaining if s.parent_id is None or s.parent_id in copies]
        made = []
        for section in level:
            copy = Section(version=version)
            for field_ in Section._meta.concrete_fields:
                if field_.name not in ("id", "version", "parent"):
                    setattr(copy, field_.attname, getattr(section, field_.attname))
            copy.parent = copies.get(section.parent_id) if section.parent_id else None
            made.append((section.pk, copy))
        Section.objects.bulk_create([copy for _pk, copy in made])
        copies.update(dict(made))
        remaining = [s for s in remaining if s.pk not in copies]
    Item.objects.bulk_create(
        [
            Item(
                section=copies[item.section_id],
                question_id=item.question_id,
                number=item.number,
                order=item.order,
                required=item.required,
                show_if=item.show_if,
                require_if=item.require_if,
            )
            for item in Item.objects.filter(section__version=source)
        ]
    )
    rules = []
    for rule in source.rules.all():
        copied = ValidationRule(version=version, kind=rule.kind, operands=rule.operands)
        for language in LANGUAGES:
            setattr(copied, f"message_{language}", getattr(rule, f"message_{language}"))
        rules.append(copied)
    ValidationRule.objects.bulk_create(rules)
    record_event(kind="template.versioned", target=template, actor=by, version=version.number)
    return version


@transaction.atomic
def add_section(
    *,
    version: TemplateVersion,
    number: str,
    by,
    parent: Section | None = None,
    loop: str = "",
    loop_items=None,
    loop_programme=None,
    **texts,
) -> Section:
    _draft(version)
    if parent is not None and parent.version_id != version.pk:
        raise ValidationError({"parent": [_("Choose a section of the same version.")]})
    if version.sections.filter(number=number).exists():
        raise ValidationError(
            {"number": [_("A section is already numbered “%(number)s”.") % {"number": number}]}
        )
    if loop not in LoopKind.values:
        raise ValidationError({"loop": [_("Choose how the section is repeated.")]})
    if loop == LoopKind.FIXED and not loop_items:
        raise ValidationError({"loop_items": [_("List the items the section is repeated for.")]})
    if loop == LoopKind.ACTIVITY and loop_programme is None:
        raise ValidationError(
            {
                "loop_programme": [
                    _("Choose the work programme whose activities the section repeats over.")
                ]
            }
        )
    last = version.sections.order_by("-order").values_list("order", flat=True).first()
    section = Section(
        version=version,
        parent=parent,
        number=number,
        order=(last or 0) + 10,
        loop=loop,
        loop_items=loop_items or [],
        loop_programme=loop_programme,
        **texts,
    )
    if not getattr(section, "title_en", ""):
        raise ValidationError(
            {"title_en": [_("Give the title in English, the language of the record.")]}
        )
    section.save()
    return section


@transaction.atomic
def update_section(*, section: Section, by, **texts) -> Section:
    _draft(section.version)
    allowed = {f"{name}_{lang}" for name in ("title", "intro") for lang in LANGUAGES}
    if set(texts) - allowed:
        raise TypeError(f"unknown fields: {sorted(set(texts) - allowed)}")
    for name, value in texts.items():
        setattr(section, name, value)
    if not getattr(section, "title_en", ""):
        raise ValidationError(
            {"title_en": [_("Give the title in English, the language of the record.")]}
        )
    section.save()
    return section


@transaction.atomic
def add_item(
    *,
    section: Section,
    question: Question,
    number: str,
    by,
    required: bool = False,
    show_if=None,
    require_if=None,
) -> Item:
    _draft(section.version)
    if Item.objects.filter(section__version=section.version_id, question=question).exists():
        raise ValidationError(
            {
                "question": [
                    _("This version already asks question “%(code)s”.") % {"code": question.code}
                ]
            }
        )
    for name, condition in (("show_if", show_if), ("require_if", require_if)):
        if condition is not None:
            _check_condition(section.version, condition, name)
    last = section.items.order_by("-order").values_list("order", flat=True).first()
    return Item.objects.create(
        section=section,
        question=question,
        number=number,
        order=(last or 0) + 10,
        required=required,
        show_if=show_if,
        require_if=require_if,
    )


def _check_condition(version: TemplateVersion, condition: Any, name: str) -> None:
    if (
        not isinstance(condition, dict)
        or not isinstance(condition.get("question"), str)
        or not ("equals" in condition or "in" in condition)
    ):
        raise ValidationError(
            {name: [_('Write the condition as {"question": "<code>", "equals": <value>}.')]}
        )
    if not Item.objects.filter(
        section__version=version, question__code=condition["question"]
    ).exists():
        raise ValidationError(
            {
                name: [
                    _("The condition names question “%(code)s”, which this version does not ask.")
                    % {"code": condition["question"]}
                ]
            }
        )


@transaction.atomic
def move(*, obj: Section | Item, direction: int, by) -> None:
    """Swap a section or an item with its neighbour (up: -1, down: +1) among its siblings."""
    version = obj.version if isinstance(obj, Section) else obj.section.version
    _draft(version)
    siblings: list[Any]
    if isinstance(obj, Section):
        siblings = list(
            Section.objects.filter(version=version, parent=obj.parent_id).order_by("order", "pk")
        )
    else:
        siblings = list(Item.objects.filter(section=obj.section_id).order_by("order", "pk"))
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == obj.pk)
    other = index + direction
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for order, sibling in enumerate(siblings):
        sibling.order = (order + 1) * 10
    type(obj).objects.bulk_update(siblings, ["order"])  # type: ignore[attr-defined]


@transaction.atomic
def remove_item(*, item: Item, by) -> None:
    _draft(item.section.version)
    item.delete()


@transaction.atomic
def add_rule(
    *, version: TemplateVersion, kind: str, operands: dict, by, **messages
) -> ValidationRule:
    _draft(version)
    codes = (
        operands.get("parts", []) + [operands.get("total")]
        if "parts" in operands
        else [operands.get("left"), operands.get("right")]
    )
    asked = dict(
        Item.objects.filter(
            section__version=version, question__code__in=[c for c in codes if c]
        ).values_list("question__code", "question__kind")
    )
    number_kinds = (QuestionKind.INTEGER, QuestionKind.DECIMAL, QuestionKind.PERCENTAGE)
    if any(code not in asked or asked[code] not in number_kinds for code in codes):
        raise ValidationError(
            {"operands": [_("A rule compares number questions this version asks.")]}
        )
    rule = ValidationRule(version=version, kind=kind, operands=operands, **messages)
    if not getattr(rule, "message_en", ""):
        raise ValidationError(
            {"message_en": [_("Give the message in English, the language of the record.")]}
        )
    rule.save()
    return rule


# --- cycles -----------------------------------------------------------------------------------


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier, or the month's last day when it has no such day."""
    import calendar

    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def deadline_before_meeting(meeting_opens: dt.date, months: int = 6) -> dt.date:
    """Resolution 12.5: national reports are due at least six months before an ordinary COP."""
    return months_before(meeting_opens, months)


def _expected(cycle: Cycle, parties, organisations) -> tuple[list, list]:
    from cmsfamily.directory.models import Membership, Organisation, Party

    instrument = cycle.version.template.instrument
    if cycle.expected == ExpectedReporters.ALL_PARTIES:
        on = cycle.opens_on
        ids = (
            Membership.objects.filter(instrument=instrument)
            .exclude(start__gt=on)
            .exclude(end__lt=on)
            .values_list("party_id", flat=True)
        )
        return list(Party.objects.filter(pk__in=ids)), []
    if cycle.expected == ExpectedReporters.ALL_PARTNERS:
        return [], list(Organisation.objects.filter(kind="partner_ngo", is_demo=False))
    if cycle.expected == ExpectedReporters.ALL_AGREEMENTS:
        return [], list(
            Organisation.objects.filter(instruments_served__isnull=False)
            .exclude(instruments_served=instrument)
            .distinct()
        )
    return list(parties or []), list(organisations or [])


@transaction.atomic
def create_cycle(
    *,
    slug: str,
    version: TemplateVersion,
    period_start: dt.date,
    period_end: dt.date,
    opens_on: dt.date,
    deadline: dt.date,
    expected: str,
    by,
    parties=None,
    organisations=None,
    deadline_rule: str = "",
    reminder_days=(30, 7),
    **texts,
) -> Cycle:
    """A cycle on a version, which freezes it, with a submission per expected reporter."""
    errors: dict[str, list[str]] = {}
    if Cycle.objects.filter(slug=slug).exists():
        errors["slug"] = [_("A cycle with the code “%(code)s” exists.") % {"code": slug}]
    if period_end < period_start:
        errors["period_end"] = [_("The period ends before it starts.")]
    if deadline < opens_on:
        errors["deadline"] = [_("The deadline is before the opening date.")]
    if not version.sections.exists():
        errors["version"] = [_("This version has no sections yet.")]
    if expected == ExpectedReporters.CHOSEN and not (parties or organisations):
        errors["expected"] = [_("Choose the reporters.")]
    if not texts.get("title_en"):
        errors["title_en"] = [_("Give the title in English, the language of the record.")]
    if errors:
        raise ValidationError(errors)
    if version.status == VersionStatus.DRAFT:
        version.status, version.frozen_at = VersionStatus.FROZEN, timezone.now()
        version.save(update_fields=["status", "frozen_at", "modified"])
    cycle = Cycle.objects.create(
        slug=slug,
        version=version,
        period_start=period_start,
        period_end=period_end,
        opens_on=opens_on,
        deadline=deadline,
        expected=expected,
        deadline_rule=deadline_rule,
        reminder_days=sorted(set(reminder_days), reverse=True),
        **texts,
    )
    reporter_parties, reporter_organisations = _expected(cycle, parties, organisations)
    Submission.objects.bulk_create(
        [Submission(cycle=cycle, party=party) for party in reporter_parties]
        + [
            Submission(cycle=cycle, organisation=organisation)
            for organisation in reporter_organisations
        ]
    )
    carry_forward(
        submissions=list(cycle.submissions.select_related("party", "organisation")),
        structure=selectors.structure(version),
    )
    record_event(
        kind="cycle.created",
        target=cycle,
        actor=by,
        reporters=len(reporter_parties) + len(reporter_organisations),
    )
    return cycle


@transaction.atomic
def add_reporter(*, cycle: Cycle, by, party=None, organisation=None) -> Submission:
    if cycle.status == CycleStatus.CLOSED:
        raise ValidationError(_("This cycle is closed."), code="closed")
    submission, _created = Submission.objects.get_or_create(
        cycle=cycle, party=party, organisation=organisation
    )
    return submission


@transaction.atomic
def set_cycle_status(*, cycle: Cycle, status: str, by) -> Cycle:
    allowed: dict[str, set[str]] = {
        CycleStatus.PLANNED: {CycleStatus.OPEN},
        CycleStatus.OPEN: {CycleStatus.CLOSED},
        CycleStatus.CLOSED: {CycleStatus.OPEN},
    }
    if status not in CycleStatus.values:
        raise ValidationError(_("Unknown status."), code="invalid")
    _require(by, who.keeps_reporting_of, cycle)
    if status not in allowed[cycle.status]:
        raise ValidationError(
            _("A %(old)s cycle cannot become %(new)s.")
            % {"old": cycle.get_status_display().lower(), "new": CycleStatus(status).label.lower()},
            code="transition",
        )
    cycle.status = status
    cycle.save(update_fields=["status", "modified"])
    record_event(kind=f"cycle.{status}", target=cycle, actor=by)
    if status == CycleStatus.OPEN:
        notifications.cycle_opened(cycle)
    return cycle


# --- drafting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """One answer as sent: the question, the loop item, the value, and the revision the sender
    last saw (0 when they saw no answer)."""

    code: str
    key: str
    value: Any
    base_revision: int
    seen: str | None = None  # value_hash of the answer the sender's page showed


@dataclass(frozen=True)
class Conflict:
    code: str
    key: str
    yours: Any
    theirs: Any
    their_revision: int
    by: str
    at: dt.datetime | None


@dataclass
class SaveResult:
    saved: dict[tuple[str, str], int] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    errors: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    values: dict[tuple[str, str], Any] = field(default_factory=dict)  # what was saved

    @property
    def ok(self) -> bool:
        return not self.conflicts and not self.errors


def _require(by, predicate, obj) -> None:
    """The service asks who may, itself: a page, an API or a workbook that forgot to ask is still
    refused. (`by=None` is the platform itself: loaders and commands.) Whether the report's state
    allows the change is asked by the state checks, with their own messages."""
    if by is not None and not predicate(by, obj):
        raise PermissionDenied(_("You may not do this for this report."))


def _require_section(by, submission: Submission, section: Section) -> None:
    if by is not None and section.pk not in selectors.editable_section_ids(
        submission, by, selectors.structure(submission.cycle.version)
    ):
        raise PermissionDenied(
            _("You may not edit section %(number)s.") % {"number": section.number}
        )


CYCLE_CLOSED = gettext_lazy("This cycle is closed: the report can no longer be changed.")


def guard_open(submission: Submission) -> None:
    """Late drafts and submissions are taken while the cycle is open; once the Secretariat closes
    it, nothing in its reports changes until it reopens it. Read from the database, not from the
    submission's cached cycle, so that a page opened before the closing cannot write after it."""
    if Cycle.objects.filter(pk=submission.cycle_id, status=CycleStatus.CLOSED).exists():
        raise ValidationError(CYCLE_CLOSED, code="closed")


def _guard_editable(submission: Submission) -> None:
    if submission.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("This report is %(status)s: it can no longer be changed.")
            % {"status": submission.get_status_display().lower()},
            code="not_editable",
        )


def save_answers(
    *,
    submission: Submission,
    edits: list[Edit],
    by,
    structure: selectors.Structure | None = None,
    language: str = "en",
    loops: dict | None = None,
    numbers: str | None = None,
    write_key: str = "",
) -> SaveResult:
    """Check every edit, then write all of them or none.

    Numbers typed as text are read in the language ``numbers`` (the page's), or only in the
    plain form programs send ("1234.5") when it is None (the API, values already cleaned).

    Nothing is written when an edit is invalid (``errors``, by question and loop item) or when
    an answer's current revision is not the one the sender read (``conflicts``, with both
    values), whatever the value sent: the sender chooses and saves again with the revision they
    have now seen. ``write_key`` (an idempotency key, up to 80 characters) is kept with each answer
    written, so that the same sender retrying the same write with the same key, its answer
    lost on the way, is answered as the first time instead of with a conflict.
    """
    guard_open(submission)
    _guard_editable(submission)
    if len(write_key) > WRITE_KEY_LENGTH:
        raise ValidationError(
            _("An idempotency key has at most %(limit)s characters.") % {"limit": WRITE_KEY_LENGTH},
            code="invalid",
        )
    structure = structure or selectors.structure(submission.cycle.version)
    # Asked here, never handed in by the caller; `by=None` is the platform itself (loaders).
    editable = (
        {node.section.pk for node in structure.nodes}
        if by is None
        else selectors.editable_section_ids(submission, by, structure)
    )
    if loops is None:
        loops = selectors.loop_items(structure, submission)
    result = SaveResult()
    cleaned: dict[tuple[str, str], tuple[Any, int]] = {}
    lookups = typed.Lookups()
    for edit in edits:
        spot = (edit.code, edit.key)
        item = structure.items_by_code.get(edit.code)
        if item is None:
            result.errors[spot] = [
                _("This report has no question “%(code)s”.") % {"code": edit.code}
            ]
            continue
        node = structure.node_of_item[item.pk]
        if node.section.pk not in editable:
            raise PermissionDenied(
                _("You may not edit section %(number)s.") % {"number": node.section.number}
            )
        if edit.key not in {loop.key for loop in selectors.keys_of(node, loops)}:
            result.errors[spot] = [
                _("“%(key)s” is not one of the items this section is repeated for.")
                % {"key": edit.key}
            ]
            continue
        try:
            value = typed.clean(
                item.question,
                edit.value,
                options=list(item.question.options.all()),
                lookups=lookups,
                language=language,
                file_prefix=file_prefix(submission),
                numbers=numbers,
            )
        except ValidationError as error:
            result.errors[spot] = error.messages
            continue
        if edit.seen is not None and edit.seen == selectors.value_hash(value):
            continue  # a field the sender did not touch: neither a write nor a conflict
        cleaned[spot] = (value, edit.base_revision)
    if result.errors:
        return result
    try:
        with transaction.atomic():
            _write(submission, structure, cleaned, by, result, write_key)
            if result.conflicts:
                transaction.set_rollback(True)
                result.saved.clear()
    except IntegrityError:
        # Someone created one of these answers between our read and our write.
        result.saved.clear()
        conflicts = _conflicts_now(submission, structure, cleaned)
        if not conflicts:
            raise  # something else: never answer "saved" for what was rolled back
        result.conflicts.extend(conflicts)
    return result


def _write(submission, structure, cleaned, by, result: SaveResult, write_key: str) -> None:
    # Every writer of the report waits here for the one before it, so that the revisions read
    # below are the committed ones and stay so until this transaction ends.
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    _guard_editable(locked)
    codes = {code for code, _key in cleaned}
    existing = {
        (answer.question.code, answer.loop_key): answer
        for answer in Answer.objects.select_for_update(of=("self",))
        .filter(submission=submission, question__code__in=codes)
        .select_related("question", "updated_by")
    }
    to_update, to_create = [], []
    now = timezone.now()
    for (code, key), (value, base) in cleaned.items():
        answer = existing.get((code, key))
        current = answer.revision if answer else 0
        result.values[(code, key)] = value
        if base != current:
            if _retried(answer, value, write_key, by):
                result.saved[(code, key)] = current  # the same write again: the same answer
            else:  # even when the value is the same: the sender's write was based on another
                result.conflicts.append(_conflict(code, key, value, answer))
            continue
        if (answer.value if answer else None) == value:
            result.saved[(code, key)] = current  # nothing to change: not a conflict either
            continue
        if answer is None:
            to_create.append(
                Answer(
                    submission=submission,
                    question=structure.items_by_code[code].question,
                    loop_key=key,
                    value=value,
                    revision=1,
                    updated_by=by,
                    write_key=write_key,
                )
            )
            result.saved[(code, key)] = 1
        else:
            answer.value, answer.revision, answer.updated_by = value, current + 1, by
            answer.carried_from, answer.write_key = None, write_key
            answer.updated_at = now
            to_update.append(answer)
            result.saved[(code, key)] = current + 1
    if result.conflicts:
        return
    if to_update:
        # Only the value differs from row to row: one CASE for it, one plain UPDATE for the rest
        # (the rows are locked and their revisions checked above, so +1 is each one's new one).
        # Five CASEs of one branch per answer cost more time than the two statements.
        bulk_update_with_history(to_update, Answer, ["value"], default_user=by)
        Answer.objects.filter(pk__in=[answer.pk for answer in to_update]).update(
            revision=F("revision") + 1,
            updated_by=by,
            updated_at=now,
            carried_from=None,
            write_key=write_key,
        )
    if to_create:
        bulk_create_with_history(to_create, Answer, default_user=by)
    if locked.status == SubmissionStatus.NOT_STARTED and (to_update or to_create):
        Submission.objects.filter(pk=submission.pk).update(
            status=SubmissionStatus.DRAFT, modified=timezone.now()
        )
        submission.status = SubmissionStatus.DRAFT


def _retried(answer: Answer | None, value, write_key: str, by) -> bool:
    """The current revision is this very write, made before by the same sender with the same
    idempotency key (whose answer was lost on the way): not a conflict."""
    return bool(
        write_key
        and answer is not None
        and answer.write_key == write_key
        and answer.updated_by_id == getattr(by, "pk", None)
        and answer.value == value
    )


def _conflict(code, key, yours, answer: Answer | None) -> Conflict:
    return Conflict(
        code=code,
        key=key,
        yours=yours,
        theirs=answer.value if answer else None,
        their_revision=answer.revision if answer else 0,
        by=str(answer.updated_by) if answer and answer.updated_by else "",
        at=answer.updated_at if answer else None,
    )


def _conflicts_now(submission, structure, cleaned) -> list[Conflict]:
    existing = {
        (answer.question.code, answer.loop_key): answer
        for answer in Answer.objects.filter(
            submission=submission, question__code__in={code for code, _key in cleaned}
        ).select_related("question", "updated_by")
    }
    return [
        _conflict(code, key, value, existing.get((code, key)))
        for (code, key), (value, base) in cleaned.items()
        if (existing[(code, key)].revision if (code, key) in existing else 0) != base
    ]


def file_prefix(submission: Submission) -> str:
    return f"reporting/submissions/{submission.pk}/"


@transaction.atomic
def add_loop_entry(
    *, submission: Submission, section: Section, label: str, by, key: str = ""
) -> LoopEntry:
    guard_open(submission)
    _guard_editable(submission)
    if section.version_id == submission.cycle.version_id:
        _require_section(by, submission, section)
    if section.version_id != submission.cycle.version_id or section.loop not in (
        LoopKind.REPORTER_ITEMS,
        *SPECIES_LOOPS,
    ):
        raise ValidationError(_("Items cannot be added to this section."), code="invalid")
    if section.loop in SPECIES_LOOPS:
        # A species the Party reports on though the table does not list it as a range State.
        from cmsfamily.species.models import Taxon

        taxon = (
            Taxon.objects.filter(pk=key.removeprefix("taxon-")).first()
            if (
                key.startswith("taxon-")
                and key.removeprefix("taxon-").isascii()
                and key.removeprefix("taxon-").isdecimal()
            )
            else None
        )
        if taxon is None:
            raise ValidationError({"key": [_("Choose a species from the list.")]})
        key, label = f"taxon-{taxon.pk}", taxon.scientific_name
        shown = selectors.loop_items(selectors.structure(section.version), submission)
        if any(item.key == key for item in shown.get(section.pk, [])):
            raise ValidationError({"key": [_("This item is already in the list.")]})
    label = label.strip()
    if not label:
        raise ValidationError({"label": [_("Give the item a name.")]})
    if section.loop not in SPECIES_LOOPS:
        existing = LoopEntry.objects.filter(submission=submission, section=section).count()
        key = f"item-{existing + 1}"
        while LoopEntry.objects.filter(submission=submission, section=section, key=key).exists():
            existing += 1
            key = f"item-{existing + 1}"
    if LoopEntry.objects.filter(submission=submission, section=section, key=key).exists():
        raise ValidationError({"key": [_("This item is already in the list.")]})
    try:
        with transaction.atomic():
            entry = LoopEntry.objects.create(
                submission=submission, section=section, key=key, label=label
            )
    except IntegrityError:  # the same item added at the same moment (a double click)
        raise ValidationError({"key": [_("This item is already in the list.")]}) from None
    record_event(
        kind="submission.item_added",
        target=submission,
        actor=by,
        section=section.number,
        key=key,
        label=label,
    )
    return entry


@transaction.atomic
def remove_loop_entry(*, entry: LoopEntry, by) -> None:
    guard_open(entry.submission)
    _guard_editable(entry.submission)
    _require_section(by, entry.submission, entry.section)
    codes = Item.objects.filter(section=entry.section_id).values_list("question_id", flat=True)
    Answer.objects.filter(
        submission=entry.submission_id, loop_key=entry.key, question__in=codes
    ).delete()
    record_event(
        kind="submission.item_removed",
        target=entry.submission,
        actor=by,
        section=entry.section.number,
        key=entry.key,
        label=entry.label,
    )
    entry.delete()


@transaction.atomic
def assign_section(*, submission: Submission, section: Section, user, by) -> SectionAssignment:
    guard_open(submission)
    _guard_editable(submission)
    _require(by, who.reports_for, submission)
    if section.version_id != submission.cycle.version_id:
        raise ValidationError({"section": [_("Choose a section of this report.")]})
    assignment, _created = SectionAssignment.objects.get_or_create(
        submission=submission, section=section, user=user, defaults={"assigned_by": by}
    )
    record_event(
        kind="submission.assigned",
        target=submission,
        actor=by,
        section=section.number,
        user=user.pk,
    )
    return assignment


@transaction.atomic
def unassign_section(*, assignment: SectionAssignment, by) -> None:
    guard_open(assignment.submission)
    _guard_editable(assignment.submission)
    _require(by, who.reports_for, assignment.submission)
    record_event(
        kind="submission.unassigned",
        target=assignment.submission,
        actor=by,
        section=assignment.section.number,
    )
    assignment.delete()


# --- the workflow -----------------------------------------------------------------------------


def _transition(submission: Submission, allowed, to: str, by, **fields) -> Submission:
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.status not in allowed:
        raise ValidationError(
            _("A report that is %(status)s cannot be %(action)s.")
            % {
                "status": locked.get_status_display().lower(),
                "action": SubmissionStatus(to).label.lower(),
            },
            code="transition",
        )
    fields["status"] = to
    for name, value in fields.items():
        setattr(submission, name, value)
    Submission.objects.filter(pk=submission.pk).update(modified=timezone.now(), **fields)
    record_event(kind=f"submission.{to}", target=submission, actor=by)
    return submission


@transaction.atomic
def submit(*, submission: Submission, by) -> SubmissionVersion:
    """Check the whole report; if nothing is wrong, freeze what was submitted as a new version.

    The report is locked before its answers are read: a save waits for the submit and is then
    refused, or was committed before and is in the version; none is acknowledged and left out."""
    guard_open(submission)
    _require(by, who.reports_for, submission)
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    structure = selectors.structure(submission.cycle.version)
    loops = selectors.loop_items(structure, submission)
    values = selectors.answer_values(submission)
    found = selectors.problems(structure, submission, values, loops)
    if found:
        raise ValidationError(
            [
                ValidationError(
                    f"{problem.item.number if problem.item else ''} {problem.message}".strip()
                )
                for problem in found
            ],
            code="incomplete",
        )
    now = timezone.now()
    _transition(
        submission,
        EDITABLE_STATUSES,
        SubmissionStatus.SUBMITTED,
        by,
        submitted_at=now,
        first_submitted_at=locked.first_submitted_at or now,
    )
    content = selectors.snapshot(structure, submission, values, loops)
    number = (
        submission.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = SubmissionVersion.objects.create(
        submission=submission,
        number=number,
        snapshot=content,
        content_hash=selectors.content_hash(content),
        submitted_by=by,
        submitted_at=now,
        language=submission.language,
    )
    notifications.sent(submission, "resubmitted" if number > 1 else "submitted")
    return version


@transaction.atomic
def recall(*, submission: Submission, by) -> Submission:
    guard_open(submission)
    _require(by, who.reports_for, submission)
    _transition(submission, {SubmissionStatus.SUBMITTED}, SubmissionStatus.DRAFT, by)
    notifications.sent(submission, "recalled")
    return submission


@transaction.atomic
def return_submission(*, submission: Submission, by, note: str) -> Submission:
    _require(by, who.keeps_reporting_of, submission)
    if not note.strip():
        raise ValidationError({"note": [_("Say what the reporter should change.")]})
    _transition(
        submission,
        {SubmissionStatus.SUBMITTED},
        SubmissionStatus.RETURNED,
        by,
        review_note=note.strip(),
    )
    notifications.reviewed(submission)
    return submission


@transaction.atomic
def accept(*, submission: Submission, by) -> Submission:
    _require(by, who.keeps_reporting_of, submission)
    _transition(
        submission,
        {SubmissionStatus.SUBMITTED},
        SubmissionStatus.ACCEPTED,
        by,
        accepted_at=timezone.now(),
    )
    notifications.reviewed(submission)
    return submission


@transaction.atomic
def publish(*, submission: Submission, by) -> Submission:
    _require(by, who.keeps_reporting_of, submission)
    _transition(
        submission,
        {SubmissionStatus.ACCEPTED},
        SubmissionStatus.PUBLISHED,
        by,
        published_at=timezone.now(),
    )
    notifications.published(submission)
    return submission


@transaction.atomic
def comment(
    *,
    submission: Submission,
    code: str,
    by,
    text: str,
    key: str = "",
    parent: ReviewComment | None = None,
) -> ReviewComment:
    _require(by, who.keeps_reporting_of | who.reports_for, submission)
    text = text.strip()
    if not text:
        raise ValidationError({"text": [_("Write the comment.")]})
    if len(text) > 10_000:
        raise ValidationError(
            {"text": [_("Use at most %(limit)s characters.") % {"limit": 10_000}]}
        )
    structure_item = (
        Item.objects.filter(section__version=submission.cycle.version_id, question__code=code)
        .select_related("question")
        .first()
    )
    if structure_item is None:
        raise ValidationError(
            {"code": [_("This report has no question “%(code)s”.") % {"code": code}]}
        )
    if parent is not None and parent.submission_id != submission.pk:
        raise ValidationError({"parent": [_("Reply to a comment on this report.")]})
    latest = submission.versions.order_by("-number").first()
    made = ReviewComment.objects.create(
        submission=submission,
        question=structure_item.question,
        loop_key=key,
        version=latest,
        parent=parent,
        author=by,
        text=text,
    )
    record_event(kind="submission.commented", target=submission, actor=by, question=code)
    return made


# --- carry-forward ----------------------------------------------------------------------------


def previous_versions(submissions: list[Submission]) -> dict[int, SubmissionVersion]:
    """For each submission, the last version of its reporter's latest accepted (or published)
    report of an earlier cycle, whatever its template: the bank makes the answers comparable."""
    from django.db.models import Q

    parties = {s.party_id for s in submissions if s.party_id}
    organisations = {s.organisation_id for s in submissions if s.organisation_id}
    cycle_ids = {s.cycle_id for s in submissions}
    earlier = (
        SubmissionVersion.objects.filter(
            Q(submission__party__in=parties) | Q(submission__organisation__in=organisations),
            submission__status__in=[SubmissionStatus.ACCEPTED, SubmissionStatus.PUBLISHED],
        )
        .exclude(submission__cycle__in=cycle_ids)
        .select_related("submission__cycle")
        .order_by("submission__cycle__deadline", "submission_id", "number")
    )
    latest: dict[tuple, SubmissionVersion] = {}
    for version in earlier:  # ordered, so the last one kept is the latest
        owner = version.submission
        latest[("p", owner.party_id) if owner.party_id else ("o", owner.organisation_id)] = version
    return {
        s.pk: latest[("p", s.party_id) if s.party_id else ("o", s.organisation_id)]
        for s in submissions
        if (("p", s.party_id) if s.party_id else ("o", s.organisation_id)) in latest
    }


def carry_forward(*, submissions: list[Submission], structure: selectors.Structure) -> int:
    """Pre-fill empty drafts with the answers of each reporter's last accepted report, for every
    question of this version that the bank shares with it; each is marked with the cycle it came
    from until the reporter changes or confirms it. Returns the number of answers made."""
    previous = previous_versions(submissions)
    started = set(
        Answer.objects.filter(submission__in=list(previous)).values_list("submission", flat=True)
    )
    made = []
    for submission in submissions:
        version = previous.get(submission.pk)
        if version is None or submission.pk in started:
            continue
        loops = selectors.loop_items(structure, submission)
        for code, by_key in version.snapshot.get("answers", {}).items():
            item = structure.items_by_code.get(code)
            if item is None:
                continue
            keys = {loop.key for loop in selectors.keys_of(structure.node_of_item[item.pk], loops)}
            for key, value in by_key.items():
                if key in keys and value is not None:
                    made.append(
                        Answer(
                            submission=submission,
                            question=item.question,
                            loop_key=key,
                            value=value,
                            carried_from=version.submission.cycle,
                        )
                    )
    if made:
        bulk_create_with_history(made, Answer)
        Submission.objects.filter(
            pk__in={answer.submission_id for answer in made}, status=SubmissionStatus.NOT_STARTED
        ).update(status=SubmissionStatus.DRAFT)
    return len(made)


@transaction.atomic
def confirm_carried(*, submission: Submission, section: Section, by) -> int:
    """The reporter confirms the carried-forward answers of a section as this cycle's answers."""
    guard_open(submission)
    _guard_editable(submission)
    _require_section(by, submission, section)
    codes = Item.objects.filter(section=section).values_list("question__code", flat=True)
    return Answer.objects.filter(
        submission=submission, question__code__in=list(codes), carried_from__isnull=False
    ).update(carried_from=None, updated_by=by, updated_at=timezone.now())
