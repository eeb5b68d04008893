from django.urls import path

from cmsfamily.analytics import duties_views, gap_views, indicators_views, target_views, views

app_name = "analytics"

urlpatterns = [
    path("", views.analysis, name="analysis"),
    path("answers/", views.answers, name="answers"),
    path("duties/", duties_views.duties, name="duties"),
    path("duties/<str:code>/", duties_views.party_duties, name="duties-party"),
    path("targets/", target_views.index, name="targets"),
    path("targets/<int:number>/", target_views.target, name="target"),
    path(
        "targets/aichi/<int:number>/",
        target_views.global_target,
        {"kind": "aichi"},
        name="target-aichi",
    ),
    path(
        "targets/gbf/<int:number>/", target_views.global_target, {"kind": "gbf"}, name="target-gbf"
    ),
    path("gaps/", gap_views.gaps, name="gaps"),
    path("gaps/cell/", gap_views.gap_cell, name="gap-cell"),
    path("indicators/", indicators_views.indicators, name="indicators"),
    path("indicators/<str:key>/", indicators_views.indicator, name="indicator"),
]
