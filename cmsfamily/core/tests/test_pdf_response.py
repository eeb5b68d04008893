"""A page as a PDF download, or a clear 503 where this server cannot make PDFs (core.views)."""

import sys

import pytest
from django.test import RequestFactory

from cmsfamily.core.documents import PdfUnavailable, html_to_pdf
from cmsfamily.core.views import pdf_response

HTML = "<html><body><p>A report.</p></body></html>"


def _can_make_pdfs() -> bool:
    try:
        html_to_pdf("<p>check</p>", base_url="http://testserver/")
    except PdfUnavailable:
        return False
    return True


def test_without_pango_the_answer_is_a_503_naming_the_way_back(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` now fails
    request = RequestFactory().get("/report.pdf")
    response = pdf_response(
        request, HTML, "report.pdf", unavailable="No PDFs here.", back="/report/"
    )
    assert response.status_code == 503
    page = response.content.decode()
    assert "No PDFs here." in page and 'href="/report/"' in page


@pytest.mark.skipif(not _can_make_pdfs(), reason="WeasyPrint or Pango is not installed here")
def test_the_pdf_is_an_attachment_under_its_name():
    request = RequestFactory().get("/report.pdf")
    response = pdf_response(request, HTML, "cycle-KE-v1.pdf", unavailable="-", back="/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="cycle-KE-v1.pdf"'
    assert response.content.startswith(b"%PDF-")
