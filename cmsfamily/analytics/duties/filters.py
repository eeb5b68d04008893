"""The filters of the duties table, read from the URL by the page and the API alike."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cmsfamily.analytics.duties.common import DUTIES, TRACKED, PartyDuties
from cmsfamily.directory.models import Region


class DutiesForm(forms.Form):
    """The table's filters. A value that is not offered is a 400 naming it."""

    region = forms.ChoiceField(label=gettext_lazy("CMS region"), required=False)
    duty = forms.ChoiceField(
        label=gettext_lazy("Not met"),
        required=False,
        help_text=gettext_lazy("Only the Parties that have not fully met this duty."),
    )
    party = forms.CharField(label=gettext_lazy("Party (ISO code)"), required=False, max_length=2)

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = parties
        self.fields["region"].choices = [("", _("All regions"))] + [
            (region.code, region.name) for region in Region.objects.visible_to(None)
        ]
        self.fields["duty"].choices = [("", _("Any duty"))] + [
            (code, DUTIES[code]) for code in TRACKED
        ]

    def clean_party(self):
        code = self.cleaned_data["party"].strip().upper()
        if not code:
            return None
        party = self.parties.filter(code=code).first()
        if party is None:
            raise forms.ValidationError(
                _("No Party “%(code)s” among the Parties whose duties you see.") % {"code": code}
            )
        return party

    def rows(self, user, *, today: date) -> list[PartyDuties]:
        """The Parties the filters keep, judged, what is missing first (the form must be valid)."""
        from cmsfamily.analytics.duties import party_duties, sort_by_missing

        data = self.cleaned_data
        chosen = self.parties
        if data["region"]:
            chosen = chosen.filter(region__code=data["region"])
        if data["party"]:
            chosen = chosen.filter(pk=data["party"].pk)
        rows = party_duties(user, chosen.order_by("name"), today=today)
        if data["duty"]:
            rows = [row for row in rows if row.cell(data["duty"]).open]
        return sort_by_missing(rows, data["duty"])
