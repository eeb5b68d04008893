from modeltranslation.translator import TranslationOptions, register

from cmsfamily.reporting.models import Cycle, Option, Question, Section, Template, ValidationRule


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text", "help_text", "unit", "pattern_message")


@register(Option)
class OptionTranslation(TranslationOptions):
    fields = ("label",)


@register(Template)
class TemplateTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Section)
class SectionTranslation(TranslationOptions):
    fields = ("title", "intro")


@register(ValidationRule)
class ValidationRuleTranslation(TranslationOptions):
    fields = ("message",)


@register(Cycle)
class CycleTranslation(TranslationOptions):
    fields = ("title",)
