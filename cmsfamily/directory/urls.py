from django.urls import path

from cmsfamily.directory import views

app_name = "directory"

urlpatterns = [
    path("parties/", views.PartyListView.as_view(), name="party-list"),
    path("parties/<str:code>/", views.party_detail, name="party-detail"),
    path("parties/<str:code>/history/", views.party_history, name="party-history"),
    path("parties/<str:code>/nominate/", views.party_nominate, name="party-nominate"),
    path("instruments/", views.InstrumentListView.as_view(), name="instrument-list"),
    path("instruments/<slug:code>/", views.instrument_detail, name="instrument-detail"),
    path("instruments/<slug:code>/history/", views.instrument_history, name="instrument-history"),
    path("instruments/<slug:code>/members/add/", views.membership_add, name="membership-add"),
    path(
        "instruments/<slug:code>/members/<int:pk>/end/", views.membership_end, name="membership-end"
    ),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path("organisations/add/", views.organisation_edit, name="organisation-add"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="organisation-edit"),
    path(
        "organisations/<slug:slug>/history/",
        views.organisation_history,
        name="organisation-history",
    ),
    path(
        "organisations/<slug:slug>/nominate/",
        views.organisation_nominate,
        name="organisation-nominate",
    ),
    path("organisations/<slug:slug>/expertise/add/", views.expertise_edit, name="expertise-add"),
    path(
        "organisations/<slug:slug>/expertise/<int:pk>/", views.expertise_edit, name="expertise-edit"
    ),
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/history/", views.person_history, name="person-history"),
    path("people/<int:pk>/invite/", views.person_invite, name="person-invite"),
    path(
        "people/<int:pk>/confirm-email/",
        views.person_confirm_email,
        name="person-confirm-email",
    ),
    path(
        "appointments/pending/", views.PendingNominationsView.as_view(), name="appointment-pending"
    ),
    path("appointments/<int:pk>/", views.appointment_detail, name="appointment-detail"),
    path("appointments/<int:pk>/confirm/", views.appointment_confirm, name="appointment-confirm"),
    path("appointments/<int:pk>/end/", views.appointment_end, name="appointment-end"),
    path("appointments/<int:pk>/area/", views.appointment_area, name="appointment-area"),
    path(
        "appointments/<int:pk>/document/", views.appointment_document, name="appointment-document"
    ),
    path("appointments/<int:pk>/history/", views.appointment_history, name="appointment-history"),
    path("circular/", views.CircularView.as_view(), name="circular"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
]
