from modeltranslation.translator import TranslationOptions, register

from cmsfamily.workplans.models import Activity, ProgressUpdate, ResourceLine, WorkProgramme


@register(WorkProgramme)
class WorkProgrammeTranslation(TranslationOptions):
    fields = ("title",)


@register(Activity)
class ActivityTranslation(TranslationOptions):
    fields = ("title", "description")


@register(ProgressUpdate)
class ProgressUpdateTranslation(TranslationOptions):
    fields = ("text",)


@register(ResourceLine)
class ResourceLineTranslation(TranslationOptions):
    fields = ("description",)
