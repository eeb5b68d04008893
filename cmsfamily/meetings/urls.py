from django.urls import path

from cmsfamily.meetings import delegation_views as delegations
from cmsfamily.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("add/", views.meeting_add, name="add"),
    path("<slug:code>/", views.meeting_detail, name="detail"),
    path("<slug:code>/edit/", views.meeting_edit, name="edit"),
    path("<slug:code>/calendar.ics", views.meeting_ics, name="ics"),
    path("<slug:code>/agenda/add/", views.agenda_item_add, name="agenda-add"),
    path("<slug:code>/documents/add/", views.document_add, name="document-add"),
    path(
        "<slug:code>/documents/<int:pk>/files/add/",
        views.document_file_add,
        name="document-file-add",
    ),
    path("<slug:code>/files/<int:pk>/", views.document_file, name="document-file"),
    path("<slug:code>/invite/", views.invite, name="invite"),
    path("<slug:code>/invitations/", views.invitation_list, name="invitations"),
    path("<slug:code>/invitations/<int:pk>/", views.invitation_detail, name="invitation"),
    path(
        "<slug:code>/invitations/<int:pk>/delegates/add/",
        delegations.delegate_add,
        name="delegate-add",
    ),
    path(
        "<slug:code>/invitations/<int:pk>/delegates/<int:delegate_pk>/funding/",
        delegations.funding_request,
        name="funding-request",
    ),
    path(
        "<slug:code>/invitations/<int:pk>/delegates/<int:delegate_pk>/decide/",
        delegations.funding_decide,
        name="funding-decide",
    ),
    path(
        "<slug:code>/invitations/<int:pk>/eligibility/",
        delegations.funding_eligibility,
        name="funding-eligibility",
    ),
    path(
        "<slug:code>/invitations/<int:pk>/credentials/",
        delegations.credentials_add,
        name="credentials-add",
    ),
    path(
        "<slug:code>/credentials/<int:pk>/letter/",
        delegations.credentials_letter,
        name="credentials-letter",
    ),
    path(
        "<slug:code>/credentials/<int:pk>/examine/",
        delegations.credentials_examine,
        name="credentials-examine",
    ),
    path("<slug:code>/credentials/", delegations.credentials_report, name="credentials-report"),
]
