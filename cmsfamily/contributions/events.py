from django.utils.translation import gettext_lazy as _

LABELS = {
    "contribution.logged": _("Contribution logged"),
    "contribution.changed": _("Contribution changed"),
    "contribution.validated": _("Contribution validated"),
    "contribution.corrected": _("Correction logged"),
    "valuation_rule.added": _("Valuation rule added"),
    "valuation_rule.ended": _("Valuation rule ended"),
    "assessed.set": _("Assessed contribution set"),
    "payment.recorded": _("Payment recorded"),
}
