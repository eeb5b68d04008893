from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cmsfamily.meetings.models import AgendaItem, Document, Invitation, Meeting


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ("code", "title", "kind", "start", "end", "format")
    list_filter = ("kind", "format")


admin.site.register(AgendaItem, SimpleHistoryAdmin)
admin.site.register(Document, SimpleHistoryAdmin)


@admin.register(Invitation)
class InvitationAdmin(SimpleHistoryAdmin):
    list_display = ("meeting", "kind", "party", "organisation", "deadline", "reply", "late")
    list_filter = ("kind", "reply", "late")
