from modeltranslation.translator import TranslationOptions, register

from cmsfamily.species.models import Taxon


@register(Taxon)
class TaxonTranslation(TranslationOptions):
    fields = ("common_name",)
