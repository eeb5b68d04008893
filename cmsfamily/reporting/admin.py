from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from cmsfamily.reporting.choices import VersionStatus
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


class FrozenReadOnly(admin.ModelAdmin):
    """A frozen version is what a cycle's reports answer and what their submitted versions cite:
    the admin shows it, its sections and items, and changes none of them (a new version does)."""

    # The path from the object to its version's status; from the queryset too, for bulk deletes.
    status_path = ""

    def frozen(self, obj) -> bool:
        for name in self.status_path.split("__"):
            obj = getattr(obj, name)
        return obj == VersionStatus.FROZEN

    def has_change_permission(self, request, obj=None):
        if obj is not None and self.frozen(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.frozen(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        if queryset.filter(**{self.status_path: VersionStatus.FROZEN}).exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)


@admin.register(TemplateVersion)
class TemplateVersionAdmin(FrozenReadOnly):
    list_display = ("template", "number", "status", "frozen_at")
    list_filter = ("status",)
    status_path = "status"


@admin.register(Section)
class SectionAdmin(FrozenReadOnly):
    list_display = ("version", "number", "title", "loop")
    status_path = "version__status"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A section is added to, or moved within, a draft version only.
        if db_field.name == "version":
            kwargs["queryset"] = TemplateVersion.objects.filter(status=VersionStatus.DRAFT)
        elif db_field.name == "parent":
            kwargs["queryset"] = Section.objects.filter(version__status=VersionStatus.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Item)
class ItemAdmin(FrozenReadOnly):
    list_display = ("section", "number", "question", "required")
    status_path = "section__version__status"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            kwargs["queryset"] = Section.objects.filter(version__status=VersionStatus.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
