from django.urls import path

from cmsfamily.strategy import views

app_name = "strategy"

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("<slug:code>/", views.plan_detail, name="plan-detail"),
    path("<slug:code>/matrix/", views.matrix, name="matrix"),
    path("<slug:code>/targets/<int:number>/", views.target_detail, name="target-detail"),
    path("<slug:code>/targets/<int:number>/history/", views.target_history, name="target-history"),
    path(
        "<slug:code>/targets/<int:number>/indicators/add/",
        views.indicator_edit,
        name="indicator-add",
    ),
    path(
        "<slug:code>/targets/<int:number>/indicators/<int:pk>/edit/",
        views.indicator_edit,
        name="indicator-edit",
    ),
    path("<slug:code>/targets/<int:number>/mappings/add/", views.mapping_add, name="mapping-add"),
    path(
        "<slug:code>/targets/<int:number>/mappings/<str:kind>/<int:pk>/remove/",
        views.mapping_remove,
        name="mapping-remove",
    ),
]
