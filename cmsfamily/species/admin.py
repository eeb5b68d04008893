from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from cmsfamily.species.models import Listing, RangeState, SpeciesImport, Taxon


class ListingInline(admin.TabularInline):
    model = Listing
    extra = 0


class RangeStateInline(admin.TabularInline):
    model = RangeState
    extra = 0
    raw_id_fields = ["party"]


@admin.register(Taxon)
class TaxonAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["scientific_name", "common_name", "group", "rank", "as_of"]
    list_filter = ["group", "rank"]
    search_fields = ["scientific_name", "common_name_en"]
    inlines = [ListingInline, RangeStateInline]


@admin.register(SpeciesImport)
class SpeciesImportAdmin(admin.ModelAdmin):
    list_display = ["created", "file_name", "by"]
    readonly_fields = ["created", "modified", "by", "file_name", "sha256", "summary"]
