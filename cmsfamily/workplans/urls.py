from django.urls import path

from cmsfamily.workplans import views

app_name = "workplans"

urlpatterns = [
    path("", views.programme_list, name="programme-list"),
    path("<slug:code>/", views.programme_detail, name="programme-detail"),
    path("<slug:code>/activities/add/", views.activity_add, name="activity-add"),
    path("<slug:code>/activities/<str:number>/", views.activity_detail, name="activity-detail"),
    path(
        "<slug:code>/activities/<str:number>/progress/",
        views.post_progress,
        name="post-progress",
    ),
    path(
        "<slug:code>/activities/<str:number>/resources/add/",
        views.resource_add,
        name="resource-add",
    ),
]
