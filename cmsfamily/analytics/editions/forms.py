"""The Secretariat's forms for editions: a new edition, a chapter's texts, a move of status."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cmsfamily.analytics.models import ChapterStatus, EditionStatus


class EditionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    symbol = forms.CharField(
        label=_("Document symbol"),
        max_length=80,
        help_text=_("As on the cover, e.g. UNEP/CMS/COP15/Doc.24."),
    )
    period_start = forms.DateField(
        label=_("Cycles with a deadline from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(
        label=_("Cycles with a deadline until"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end of the period comes before its start."))
        return data


class ChapterForm(forms.Form):
    text_en = forms.CharField(
        label=_("Text in English"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    text_fr = forms.CharField(
        label=_("Text in French"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    text_es = forms.CharField(
        label=_("Text in Spanish"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    status = forms.ChoiceField(label=_("Status"), choices=ChapterStatus.choices)


class MoveForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(EditionStatus.DRAFT, _("Draft")), (EditionStatus.REVIEW, _("In review"))]
    )
