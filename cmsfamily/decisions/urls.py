from django.urls import path

from cmsfamily.decisions.views import register as views

app_name = "decisions"

urlpatterns = [
    path("", views.decision_list, name="decision-list"),
    path("implementation/", views.my_implementation, name="my-implementation"),
    path(
        "paragraphs/<int:pk>/implementation/<str:implementer>/",
        views.implementation_edit,
        name="implementation-edit",
    ),
    path("<slug:slug>/", views.decision_detail, name="decision-detail"),
    path("<slug:slug>/status/", views.decision_status, name="decision-status"),
]
