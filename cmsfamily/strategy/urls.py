from django.urls import path

from cmsfamily.strategy import views

app_name = "strategy"

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("add/", views.plan_add, name="plan-add"),
    path("<slug:code>/", views.plan_detail, name="plan-detail"),
    path("<slug:code>/edit/", views.plan_edit, name="plan-edit"),
    path("<slug:code>/history/", views.plan_history, name="plan-history"),
    path("<slug:code>/matrix/", views.matrix, name="matrix"),
    path("<slug:code>/goals/add/", views.goal_edit, name="goal-add"),
    path("<slug:code>/goals/<int:number>/edit/", views.goal_edit, name="goal-edit"),
    path("<slug:code>/targets/add/", views.target_add, name="target-add"),
    path("<slug:code>/targets/<int:number>/", views.target_detail, name="target-detail"),
    path("<slug:code>/targets/<int:number>/edit/", views.target_edit, name="target-edit"),
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
