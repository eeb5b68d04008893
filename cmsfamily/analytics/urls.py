from django.urls import path

from cmsfamily.analytics import duties_views, indicators_views, views

app_name = "analytics"

urlpatterns = [
    path("", views.analysis, name="analysis"),
    path("answers/", views.answers, name="answers"),
    path("duties/", duties_views.duties, name="duties"),
    path("duties/<str:code>/", duties_views.party_duties, name="duties-party"),
    path("indicators/", indicators_views.indicators, name="indicators"),
    path("indicators/<str:key>/", indicators_views.indicator, name="indicator"),
]
