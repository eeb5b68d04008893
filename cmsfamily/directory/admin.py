from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from cmsfamily.directory.models import (
    Appointment,
    Expertise,
    Instrument,
    Membership,
    Organisation,
    Party,
    Person,
    Region,
)


@admin.register(Region)
class RegionAdmin(TranslationAdmin):
    list_display = ["code", "name", "order"]


@admin.register(Party)
class PartyAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["name", "code", "iso3", "region", "entry_into_force", "party_number"]
    list_filter = ["region"]
    search_fields = ["name", "code", "iso3"]


@admin.register(Instrument)
class InstrumentAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["code", "name", "kind", "in_effect"]
    list_filter = ["kind"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["short_name", "name", "kind", "is_demo"]
    list_filter = ["kind"]
    search_fields = ["short_name", "name"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["party", "instrument", "kind", "start", "end"]
    list_filter = ["instrument"]
    raw_id_fields = ["party"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["family_name", "given_name", "organisation", "email", "is_demo"]
    search_fields = ["family_name", "given_name", "email"]
    raw_id_fields = ["user", "organisation"]


@admin.register(Appointment)
class AppointmentAdmin(SimpleHistoryAdmin):
    """Read-mostly: nominations, confirmations and endings go through the registry pages (services)."""

    list_display = [
        "person",
        "role",
        "party",
        "organisation",
        "instrument",
        "start",
        "end",
        "status",
    ]
    list_filter = ["role", "status"]
    raw_id_fields = ["person", "party", "organisation", "instrument"]
    readonly_fields = ["status", "confirmed_by", "confirmed_at", "nominated_by"]


@admin.register(Expertise)
class ExpertiseAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "topic", "species_group", "region", "availability"]
    list_filter = ["availability", "organisation"]
