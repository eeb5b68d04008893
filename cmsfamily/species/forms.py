from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cmsfamily.species.importing import MAX_BYTES


class ImportForm(forms.Form):
    table = forms.FileField(
        label=_("Species table (CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["table"].help_text = gettext(
            "UTF-8, comma-separated, the columns named in the first line; at most %(limit)s."
        ) % {"limit": filesizeformat(MAX_BYTES)}
