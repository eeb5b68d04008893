"""The drafting form of a section, read field by field, and the small forms of the workflow.

A section's fields are named after the question and loop item (``<code>@<key>``), so that the
same names serve the page, its autosave and the error and conflict messages. Beside each field:
``#rev`` (the revision the drafter last saw) and ``#present`` (the field was on the page: an
unticked checkbox or an emptied table still counts as an answer).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.files.storage import default_storage
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cmsfamily.core.forms import MAX_ID, NumberField
from cmsfamily.core.languages import LANGUAGES
from cmsfamily.core.numbers import format_number
from cmsfamily.core.text import plain_text
from cmsfamily.reporting import selectors
from cmsfamily.reporting.choices import NUMBER_KINDS, PICKER_KINDS, OptionMeaning, QuestionKind
from cmsfamily.reporting.services import Edit, file_prefix

MAX_UPLOAD = 20 * 1024 * 1024
EXTRA_TABLE_ROWS = 3


def field_name(code: str, key: str) -> str:
    return f"{code}@{key}"


@dataclass
class Field:
    """One question of the page for one loop item, with what the template needs to draw it."""

    item: Any
    loop: selectors.LoopItem
    value: Any
    revision: int
    shown: bool
    required: bool
    editable: bool
    errors: list[str]
    conflict: Any = None
    stored: Any = None  # the saved answer, which may differ from ``value`` after a refused save
    carried_from: Any = None  # the cycle a pre-filled answer comes from, until it is confirmed
    typed: bool = False  # ``value`` is what was posted (a refused save), not a stored answer
    label: str = ""  # how the question is named in errors (``selectors.item_name``)

    @property
    def name(self) -> str:
        return field_name(self.item.question.code, self.loop.key)

    @property
    def seen(self) -> str:
        return selectors.value_hash(self.stored)

    @property
    def anchor(self) -> str:
        return selectors.answer_anchor(self.item.question.code, self.loop.key)

    @property
    def kind(self) -> str:
        return self.item.question.kind

    @property
    def many(self) -> bool:
        return self.kind == QuestionKind.MULTIPLE_CHOICE or (
            self.kind in PICKER_KINDS and self.item.question.allow_many
        )

    @property
    def unanswered(self) -> bool:
        """No answer: none stored, or "No answer yet" posted (as "") in a save that was refused."""
        return self.value is None or self.value == "" or self.value == []

    @property
    def chosen(self) -> list:
        if self.value is None:
            return []
        return [str(v) for v in (self.value if isinstance(self.value, list) else [self.value])]

    @property
    def text(self) -> str:
        """What the box shows: a stored number written in the page's language (so that it reads
        back to the same answer), anything else, and whatever was typed, as it is."""
        return _shown(self.value, self.kind, self.typed)

    @property
    def rows(self) -> list[dict]:
        kinds = {column["key"]: column.get("kind") for column in self.item.question.columns}
        existing = [
            {
                key: _shown(value, kinds.get(key), self.typed)
                for key, value in (row.items() if isinstance(row, dict) else ())
            }
            for row in self.value or []
        ]
        return existing + [{} for _index in range(EXTRA_TABLE_ROWS)]


def _shown(value: Any, kind: str | None, typed: bool) -> Any:
    if value is None:
        return ""
    if typed or kind not in NUMBER_KINDS | {QuestionKind.YEAR} or isinstance(value, bool):
        return value
    try:
        return format_number(value, get_language(), grouping=kind != QuestionKind.YEAR)
    except (ArithmeticError, ValueError, TypeError):
        return value  # not a number (an answer from before its question's type changed)


class TooLarge(Exception):
    pass


def read_edits(request, node_fields: list[Field], submission) -> tuple[list[Edit], dict]:
    """The edits a POST of the section makes (only fields that were on the page), and the
    errors found before any checking (a file over the size limit)."""
    post = request.POST
    edits, errors = [], {}
    for field in node_fields:
        name = field.name
        if f"{name}#present" not in post or not field.editable:
            continue
        if post.get(f"{name}#choose") == "theirs":
            continue  # the drafter keeps the other person's answer: nothing to write
        try:
            revision = int(post.get(f"{name}#rev", "0"))
        except ValueError:
            revision = -1  # a tampered revision is a conflict, never an overwrite
        try:
            value = _value(request, field, submission)
        except TooLarge:
            errors[(field.item.question.code, field.loop.key)] = [
                _("This file is larger than %(limit)s MB.") % {"limit": MAX_UPLOAD // 2**20}
            ]
            continue
        seen = post.get(f"{name}#seen") or None
        edits.append(Edit(field.item.question.code, field.loop.key, value, revision, seen))
    return edits, errors


def _value(request, field: Field, submission) -> Any:
    post, name, kind = request.POST, field.name, field.kind
    if kind == QuestionKind.TABLE:
        try:
            count = min(int(post.get(f"{name}#rows", "0")), 1000)
        except ValueError:
            count = 0
        keys = [column["key"] for column in field.item.question.columns]
        return [
            {key: post.get(f"{name}#{index}#{key}", "") for key in keys} for index in range(count)
        ]
    if kind == QuestionKind.FILE:
        upload = request.FILES.get(name)
        if upload is None:
            return None if post.get(f"{name}#clear") else field.value
        if upload.size > MAX_UPLOAD:
            raise TooLarge
        path = default_storage.save(
            f"{file_prefix(submission)}{uuid.uuid4().hex}/{upload.name}", upload
        )
        return {"name": upload.name, "path": path, "size": upload.size}
    if field.many:
        return post.getlist(name)
    return post.get(name, "")


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What should the reporter change?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )


class CommentForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput)
    key = forms.CharField(widget=forms.HiddenInput, required=False)
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000
    )


class AssignForm(forms.Form):
    section = forms.ModelChoiceField(queryset=None, label=_("Section"))
    email = forms.EmailField(label=_("Contributor's email address"))

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections

    def clean_email(self):
        from cmsfamily.accounts.models import User

        email = self.cleaned_data["email"]
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(
                _("No one has an account with this address: invite them first.")
            )
        return user


class LoopEntryForm(forms.Form):
    """An item the reporter adds to a repeated section: a name (a site), or a species."""

    label = forms.CharField(label=_("Name of the item"), max_length=300, required=False)
    taxon = forms.RegexField(regex=r"^taxon-\d+$", required=False)

    def clean(self):
        data = super().clean()
        if not data.get("label") and not data.get("taxon"):
            raise forms.ValidationError(_("Give the item a name."))
        return data


class DiffForm(forms.Form):
    older = forms.IntegerField(label=_("From version"), min_value=1, max_value=MAX_ID)
    newer = forms.IntegerField(label=_("To version"), min_value=1, max_value=MAX_ID)


class AnswerFileForm(forms.Form):
    """`?key=` (the loop item) and `?version=` (a submitted version; the draft without it)."""

    key = forms.CharField(label=_("Loop item"), required=False, max_length=80)
    version = forms.IntegerField(label=_("Version"), required=False, min_value=1, max_value=MAX_ID)


class TemplateImportForm(forms.Form):
    file = forms.FileField(
        label=_("Template file (JSON)"),
        help_text=_("A file exported from this platform, format cmsfamily-report-template/1."),
    )

    def clean_file(self):
        import json

        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):  # "[[[[…" is a RecursionError
            raise forms.ValidationError(_("This file is not JSON in UTF-8.")) from None


LANGUAGE_LABELS = (("en", _("in English")), ("fr", _("in French")), ("es", _("in Spanish")))


def _translated_fields(form, name: str, label, *, required_en=True, widget=None):
    for language, suffix in LANGUAGE_LABELS:
        form.fields[f"{name}_{language}"] = forms.CharField(
            label=f"{label} {suffix}",
            required=required_en and language == "en",
            max_length=2000,
            widget=widget,
        )


def _lines(text: str, field: str) -> list[dict]:
    """ "value | English | French | Spanish" per line, as options or loop items."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise forms.ValidationError(
                _("Line %(number)s: write “code | English | French | Spanish”.")
                % {"number": number}
            )
        labels = dict(zip(LANGUAGES, parts[1:4], strict=False))
        rows.append({field: parts[0], "label": {k: v for k, v in labels.items() if v}})
    return rows


