from modeltranslation.translator import TranslationOptions, register

from cmsfamily.directory.models import Instrument, Organisation, Party, Region


@register(Region)
class RegionTranslation(TranslationOptions):
    fields = ("name",)


@register(Party)
class PartyTranslation(TranslationOptions):
    fields = ("name",)


@register(Instrument)
class InstrumentTranslation(TranslationOptions):
    fields = ("name",)


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name",)
