from django.conf import settings

from cmsfamily.core import uploads


def validate_pdf(upload):
    """Accept only a PDF that opens, within the size limit (neither the extension nor the first
    bytes prove anything: '%PDF-' followed by an HTML page was stored as a letter)."""
    uploads.check_pdf(upload, max_bytes=settings.APPOINTMENT_DOCUMENT_MAX_BYTES)
