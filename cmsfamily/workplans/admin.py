from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cmsfamily.workplans.models import Activity, ProgressUpdate, ResourceLine, WorkProgramme


@admin.register(WorkProgramme)
class WorkProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ("code", "kind", "status", "owner")
    list_filter = ("kind", "status")
    search_fields = ("code", "title")


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ("programme", "number", "title")
    list_filter = ("programme",)
    search_fields = ("number", "title")
    raw_id_fields = ("parent", "lead")


admin.site.register(ProgressUpdate, SimpleHistoryAdmin)
admin.site.register(ResourceLine, SimpleHistoryAdmin)
