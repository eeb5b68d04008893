"""The dated exchange-rate table: who keeps it, how it converts, and what it refuses."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from cmsfamily.core.models import ExchangeRate
from cmsfamily.core.selectors import Converter, MissingRate
from cmsfamily.core.services import set_exchange_rate
from cmsfamily.core.testing import LOGIN, client_for, cms_secretariat_only, everyone

pytestmark = pytest.mark.django_db


def _rate(currency, quote, rate, on, by=None):
    with transaction.atomic():
        return set_exchange_rate(
            currency=currency,
            quote=quote,
            rate=Decimal(rate),
            valid_from=on,
            source="UN operational rates (test)",
            by=by,
        )


def test_the_rate_in_force_is_the_latest_on_or_before_the_date():
    _rate("EUR", "USD", "1.20", date(2020, 1, 1))
    _rate("EUR", "USD", "1.05", date(2022, 7, 1))
    assert Converter("USD", date(2021, 6, 30)).convert(Decimal(100), "EUR").value == Decimal("120")
    assert Converter("USD", date(2022, 7, 1)).convert(Decimal(100), "EUR").value == Decimal("105")
    with pytest.raises(MissingRate) as missing:
        Converter("USD", date(2019, 12, 31)).convert(Decimal(100), "EUR")
    assert "No exchange rate from EUR to USD on or before 2019-12-31" in missing.value.message


def test_a_rate_converts_both_ways_and_through_the_dollar():
    _rate("USD", "EUR", "0.80", date(2020, 1, 1))
    _rate("USD", "CHF", "0.90", date(2020, 1, 1))
    on = date(2021, 1, 1)
    assert Converter("USD", on).convert(Decimal(80), "EUR").value == Decimal("100.00")
    conversion = Converter("CHF", on).convert(Decimal(80), "EUR")
    assert conversion.value == Decimal("90.00") and len(conversion.rates) == 2
    assert Converter("EUR", on).convert(Decimal(5), "EUR").rates == ()


def test_the_rates_are_read_in_one_query(django_assert_num_queries):
    _rate("EUR", "USD", "1.1", date(2020, 1, 1))
    converter = Converter("USD", date(2024, 1, 1))
    with django_assert_num_queries(1):
        for _ in range(50):
            converter.convert(Decimal(1), "EUR")


def test_a_second_rate_the_same_day_corrects_the_first_and_keeps_its_history(secretariat):
    first = _rate("EUR", "USD", "1.1", date(2024, 1, 1), by=secretariat)
    second = _rate("EUR", "USD", "1.2", date(2024, 1, 1), by=secretariat)
    assert first.pk == second.pk and ExchangeRate.objects.count() == 1
    assert [h.rate for h in second.history.order_by("history_id")] == [
        Decimal("1.1"),
        Decimal("1.2"),
    ]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"currency": "EUX"}, "currency"),
        ({"quote": "DOLLARS"}, "quote"),
        ({"rate": Decimal("-1")}, "rate"),
        ({"rate": Decimal("0")}, "rate"),
        ({"quote": "EUR"}, "quote"),
    ],
)
def test_bad_rates_are_refused_at_their_field(values, field):
    good = {
        "currency": "EUR",
        "quote": "USD",
        "rate": Decimal("1.1"),
        "valid_from": date(2024, 1, 1),
        "source": "test",
    }
    with pytest.raises(ValidationError) as error, transaction.atomic():
        set_exchange_rate(**{**good, **values}, by=None)
    assert field in error.value.message_dict
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize(("persona", "expected"), everyone(200))
def test_everyone_reads_the_rates(client_as, request, persona, expected):
    _rate("EUR", "USD", "1.1", date(2024, 1, 1))
    client = client_for(client_as, request, persona)
    assert client.get("/exchange-rates/").status_code == expected
    assert client.get("/exchange-rates/?export=xlsx").status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"), cms_secretariat_only(anonymous=LOGIN, allowed=302)
)
def test_only_the_cms_secretariat_adds_a_rate(client_as, request, persona, expected):
    client = client_for(client_as, request, persona)
    data = {
        "currency": "eur",
        "quote": "USD",
        "rate": "1.0823",
        "valid_from": "2026-11-01",
        "source": "UN operational rates of exchange, November 2026",
    }
    assert client.post("/exchange-rates/add/", data).status_code == expected
    assert ExchangeRate.objects.filter(currency="EUR").exists() == (persona == "secretariat")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"rate": "abc"}, "rate"),
        ({"rate": "-2"}, "rate"),
        ({"currency": "XYZ"}, "currency"),
        ({"valid_from": "2026-02-30"}, "valid_from"),
        ({"quote": "EUR"}, "quote"),
        ({"source": ""}, "source"),
    ],
)
def test_the_form_shows_bad_input_at_its_field(client, secretariat, data, field):
    client.force_login(secretariat)
    good = {"currency": "EUR", "quote": "USD", "rate": "1.1", "valid_from": "2026-11-01"}
    response = client.post("/exchange-rates/add/", {**good, "source": "test", **data})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ExchangeRate.objects.exists()


def test_the_empty_table_says_what_it_means(client):
    html = client.get("/exchange-rates/").content.decode()
    assert "No exchange rate has been entered yet" in html


@pytest.mark.parametrize(("persona", "expected"), everyone(200))
def test_everyone_reads_the_rates_through_the_api(client_as, request, persona, expected):
    _rate("EUR", "USD", "1.1", date(2024, 1, 1))
    response = client_for(client_as, request, persona).get("/api/exchange-rates/?currency=EUR")
    assert response.status_code == expected
    assert response.json()["results"][0]["rate"] == "1.10000000"


@pytest.mark.parametrize(("persona", "expected"), cms_secretariat_only(anonymous=403, allowed=201))
def test_only_the_cms_secretariat_adds_a_rate_through_the_api(
    client_as, request, persona, expected
):
    data = {
        "currency": "EUR",
        "quote": "USD",
        "rate": "1.0823",
        "valid_from": "2026-11-01",
        "source": "UN",
    }
    response = client_for(client_as, request, persona).post(
        "/api/exchange-rates/", data, content_type="application/json"
    )
    assert response.status_code == expected
    assert ExchangeRate.objects.exists() == (expected == 201)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"rate": "-1"}, "rate"),
        ({"rate": "many"}, "rate"),
        ({"currency": "ZZZ"}, "currency"),
        ({"quote": "EUR"}, "quote"),
        ({"valid_from": "2026-13-01"}, "valid_from"),
    ],
)
def test_the_api_refuses_bad_rates_at_their_field(client, secretariat, data, field):
    client.force_login(secretariat)
    good = {
        "currency": "EUR",
        "quote": "USD",
        "rate": "1.1",
        "valid_from": "2026-11-01",
        "source": "UN",
    }
    response = client.post(
        "/api/exchange-rates/", {**good, **data}, content_type="application/json"
    )
    assert response.status_code == 400 and field in response.json()
    assert not ExchangeRate.objects.exists()


def test_the_rate_list_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for day in range(1, 29):
        _rate("EUR", "USD", "1.1", date(2024, 2, day))
    with django_assert_max_num_queries(4):
        assert client.get("/api/exchange-rates/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get("/exchange-rates/").status_code == 200


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [("en", "1.0823", "1.0823"), ("fr", "1,0823", "1.0823"), ("es", "1.234,5", "1234.5")],
)
def test_a_rate_is_read_in_the_language_of_the_page(client, secretariat, language, typed, expected):
    client.force_login(secretariat)
    data = {"currency": "EUR", "quote": "USD", "valid_from": "2026-11-01", "source": "test"}
    response = client.post(
        "/exchange-rates/add/", {**data, "rate": typed}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 302
    assert ExchangeRate.objects.get().rate == Decimal(expected)
