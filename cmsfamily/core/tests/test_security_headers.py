"""Every response says what the browser may load and which device features the site never uses."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/circular/", "/api/", "/api/parties/"])
def test_pages_and_the_api_carry_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"].startswith("'self'")
    assert "unsafe-inline" not in policy["script-src"]
    assert "unsafe-eval" not in policy["script-src"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    features = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in features


def test_the_inline_script_of_the_api_docs_carries_the_nonce_of_its_response(client):
    response = client.get("/api/docs/")
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    html = response.content.decode()
    assert f'<script nonce="{nonce}">' in html
    assert f'<style nonce="{nonce}">' in html


def test_only_the_redoc_page_allows_inline_styles_and_never_inline_scripts(client):
    redoc = client.get("/api/redoc/")
    assert redoc.status_code == 200
    policy = redoc["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy or policy.endswith("script-src 'self'")
    assert "googleapis" not in redoc.content.decode()
    assert "'unsafe-inline'" not in client.get("/")["Content-Security-Policy"].replace(
        "style-src-attr 'unsafe-inline'", ""
    )