class TemplateCreateForm(forms.Form):
    slug = forms.SlugField(label=_("Code"), max_length=80)
    instrument = forms.ModelChoiceField(queryset=None, label=_("Instrument"))
    reporter_kind = forms.ChoiceField(label=_("Who reports"), choices=())

    def __init__(self, *args, instruments, **kwargs):
        from cmsfamily.reporting.choices import ReporterKind

        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = instruments
        self.fields["reporter_kind"].choices = ReporterKind.choices
        _translated_fields(self, "title", _("Title"))


class SectionAddForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=20)
    parent = forms.ModelChoiceField(queryset=None, label=_("Within section"), required=False)
    loop = forms.ChoiceField(label=_("Repeated for"), choices=(), required=False)
    loop_items = forms.CharField(
        label=_("Items of the fixed list"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line: code | English | French | Spanish (e.g. birds | Birds | Oiseaux | Aves)."
        ),
    )

    def __init__(self, *args, sections, **kwargs):
        from cmsfamily.reporting.choices import LoopKind

        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = sections
        self.fields["loop"].choices = LoopKind.choices
        _translated_fields(self, "title", _("Title"))

    def clean_loop_items(self):
        return _lines(self.cleaned_data["loop_items"], "key")


class ItemAddForm(forms.Form):
    existing = forms.CharField(
        label=_("Code of a question of the bank"),
        required=False,
        max_length=80,
        help_text=_(
            "To reuse a question another template asks. Leave empty to write a new one below."
        ),
    )
    number = forms.CharField(label=_("Number in this section"), max_length=20)
    required = forms.BooleanField(label=_("Required"), required=False)
    code = forms.CharField(label=_("Code of the new question"), required=False, max_length=80)
    kind = forms.ChoiceField(label=_("Type"), choices=(), required=False)
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For choices, one per line: value | English | French | Spanish."),
    )
    min_value = NumberField(label=_("Lowest value"), required=False, trim=True)
    max_value = NumberField(label=_("Highest value"), required=False, trim=True)

    def __init__(self, *args, **kwargs):
        from cmsfamily.reporting.choices import QuestionKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—"), *QuestionKind.choices]
        _translated_fields(
            self, "text", _("Question"), required_en=False, widget=forms.Textarea(attrs={"rows": 2})
        )
        _translated_fields(self, "unit", _("Unit"), required_en=False)

    def clean_options(self):
        return _lines(self.cleaned_data["options"], "value")

    def clean(self):
        data = super().clean()
        if not data.get("existing") and not (
            data.get("code") and data.get("kind") and data.get("text_en")
        ):
            raise forms.ValidationError(
                _(
                    "Give the code of a question of the bank, or the code, type and English text of a new one."
                )
            )
        return data


