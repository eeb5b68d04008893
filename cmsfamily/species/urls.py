from django.urls import path

from cmsfamily.species import views

app_name = "species"

urlpatterns = [
    path("", views.TaxonListView.as_view(), name="taxon-list"),
    path("table.csv", views.table_csv, name="table-csv"),
    path("import/", views.import_upload, name="import"),
    path("import/preview/", views.import_preview, name="import-preview"),
    path("<int:pk>/", views.taxon_detail, name="taxon-detail"),
]
