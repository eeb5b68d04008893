from django.urls import path

from cmsfamily.analytics import gap_views, views

app_name = "analytics"

urlpatterns = [
    path("", views.analysis, name="analysis"),
    path("answers/", views.answers, name="answers"),
    path("gaps/", gap_views.gaps, name="gaps"),
    path("gaps/cell/", gap_views.gap_cell, name="gap-cell"),
]
