from django.utils.translation import gettext_lazy as _

LABELS = {
    "species.imported": _("Species table imported"),
}
