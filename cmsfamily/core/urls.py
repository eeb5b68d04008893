from django.urls import path

from cmsfamily.core import views
from cmsfamily.core.jobs import views as job_views

urlpatterns = [
    path("health/", views.health, name="health"),
    path("exchange-rates/", views.exchange_rate_list, name="exchange-rate-list"),
    path("exchange-rates/add/", views.exchange_rate_add, name="exchange-rate-add"),
    path("jobs/<uuid:pk>/", job_views.job_status, name="job"),
    path("jobs/<uuid:pk>/download", job_views.job_download, name="job-download"),
    path("jobs/<uuid:pk>/retry", job_views.job_retry, name="job-retry"),
]
