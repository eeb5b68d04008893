from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


def validate_pdf(upload):
    """Accept only real PDF files within the size limit (the extension alone proves nothing)."""
    limit = settings.APPOINTMENT_DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The document is %(size)s; the limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(5)
    upload.seek(position)
    if head != b"%PDF-":
        raise ValidationError(_("The document must be a PDF file."), code="not_pdf")
