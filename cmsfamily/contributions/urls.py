from django.urls import path, reverse_lazy
from django.views.generic import RedirectView

from cmsfamily.contributions import views

app_name = "contributions"

urlpatterns = [
    path("", views.contribution_list, name="list"),
    path("add/", views.contribution_add, name="add"),
    path("<int:pk>/", views.contribution_detail, name="detail"),
    path("<int:pk>/edit/", views.contribution_edit, name="edit"),
    path("<int:pk>/correct/", views.contribution_correct, name="correct"),
    path("<int:pk>/validate/", views.contribution_validate, name="validate"),
    path("<int:pk>/history/", views.contribution_history, name="history"),
    path("<int:pk>/evidence/", views.contribution_evidence, name="evidence"),
    path("rules/", views.rule_list, name="rule-list"),
    path("rules/add/", views.rule_add, name="rule-add"),
    path("rules/<int:pk>/end/", views.rule_end, name="rule-end"),
    path("totals/", views.totals, name="totals"),
    path("assessed/", views.assessed_list, name="assessed"),
    path("assessed/set/", views.assessed_set, name="assessed-set"),
    path("assessed/<int:pk>/payments/add/", views.payment_add, name="payment-add"),
    path("organisations/<slug:slug>/", views.organisation_page, name="organisation"),
    path("donors/", views.donors, name="donors"),
    path("iati.xml", views.iati_activities, name="iati"),
    path("estimates/partner-work-2019/", views.scenario, name="scenario"),
    # The page's first address, kept for links made before it was named for what it is.
    path(
        "scenarios/seed-003/",
        RedirectView.as_view(url=reverse_lazy("contributions:scenario"), permanent=True),
        name="scenario-old",
    ),
    path("upload/", views.upload, name="upload"),
    path("upload/template.xlsx", views.upload_template, name="upload-template"),
]