class CycleCreateForm(forms.Form):
    slug = forms.SlugField(label=_("Code"), max_length=80)
    period_start = forms.DateField(
        label=_("Period covered from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Period covered until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    meeting_opens = forms.DateField(
        label=_("Or: opening date of the meeting the reports are for"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The deadline is then six months before it (Resolution 12.5)."),
    )
    expected = forms.ChoiceField(label=_("Expected reporters"), choices=())
    parties = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label=_("Chosen Parties")
    )
    organisations = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label=_("Chosen organisations")
    )

    def __init__(self, *args, **kwargs):
        from cmsfamily.directory.models import Organisation, Party
        from cmsfamily.reporting.choices import ExpectedReporters

        super().__init__(*args, **kwargs)
        self.fields["expected"].choices = ExpectedReporters.choices
        self.fields["parties"].queryset = Party.objects.order_by("name")
        self.fields["organisations"].queryset = Organisation.objects.order_by("short_name")
        _translated_fields(self, "title", _("Title"))

    def clean(self):
        data = super().clean()
        if not data.get("deadline") and not data.get("meeting_opens"):
            raise forms.ValidationError(_("Give the deadline, or the meeting it is derived from."))
        return data


class SectionEditForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _translated_fields(self, "title", _("Title"))
        _translated_fields(
            self,
            "intro",
            _("Introduction"),
            required_en=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        )


