from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cmsfamily.reporting.models import (
    Cycle,
    Item,
    Option,
    Question,
    Section,
    Submission,
    SubmissionVersion,
    Template,
    TemplateVersion,
)


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "kind", "is_draft_text")
    list_filter = ("kind", "is_draft_text")
    search_fields = ("code", "text")
    inlines = [OptionInline]


@admin.register(Template)
class TemplateAdmin(SimpleHistoryAdmin):
    list_display = ("slug", "instrument", "reporter_kind")
    list_filter = ("reporter_kind",)


@admin.register(Cycle)
class CycleAdmin(SimpleHistoryAdmin):
    list_display = ("slug", "version", "deadline", "status")
    list_filter = ("status",)


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("cycle", "party", "organisation", "status")
    list_filter = ("status", "cycle")


@admin.register(SubmissionVersion)
class SubmissionVersionAdmin(admin.ModelAdmin):
    """Read only: a submitted version is never changed."""

    list_display = ("submission", "number", "submitted_at", "content_hash")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(TemplateVersion)
admin.site.register(Section)
admin.site.register(Item)
