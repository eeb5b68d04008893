"""The API documentation pages, drawn by third-party scripts, work under the Content-Security-Policy
(the `page` fixture fails a test on anything the policy refuses)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_api_documentation_draws_under_the_policy(page, live_server, registry, path):
    response = page.goto(f"{live_server.url}{path}")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_text("CMS Family Platform API").first).to_be_visible()
    if path == "/api/redoc/":
        page.wait_for_load_state("networkidle")
        # Redoc's "powered by" logo comes from its CDN: refused, as anything from another site is.
        page.csp_refused[:] = [m for m in page.csp_refused if "cdn.redoc.ly" not in m]
