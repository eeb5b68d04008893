"""Permission matrix: every page and endpoint of the Strategic Plan, for every persona."""

import pytest

from cmsfamily.core.testing import (
    LOGIN,
    client_for,
    cms_secretariat_only,
    everyone,
    matrix,
    no_write_method,
)
from cmsfamily.strategy.models import Indicator, Target, TargetAichiLink

pytestmark = pytest.mark.django_db

PLAN = "/strategy/spms-2015-2023"


@pytest.fixture
def indicator(secretariat):
    target = Target.objects.get(plan__code="spms-2015-2023", number=1)
    return Indicator.objects.create(target=target, code="1.1", name_en="Awareness survey")


PUBLIC = [
    "/strategy/",
    f"{PLAN}/",
    f"{PLAN}/targets/1/",
    f"{PLAN}/matrix/",
    f"{PLAN}/matrix/?export=xlsx",
    "/api/strategic-plans/",
    "/api/strategic-plans/spms-2015-2023/",
    "/api/targets/",
    "/api/targets/?plan=spms-2015-2023&goal=1",
    "/api/aichi-targets/",
    "/api/aichi-targets/11/",
    "/api/sdgs/",
    "/api/sdgs/14/",
    "/api/gbf-targets/",
    "/api/gbf-targets/3/",
    "/api/indicators/",
]


@pytest.mark.parametrize("url", PUBLIC)
@pytest.mark.parametrize(("persona", "expected"), everyone(200))
def test_public_pages_and_endpoints(client_as, request, url, persona, expected):
    assert client_for(client_as, request, persona).get(url).status_code == expected


@pytest.mark.parametrize(
    "url",
    [
        "/strategy/no-such-plan/",
        f"{PLAN}/targets/17/",
        "/strategy/no-such-plan/matrix/",
        "/api/strategic-plans/no-such-plan/",
        "/api/aichi-targets/21/",
    ],
)
@pytest.mark.parametrize(("persona", "expected"), everyone(404))
def test_unknown_records_are_404(client_as, request, url, persona, expected):
    assert client_for(client_as, request, persona).get(url).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=403,
        secretariat=200,
        eurobats_officer=200,
    ),
)
def test_history_is_for_secretariats(client_as, request, persona, expected):
    response = client_for(client_as, request, persona).get(f"{PLAN}/targets/1/history/")
    assert response.status_code == expected


@pytest.mark.parametrize(
    "url", [f"{PLAN}/targets/1/indicators/add/", f"{PLAN}/targets/1/mappings/add/"]
)
@pytest.mark.parametrize(("persona", "expected"), cms_secretariat_only(anonymous=LOGIN))
def test_edit_forms_are_for_the_cms_secretariat(client_as, request, url, persona, expected):
    assert client_for(client_as, request, persona).get(url).status_code == expected


@pytest.mark.parametrize(("persona", "expected"), cms_secretariat_only(anonymous=LOGIN))
def test_indicator_edit_form(client_as, request, indicator, persona, expected):
    url = f"{PLAN}/targets/1/indicators/{indicator.pk}/edit/"
    assert client_for(client_as, request, persona).get(url).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"), cms_secretariat_only(anonymous=LOGIN, allowed=302)
)
def test_posting_an_indicator(client_as, request, persona, expected):
    data = {"code": "1.1", "name_en": "Share of people aware of migratory species"}
    response = client_for(client_as, request, persona).post(
        f"{PLAN}/targets/1/indicators/add/", data
    )
    assert response.status_code == expected
    assert Indicator.objects.filter(code="1.1").exists() == (
        expected == 302 and persona != "anonymous"
    )


@pytest.mark.parametrize(
    ("persona", "expected"), cms_secretariat_only(anonymous=LOGIN, allowed=302)
)
def test_posting_a_mapping(client_as, request, persona, expected):
    data = {"kind": "gbf", "number": "3", "confidence": "medium", "source": "Test source"}
    response = client_for(client_as, request, persona).post(
        f"{PLAN}/targets/10/mappings/add/", data
    )
    assert response.status_code == expected
    created = Target.objects.get(plan__code="spms-2015-2023", number=10).gbf_links.exists()
    assert created == (persona == "secretariat")


@pytest.mark.parametrize(
    ("persona", "expected"), cms_secretariat_only(anonymous=LOGIN, allowed=302)
)
def test_removing_a_mapping(client_as, request, persona, expected):
    link = TargetAichiLink.objects.get(target__number=1, global_target__number=1)
    url = f"{PLAN}/targets/1/mappings/aichi/{link.pk}/remove/"
    response = client_for(client_as, request, persona).post(url)
    assert response.status_code == expected
    assert TargetAichiLink.objects.filter(pk=link.pk).exists() == (persona != "secretariat")


@pytest.mark.parametrize(("persona", "expected"), everyone(405))
def test_removing_needs_a_post(client_as, request, persona, expected):
    if persona == "anonymous":
        expected = LOGIN
    link = TargetAichiLink.objects.get(target__number=1, global_target__number=1)
    url = f"{PLAN}/targets/1/mappings/aichi/{link.pk}/remove/"
    assert client_for(client_as, request, persona).get(url).status_code == expected


@pytest.mark.parametrize(("persona", "expected"), cms_secretariat_only(anonymous=403, allowed=201))
def test_api_indicator_post(client_as, request, persona, expected):
    target = Target.objects.get(plan__code="spms-2015-2023", number=2)
    response = client_for(client_as, request, persona).post(
        "/api/indicators/",
        {"target": target.pk, "code": "2.1", "name_en": "NBSAPs integrating migratory species"},
        content_type="application/json",
    )
    assert response.status_code == expected


@pytest.mark.parametrize(("persona", "expected"), cms_secretariat_only(anonymous=403, allowed=201))
def test_api_mapping_post(client_as, request, persona, expected):
    target = Target.objects.get(plan__code="spms-2015-2023", number=3)
    response = client_for(client_as, request, persona).post(
        "/api/target-mappings/",
        {"target": target.pk, "kind": "sdg", "number": 16, "confidence": "low", "source": "x"},
        content_type="application/json",
    )
    assert response.status_code == expected


@pytest.mark.parametrize("url", ["/api/aichi-targets/", "/api/sdgs/", "/api/gbf-targets/"])
@pytest.mark.parametrize(("persona", "expected"), no_write_method())
def test_read_only_endpoints_refuse_writes(client_as, request, url, persona, expected):
    response = client_for(client_as, request, persona).post(
        url, {}, content_type="application/json"
    )
    assert response.status_code == expected
