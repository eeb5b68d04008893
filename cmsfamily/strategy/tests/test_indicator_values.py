"""Indicator values entered by the CMS Secretariat: the unit's range, the scope, corrections kept
in history, double submits, and who may write them."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from cmsfamily.core.models import Event
from cmsfamily.core.testing import client_for, cms_secretariat_only
from cmsfamily.directory.models import Party, Region
from cmsfamily.strategy import services
from cmsfamily.strategy.choices import Measure, Scope
from cmsfamily.strategy.models import IndicatorValue, Target

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(secretariat):
    target = Target.objects.get(plan__code="spms-2015-2023", number=1)
    return services.create_indicator(
        target=target,
        by=secretariat,
        code="1.1",
        name_en="Parties with awareness campaigns (synthetic test indicator)",
        measure=Measure.PERCENT,
    )


def _set(indicator, by, **values):
    return services.set_indicator_value(
        indicator=indicator, by=by, **{"year": 2020, "scope": Scope.FAMILY, **values}
    )


def test_the_secretariat_enters_and_corrects_a_value_kept_in_history(indicator, secretariat):
    first = _set(indicator, secretariat, value=Decimal("40"))
    again = _set(indicator, secretariat, value=Decimal("40"))  # a double submit
    assert again.pk == first.pk and first.history.count() == 1
    corrected = _set(indicator, secretariat, value=Decimal("45.5"), note="Revised")
    assert corrected.pk == first.pk and corrected.value == Decimal("45.5")
    assert [h.value for h in corrected.history.order_by("history_date")] == [
        Decimal("40"),
        Decimal("45.5"),
    ]
    kinds = list(
        Event.objects.filter(kind__startswith="indicator_value").values_list("kind", flat=True)
    )
    assert sorted(kinds) == ["indicator_value.corrected", "indicator_value.set"]
    services.clear_indicator_value(record=corrected, by=secretariat)
    assert not IndicatorValue.objects.exists()


def test_one_value_per_year_and_scope(indicator, secretariat):
    kenya = Party.objects.get(code="KE")
    africa = kenya.region
    _set(indicator, secretariat, value=Decimal(1))
    _set(indicator, secretariat, value=Decimal(2), scope=Scope.PARTY, party=kenya)
    _set(indicator, secretariat, value=Decimal(3), scope=Scope.REGION, region=africa)
    _set(indicator, secretariat, value=Decimal(4), scope=Scope.PARTY, party=kenya, region=africa)
    assert IndicatorValue.objects.count() == 3
    assert IndicatorValue.objects.get(party=kenya).value == 4
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(
            indicator=indicator, year=2020, scope=Scope.FAMILY, value=Decimal(9)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(
            indicator=indicator, year=2021, scope=Scope.FAMILY, party=kenya, value=Decimal(9)
        )


@pytest.mark.parametrize(
    ("measure", "value", "message"),
    [
        (Measure.PERCENT, "100.5", "A percentage lies between 0 and 100."),
        (Measure.PERCENT, "-1", "A percentage lies between 0 and 100."),
        (Measure.COUNT, "-3", "A count is a whole number, 0 or more."),
        (Measure.COUNT, "2.5", "A count is a whole number, 0 or more."),
        (Measure.NUMBER, "1e15", "Give at most 14 digits before the decimal point and 6 after."),
        (
            Measure.NUMBER,
            "0.0000001",
            "Give at most 14 digits before the decimal point and 6 after.",
        ),
    ],
)
def test_a_value_out_of_its_units_range_is_refused(indicator, secretariat, measure, value, message):
    services.update_indicator(indicator=indicator, by=secretariat, measure=measure)
    with pytest.raises(ValidationError) as refused:
        _set(indicator, secretariat, value=Decimal(value))
    assert refused.value.message_dict == {"value": [message]}
    assert not IndicatorValue.objects.exists()


def test_a_count_and_any_number_in_range_are_kept(indicator, secretariat):
    services.update_indicator(indicator=indicator, by=secretariat, measure=Measure.COUNT)
    assert _set(indicator, secretariat, value=Decimal("12")).value == 12
    services.update_indicator(indicator=indicator, by=secretariat, measure=Measure.NUMBER)
    assert _set(indicator, secretariat, value=Decimal("-12.25"), year=2021).value == Decimal(
        "-12.25"
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"year": 1800}, "year"),
        ({"year": 3000}, "year"),
        ({"scope": "planet"}, "scope"),
        ({"scope": Scope.PARTY}, "party"),
        ({"scope": Scope.REGION}, "region"),
        ({"value": None}, "value"),
    ],
)
def test_bad_input_names_its_field(indicator, secretariat, values, field):
    with pytest.raises(ValidationError) as refused:
        _set(indicator, secretariat, **{"value": Decimal(1), **values})
    assert list(refused.value.message_dict) == [field]


@pytest.mark.parametrize("persona", ["nfp_kenya", "eurobats_officer", "birdlife_fp"])
def test_only_the_cms_secretariat_enters_values(indicator, request, persona):
    with pytest.raises(PermissionDenied):
        _set(indicator, request.getfixturevalue(persona), value=Decimal(1))
    assert not Region.objects.filter(indicator_values__isnull=False).exists()


# --- the API -------------------------------------------------------------------------------------

API = "/api/indicator-values/"


@pytest.mark.parametrize(
    ("persona", "expected"),
    cms_secretariat_only(anonymous=403, allowed=201),
)
def test_only_the_cms_secretariat_posts_values_in_the_api(
    client_as, request, persona, expected, indicator
):
    client = client_for(client_as, request, persona)
    body = {"indicator": indicator.pk, "year": 2021, "scope": "party", "party": "KE", "value": 55}
    response = client.post(API, body, content_type="application/json")
    assert response.status_code == expected
    assert IndicatorValue.objects.exists() == (expected == 201)
    if expected == 201:
        assert response.json()["party"] == "KE" and response.json()["value"] == "55.000000"


@pytest.mark.parametrize("persona", ["anonymous", "nfp_kenya", "secretariat"])
def test_everyone_reads_values_in_a_bounded_number_of_queries(
    client_as, request, persona, indicator, secretariat, django_assert_max_num_queries
):
    for year in range(2000, 2012):
        _set(indicator, secretariat, value=Decimal(year - 1990), year=year)
        _set(
            indicator,
            secretariat,
            value=Decimal(1),
            year=year,
            scope=Scope.PARTY,
            party=Party.objects.get(code="KE"),
        )
    client = client_for(client_as, request, persona)
    with django_assert_max_num_queries(8):
        response = client.get(f"{API}?indicator={indicator.pk}")
    assert response.status_code == 200
    assert response.json()["count"] == 24
    assert {row["party"] for row in response.json()["results"]} == {None, "KE"}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"value": 101}, "value"),
        ({"value": -1}, "value"),
        ({"value": "1,234"}, "value"),
        ({"value": "many"}, "value"),
        ({"year": 1800}, "year"),
        ({"indicator": 999999}, "indicator"),
        ({"scope": "party", "party": "XX"}, "party"),
        ({"scope": "party"}, "party"),
        ({"scope": "region", "region": "atlantis"}, "region"),
        ({"scope": "world"}, "scope"),
    ],
)
def test_bad_value_posts_are_400_naming_the_field(client, secretariat, indicator, payload, field):
    client.force_login(secretariat)
    body = {"indicator": indicator.pk, "year": 2021, "scope": "family", "value": 50, **payload}
    response = client.post(API, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not IndicatorValue.objects.exists()


def test_the_secretariat_removes_a_value_in_the_api(client, secretariat, nfp_kenya, indicator):
    record = _set(indicator, secretariat, value=Decimal(3))
    client.force_login(nfp_kenya)
    assert client.delete(f"{API}{record.pk}/").status_code == 403
    client.force_login(secretariat)
    assert client.delete(f"{API}{record.pk}/").status_code == 204
    assert not IndicatorValue.objects.exists()
    assert client.get(f"{API}{record.pk}/").status_code == 404
