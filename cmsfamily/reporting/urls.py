from django.urls import path

from cmsfamily.reporting import views, views_workbook

app_name = "reporting"

urlpatterns = [
    path("", views.index, name="index"),
    path("templates/", views.template_list, name="template-list"),
    path("timeliness/", views.timeliness_overview, name="timeliness"),
    path("questions/<str:code>/edit/", views.question_edit, name="question-edit"),
    path("templates/add/", views.template_create, name="template-add"),
    path(
        "templates/<slug:slug>/v<int:number>/sections/<int:section_id>/edit/",
        views.section_edit_texts,
        name="section-edit",
    ),
    path("templates/import/", views.template_import, name="template-import"),
    path("templates/<slug:slug>/versions/new/", views.version_new, name="version-new"),
    path(
        "templates/<slug:slug>/v<int:number>/sections/add/",
        views.section_add,
        name="section-add",
    ),
    path(
        "templates/<slug:slug>/v<int:number>/sections/<int:section_id>/questions/add/",
        views.item_add,
        name="item-add",
    ),
    path(
        "templates/<slug:slug>/v<int:number>/structure/",
        views.structure_change,
        name="structure-change",
    ),
    path("templates/<slug:slug>/v<int:number>/cycles/add/", views.cycle_create, name="cycle-add"),
    path("templates/<slug:slug>/", views.template_detail, name="template"),
    path(
        "templates/<slug:slug>/v<int:number>.json",
        views.template_export,
        name="version-export",
    ),
    path(
        "templates/<slug:slug>/v<int:number>.xlsx",
        views_workbook.template_workbook,
        name="template-workbook",
    ),
    path("templates/<slug:slug>/v<int:number>/", views.template_version, name="version"),
    path("cycles/<slug:slug>/", views.cycle_detail, name="cycle"),
    path("cycles/<slug:slug>/status/", views.cycle_status, name="cycle-status"),
    path("cycles/<slug:slug>/export.<str:fmt>", views.cycle_export, name="cycle-export"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("submissions/<int:pk>/sections/<int:section_id>/", views.section_edit, name="section"),
    path(
        "submissions/<int:pk>/sections/<int:section_id>/items/",
        views.loop_entry_add,
        name="loop-entry-add",
    ),
    path(
        "submissions/<int:pk>/sections/<int:section_id>/items/<str:key>/remove/",
        views.loop_entry_remove,
        name="loop-entry-remove",
    ),
    path("submissions/<int:pk>/return/", views.submission_return, name="return"),
    path("submissions/<int:pk>/assign/", views.assign, name="assign"),
    path(
        "submissions/<int:pk>/assign/<int:assignment_id>/remove/",
        views.unassign,
        name="unassign",
    ),
    path("submissions/<int:pk>/diff/", views.version_diff, name="diff"),
    path("submissions/<int:pk>/since-previous/", views.since_previous, name="since-previous"),
    path(
        "submissions/<int:pk>/sections/<int:section_id>/confirm/",
        views.confirm_carried,
        name="confirm-carried",
    ),
    path("submissions/<int:pk>/workbook.xlsx", views_workbook.download, name="workbook"),
    path("submissions/<int:pk>/workbook/", views_workbook.upload, name="workbook-upload"),
    path(
        "submissions/<int:pk>/workbook/confirm/",
        views_workbook.confirm,
        name="workbook-confirm",
    ),
    path("submissions/<int:pk>/files/<str:code>/", views.answer_file, name="answer-file"),
    path(
        "submissions/<int:pk>/versions/<int:number>/", views.version_detail, name="version-detail"
    ),
    path(
        "submissions/<int:pk>/versions/<int:number>/print/",
        views.version_print,
        name="version-print",
    ),
    path(
        "submissions/<int:pk>/versions/<int:number>.pdf",
        views.version_pdf,
        name="version-pdf",
    ),
    path(
        "submissions/<int:pk>/versions/<int:number>.json",
        views.version_json,
        name="version-json",
    ),
    path(
        "submissions/<int:pk>/versions/<int:number>.xlsx",
        views_workbook.version_workbook,
        name="version-xlsx",
    ),
    path(
        "submissions/<int:pk>/versions/<int:number>/comments/",
        views.comment_add,
        name="comment-add",
    ),
    path("submissions/<int:pk>/<slug:action>/", views.submission_action, name="submission-action"),
]
