"""Permission matrix: every page and every POST of the ledger, for every persona."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from cmsfamily.contributions import services
from cmsfamily.contributions.models import (
    AssessedContribution,
    Contribution,
    Payment,
    ValuationRule,
)
from cmsfamily.contributions.tests.ledger_data import entry, seed_rules
from cmsfamily.core.testing import LOGIN, client_for, cms_secretariat_only, everyone, matrix
from cmsfamily.directory.models import Instrument, Party

pytestmark = pytest.mark.django_db


class Ledger:
    """BirdLife's validated and published entry (public), its entry awaiting validation, a
    validated one it did not agree to publish, Kenya's entry awaiting validation, and the
    assessed contributions of Kenya and Germany."""

    def __init__(self, secretariat):
        seed_rules(secretariat)
        self.published = entry(
            secretariat,
            validated_by=secretariat,
            evidence=SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 receipt", "application/pdf"),
        )
        self.pending = entry(secretariat, description="Awaiting validation")
        self.private = entry(
            secretariat, validated_by=secretariat, publish=False, description="Not published"
        )
        self.kenya = entry(secretariat, party="KE", description="Kenya's survey")
        cms = Instrument.objects.get(code="cms")
        with transaction.atomic():
            self.assessed_kenya = services.set_assessed_contribution(
                party=Party.objects.get(code="KE"),
                instrument=cms,
                year=2024,
                amount=Decimal(5000),
                currency="EUR",
                by=secretariat,
            )
            services.set_assessed_contribution(
                party=Party.objects.get(code="DE"),
                instrument=cms,
                year=2024,
                amount=Decimal(250000),
                currency="EUR",
                by=secretariat,
            )


@pytest.fixture
def ledger(secretariat, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return Ledger(secretariat)


def _done(persona, expected):
    """A 302 is a success for a signed-in persona, a sign-in redirect for the anonymous one."""
    return expected == 302 and persona != "anonymous"


def _get(client_as, request, persona, url):
    return client_for(client_as, request, persona).get(url)


def _post(client_as, request, persona, url, data=None):
    return client_for(client_as, request, persona).post(url, data or {})


# -- reading -------------------------------------------------------------------------------------

PUBLIC_PAGES = [
    "/contributions/",
    "/contributions/?kind=staff_time&status=spent&year=2024&validated=yes&q=flyway",
    "/contributions/?organisation=birdlife&party=KE",
    "/contributions/?export=csv",
    "/contributions/?export=xlsx",
    "/contributions/rules/",
    "/contributions/rules/?export=csv",
    "/contributions/totals/",
    "/contributions/totals/?by=contributor_organisation&then_by=year&currency=USD",
    "/contributions/totals/?by=target&export=csv",
    "/contributions/totals/?by=activity&export=xlsx",
    "/contributions/organisations/birdlife/",
    "/contributions/organisations/cms-secretariat/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
@pytest.mark.parametrize(("persona", "expected"), everyone(200))
def test_public_pages(client_as, request, ledger, url, persona, expected):
    assert _get(client_as, request, persona, url).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=["published"],
        nfp_kenya=["published", "kenya"],
        nfp_germany=["published"],
        birdlife_fp=["published", "pending", "private"],
        secretariat=["published", "pending", "private", "kenya"],
        eurobats_officer=["published"],
    ),
)
def test_the_list_shows_what_each_persona_may_see(client_as, request, ledger, persona, expected):
    response = _get(client_as, request, persona, "/contributions/")
    shown = {row.record.pk for row in response.context["table"].page.object_list}
    assert shown == {getattr(ledger, name).pk for name in expected}
    csv = _get(client_as, request, persona, "/contributions/?export=csv").content.decode()
    assert csv.count("\n") == len(expected) + 1  # header and one line per entry


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=["published"],
        nfp_kenya=["published"],
        nfp_germany=["published"],
        birdlife_fp=["published", "pending", "private"],
        secretariat=["published", "pending", "private"],
        eurobats_officer=["published"],
    ),
)
def test_birdlifes_page_shows_all_to_its_focal_point_and_the_published_to_others(
    client_as, request, ledger, persona, expected
):
    response = _get(client_as, request, persona, "/contributions/organisations/birdlife/")
    shown = {row.record.pk for row in response.context["table"].page.object_list}
    assert shown == {getattr(ledger, name).pk for name in expected}
    awaiting = response.context["awaiting"]["entries"]
    assert awaiting == (1 if "pending" in expected else 0)


@pytest.mark.parametrize(
    ("name", "persona", "expected"),
    [
        pytest.param(name, *param.values, id=f"{name}-{param.id}")
        for name, params in (
            ("published", everyone(200)),
            (
                "pending",
                matrix(
                    anonymous=404,
                    nfp_kenya=404,
                    nfp_germany=404,
                    birdlife_fp=200,
                    secretariat=200,
                    eurobats_officer=404,
                ),
            ),
            (
                "private",
                matrix(
                    anonymous=404,
                    nfp_kenya=404,
                    nfp_germany=404,
                    birdlife_fp=200,
                    secretariat=200,
                    eurobats_officer=404,
                ),
            ),
            (
                "kenya",
                matrix(
                    anonymous=404,
                    nfp_kenya=200,
                    nfp_germany=404,
                    birdlife_fp=404,
                    secretariat=200,
                    eurobats_officer=404,
                ),
            ),
        )
        for param in params
    ],
)
def test_an_entry_page_is_a_404_for_whoever_may_not_see_it(
    client_as, request, ledger, name, persona, expected
):
    url = f"/contributions/{getattr(ledger, name).pk}/"
    assert _get(client_as, request, persona, url).status_code == expected


@pytest.mark.parametrize(
    "url",
    ["/contributions/999999/", "/contributions/organisations/no-such-organisation/"],
)
@pytest.mark.parametrize(("persona", "expected"), everyone(404))
def test_unknown_records_are_404(client_as, request, ledger, url, persona, expected):
    assert _get(client_as, request, persona, url).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=set(),
        nfp_kenya=set(),
        nfp_germany=set(),
        birdlife_fp={"edit", "correct", "history"},
        secretariat={"validate", "edit", "correct", "history"},
        eurobats_officer=set(),
    ),
)
def test_the_buttons_follow_the_permissions(client_as, request, ledger, persona, expected):
    client = client_for(client_as, request, persona)
    published = client.get(f"/contributions/{ledger.published.pk}/").context
    shown = {"correct"} if published["can_correct"] else set()
    shown |= {"history"} if published["can_view_history"] else set()
    assert not published["can_edit"] and not published["can_validate"]
    if persona in ("birdlife_fp", "secretariat"):
        pending = client.get(f"/contributions/{ledger.pending.pk}/").context
        shown |= {name for name in ("edit", "validate") if pending[f"can_{name}"]}
        assert not pending["can_correct"]
    assert shown == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=200,
        secretariat=200,
        eurobats_officer=403,
    ),
)
def test_the_history_of_an_entry(client_as, request, ledger, persona, expected):
    url = f"/contributions/{ledger.published.pk}/history/"
    assert _get(client_as, request, persona, url).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=404,
        nfp_germany=404,
        birdlife_fp=200,
        secretariat=200,
        eurobats_officer=404,
    ),
)
def test_the_evidence_document_is_for_the_contributor_and_the_secretariat(
    client_as, request, ledger, persona, expected
):
    response = _get(client_as, request, persona, f"/contributions/{ledger.published.pk}/evidence/")
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


# -- logging, editing, validating, correcting -----------------------------------------------------

GOOD_ENTRY = {
    "kind": "staff_time",
    "description": "Logged on the page",
    "days": "5",
    "start": "2024-06-01",
    "status": "spent",
}


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=200,
        nfp_germany=200,
        birdlife_fp=200,
        secretariat=200,
        eurobats_officer=403,
    ),
)
def test_the_form_to_log_a_contribution(client_as, request, ledger, persona, expected):
    assert _get(client_as, request, persona, "/contributions/add/").status_code == expected


@pytest.mark.parametrize(
    ("contributor", "persona", "expected"),
    [
        pytest.param(contributor, *param.values, id=f"{contributor}-{param.id}")
        for contributor, birdlife, kenya, germany in (
            ("organisation:birdlife", 302, 400, 400),
            ("party:KE", 400, 302, 400),
        )
        for param in matrix(
            anonymous=LOGIN,
            nfp_kenya=kenya,
            nfp_germany=germany,
            birdlife_fp=birdlife,
            secretariat=302,
            eurobats_officer=403,
        )
    ],
)
def test_logging_for_a_contributor(client_as, request, ledger, contributor, persona, expected):
    """Each logs for what they act for; anyone else is refused at the contributor field."""
    data = {**GOOD_ENTRY, "contributor": contributor}
    response = _post(client_as, request, persona, "/contributions/add/", data)
    assert response.status_code == expected
    logged = Contribution.objects.filter(description="Logged on the page")
    assert logged.exists() == _done(persona, expected)
    if expected == 400:
        assert "contributor" in response.context["form"].errors


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=404,
        nfp_germany=404,
        birdlife_fp=302,
        secretariat=302,
        eurobats_officer=404,
    ),
)
def test_editing_an_entry_awaiting_validation(client_as, request, ledger, persona, expected):
    url = f"/contributions/{ledger.pending.pk}/edit/"
    get_expected = 200 if _done(persona, expected) else expected
    assert _get(client_as, request, persona, url).status_code == get_expected
    data = {**GOOD_ENTRY, "contributor": "organisation:birdlife", "days": "7"}
    assert _post(client_as, request, persona, url, data).status_code == expected
    ledger.pending.refresh_from_db()
    assert (ledger.pending.days == 7) == _done(persona, expected)


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=403,
        secretariat=403,
        eurobats_officer=403,
    ),
)
def test_a_validated_entry_is_never_edited(client_as, request, ledger, persona, expected):
    url = f"/contributions/{ledger.published.pk}/edit/"
    assert _get(client_as, request, persona, url).status_code == expected
    data = {**GOOD_ENTRY, "contributor": "organisation:birdlife", "days": "99"}
    response = _post(client_as, request, persona, url, data)
    assert response.status_code == expected
    ledger.published.refresh_from_db()
    assert ledger.published.days == 20
    if persona != "anonymous":
        assert "log a correction" in response.content.decode().lower()


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=403,
        nfp_germany=403,
        birdlife_fp=302,
        secretariat=302,
        eurobats_officer=403,
    ),
)
def test_correcting_a_validated_entry(client_as, request, ledger, persona, expected):
    url = f"/contributions/{ledger.published.pk}/correct/"
    get_expected = 200 if _done(persona, expected) else expected
    assert _get(client_as, request, persona, url).status_code == get_expected
    data = {**GOOD_ENTRY, "contributor": "organisation:birdlife", "days": "25"}
    assert _post(client_as, request, persona, url, data).status_code == expected
    corrected = Contribution.objects.filter(corrects=ledger.published)
    assert corrected.exists() == _done(persona, expected)
    ledger.published.refresh_from_db()
    assert ledger.published.days == 20  # the original stays as it was validated


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=404,
        nfp_germany=404,
        birdlife_fp=403,
        secretariat=302,
        eurobats_officer=404,
    ),
)
def test_validating_is_for_the_cms_secretariat(client_as, request, ledger, persona, expected):
    url = f"/contributions/{ledger.pending.pk}/validate/"
    assert _post(client_as, request, persona, url).status_code == expected
    ledger.pending.refresh_from_db()
    assert ledger.pending.is_validated == _done(persona, expected)


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=405,
        nfp_germany=405,
        birdlife_fp=405,
        secretariat=405,
        eurobats_officer=405,
    ),
)
def test_validating_takes_a_post(client_as, request, ledger, persona, expected):
    url = f"/contributions/{ledger.pending.pk}/validate/"
    assert _get(client_as, request, persona, url).status_code == expected


# -- valuation rules and assessed contributions ---------------------------------------------------


@pytest.mark.parametrize(("persona", "expected"), cms_secretariat_only(anonymous=LOGIN))
def test_the_form_to_add_a_rule(client_as, request, ledger, persona, expected):
    assert _get(client_as, request, persona, "/contributions/rules/add/").status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"), cms_secretariat_only(anonymous=LOGIN, allowed=302)
)
def test_adding_a_rule(client_as, request, ledger, persona, expected):
    data = {
        "kind": "hosting",
        "unit": "day",
        "value": "500",
        "currency": "USD",
        "valid_from": "2020-01-01",
        "source": "TEST VALUE",
    }
    response = _post(client_as, request, persona, "/contributions/rules/add/", data)
    assert response.status_code == expected
    assert ValuationRule.objects.filter(kind="hosting").exists() == _done(persona, expected)


@pytest.mark.parametrize(
    ("persona", "expected"),
    matrix(
        anonymous=LOGIN,
        nfp_kenya=200,
        nfp_germany=200,
        birdlife_fp=200,
        secretariat=200,
        eurobats_officer=200,
    ),
)
def test_the_assessed_contributions_page(client_as, request, ledger, persona, expected):
    response = _get(client_as, request, persona, "/contributions/assessed/")
    assert response.status_code == expected
    if expected == 200:
        shown = {row.record.party.code for row in response.context["table"].page.object_list}
        assert shown == {
            "nfp_kenya": {"KE"},
            "nfp_germany": {"DE"},
            "secretariat": {"KE", "DE"},
        }.get(persona, set())
        csv = _get(client_as, request, persona, "/contributions/assessed/?export=csv")
        assert csv.status_code == 200


@pytest.mark.parametrize(
    "url", ["/contributions/assessed/set/", "/contributions/assessed/{pk}/payments/add/"]
)
@pytest.mark.parametrize(("persona", "expected"), cms_secretariat_only(anonymous=LOGIN))
def test_the_assessed_forms_are_for_the_cms_secretariat(
    client_as, request, ledger, url, persona, expected
):
    url = url.format(pk=ledger.assessed_kenya.pk)
    assert _get(client_as, request, persona, url).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"), cms_secretariat_only(anonymous=LOGIN, allowed=302)
)
def test_setting_an_assessed_contribution(client_as, request, ledger, persona, expected):
    data = {
        "party": "KE",
        "instrument": "cms",
        "year": "2025",
        "amount": "5200",
        "currency": "EUR",
    }
    response = _post(client_as, request, persona, "/contributions/assessed/set/", data)
    assert response.status_code == expected
    assert AssessedContribution.objects.filter(year=2025).exists() == _done(persona, expected)


@pytest.mark.parametrize(
    ("persona", "expected"), cms_secretariat_only(anonymous=LOGIN, allowed=302)
)
def test_recording_a_payment(client_as, request, ledger, persona, expected):
    url = f"/contributions/assessed/{ledger.assessed_kenya.pk}/payments/add/"
    data = {"date": "2024-05-02", "amount": "2000", "reference": "KE-2024"}
    assert _post(client_as, request, persona, url, data).status_code == expected
    assert Payment.objects.filter(reference="KE-2024").exists() == _done(persona, expected)


def test_nothing_is_logged_without_a_valuation_rule_in_force(client_as, birdlife_fp):
    """No `ledger` fixture here: no rule is in force, so staff time cannot be valued."""
    data = {**GOOD_ENTRY, "contributor": "organisation:birdlife", "start": "2024-01-01"}
    response = client_as(birdlife_fp).post("/contributions/add/", data)
    assert response.status_code == 400
    assert "No valuation rule for Staff time" in str(response.context["form"].errors["start"])
    assert not Contribution.objects.exists()
