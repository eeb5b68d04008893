from django.urls import path

from cmsfamily.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.analysis, name="analysis"),
    path("answers/", views.answers, name="answers"),
]
