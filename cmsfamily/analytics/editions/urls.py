from django.urls import path

from cmsfamily.analytics.editions import views

app_name = "editions"

urlpatterns = [
    path("", views.index, name="index"),
    path("add/", views.add, name="add"),
    path("<int:pk>/", views.edition, name="edition"),
    path("<int:pk>/edition.pdf", views.edition_pdf, name="pdf"),
    path("<int:pk>/edition.docx", views.edition_docx, name="docx"),
    path("<int:pk>/generate/", views.generate, name="generate"),
    path("<int:pk>/status/", views.move, name="move"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/compare/", views.compare, name="compare"),
    path("<int:pk>/chapters/<slug:key>/", views.chapter, name="chapter"),
]
