import csv
import json

import pytest
from django.utils import translation

from cmsfamily.directory.models import Instrument, Membership, Organisation, Party, Region
from cmsfamily.directory.reference import REFERENCE_DIR, load_reference_data

pytestmark = pytest.mark.django_db


def test_every_party_of_the_reference_file_is_loaded():
    with (REFERENCE_DIR / "cms_parties.csv").open(encoding="utf-8") as handle:
        codes = {row["iso2"] for row in csv.DictReader(handle)}
    assert len(codes) == 131
    assert set(Party.objects.values_list("code", flat=True)) == codes


def test_instruments_partners_and_regions():
    assert Instrument.objects.count() == 29
    assert Instrument.objects.get(code="cms").kind == "convention"
    assert Organisation.objects.filter(kind="partner_ngo").count() == 19
    assert set(Region.objects.values_list("code", flat=True)) >= {
        "africa",
        "asia",
        "europe",
        "oceania",
    }
    assert Region.objects.get(code="north-america").parties.count() == 0


def test_gaps_stay_gaps():
    bahrain = Party.objects.get(code="BH")
    assert bahrain.party_number == 133
    assert bahrain.entry_into_force is None
    assert "not stated" in bahrain.note
    kenya = Party.objects.get(code="KE")
    assert kenya.party_number is None
    eu = Party.objects.get(code="EU")
    assert eu.iso3 == "" and not eu.is_state


def test_country_names_in_french_and_spanish_come_from_cldr():
    germany = Party.objects.get(code="DE")
    assert (germany.name_en, germany.name_fr, germany.name_es) == (
        "Germany",
        "Allemagne",
        "Alemania",
    )
    with translation.override("fr"):
        assert Party.objects.get(code="DE").name == "Allemagne"
    assert Party.objects.get(code="EU").name_fr == "Union européenne"


def test_every_party_is_a_member_of_the_convention_from_its_entry_into_force():
    memberships = Membership.objects.filter(instrument__code="cms")
    assert memberships.count() == 131
    germany = memberships.get(party__code="DE")
    assert germany.start == germany.party.entry_into_force


def test_complete_agreement_lists_are_loaded_with_their_source():
    members = json.loads((REFERENCE_DIR / "agreement_members.json").read_text())
    ascobans = Membership.objects.filter(instrument__code="ascobans")
    assert ascobans.count() == len(members["agreements"]["ASCOBANS"]["parties_as_given"]) == 10
    assert all(m.source.startswith("http") for m in ascobans)
    assert Membership.objects.filter(instrument__code="acap").count() == 13
    assert Membership.objects.filter(instrument__code="gorilla", party__code="CD").exists()
    # EUROBATS: no list in the sources, so no members are invented.
    assert not Membership.objects.filter(instrument__code="eurobats").exists()


def test_running_the_loader_twice_changes_nothing():
    history_before = Party.history.count() + Membership.history.count() + Instrument.history.count()
    modified_before = list(Party.objects.order_by("code").values_list("modified", flat=True))
    report = load_reference_data()
    assert not report.changed
    assert (
        Party.history.count() + Membership.history.count() + Instrument.history.count()
        == history_before
    )
    assert (
        list(Party.objects.order_by("code").values_list("modified", flat=True)) == modified_before
    )


def test_the_loader_repairs_a_changed_value_and_records_it():
    Party.objects.filter(code="KE").update(name_en="Kenia?")
    report = load_reference_data()
    assert report.updated == {"Parties": 1}
    kenya = Party.objects.get(code="KE")
    assert kenya.name_en == "Kenya"
    assert kenya.history.first().name_en == "Kenya"
