from django.urls import path

from cmsfamily.workplans import views

app_name = "workplans"

urlpatterns = [
    path("", views.programme_list, name="programme-list"),
    path("add/", views.programme_add, name="programme-add"),
    path("<slug:code>/", views.programme_detail, name="programme-detail"),
    path("<slug:code>/edit/", views.programme_edit, name="programme-edit"),
    path("<slug:code>/activities/add/", views.activity_add, name="activity-add"),
    path("<slug:code>/activities/<str:number>/", views.activity_detail, name="activity-detail"),
    path(
        "<slug:code>/activities/<str:number>/edit/",
        views.activity_edit,
        name="activity-edit",
    ),
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
    path("<slug:code>/report/", views.progress_report, name="progress-report"),
    path("<slug:code>/report.pdf", views.progress_report_pdf, name="progress-report-pdf"),
    path("<slug:code>/report.docx", views.progress_report_docx, name="progress-report-docx"),
    path("<slug:code>/export.xlsx", views.programme_xlsx, name="programme-xlsx"),
    path("<slug:code>/timeline/", views.programme_timeline, name="programme-timeline"),
]
