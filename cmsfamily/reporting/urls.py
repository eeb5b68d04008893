from django.urls import path

from cmsfamily.reporting.views import (
    builder,
    cycles,
    drafting,
    review,
    sections,
    versions,
    workbook,
    xlsform,
)

app_name = "reporting"

urlpatterns = [
    path("", cycles.index, name="index"),
    path("templates/", builder.template_list, name="template-list"),
    path("timeliness/", cycles.timeliness_overview, name="timeliness"),
    path("questions/<str:code>/edit/", builder.question_edit, name="question-edit"),
    path("templates/add/", builder.template_create, name="template-add"),
    path(
        "templates/<slug:slug>/v<int:number>/sections/<int:section_id>/edit/",
        builder.section_edit_texts,
        name="section-edit",
    ),
    path(
        "templates/<slug:slug>/v<int:number>/sections/<int:section_id>/condition/",
        builder.section_condition,
        name="section-condition",
    ),
    path(
        "templates/<slug:slug>/v<int:number>/questions/<int:item_id>/conditions/",
        builder.item_conditions,
        name="item-conditions",
    ),
    path("templates/import/", builder.template_import, name="template-import"),
    path(
        "templates/import/xlsform/",
        xlsform.template_import_xlsform,
        name="template-import-xlsform",
    ),
    path("templates/<slug:slug>/versions/new/", builder.version_new, name="version-new"),
    path(
        "templates/<slug:slug>/v<int:number>/sections/add/",
        builder.section_add,
        name="section-add",
    ),
    path(
        "templates/<slug:slug>/v<int:number>/sections/<int:section_id>/questions/add/",
        builder.item_add,
        name="item-add",
    ),
    path(
        "templates/<slug:slug>/v<int:number>/structure/",
        builder.structure_change,
        name="structure-change",
    ),
    path("templates/<slug:slug>/v<int:number>/cycles/add/", cycles.cycle_create, name="cycle-add"),
    path("templates/<slug:slug>/", builder.template_detail, name="template"),
    path(
        "templates/<slug:slug>/v<int:number>.json",
        builder.template_export,
        name="version-export",
    ),
    path(
        "templates/<slug:slug>/v<int:number>-xlsform.xlsx",
        xlsform.template_xlsform,
        name="version-xlsform",
    ),
    path(
        "templates/<slug:slug>/v<int:number>.xlsx",
        workbook.template_workbook,
        name="template-workbook",
    ),
    path("templates/<slug:slug>/v<int:number>/", builder.template_version, name="version"),
    path("cycles/<slug:slug>/", cycles.cycle_detail, name="cycle"),
    path("cycles/<slug:slug>/status/", cycles.cycle_status, name="cycle-status"),
    path("cycles/<slug:slug>/export.<str:fmt>", cycles.cycle_export, name="cycle-export"),
    path("submissions/<int:pk>/", drafting.submission_detail, name="submission"),
    path("submissions/<int:pk>/sections/<int:section_id>/", sections.section_edit, name="section"),
    path(
        "submissions/<int:pk>/sections/<int:section_id>/items/",
        sections.loop_entry_add,
        name="loop-entry-add",
    ),
    path(
        "submissions/<int:pk>/sections/<int:section_id>/items/<str:key>/remove/",
        sections.loop_entry_remove,
        name="loop-entry-remove",
    ),
    path("submissions/<int:pk>/return/", review.submission_return, name="return"),
    path("submissions/<int:pk>/assign/", drafting.assign, name="assign"),
    path(
        "submissions/<int:pk>/assign/<int:assignment_id>/remove/",
        drafting.unassign,
        name="unassign",
    ),
    path("submissions/<int:pk>/diff/", versions.version_diff, name="diff"),
    path("submissions/<int:pk>/since-previous/", versions.since_previous, name="since-previous"),
    path(
        "submissions/<int:pk>/sections/<int:section_id>/confirm/",
        sections.confirm_carried,
        name="confirm-carried",
    ),
    path("submissions/<int:pk>/workbook.xlsx", workbook.download, name="workbook"),
    path("submissions/<int:pk>/workbook/", workbook.upload, name="workbook-upload"),
    path(
        "submissions/<int:pk>/workbook/confirm/",
        workbook.confirm,
        name="workbook-confirm",
    ),
    path("submissions/<int:pk>/files/<str:code>/", drafting.answer_file, name="answer-file"),
    path(
        "submissions/<int:pk>/versions/<int:number>/",
        versions.version_detail,
        name="version-detail",
    ),
    path(
        "submissions/<int:pk>/versions/<int:number>/print/",
        versions.version_print,
        name="version-print",
    ),
    path(
        "submissions/<int:pk>/versions/<int:number>.pdf",
        versions.version_pdf,
        name="version-pdf",
    ),
    path(
        "submissions/<int:pk>/versions/<int:number>.json",
        versions.version_json,
        name="version-json",
    ),
    path(
        "submissions/<int:pk>/versions/<int:number>.xlsx",
        workbook.version_workbook,
        name="version-xlsx",
    ),
    path(
        "submissions/<int:pk>/versions/<int:number>/comments/",
        review.comment_add,
        name="comment-add",
    ),
    path("submissions/<int:pk>/<slug:action>/", review.submission_action, name="submission-action"),
]