def _expression(label, help_text) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=2000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
    )


class ItemConditionsForm(forms.Form):
    """A question's conditions in a version, written as XLSForm expressions."""

    shown_when = _expression(
        _("Shown when"),
        _("E.g. ${code} = 'yes' or selected(${code}, 'option'). Empty: always shown."),
    )
    required_when = _expression(
        _("Required when"),
        _("E.g. ${code} != ''. Empty: as “Required” says."),
    )
    valid_when = _expression(
        _("Valid when"),
        _("“.” is this answer, e.g. . >= 0 and . <= ${total}. Empty: any answer of its type."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _translated_fields(self, "valid_message", _("Message when not valid"), required_en=False)


class SectionConditionForm(forms.Form):
    shown_when = _expression(
        _("Shown when"),
        _("E.g. ${code} = 'yes'. The section and all it holds are shown only when it holds."),
    )


class QuestionEditForm(forms.Form):
    """The texts of a question; its type, options and bounds only while no cycle uses it."""

    targets = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label=_("Strategic Plan targets")
    )
    min_value = NumberField(label=_("Lowest value"), required=False, trim=True)
    max_value = NumberField(label=_("Highest value"), required=False, trim=True)

    def __init__(self, *args, frozen: bool, options=(), **kwargs):
        from cmsfamily.strategy.models import Target

        super().__init__(*args, **kwargs)
        _translated_fields(self, "text", _("Question"), widget=forms.Textarea(attrs={"rows": 2}))
        _translated_fields(
            self,
            "help_text",
            _("Guidance"),
            required_en=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        targets = self.fields["targets"]
        assert isinstance(targets, forms.ModelMultipleChoiceField)
        targets.queryset = Target.objects.select_related("plan").order_by("plan", "number")
        if frozen:
            for name in ("targets", "min_value", "max_value", "text_en", "help_text_en"):
                self.fields[name].disabled = True
        # What each option means for the targets: how answers are read, not what is asked, so it
        # stays editable once a cycle uses the question (services/meanings.py).
        self.meaning_fields = {}
        for value, label in options or []:
            name = f"meaning_{value}"
            self.fields[name] = forms.ChoiceField(
                label=_("Meaning of “%(option)s”") % {"option": plain_text(label)},
                choices=[("", _("Not set"))] + list(OptionMeaning.choices),
                required=False,
                help_text=_("What choosing this option says about the question's targets."),
            )
            self.meaning_fields[value] = name

    def meanings(self) -> dict[str, str]:
        return {value: self.cleaned_data[name] for value, name in self.meaning_fields.items()}


class XLSFormImportForm(forms.Form):
    file = forms.FileField(
        label=_("XLSForm workbook (.xlsx)"),
        help_text=_(
            "A form of ODK, KoboToolbox or SurveyCTO, or a version downloaded here as XLSForm."
        ),
    )
    instrument = forms.ModelChoiceField(queryset=None, label=_("Instrument"))
    reporter_kind = forms.ChoiceField(label=_("Who reports"), choices=())

    def __init__(self, *args, instruments, **kwargs):
        from cmsfamily.reporting.choices import ReporterKind

        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = instruments
        self.fields["reporter_kind"].choices = ReporterKind.choices
