from django.urls import path

from cmsfamily.decisions.views import consultations as views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("add/", views.consultation_add, name="add"),
    path("<slug:slug>/", views.consultation_detail, name="detail"),
    path("<slug:slug>/paragraphs/<int:pk>/comment/", views.comment_add, name="comment"),
    path("<slug:slug>/comments/<int:pk>/resolve/", views.comment_resolve, name="resolve"),
    path("<slug:slug>/versions/add/", views.version_add, name="version-add"),
    path("<slug:slug>/v<int:number>/changes/", views.version_changes, name="changes"),
    path("<slug:slug>/compilation.<str:export_format>", views.compilation, name="compilation"),
    path("<slug:slug>/adopt/", views.adopt, name="adopt"),
]
